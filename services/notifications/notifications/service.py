"""Notifications' nameko entrypoints: thin, each calls a plain domain function."""
from nameko.events import event_handler

from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.inbox import EventInbox
from mentornet_platform.outbox import OutboxRelay
from mentornet_platform.rpc import rpc
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
        "on_email_confirmation_requested": ("identity", members.send_email_confirmation),
        "on_password_reset_requested": ("identity", members.send_password_reset),
        "on_account_email_changed": ("identity", members.update_email),
        "on_account_deleted": ("identity", members.forget),
    })

    @rpc
    def health(self):
        self.db.ping()
        return {"service": self.name, "status": "ok"}

    @event_handler("identity", "account_registered", requeue_on_error=True)
    def on_account_registered(self, envelope):
        self.inbox.handle("on_account_registered", "identity", envelope)

    @event_handler("identity", "email_confirmation_requested", requeue_on_error=True)
    def on_email_confirmation_requested(self, envelope):
        self.inbox.handle("on_email_confirmation_requested", "identity", envelope)

    @event_handler("identity", "password_reset_requested", requeue_on_error=True)
    def on_password_reset_requested(self, envelope):
        self.inbox.handle("on_password_reset_requested", "identity", envelope)

    @event_handler("identity", "account_email_changed", requeue_on_error=True)
    def on_account_email_changed(self, envelope):
        self.inbox.handle("on_account_email_changed", "identity", envelope)

    @event_handler("identity", "account_deleted", requeue_on_error=True)
    def on_account_deleted(self, envelope):
        self.inbox.handle("on_account_deleted", "identity", envelope)
