"""The correlation id of the work in hand, for logs, RPC calls and events.

It arrives as nameko context data (``nameko.correlation_id`` header, set by the
gateway from ``X-Request-ID``), is kept in a context variable (greenlets each
have their own context, so concurrent workers do not mix them up), is written
onto every outbox event and is stamped on every log line.
"""

import contextvars
import logging
import uuid
from typing import Any

from nameko.extensions import DependencyProvider

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "correlation_id", default=None
)


def current() -> str | None:
    return _current.get()


def set_current(value: str | None) -> contextvars.Token[str | None]:
    return _current.set(value)


def reset(token: contextvars.Token[str | None]) -> None:
    _current.reset(token)


def new_id() -> str:
    return uuid.uuid4().hex


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = _current.get() or "-"
        return True


class CorrelationId(DependencyProvider):
    """Makes the caller's correlation id current for each worker.

    The id stays in ``worker_ctx.data`` so nameko passes it on to any RPC call
    or event the worker makes.
    """

    def worker_setup(self, worker_ctx: Any) -> None:
        correlation_id = worker_ctx.data.get("correlation_id") or new_id()
        worker_ctx.data["correlation_id"] = correlation_id
        _current.set(correlation_id)

    def get_dependency(self, worker_ctx: Any) -> str | None:
        correlation_id: str | None = worker_ctx.data.get("correlation_id")
        return correlation_id
