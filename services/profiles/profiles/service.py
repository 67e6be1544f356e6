"""Profiles' nameko entrypoints: thin, each calls a plain domain function."""
from nameko.events import event_handler
from mentornet_platform.rpc import rpc

from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.inbox import EventInbox
from mentornet_platform.outbox import OutboxRelay
from profiles import profiles


class ProfilesService:
    name = "profiles"

    correlation_id = CorrelationId()
    db = DatabaseProvider()
    outbox = OutboxRelay()
    inbox = EventInbox({
        "on_account_registered": ("identity", profiles.create_for_account),
    })

    @rpc
    def health(self):
        self.db.ping()
        return {"service": self.name, "status": "ok"}

    @rpc
    def get_profile(self, user_id, viewer_id):
        return profiles.get_profile(self.db, user_id, viewer_id)

    @event_handler("identity", "account_registered", requeue_on_error=True)
    def on_account_registered(self, envelope):
        self.inbox.handle("on_account_registered", "identity", envelope)
