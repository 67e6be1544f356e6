"""The gateway's RPC client: nameko 2.14's AMQP RPC protocol over pika, safe to
share between threads, with no eventlet (the gateway is not monkey patched).

The protocol, as ``nameko.rpc`` speaks it: a request goes to the topic exchange
``nameko-rpc`` with the routing key ``<service>.<method>``, a body
``{"args": [], "kwargs": {...}}`` in kombu's JSON (so datetimes, dates, UUIDs
and Decimals arrive as themselves), a ``reply_to`` routing key and a
correlation id, and one ``nameko.<key>`` header per item of the caller's
context.  The service publishes ``{"result": ..., "error": ...}`` to the same
exchange with our ``reply_to`` as the routing key, so our reply queue is bound
there under its own name (RabbitMQ's direct reply-to cannot be used).

Why it is built this way:

- One connection per thread.  pika's ``BlockingConnection`` is not thread-safe
  and does I/O only when its thread calls into it, so every thread (waitress's)
  gets its own connection, channel and exclusive reply queue on first use: no
  locks on the way, and a reply can only reach the thread that waits for it.
  Made on first use, so after gunicorn forked; a connection inherited across a
  fork is forgotten, never used.  A reply with another correlation id (late,
  after a timeout) is dropped.
- A page's calls at once (:meth:`RpcClient.parallel`) go out one after another
  on the calling thread's own connection, each with its correlation id, and
  their replies are collected there as they come: the page costs about its
  slowest call, with no thread handing calls to other threads and no
  connection per call (a pool of threads did this before, at a cost the
  dashboard's benchmark measured in the gateway's CPU per page).
- A request no queue takes comes straight back (``mandatory`` and the broker's
  basic.return): a 503 within a millisecond.  Publisher confirms would add
  only a nack's 503 (a broker's internal error) and were measured at a fifth
  of sequential throughput: with pika's blocking channel each is a round trip.
- A request expires with its call (its ``expiration`` is the time left): a
  request that waited in a stopped service's durable queue would otherwise run
  long after the member was told it failed.
- No reply after ``unavailable_check_after`` seconds: the service's queue is
  asked for its consumers (and again every second or so).  None, or no queue:
  503 at once instead of at the timeout; consumers but no reply in time: 504.
- A publish on a connection the broker has closed is retried once on a new
  connection (the broker ignores frames after its close, so nothing runs
  twice); a connection idle longer than a heartbeat's worth is polled before
  publishing.  A connection lost while waiting for the reply is a 503, never a
  second request: the first may have run.
"""

import copy
import logging
import os
import threading
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pika
import pika.exceptions
from kombu.utils import json

log = logging.getLogger(__name__)

HEADER_PREFIX = "nameko."
EXCHANGE = "nameko-rpc"

# The connection's settings unless the AMQP URI's query string gives them: a
# connection attempt must fail in seconds, not hang a page.
CONNECTION_DEFAULTS = {
    "heartbeat": 60,
    "socket_timeout": 2.0,
    "stack_timeout": 3.0,
    "blocked_connection_timeout": 2.0,
    "connection_attempts": 1,
    "retry_delay": 0,
}
# A connection idle for longer is polled before a publish (see the docstring).
_IDLE_POLL_AFTER = 2.0
# What makes a connection or a channel unusable.
CONNECTION_ERRORS = (pika.exceptions.AMQPError, OSError, EOFError)


class RpcError(Exception):
    """Every error the client raises."""


class RemoteError(RpcError):
    """The service's method raised: its class name, dotted path, arguments
    (as strings) and ``str()``, as ``nameko.exceptions.serialize`` sends them."""

    def __init__(self, exc_type, value, exc_args=(), exc_path=None):
        self.exc_type = exc_type
        self.value = value
        self.exc_args = list(exc_args or ())
        self.exc_path = exc_path
        super().__init__(f"{exc_type} {value}")

    def __reduce__(self):
        return (type(self), (self.exc_type, self.value, self.exc_args, self.exc_path))


class ServiceUnavailable(RpcError):
    """The request could not be delivered, or no instance takes it (503)."""

    def __init__(self, service, reason=""):
        self.service = service
        self.reason = reason
        super().__init__(f"service {service!r} unavailable" + (f": {reason}" if reason else ""))

    def __reduce__(self):
        return (type(self), (self.service, self.reason))


class ServiceTimeout(RpcError):
    """The service runs but did not answer in time (504)."""

    def __init__(self, service, method, timeout):
        self.service = service
        self.method = method
        self.timeout = timeout
        super().__init__(f"{service}.{method} did not reply within {timeout:.3g}s")

    def __reduce__(self):
        return (type(self), (self.service, self.method, self.timeout))


class _Line:
    """One thread's connection, channel and reply queue, and the call it waits for."""

    def __init__(self, pid, generation):
        self.pid = pid
        self.generation = generation
        self.thread = threading.current_thread()
        self.connection = self.channel = self.check_channel = None
        self.reply_to = None
        # The calls in flight: correlation id -> their reply's body, None until here.
        self.waiting = {}
        self.returned = set()  # correlation ids whose request came back: no queue takes it
        self.last_used = 0.0

    def on_reply(self, channel, method, properties, body):
        if self.waiting.get(properties.correlation_id, b"") is None:
            self.waiting[properties.correlation_id] = body
        else:
            log.debug("dropped a late or unknown reply %s", properties.correlation_id)

    def on_return(self, channel, method, properties, body):
        if properties.correlation_id in self.waiting:
            self.returned.add(properties.correlation_id)

    def close(self):
        connection, self.connection = self.connection, None
        self.channel = self.check_channel = None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:  # broken already: nothing left to close
                pass


class RpcClient:
    """Calls nameko services; one per process, shared by its threads.

    ``amqp_uri``'s query string may set pika's connection parameters
    (``?heartbeat=10``); ``timeout`` is every call's default, and its request's
    time to live.
    """

    def __init__(
        self,
        amqp_uri,
        timeout=5.0,
        exchange=EXCHANGE,
        unavailable_check_after=0.25,
    ):
        if timeout <= 0:
            raise ValueError("timeout must be > 0")
        self.timeout = float(timeout)
        self.exchange = exchange
        self.unavailable_check_after = float(unavailable_check_after)
        self._parameters = pika.URLParameters(amqp_uri)
        given = parse_qs(urlsplit(amqp_uri).query)
        for name, value in CONNECTION_DEFAULTS.items():
            if name not in given:
                setattr(self._parameters, name, value)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._lines = set()  # every thread's line, for close()
        self._generation = 0  # close() moves it on: older lines are rebuilt

    # -- one call --------------------------------------------------------------
    def call(self, service, method, kwargs=None, timeout=None, context=None):
        """``service.method(**kwargs)``'s result; raises RemoteError,
        ServiceUnavailable or ServiceTimeout."""
        timeout = self.timeout if timeout is None else float(timeout)
        return self._call(service, method, kwargs, context, timeout, time.monotonic() + timeout)

    def _call(self, service, method, kwargs, context, timeout, deadline):
        result = self._calls({None: (service, method, kwargs)}, context, timeout, deadline)[None]
        if isinstance(result, Exception):
            raise result
        return result

    def _calls(self, calls, context, timeout, deadline):
        """``{name: (service, method, kwargs)}`` -> ``{name: result or error}``:
        every request published on this thread's line, then their replies
        collected there, all under ``deadline``."""
        results, pending = {}, {}  # correlation id -> (name, service, method, connection)
        line = self._line()
        for name, (service, method, kwargs) in calls.items():
            try:
                correlation_id, connection = self._publish(
                    line, service, method, kwargs, context, timeout, deadline
                )
            except (RpcError, TypeError) as exc:
                results[name] = exc
                continue
            pending[correlation_id] = (name, service, method, connection)
        try:
            for correlation_id, (name, service, _, connection) in list(pending.items()):
                if connection is not line.connection:
                    # published before a later publish had to connect again: its
                    # reply went to the old connection's queue
                    del pending[correlation_id]
                    results[name] = ServiceUnavailable(service, "connection lost before the reply")
            if pending:
                self._wait_for_replies(line, pending, results, timeout, deadline)
        except CONNECTION_ERRORS as exc:
            line.close()
            for name, service, _, _ in pending.values():
                results[name] = ServiceUnavailable(
                    service, f"connection lost while waiting for reply: {exc!r}"
                )
        finally:
            # a reply that comes later (after a timeout) is dropped
            line.waiting.clear()
            line.returned.clear()
            line.last_used = time.monotonic()
        return {name: results[name] for name in calls}

    def _publish(self, line, service, method, kwargs, context, timeout, deadline):
        """Publishes one request on ``line``; returns its correlation id and the
        connection its reply will come on."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise ServiceTimeout(service, method, timeout)
        correlation_id = uuid.uuid4().hex
        routing_key = f"{service}.{method}"
        properties = pika.BasicProperties(
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=1,  # transient: it expires anyway
            correlation_id=correlation_id,
            expiration=str(max(1, int(left * 1000 + 0.999))),
            headers={HEADER_PREFIX + k: v for k, v in (context or {}).items() if v is not None},
        )
        body = json.dumps({"args": [], "kwargs": kwargs or {}})
        for attempt in (1, 2):
            self._make_ready(line, service)
            properties.reply_to = line.reply_to
            line.waiting[correlation_id] = None
            try:
                line.channel.basic_publish(
                    self.exchange, routing_key, body, properties, mandatory=True
                )
                return correlation_id, line.connection
            except pika.exceptions.UnsupportedAMQPFieldException as exc:
                line.waiting.pop(correlation_id, None)
                line.close()
                raise TypeError(f"unsupported context value: {exc}") from None
            except CONNECTION_ERRORS as exc:
                line.waiting.pop(correlation_id, None)
                line.close()
                if attempt == 2:
                    raise ServiceUnavailable(service, f"publish failed: {exc!r}") from exc
                log.warning("AMQP publish failed (%r); retrying on a new connection", exc)
        raise AssertionError("unreachable")  # pragma: no cover

    def _make_ready(self, line, service):
        """Connect, or poll a connection that has been idle (it answers the
        broker's heartbeats and finds out whether the broker closed it)."""
        if line.connection is None or not line.connection.is_open:
            self._connect(line, service)
        elif time.monotonic() - line.last_used > _IDLE_POLL_AFTER:
            try:
                line.connection.process_data_events(0)
            except CONNECTION_ERRORS as exc:
                log.info("idle AMQP connection was lost (%r); reconnecting", exc)
                self._connect(line, service)

    def _connect(self, line, service):
        line.close()
        parameters = copy.copy(self._parameters)
        # Shown by `rabbitmqctl list_connections client_properties`.
        thread = threading.current_thread().name
        parameters.client_properties = {
            "connection_name": f"gateway-rpc pid={os.getpid()} thread={thread}"
        }
        try:
            connection = pika.BlockingConnection(parameters)
        except Exception as exc:
            raise ServiceUnavailable(service, f"cannot connect to broker: {exc!r}") from exc
        try:
            channel = connection.channel()
            channel.add_on_return_callback(line.on_return)
            # Declared as nameko declares it, so the reply binding works before
            # any service has started.
            channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
            queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
            channel.queue_bind(queue, self.exchange, routing_key=queue)
            channel.basic_consume(queue, line.on_reply, auto_ack=True, exclusive=True)
        except Exception as exc:
            try:
                connection.close()
            except Exception:
                pass
            raise ServiceUnavailable(service, f"cannot set up reply queue: {exc!r}") from exc
        line.connection, line.channel, line.reply_to = connection, channel, queue
        line.check_channel = None
        line.last_used = time.monotonic()

    def _wait_for_replies(self, line, pending, results, timeout, deadline):
        """Moves each of ``pending``'s calls into ``results`` as its reply comes
        (or its request comes back, its service has no consumer, the deadline
        passes)."""
        now = time.monotonic()
        check_at = {
            service: now + self.unavailable_check_after for _, service, _, _ in pending.values()
        }

        def settle(correlation_id, outcome):
            name = pending.pop(correlation_id)[0]
            line.waiting.pop(correlation_id, None)
            results[name] = outcome

        def collect():
            for correlation_id, (_, service, method, _) in list(pending.items()):
                body = line.waiting.get(correlation_id)
                if body is not None:
                    settle(correlation_id, _outcome(body, service))
                elif correlation_id in line.returned:
                    settle(
                        correlation_id,
                        ServiceUnavailable(service, f"no queue bound for '{service}.{method}'"),
                    )

        while True:
            collect()
            if not pending:
                return
            if line.channel.is_closed:
                for correlation_id, (_, service, _, _) in list(pending.items()):
                    settle(correlation_id, ServiceUnavailable(service, "channel closed by broker"))
                line.close()
                return
            if now >= deadline:
                for correlation_id, (_, service, method, _) in list(pending.items()):
                    settle(correlation_id, ServiceTimeout(service, method, timeout))
                return
            for service in {service for _, service, _, _ in pending.values()}:
                if now < check_at[service]:
                    continue
                if not self._has_consumers(line, service):
                    line.connection.process_data_events(0)  # did a reply just come?
                    collect()
                    for correlation_id, (_, waiting_on, _, _) in list(pending.items()):
                        if waiting_on == service:
                            settle(
                                correlation_id,
                                ServiceUnavailable(
                                    service, f"no running instance is consuming 'rpc-{service}'"
                                ),
                            )
                check_at[service] = time.monotonic() + max(1.0, 4 * self.unavailable_check_after)
            if not pending:
                return
            next_check = min(check_at[service] for _, service, _, _ in pending.values())
            line.connection.process_data_events(
                time_limit=max(0.0, min(deadline, next_check) - now)
            )
            now = time.monotonic()

    def _has_consumers(self, line, service):
        """Does anything consume ``rpc-<service>``?  False if the queue is gone."""
        if line.check_channel is None or not line.check_channel.is_open:
            line.check_channel = line.connection.channel()
        try:
            declared = line.check_channel.queue_declare(f"rpc-{service}", passive=True)
        except pika.exceptions.ChannelClosedByBroker as exc:
            line.check_channel = None
            if exc.reply_code == 404:
                return False
            log.warning("consumer check for rpc-%s failed: %r", service, exc)
            return True  # unknown: keep waiting, the timeout still bounds the call
        return declared.method.consumer_count > 0

    def _line(self):
        """This thread's line, made (again) when missing, closed by close(), or
        inherited across a fork; lines of threads that have ended are closed."""
        line = getattr(self._local, "line", None)
        pid = os.getpid()
        if line is not None and line.pid == pid and line.generation == self._generation:
            return line
        if line is not None:
            if line.pid == pid:
                line.close()
            # else: the socket is the parent's; never send on it, just forget it.
            with self._lock:
                self._lines.discard(line)
        line = self._local.line = _Line(pid, self._generation)
        with self._lock:
            ended = [other for other in self._lines if not other.thread.is_alive()]
            self._lines.difference_update(ended)
            self._lines.add(line)
        for other in ended:
            if other.pid == pid:
                other.close()
        return line

    # -- many calls at once ----------------------------------------------------
    def parallel(self, calls, timeout=None, context=None):
        """``{"name": (service, method, kwargs)}`` -> ``{"name": result or the
        error}``, all at once under one deadline: a page costs about its slowest
        call.  All go out on this thread's connection (see the module's notes)."""
        if not calls:
            return {}
        timeout = self.timeout if timeout is None else float(timeout)
        return self._calls(calls, context, timeout, time.monotonic() + timeout)

    # -- closing ---------------------------------------------------------------
    def close(self):
        """Close every thread's connection, with no call in flight (a
        worker's exit); later calls connect again."""
        with self._lock:
            self._generation += 1
            lines, self._lines = self._lines, set()
        pid = os.getpid()
        for line in lines:
            if line.pid == pid:
                line.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _outcome(body, service):
    """The reply's result, or the error it carries (or its being unreadable)."""
    try:
        return _result(body, service)
    except RpcError as exc:
        return exc


def _result(body, service):
    """The reply's result, or its error raised as a RemoteError."""
    try:
        reply = json.loads(body)
        error, result = reply.get("error"), reply.get("result")
    except Exception as exc:
        raise RpcError(f"malformed reply from {service!r}: {exc!r}") from exc
    if error:
        raise RemoteError(
            error.get("exc_type"),
            error.get("value"),
            error.get("exc_args") or (),
            error.get("exc_path"),
        )
    return result
