"""A service's Prometheus metrics and its own metrics endpoint (prometheus-client).

Counted as things happen (by the parts that do them):

- ``mentornet_rpc_handled_total{service, method, outcome}`` and
  ``mentornet_rpc_handling_seconds{service, method}``: every RPC call the
  service answered; ``outcome`` is ``ok``, ``refused`` (a DomainError: the
  caller's doing) or ``error`` (the service's fault);
- ``mentornet_events_handled_total{service, handler, outcome}`` and
  ``mentornet_event_handling_seconds{service, handler}``: every event
  delivered (``applied``, ``duplicate``, ``failed``: stored for a retry, or
  parked if it breaks its contract) (``event_inbox``);
- ``mentornet_event_retries_total{service, handler, outcome}`` (``done``,
  ``failed``, ``dead``) and ``mentornet_events_parked_total{service, handler}``
  (``event_inbox``);
- ``mentornet_outbox_published_total{service}`` (``outbox``);
- ``mentornet_mail_sent_total`` and ``mentornet_mail_failures_total{kind}``
  (notifications' mail sender).

Read from the database and the broker when Prometheus scrapes (each part
reports its own state through ``report_state``), so they are true even just
after a restart: ``mentornet_outbox_backlog``,
``mentornet_outbox_oldest_unsent_age_seconds``, ``mentornet_dead_letters``,
``mentornet_events_retrying``, ``mentornet_event_queue_consumers`` and
``..._messages`` (each subscriber's queue of the events this service
publishes), ``mentornet_mail_queue{status}`` and
``mentornet_mail_oldest_pending_age_seconds``.  The database's numbers are the
whole service's, so every instance of a service reports the same ones (take
``max by (service)``).

``Metrics`` (a DependencyProvider on every service) times the RPC workers and
serves ``/metrics`` on ``METRICS_PORT`` (empty: no endpoint) at
``METRICS_BIND`` (127.0.0.1 unless the operator opens it to the scraper: the
endpoint is never on a public port).
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

RPC_HANDLED = Counter(
    "mentornet_rpc_handled",
    "RPC calls answered, by outcome (ok, refused: a domain error, error: the service's fault)",
    ["service", "method", "outcome"],
)
RPC_SECONDS = Histogram(
    "mentornet_rpc_handling_seconds",
    "Time a service's worker took to answer an RPC call",
    ["service", "method"],
)
EVENTS_HANDLED = Counter(
    "mentornet_events_handled",
    "Events delivered to a handler, by outcome (applied, duplicate, failed)",
    ["service", "handler", "outcome"],
)
EVENT_SECONDS = Histogram(
    "mentornet_event_handling_seconds",
    "Time a delivered event took to handle (or to fail and be stored for a retry)",
    ["service", "handler"],
)
EVENT_RETRIES = Counter(
    "mentornet_event_retries",
    "Retries of failed events, by outcome (done, failed: retried again later, dead: parked)",
    ["service", "handler", "outcome"],
)
EVENTS_PARKED = Counter(
    "mentornet_events_parked",
    "Events parked as dead letters (out of attempts, or breaking their contract)",
    ["service", "handler"],
)
OUTBOX_PUBLISHED = Counter(
    "mentornet_outbox_published",
    "Outbox events published and routed by the broker",
    ["service"],
)


# -- state read at scrape time -----------------------------------------------
# (metric name, help, labels, value)
StateSample = tuple[str, str, dict[str, str], float]
StateSource = Callable[[], Iterable[StateSample]]
_state_sources: dict[Any, StateSource] = {}


def report_state(key: Any, source: StateSource) -> None:
    """Have ``source()`` (an iterable of ``(name, help, labels, value)``) read at
    each scrape; a part reporting under the same ``key`` again replaces it."""
    _state_sources[key] = source


def forget_state(key: Any) -> None:
    _state_sources.pop(key, None)


class _StateCollector:
    def describe(self) -> list[Any]:
        return []  # only known at scrape time

    def collect(self) -> list[GaugeMetricFamily]:
        families: dict[str, GaugeMetricFamily] = {}
        for key, source in list(_state_sources.items()):
            try:
                samples = list(source())
            except Exception as exc:
                # A missing number shows as absent (and alerts say so), never as 0.
                log.warning("metrics of %s not read: %s: %s", key, type(exc).__name__, exc)
                continue
            for name, documentation, labels, value in samples:
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(
                        name, documentation, labels=list(labels)
                    )
                family.add_metric([str(label) for label in labels.values()], float(value))
        return list(families.values())


REGISTRY.register(_StateCollector())


def queue_states(
    amqp_uri: str, queues: list[str], connect_timeout: float = 2
) -> dict[str, tuple[int, int]]:
    """``{queue: (messages, consumers)}`` of ``queues`` on the broker (a queue
    that does not exist yet has none of either)."""
    from kombu import Connection

    states: dict[str, tuple[int, int]] = {}
    with Connection(amqp_uri, connect_timeout=connect_timeout) as connection:
        channel = connection.channel()
        for queue in queues:
            try:
                _, messages, consumers = channel.queue_declare(queue=queue, passive=True)
            except connection.channel_errors:
                states[queue] = (0, 0)
                channel = connection.channel()  # the broker closed the one that asked
                continue
            states[queue] = (messages, consumers)
    return states


# -- the service's endpoint and its RPC workers' timing -------------------------
class Metrics(DependencyProvider):
    """Serves the process's metrics and counts the RPC calls it answers."""

    def setup(self) -> None:
        config = self.container.config
        self.service = self.container.service_name
        port = str(config.get("METRICS_PORT") or "").strip()
        self.port = int(port) if port else None
        self.bind = str(config.get("METRICS_BIND") or "127.0.0.1")
        self.server: Any = None
        self.started: dict[Any, float] = {}

    def start(self) -> None:
        if self.port is None:
            return
        try:
            self.server, _thread = start_http_server(self.port, addr=self.bind)
        except OSError as exc:
            # The service still works without its metrics; the scraper's `up`
            # alert tells the operator.
            log.error("metrics endpoint not started on %s:%s: %s", self.bind, self.port, exc)
            return
        log.info("metrics on http://%s:%s/metrics", self.bind, self.server.server_port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    kill = stop

    def worker_setup(self, worker_ctx: Any) -> None:
        if isinstance(worker_ctx.entrypoint, Rpc):
            self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self.started.pop(worker_ctx, None)
        if started is None:
            return
        method = worker_ctx.entrypoint.method_name
        if exc_info is None:
            outcome = "ok"
        elif isinstance(exc_info[1], worker_ctx.entrypoint.expected_exceptions):
            outcome = "refused"
        else:
            outcome = "error"
        RPC_HANDLED.labels(self.service, method, outcome).inc()
        RPC_SECONDS.labels(self.service, method).observe(time.perf_counter() - started)

    def worker_teardown(self, worker_ctx: Any) -> None:
        self.started.pop(worker_ctx, None)  # a worker that never reached its result
