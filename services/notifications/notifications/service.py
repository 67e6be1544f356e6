"""Notifications' nameko entrypoints: thin, each calls a plain domain function."""
from nameko.events import event_handler
from mentornet_platform.rpc import rpc

from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.inbox import EventInbox
from mentornet_platform.outbox import OutboxRelay
from notifications import members
from notifications.mail import MailSenderProvider


class NotificationsService:
    name = "notifications"

    correlation_id = CorrelationId()
    db = DatabaseProvider()
    outbox = OutboxRelay()
    mail = MailSenderProvider()
    inbox = EventInbox({
        "on_account_registered": ("identity", members.welcome_new_member),
    })

    @rpc
    def health(self):
        self.db.ping()
        return {"service": self.name, "status": "ok"}

    @event_handler("identity", "account_registered", requeue_on_error=True)
    def on_account_registered(self, envelope):
        self.inbox.handle("on_account_registered", "identity", envelope)
