"""Mentoring's nameko entrypoints."""
from mentornet_platform.rpc import rpc

from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.outbox import OutboxRelay


class MentoringService:
    name = "mentoring"

    correlation_id = CorrelationId()
    db = DatabaseProvider()
    outbox = OutboxRelay()

    @rpc
    def health(self):
        self.db.ping()
        return {"service": self.name, "status": "ok"}
