"""The shape of every process's log lines, the gateway's and each service's.

A log line is read by the operators' log pipeline, so its fields are a
contract between every process and that pipeline, written here once:

- ``LOG_FORMAT=json``: one JSON object per line (python-json-logger) with
  ``time``, ``level``, ``service``, ``logger``, ``correlation_id`` (the
  caller's ``X-Request-ID``, or one made at the gateway; ``-`` outside any
  request or worker), ``event`` (what happened), ``exc_info`` with an error's
  traceback, and any ``extra`` a line carries (the gateway's access lines:
  ``status``, ``duration_ms`` ...);
- ``LOG_FORMAT=text``: ``time LEVEL service logger [correlation id] event``,
  for a person at a terminal;
- ``LOG_FORMAT=auto`` (the default): text when standard error is a terminal,
  JSON otherwise (a container, a file, a pipe).

The ``correlation_id`` attribute is set on each record by the process's own
filter (``gateway.request_ids.RequestIdFilter``,
``mentornet_platform.correlation.CorrelationFilter``).
"""

import logging
import os
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

FORMATS = ("auto", "json", "text")
TEXT = "%(asctime)s %(levelname)s {service} %(name)s [%(correlation_id)s] %(message)s"
JSON_FIELDS = "%(levelname)s %(name)s %(correlation_id)s %(message)s"
RENAMED = {"levelname": "level", "name": "logger", "message": "event"}


class NoCorrelation(logging.Filter):
    """For lines written outside any request or worker (gunicorn's own): ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = getattr(record, "correlation_id", "-")
        return True


def chosen_format(value: str | None = None, stream: Any = None) -> str:
    """``json`` or ``text``: ``value`` (else ``LOG_FORMAT``), ``auto`` deciding by
    whether ``stream`` (standard error) is a terminal."""
    choice = (value or os.environ.get("LOG_FORMAT") or "auto").strip().lower()
    if choice not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {choice!r}")
    if choice == "auto":
        stream = sys.stderr if stream is None else stream
        isatty = getattr(stream, "isatty", None)
        return "text" if isatty is not None and isatty() else "json"
    return choice


def formatter(service: str, format: str | None = None) -> logging.Formatter:
    """The formatter of ``service``'s log lines (a ``logging.config`` factory:
    ``(): mentornet_contracts.logs.formatter`` in a service's config.yaml)."""
    if chosen_format(format) == "text":
        return logging.Formatter(TEXT.format(service=service))
    return JsonFormatter(
        JSON_FIELDS,
        rename_fields=RENAMED,
        static_fields={"service": service},
        timestamp="time",  # ISO 8601, UTC
        json_ensure_ascii=False,
    )
