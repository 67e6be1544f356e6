"""Identity's nameko entrypoints: thin, each calls a plain domain function."""
from nameko.events import event_handler
from mentornet_platform.rpc import rpc

from identity import accounts, handlers, usernames
from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.inbox import EventInbox
from mentornet_platform.outbox import OutboxRelay


class IdentityService:
    name = "identity"

    correlation_id = CorrelationId()
    db = DatabaseProvider()
    outbox = OutboxRelay()
    inbox = EventInbox({
        "on_profile_created": ("profiles", handlers.mark_profile_ready),
    })

    @rpc
    def health(self):
        self.db.ping()
        return {"service": self.name, "status": "ok"}

    @rpc
    def suggest_username(self, first_name, last_name):
        with self.db.transaction() as session:
            return usernames.suggest(session, first_name, last_name)

    @rpc
    def username_available(self, username):
        with self.db.transaction() as session:
            return not usernames.is_taken(session, username)

    @rpc
    def register_account(self, registration, idempotency_key=None):
        return accounts.register(self.db, registration, idempotency_key)

    @rpc
    def login(self, username, password):
        return accounts.login(self.db, username, password)

    @rpc
    def logout(self, token):
        accounts.logout(self.db, token)

    @rpc
    def authenticate(self, token):
        return accounts.authenticate(self.db, token)

    @rpc
    def get_onboarding(self, user_id):
        return accounts.get_onboarding(self.db, user_id)

    @event_handler("profiles", "profile_created", requeue_on_error=True)
    def on_profile_created(self, envelope):
        self.inbox.handle("on_profile_created", "profiles", envelope)
