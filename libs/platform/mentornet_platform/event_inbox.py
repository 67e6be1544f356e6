"""The idempotent, retrying event consumer (docs/architecture.md, section 4).

nameko acks an event once its handler returns, even when the handler raised.
So the service's ``@event_handler`` only hands the envelope to ``Inbox.handle``,
which never lets a failure escape unrecorded:

- the handler's effect and a ``processed_events`` row are written in one
  transaction, so an event delivered twice has one effect;
- a failure is stored in ``failed_events`` (in its own transaction) before the
  message is acked, and retried with exponential back-off by a loop in the
  service; after ``EVENT_MAX_ATTEMPTS`` it is parked as ``dead`` for an operator
  to inspect and replay (``python -m mentornet_platform.deadletters``);
- if even that cannot be stored (the database is down), the handler raises and
  the entrypoint's ``requeue_on_error=True`` puts the message back on the queue.
"""

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from marshmallow import ValidationError
from nameko.events import EventHandler
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from mentornet_contracts.events import EnvelopeSchema, validate_payload, without_secrets
from mentornet_platform import correlation, metrics
from mentornet_platform.background import BackgroundLoop, Repeating
from mentornet_platform.broker import despite_a_lost_broker
from mentornet_platform.database import Database, shared_engine

log = logging.getLogger(__name__)


class PoisonEvent(Exception):
    """The event breaks its contract: retrying cannot help."""


# A handler: applies an event's payload in the session's transaction.
Handler = Callable[[Session, Any, dict[str, Any]], Any]


class Inbox(Repeating):
    """Applies events once each; retries failures in the background (``run``)."""

    def __init__(
        self,
        engine: Engine,
        handlers: dict[str, Handler],
        sources: dict[str, str],
        retry_base: float = 1.0,
        retry_max: float = 300.0,
        max_attempts: int = 8,
        service: str = "-",
    ) -> None:
        self.engine = engine
        self.service = service  # for the metrics' labels
        self.database = Database(engine)
        self.sources = sources
        self.handlers = handlers
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.max_attempts = max_attempts
        self.interval = min(1.0, retry_base)

    # -- live delivery -------------------------------------------------
    def handle(self, handler_name: str, source: str, envelope: Any) -> str:
        """Apply a freshly delivered event; returns "applied", "duplicate" or "failed"."""
        started = time.perf_counter()
        outcome = "failed"  # unless it is applied; also if even storing the failure fails
        try:
            outcome = self._handle(handler_name, source, envelope)
            return outcome
        finally:
            metrics.EVENTS_HANDLED.labels(self.service, handler_name, outcome).inc()
            metrics.EVENT_SECONDS.labels(self.service, handler_name).observe(
                time.perf_counter() - started
            )

    def _handle(self, handler_name: str, source: str, envelope: Any) -> str:
        try:
            result = self.apply(handler_name, source, envelope)
        except PoisonEvent as exc:
            self._record_failure(handler_name, envelope, exc, attempts=1, dead=True)
            metrics.EVENTS_PARKED.labels(self.service, handler_name).inc()
            return "failed"
        except Exception as exc:
            log.warning(
                "handler %s failed on event %s: %s",
                handler_name,
                envelope.get("event_id"),
                exc,
                exc_info=True,
            )
            self._record_failure(handler_name, envelope, exc, attempts=1)
            return "failed"
        return result

    def apply(self, handler_name: str, source: str, envelope: Any) -> str:
        """Apply an event once: its effect and its processed_events row in one
        transaction ("applied"), or nothing when that row exists ("duplicate")."""
        try:
            checked = EnvelopeSchema().load(envelope)
            data = validate_payload(source, checked["type"], checked["version"], envelope["data"])
        except (ValidationError, LookupError) as exc:
            raise PoisonEvent(f"event breaks its contract: {exc}") from exc
        function = self.handlers[handler_name]
        event_id = str(checked["event_id"])
        with self.database.transaction() as session:
            first_time = session.execute(
                text(
                    "INSERT INTO processed_events (event_id, handler) VALUES (:event_id, :handler)"
                    " ON CONFLICT DO NOTHING RETURNING event_id"
                ),
                {"event_id": event_id, "handler": handler_name},
            ).first()
            if first_time is None:  # nothing was written: the commit changes nothing
                log.info("event %s already processed by %s; skipped", event_id, handler_name)
                return "duplicate"
            function(session, data, envelope)
        return "applied"

    def _record_failure(
        self,
        handler_name: str,
        envelope: Any,
        exc: Exception,
        attempts: int,
        dead: bool = False,
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if not isinstance(envelope, dict):
            envelope = {"body": envelope}
        try:
            event_id = str(uuid.UUID(str(envelope.get("event_id"))))
        except ValueError:
            # No usable id: park it under one derived from its content.
            event_id = str(
                uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(envelope, default=str, sort_keys=True))
            )
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO failed_events (event_id, handler, envelope, correlation_id, status,"
                        " attempts, next_attempt_at, last_error)"
                        " VALUES (:event_id, :handler, CAST(:envelope AS jsonb), :correlation_id, :status,"
                        " :attempts, CASE WHEN :dead THEN NULL ELSE now() + make_interval(secs => :delay) END,"
                        " :error)"
                        " ON CONFLICT (event_id, handler) DO UPDATE SET"
                        " attempts = failed_events.attempts + 1, last_error = EXCLUDED.last_error,"
                        " updated_at = now()"
                    ),  # the status stays as it was (done stays done)
                    {
                        "event_id": event_id,
                        "handler": handler_name,
                        "envelope": json.dumps(envelope, default=str),
                        "correlation_id": correlation.current(),
                        "status": "dead" if dead else "retrying",
                        "attempts": attempts,
                        "dead": dead,
                        "delay": self._delay(attempts),
                        "error": error,
                    },
                )
        except Exception:
            # Cannot even store the failure: slow down, then let nameko requeue it.
            log.exception(
                "cannot store the failure of %s; the event will be requeued", handler_name
            )
            time.sleep(1)
            raise exc

    def _delay(self, attempts: int) -> float:
        return min(self.retry_max, self.retry_base * 2.0 ** (attempts - 1))

    # -- retries -------------------------------------------------------
    def retry_due(self, limit: int = 20) -> int:
        """Retry the failures whose time has come; returns how many were tried."""
        with self.engine.begin() as connection:
            # Lease the rows so another instance does not retry them too.
            due = connection.execute(
                text(
                    "UPDATE failed_events SET next_attempt_at = now() + interval '5 minutes'"
                    " WHERE id IN (SELECT id FROM failed_events WHERE status = 'retrying'"
                    " AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT :limit"
                    " FOR UPDATE SKIP LOCKED)"
                    " RETURNING id, handler, envelope, attempts, correlation_id"
                ),
                {"limit": limit},
            ).all()
        for row in due:
            token = correlation.set_current(row.correlation_id)
            try:
                source = self._source_of(row.handler)
                self.apply(row.handler, source, row.envelope)
            except Exception as exc:
                attempts = row.attempts + 1
                dead = attempts >= self.max_attempts or isinstance(exc, PoisonEvent)
                log.warning(
                    "retry %d of %s for event %s failed%s: %s",
                    attempts,
                    row.handler,
                    row.envelope.get("event_id"),
                    "; parked as dead" if dead else "",
                    exc,
                )
                metrics.EVENT_RETRIES.labels(
                    self.service, row.handler, "dead" if dead else "failed"
                ).inc()
                if dead:
                    metrics.EVENTS_PARKED.labels(self.service, row.handler).inc()
                with self.engine.begin() as connection:
                    connection.execute(
                        text(
                            "UPDATE failed_events SET attempts = :attempts, status = :status,"
                            " next_attempt_at = CASE WHEN :dead THEN NULL"
                            " ELSE now() + make_interval(secs => :delay) END,"
                            " last_error = :error, updated_at = now() WHERE id = :id"
                        ),
                        {
                            "attempts": attempts,
                            "status": "dead" if dead else "retrying",
                            "dead": dead,
                            "delay": self._delay(attempts),
                            "error": f"{type(exc).__name__}: {exc}"[:2000],
                            "id": row.id,
                        },
                    )
            else:
                # Done: a single-use link the event carried need not stay here.
                kept = without_secrets(source, row.envelope) or row.envelope
                with self.engine.begin() as connection:
                    connection.execute(
                        text(
                            "UPDATE failed_events SET attempts = attempts + 1, status = 'done',"
                            " next_attempt_at = NULL, updated_at = now(),"
                            " envelope = CAST(:envelope AS jsonb) WHERE id = :id"
                        ),
                        {"id": row.id, "envelope": json.dumps(kept)},
                    )
                log.info(
                    "event %s processed by %s on retry", row.envelope.get("event_id"), row.handler
                )
                metrics.EVENT_RETRIES.labels(self.service, row.handler, "done").inc()
            finally:
                correlation.reset(token)
        return len(due)

    def work(self) -> int:
        return self.retry_due()

    def state(self) -> Iterator[metrics.StateSample]:
        """The dead letters and the failures waiting for a retry, for the metrics."""
        with self.engine.connect() as connection:
            counts = {
                status: count
                for status, count in connection.execute(
                    text(
                        "SELECT status, count(*) FROM failed_events"
                        " WHERE status IN ('dead', 'retrying') GROUP BY status"
                    )
                ).all()
            }
        labels = {"service": self.service}
        yield (
            "mentornet_dead_letters",
            "Events parked as dead, waiting for an operator's replay",
            labels,
            counts.get("dead", 0),
        )
        yield (
            "mentornet_events_retrying",
            "Failed events waiting for their next retry",
            labels,
            counts.get("retrying", 0),
        )

    def _source_of(self, handler_name: str) -> str:
        return self.sources[handler_name]


class EventInbox(BackgroundLoop):
    """The service's inbox, retrying in the background: ``handlers`` maps a
    handler name to ``(source_service, function(session, data, envelope))``."""

    name = "event_retries"

    def __init__(self, handlers: dict[str, tuple[str, Handler]]) -> None:
        self.handlers = handlers

    def make(self, config: dict[str, Any]) -> Inbox:
        inbox = Inbox(
            shared_engine(config["DATABASE_URL"]),
            {name: function for name, (_, function) in self.handlers.items()},
            {name: source for name, (source, _) in self.handlers.items()},
            retry_base=float(config.get("EVENT_RETRY_BASE_SECONDS", 1)),
            retry_max=float(config.get("EVENT_RETRY_MAX_SECONDS", 300)),
            max_attempts=int(config.get("EVENT_MAX_ATTEMPTS", 8)),
            service=self.container.service_name,
        )
        metrics.report_state(("event_inbox", self.container.service_name), inbox.state)
        return inbox


class InboxEventHandler(EventHandler):
    """nameko's ``@event_handler``, except that an ack (or requeue) the broker
    is no longer there for is logged rather than allowed to kill the service:
    the unacknowledged event is delivered again, and the inbox skips it."""

    def handle_message_processed(
        self, message: Any, result: Any = None, exc_info: Any = None
    ) -> None:
        despite_a_lost_broker(
            lambda: super(InboxEventHandler, self).handle_message_processed(
                message, result, exc_info
            ),
            f"an event ({message.delivery_info.get('routing_key')}) was not acknowledged"
            " (delivered again; the inbox skips what it applied)",
        )


def event_entrypoints(service_cls: type[Any]) -> type[Any]:
    """Class decorator: one nameko event entrypoint per handler of the service's
    ``event_inbox`` (an EventInbox), named as the handler, ``on_<event type>``, which
    hands each delivered event to the inbox (idempotent, retried, parked).
    The inbox's table is then the one place a service lists what it consumes;
    tests/test_contracts.py checks it against the contracts' SUBSCRIPTIONS."""

    def entrypoint(name: str, source: str) -> Any:
        def handle(self: Any, envelope: Any) -> None:
            self.event_inbox.handle(name, source, envelope)

        handle.__name__ = handle.__qualname__ = name
        handle.__doc__ = f"{source}.{name[3:]} -> the inbox's {name} handler."
        # requeue_on_error: if even recording the failure fails, nameko requeues.
        return InboxEventHandler.decorator(source, name[3:], requeue_on_error=True)(handle)

    inbox: EventInbox = service_cls.event_inbox
    for name, (source, _) in inbox.handlers.items():
        if not name.startswith("on_"):
            raise ValueError(
                f"{service_cls.__name__}: inbox handler {name!r} must be on_<event type>"
            )
        if name in vars(service_cls):
            raise ValueError(f"{service_cls.__name__}: {name!r} is already defined")
        setattr(service_cls, name, entrypoint(name, source))
    return service_cls
