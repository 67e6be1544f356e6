"""The transactional outbox and its relay (docs/architecture.md, section 4).

``record_event`` writes the event in the same transaction as the change it
announces, so a change is never saved without its event nor an event sent for
a change that rolled back.  ``OutboxRelay`` publishes what was recorded with
publisher confirms and the mandatory flag, and keeps an event until the broker
has confirmed it and routed it to at least one queue; while the broker is down
the events wait in the table and go out when it is back.  A consumer may see an
event twice (a crash between publish and mark), never zero times: handlers are
idempotent (see ``event_inbox``).
"""

import json
import logging
import threading
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import kombu
from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import PERSISTENT
from sqlalchemy import Connection, Engine, Row, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from mentornet_contracts.events import dump_payload, subscriptions_of, without_secrets
from mentornet_platform import correlation, metrics
from mentornet_platform.background import BackgroundLoop, Sleep
from mentornet_platform.database import shared_engine

log = logging.getLogger(__name__)

# Relays of this process, woken right after a commit that recorded events so
# an event does not wait for the next poll.
_wakeups: set[threading.Event] = set()


def record_event(
    session: Session, source: str, event_type: str, data: object, version: int = 1
) -> dict[str, Any]:
    """Add an event to the outbox inside ``session``'s transaction."""
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "version": version,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": dump_payload(source, event_type, version, data),
    }
    session.execute(
        text(
            "INSERT INTO outbox_events (event_id, event_type, version, envelope, correlation_id)"
            " VALUES (:event_id, :event_type, :version, CAST(:envelope AS jsonb), :correlation_id)"
        ),
        {
            "event_id": envelope["event_id"],
            "event_type": event_type,
            "version": version,
            "envelope": json.dumps(envelope),
            "correlation_id": correlation.current(),
        },
    )
    session.info["outbox_pending"] = True
    return envelope


@sa_event.listens_for(Session, "after_commit")
def _wake_relays(session: Session) -> None:
    if session.info.pop("outbox_pending", False):
        for wakeup in list(_wakeups):
            wakeup.set()


@sa_event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop("outbox_pending", None)


def event_exchange(source: str) -> Exchange:
    # Same declaration as nameko's own event exchange, so both can declare it.
    return Exchange(
        f"{source}.events", type="topic", durable=True, auto_delete=False, delivery_mode=PERSISTENT
    )


def declare_topology(amqp_uri: str, source: str) -> None:
    """Declare ``source``'s exchange and every subscriber's queue and binding.

    Queues are declared exactly as nameko's ``@event_handler`` declares them, so
    an event published before its consumer ever started waits in the queue.
    """
    exchange = event_exchange(source)
    with kombu.Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        exchange(channel).declare()
        for subscription in subscriptions_of(source):
            queue = Queue(
                subscription.queue_name,
                exchange=exchange,
                routing_key=subscription.type,
                durable=True,
                auto_delete=False,
                exclusive=False,
            )
            queue(channel).declare()


class Relay:
    """Publishes unpublished outbox rows; usable outside nameko (tests, tools)."""

    batch_size = 100

    def __init__(
        self, engine: Engine, amqp_uri: str, source: str, poll_seconds: float = 0.5
    ) -> None:
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.source = source
        self.poll_seconds = poll_seconds
        self.exchange = event_exchange(source)
        self.publisher = Publisher(
            amqp_uri,
            use_confirms=True,
            mandatory=True,
            retry=False,
            delivery_mode=PERSISTENT,
            serializer="json",
        )
        self.subscribed_types = {s.type for s in subscriptions_of(source)}
        self.wakeup = threading.Event()
        self.running = False
        self._topology_declared = False

    def relay_once(self) -> int:
        """Publish one batch; return how many events went out."""
        if not self._topology_declared:
            declare_topology(self.amqp_uri, self.source)
            self._topology_declared = True
        published: list[int] = []
        unroutable: list[int] = []
        with self.engine.connect() as connection:
            with connection.begin():
                rows = connection.execute(
                    text(
                        "SELECT id, event_type, envelope, correlation_id FROM outbox_events"
                        " WHERE published_at IS NULL AND next_attempt_at <= now()"
                        " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED"
                    ),
                    {"limit": self.batch_size},
                ).all()
                failure: Exception | None = None
                for row in rows:
                    headers: dict[str, str] = {}
                    if row.correlation_id:
                        headers["nameko.correlation_id"] = row.correlation_id
                    try:
                        self.publisher.publish(
                            row.envelope,
                            exchange=self.exchange,
                            routing_key=row.event_type,
                            headers=headers,
                        )
                        published.append(row.id)
                    except UndeliverableMessage:
                        if row.event_type in self.subscribed_types:
                            unroutable.append(row.id)
                        else:
                            # Nobody subscribes to this type (yet): nothing can be lost.
                            published.append(row.id)
                    except Exception as exc:  # broker gone: keep the rest for later
                        failure = exc
                        break
                if published:
                    connection.execute(
                        text(
                            "UPDATE outbox_events SET published_at = now(), attempts = attempts + 1"
                            " WHERE id = ANY(:ids)"
                        ),
                        {"ids": published},
                    )
                    self._drop_secrets(connection, [row for row in rows if row.id in published])
                if unroutable:
                    # No queue is bound: re-declare the subscribers and try again soon.
                    self._topology_declared = False
                    connection.execute(
                        text(
                            "UPDATE outbox_events SET attempts = attempts + 1,"
                            " next_attempt_at = now() + make_interval(secs => least(30, power(2, attempts)))"
                            ", last_error = 'unroutable: no queue bound' WHERE id = ANY(:ids)"
                        ),
                        {"ids": unroutable},
                    )
        if published:
            metrics.OUTBOX_PUBLISHED.labels(self.source).inc(len(published))
        if failure is not None:
            self._topology_declared = False
            raise failure
        return len(published)

    def state(self) -> Iterator[metrics.StateSample]:
        """The events not yet sent and the age of the oldest, and each subscriber's
        queue on the broker (its consumers and waiting messages), for the metrics."""
        with self.engine.connect() as connection:
            backlog, age = connection.execute(
                text(
                    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)"
                    " FROM outbox_events WHERE published_at IS NULL"
                )
            ).one()
        labels = {"service": self.source}
        yield ("mentornet_outbox_backlog", "Outbox events not yet published", labels, backlog)
        yield (
            "mentornet_outbox_oldest_unsent_age_seconds",
            "Age of the oldest outbox event not yet published (0: none waiting)",
            labels,
            age,
        )
        subscriptions = subscriptions_of(self.source)
        queues = metrics.queue_states(self.amqp_uri, [s.queue_name for s in subscriptions])
        for subscription in subscriptions:
            messages, consumers = queues[subscription.queue_name]
            labels = {
                "source": self.source,
                "event": subscription.type,
                "consumer": subscription.service,
                "queue": subscription.queue_name,
            }
            yield (
                "mentornet_event_queue_consumers",
                "Consumers on a subscriber's queue of this service's events (0: nobody handles them)",
                labels,
                consumers,
            )
            yield (
                "mentornet_event_queue_messages",
                "Events waiting in a subscriber's queue",
                labels,
                messages,
            )

    def _drop_secrets(self, connection: Connection, rows: Sequence[Row[Any]]) -> None:
        # The broker has the event now; a single-use link need not wait in our table.
        for row in rows:
            kept = without_secrets(self.source, row.envelope)
            if kept is not None:
                connection.execute(
                    text(
                        "UPDATE outbox_events SET envelope = CAST(:envelope AS jsonb) WHERE id = :id"
                    ),
                    {"envelope": json.dumps(kept), "id": row.id},
                )

    def run(self, sleep: Sleep) -> None:
        """Relay until ``stop()``; ``sleep`` is the green or plain sleep to back off with."""
        self.running = True
        _wakeups.add(self.wakeup)
        backoff = 0.1
        try:
            while self.running:
                try:
                    sent = self.relay_once()
                    backoff = 0.1
                except Exception as exc:
                    log.warning(
                        "outbox relay of %s cannot publish yet (%s: %s); retrying in %.1fs",
                        self.source,
                        type(exc).__name__,
                        exc,
                        backoff,
                    )
                    sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                if sent >= self.batch_size:
                    continue
                self.wakeup.wait(self.poll_seconds)
                self.wakeup.clear()
        finally:
            _wakeups.discard(self.wakeup)

    def stop(self) -> None:
        self.running = False
        self.wakeup.set()


class OutboxRelay(BackgroundLoop):
    """Runs the relay inside the service's container (one per instance; several
    instances share the work through ``FOR UPDATE SKIP LOCKED``)."""

    name = "outbox_relay"

    def make(self, config: dict[str, Any]) -> Relay:
        relay = Relay(
            shared_engine(config["DATABASE_URL"]),
            config.get("OUTBOX_AMQP_URI") or config["AMQP_URI"],
            self.container.service_name,
            poll_seconds=float(config.get("OUTBOX_POLL_SECONDS", 0.5)),
        )
        metrics.report_state(("outbox", self.container.service_name), relay.state)
        return relay
