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
  and does I/O only when its thread calls into it, so every thread (waitress's,
  and the pool of :meth:`RpcClient.parallel`) gets its own connection, channel
  and exclusive reply queue on first use: no locks on the way, and a reply can
  only reach the thread that waits for it.  Made on first use, so after
  gunicorn forked; a connection inherited across a fork is forgotten, never
  used.  A reply with another correlation id (late, after a timeout) is dropped.
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
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
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
        self.waiting_for = None  # the correlation id of the call in flight
        self.reply = None  # its reply's body, once here
        self.returned = False  # its request came back: no queue takes it
        self.last_used = 0.0

    def on_reply(self, channel, method, properties, body):
        if self.waiting_for is not None and properties.correlation_id == self.waiting_for:
            self.reply, self.waiting_for = body, None
        else:
            log.debug("dropped a late or unknown reply %s", properties.correlation_id)

    def on_return(self, channel, method, properties, body):
        if self.waiting_for is not None and properties.correlation_id == self.waiting_for:
            self.returned = True

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
    time to live; ``max_parallel`` is the size of :meth:`parallel`'s pool.
    """

    def __init__(
        self,
        amqp_uri,
        timeout=5.0,
        exchange=EXCHANGE,
        max_parallel=16,
        unavailable_check_after=0.25,
    ):
        if timeout <= 0:
            raise ValueError("timeout must be > 0")
        self.timeout = float(timeout)
        self.exchange = exchange
        self.max_parallel = int(max_parallel)
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
        self._pool = None
        self._pool_pid = None

    # -- one call --------------------------------------------------------------
    def call(self, service, method, kwargs=None, timeout=None, context=None):
        """``service.method(**kwargs)``'s result; raises RemoteError,
        ServiceUnavailable or ServiceTimeout."""
        timeout = self.timeout if timeout is None else float(timeout)
        return self._call(service, method, kwargs, context, timeout, time.monotonic() + timeout)

    def _call(self, service, method, kwargs, context, timeout, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise ServiceTimeout(service, method, timeout)
        line = self._line()
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
            line.waiting_for, line.reply, line.returned = correlation_id, None, False
            try:
                line.channel.basic_publish(
                    self.exchange, routing_key, body, properties, mandatory=True
                )
                break
            except pika.exceptions.UnsupportedAMQPFieldException as exc:
                line.waiting_for = None
                line.close()
                raise TypeError(f"unsupported context value: {exc}") from None
            except CONNECTION_ERRORS as exc:
                line.waiting_for = None
                line.close()
                if attempt == 2:
                    raise ServiceUnavailable(service, f"publish failed: {exc!r}") from exc
                log.warning("AMQP publish failed (%r); retrying on a new connection", exc)
        try:
            reply = self._wait_for_reply(line, service, method, timeout, deadline)
        except CONNECTION_ERRORS as exc:
            line.waiting_for = None
            line.close()
            raise ServiceUnavailable(
                service, f"connection lost while waiting for reply: {exc!r}"
            ) from exc
        finally:
            line.last_used = time.monotonic()
        return _result(reply, service)

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

    def _wait_for_reply(self, line, service, method, timeout, deadline):
        now = time.monotonic()
        check_at = now + self.unavailable_check_after
        while line.reply is None:
            if line.returned:
                line.waiting_for = None
                raise ServiceUnavailable(service, f"no queue bound for '{service}.{method}'")
            if line.channel.is_closed:
                line.waiting_for = None
                line.close()
                raise ServiceUnavailable(service, "channel closed by broker")
            if now >= deadline:
                line.waiting_for = None  # its reply, if it comes, is dropped
                raise ServiceTimeout(service, method, timeout)
            if now >= check_at:
                if not self._has_consumers(line, service):
                    line.connection.process_data_events(0)  # did the reply just come?
                    if line.reply is not None:
                        break
                    line.waiting_for = None
                    raise ServiceUnavailable(
                        service, f"no running instance is consuming 'rpc-{service}'"
                    )
                check_at = time.monotonic() + max(1.0, 4 * self.unavailable_check_after)
            line.connection.process_data_events(time_limit=max(0.0, min(deadline, check_at) - now))
            now = time.monotonic()
        reply, line.reply = line.reply, None
        return reply

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
        call.  Not to be called from inside a parallel call."""
        if not calls:
            return {}
        timeout = self.timeout if timeout is None else float(timeout)
        deadline = time.monotonic() + timeout
        pool = self._parallel_pool()
        futures = {
            name: pool.submit(self._call, service, method, kwargs, context, timeout, deadline)
            for name, (service, method, kwargs) in calls.items()
        }
        # Each call is bounded by the deadline and two connection attempts; this
        # outer bound only guards against a starved pool.
        connect_bound = float(self._parameters.stack_timeout or 3.0)
        wait_for_futures(futures.values(), timeout=timeout + 2 * connect_bound + 1.0)
        results = {}
        for name, future in futures.items():
            if future.done():
                results[name] = future.exception() or future.result()
            else:
                future.cancel()
                service, method, _ = calls[name]
                results[name] = ServiceTimeout(service, method, timeout)
        return results

    def _parallel_pool(self):
        pid = os.getpid()
        with self._lock:
            # A pool inherited across a fork has no threads: make another.
            if self._pool is None or self._pool_pid != pid:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.max_parallel, thread_name_prefix="rpc-parallel"
                )
                self._pool_pid = pid
            return self._pool

    # -- closing ---------------------------------------------------------------
    def close(self):
        """Close the pool and every thread's connection, with no call in
        flight (a worker's exit); later calls connect again."""
        with self._lock:
            pool, self._pool = self._pool, None
            pool_pid, self._pool_pid = self._pool_pid, None
            self._generation += 1
            lines, self._lines = self._lines, set()
        pid = os.getpid()
        if pool is not None and pool_pid == pid:
            pool.shutdown(wait=True)
        for line in lines:
            if line.pid == pid:
                line.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


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
