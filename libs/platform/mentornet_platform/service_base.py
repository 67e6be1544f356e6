"""What every service's class has, written once: the dependency providers of
the platform (correlation id, metrics, database, outbox relay), the dead-letter
RPCs and the ``health`` RPC.

A service's class inherits :class:`ServiceBase` and adds its own ``name``,
``event_inbox`` and entrypoints (nameko collects dependency providers and
entrypoints from base classes too).  Import this module, not the class, into a
service's module: ``nameko run`` takes every class with entrypoints it finds
in the module it runs for a service of its own.
"""

from typing import Any

from mentornet_platform.correlation import CorrelationId
from mentornet_platform.database import DatabaseProvider
from mentornet_platform.deadletters import DeadLetterEntrypoints
from mentornet_platform.metrics import Metrics
from mentornet_platform.outbox import OutboxRelay
from mentornet_platform.rpc import rpc


class ServiceBase(DeadLetterEntrypoints):  # + dead-letter RPCs
    name: str

    correlation_id = CorrelationId()
    metrics = Metrics()  # /metrics on METRICS_PORT, and the RPC calls' counts and times
    db = DatabaseProvider()
    outbox = OutboxRelay()

    @rpc
    def health(self) -> dict[str, Any]:
        self.db.ping()
        return {"service": self.name, "status": "ok"}
