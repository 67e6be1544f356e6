"""Mentoring's nameko entrypoints: thin, each calls a plain domain function."""
from nameko.events import event_handler

from mentoring import members
from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.inbox import EventInbox
from mentornet_platform.outbox import OutboxRelay
from mentornet_platform.rpc import rpc


class MentoringService:
    name = "mentoring"

    correlation_id = CorrelationId()
    db = DatabaseProvider()
    outbox = OutboxRelay()
    inbox = EventInbox({
        "on_account_registered": ("identity", members.enrol),
        "on_account_deleted": ("identity", members.forget),
    })

    @rpc
    def health(self):
        self.db.ping()
        return {"service": self.name, "status": "ok"}

    @event_handler("identity", "account_registered", requeue_on_error=True)
    def on_account_registered(self, envelope):
        self.inbox.handle("on_account_registered", "identity", envelope)

    @event_handler("identity", "account_deleted", requeue_on_error=True)
    def on_account_deleted(self, envelope):
        self.inbox.handle("on_account_deleted", "identity", envelope)
