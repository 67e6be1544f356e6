"""Thread-safe AMQP RPC client speaking nameko 2.14's RPC protocol (pika only).

The gateway runs in gunicorn's processes, waitress's threads answering requests, with *no*
eventlet monkey patching, so this module deliberately imports neither eventlet nor nameko: it is
plain pika + stdlib and talks the nameko wire protocol itself.

Wire protocol (as implemented by ``nameko.rpc`` / ``nameko.messaging``)
----------------------------------------------------------------------
* Request: published to the durable topic exchange ``nameko-rpc`` with routing
  key ``"{service}.{method}"``, JSON body ``{"args": [...], "kwargs": {...}}``,
  ``content_type=application/json``, ``reply_to`` (the routing key the service
  publishes the reply with, to the same exchange), ``correlation_id`` and one
  header ``"nameko.<key>"`` per context-data item (``None`` values dropped).
* Reply: published by the service to the same exchange, routing key =
  ``reply_to``, body ``{"result": ..., "error": null}`` or
  ``{"result": null, "error": {"exc_type", "exc_path", "exc_args", "value"}}``.
  Our reply queue is therefore bound to ``nameko-rpc`` with its own name as
  the binding key (nameko does not use the default exchange for replies, so
  RabbitMQ "direct reply-to" cannot be used).
* Values that kombu's JSON serializer wraps (datetime, date, time, Decimal,
  UUID, bytes -> ``{"__type__": ..., "__value__": ...}``) are encoded and
  decoded the same way, so both ends see native types.

Design
------
Thread-local connections
    pika's ``BlockingConnection`` is not thread-safe and only does I/O when the
    owning thread calls into it. Every thread therefore lazily gets its own
    connection, channel, exclusive auto-delete server-named reply queue and
    consumer. Nothing is shared between threads (no locks on the hot path, no
    reply demultiplexing: a reply can only reach the thread that owns the
    queue), and because the state is created on first use it is created after
    gunicorn forks; the owning pid is recorded and the state is rebuilt (never
    touched) if the pid changed. Each call sets the expected correlation id; a
    reply carrying any other id (a late reply to a call that timed out) is
    discarded. The hot path is one publish + waiting on the consumer: no
    per-call channel, queue or binding declarations.

Unroutable requests: ``mandatory`` + basic.return (no publisher confirms)
    Requests are published with ``mandatory=True``. If no queue is bound for
    ``service.*`` (service never started / its queue was deleted) RabbitMQ
    sends the message back (basic.return) on our channel right away; the
    return callback marks the pending call and the reply wait raises
    ``ServiceUnavailable`` within a millisecond or so. (A reply can only come
    from a routed request, so a return always beats it.)
    Publisher confirms (``confirm_delivery()``) were measured and *not* used
    by default: with pika's BlockingChannel a confirm makes every publish a
    synchronous round trip (one more wake-up and frame per call) and cost
    ~20-25 % of sequential throughput against a fast responder (about 100 us
    of client CPU per call on the 2-CPU dev box), while mandatory+return
    already gives the fast 503. What confirms would add (a nack, e.g. a queue
    overflow with reject-publish, or a broker internal error) ends up as a
    504 at the timeout instead. Set ``RpcClient.use_confirms = True`` (class
    or instance attribute, before the first call) to publish in confirm mode;
    unroutable requests then surface as pika's ``UnroutableError`` -> 503.
    Requests are *non-persistent* (``delivery_mode=1``): RPC requests are
    transient (they expire, see below) and a confirm for a persistent message
    on the durable request queue would wait for the disk.

Expiration
    Each request carries ``expiration`` = the call's timeout in ms. nameko's
    ``rpc-<service>`` queue is durable, so a request published while the
    service is stopped or saturated would otherwise sit there and run whenever
    a consumer appears, long after the caller got a 503/504 (for writes: a
    ghost side effect). With the TTL RabbitMQ discards it instead. (A request
    already delivered to a busy service worker still runs to completion.)

503 vs 504
    * broker unreachable / connection lost / request unroutable
      -> ``ServiceUnavailable`` (503).
    * no reply after ``unavailable_check_after`` seconds: a passive
      ``queue_declare`` of ``rpc-<service>`` on a second, lazily opened channel
      of the same connection reads the consumer count. 0 consumers, or the
      queue is gone -> ``ServiceUnavailable`` immediately (the request would
      only expire in the queue). Otherwise keep waiting; the check is repeated
      every ``max(1 s, 4 * unavailable_check_after)`` so a service that dies
      mid-call is noticed too.
    * consumers exist but no reply before ``timeout`` -> ``ServiceTimeout``
      (504). Every wait is bounded: connection establishment by socket/stack
      timeouts of a couple of seconds, the reply wait by ``timeout``.

Reconnects and heartbeats
    A connection/channel error while publishing drops the thread's connection
    and retries the publish once on a new one (a connection the broker closed
    or reset is detected while pika flushes the publish; the broker ignores
    frames after its connection.close, so the retry cannot duplicate the
    request). A connection failure while waiting for the
    reply raises ``ServiceUnavailable`` without re-sending (the request may
    have been delivered). Heartbeats (60 s unless the URI says otherwise) are
    only serviced while the thread is inside pika, so an idle thread's
    connection may have been closed by the broker; before publishing on a
    connection idle for more than a couple of seconds the client polls it
    (``process_data_events(0)``): that answers pending heartbeats, and a
    connection the broker already closed is detected and rebuilt before the
    request is sent.

``parallel``
    Runs calls concurrently in a lazily created (post-fork)
    ``ThreadPoolExecutor`` of ``max_parallel`` threads; each pool thread has
    its own thread-local connection like any other thread. The whole fan-out
    shares one deadline, so a page costs about its slowest call. Do not call
    ``parallel`` from inside a ``parallel`` worker.
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import decimal
import json
import logging
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as _wait_futures
from urllib.parse import parse_qs, urlsplit

import pika
import pika.exceptions as pex

__all__ = [
    "RpcError",
    "RemoteError",
    "ServiceUnavailable",
    "ServiceTimeout",
    "RpcClient",
]

log = logging.getLogger(__name__)

HEADER_PREFIX = "nameko"
RPC_QUEUE_TEMPLATE = "rpc-{}"

# Connection defaults, applied unless the AMQP URI's query string sets them.
_DEFAULT_URI_PARAMS = {
    "heartbeat": 60,
    "socket_timeout": 2.0,
    "stack_timeout": 3.0,
    "blocked_connection_timeout": 2.0,
    "connection_attempts": 1,
    "retry_delay": 0,
}

# Poll a connection that has been idle longer than this before publishing.
_IDLE_POLL_AFTER = 2.0

# Errors meaning "this connection/channel is unusable".
_CONN_ERRORS = (pex.AMQPError, OSError, EOFError)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class RpcError(Exception):
    """Base class of every error raised by :class:`RpcClient`."""


class RemoteError(RpcError):
    """The remote service method raised an exception.

    ``exc_type`` is the exception class name, ``exc_path`` its dotted import
    path on the service side, ``exc_args`` its (stringified) args and ``value``
    ``str(exc)``, exactly as serialized by ``nameko.exceptions.serialize``.
    """

    def __init__(self, exc_type, value, exc_args=(), exc_path=None):
        self.exc_type = exc_type
        self.value = value
        self.exc_args = list(exc_args or ())
        self.exc_path = exc_path
        super().__init__(f"{exc_type} {value}")

    def __reduce__(self):
        return (type(self), (self.exc_type, self.value, self.exc_args, self.exc_path))


class ServiceUnavailable(RpcError):
    """The call could not be delivered or no instance is consuming (-> 503)."""

    def __init__(self, service, reason=""):
        self.service = service
        self.reason = reason
        msg = f"service {service!r} unavailable"
        if reason:
            msg += ": " + reason
        super().__init__(msg)

    def __reduce__(self):
        return (type(self), (self.service, self.reason))


class ServiceTimeout(RpcError):
    """The service is running but did not reply within the timeout (-> 504)."""

    def __init__(self, service, method, timeout):
        self.service = service
        self.method = method
        self.timeout = timeout
        super().__init__(f"{service}.{method} did not reply within {timeout:.3g}s")

    def __reduce__(self):
        return (type(self), (self.service, self.method, self.timeout))


# --------------------------------------------------------------------------
# JSON compatible with kombu's serializer (used by nameko)
# --------------------------------------------------------------------------


def _wrap(kind, value):
    return {"__type__": kind, "__value__": value}


def _json_default(o):
    if isinstance(o, _dt.datetime):
        return _wrap("datetime", o.isoformat())
    if isinstance(o, _dt.date):
        return _wrap("date", o.isoformat())
    if isinstance(o, _dt.time):
        return _wrap("time", o.isoformat())
    if isinstance(o, decimal.Decimal):
        return _wrap("decimal", str(o))
    if isinstance(o, uuid.UUID):
        return _wrap("uuid", {"hex": o.hex})
    if isinstance(o, (bytes, bytearray)):
        try:
            return _wrap("bytes", bytes(o).decode("utf-8"))
        except UnicodeDecodeError:
            return _wrap("base64", base64.b64encode(bytes(o)).decode("ascii"))
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


_JSON_DECODERS = {
    "datetime": _dt.datetime.fromisoformat,
    "date": lambda v: _dt.datetime.fromisoformat(v).date(),
    "time": _dt.time.fromisoformat,
    "decimal": decimal.Decimal,
    "uuid": lambda v: uuid.UUID(**v),
    "bytes": lambda v: v.encode("utf-8"),
    "base64": lambda v: base64.b64decode(v.encode("ascii")),
}


def _json_object_hook(o):
    if len(o) == 2 and "__type__" in o and "__value__" in o:
        decoder = _JSON_DECODERS.get(o["__type__"])
        if decoder is not None:
            return decoder(o["__value__"])
    return o


_encode = json.JSONEncoder(default=_json_default, separators=(",", ":")).encode
_decode = json.JSONDecoder(object_hook=_json_object_hook).decode


# --------------------------------------------------------------------------
# Per-thread connection state
# --------------------------------------------------------------------------


class _ThreadConn:
    """One thread's connection, channel and reply queue. Owned by one thread."""

    __slots__ = (
        "pid",
        "gen",
        "thread",
        "connection",
        "channel",
        "reply_to",
        "check_channel",
        "pending",
        "reply",
        "returned",
        "last_used",
    )

    def __init__(self, pid, gen):
        self.pid = pid
        self.gen = gen
        self.thread = threading.current_thread()
        self.connection = None
        self.channel = None
        self.reply_to = None
        self.check_channel = None
        self.pending = None  # correlation id of the call in flight
        self.reply = None  # raw body of its reply, once received
        self.returned = False  # its request came back unroutable
        self.last_used = 0.0

    def on_reply(self, _channel, _method, properties, body):
        if self.pending is not None and properties.correlation_id == self.pending:
            self.reply = body
            self.pending = None
        else:
            log.debug("discarding stale/unknown reply %s", properties.correlation_id)

    def on_return(self, _channel, _method, properties, _body):
        if self.pending is not None and properties.correlation_id == self.pending:
            self.returned = True

    def close(self):
        conn, self.connection = self.connection, None
        self.channel = self.check_channel = None
        if conn is not None:
            try:
                if conn.is_open:
                    conn.close()
            except Exception:  # already broken: nothing more to do
                pass


# --------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------


class RpcClient:
    """Blocking nameko RPC client; safe to share between threads.

    See the module docstring for the design. ``use_confirms`` (default False)
    switches publisher confirms on (see "Unroutable requests" above).

    :param amqp_uri: e.g. ``amqp://guest:guest@localhost:5672/vhost``; pika URL
        query parameters (``heartbeat``, ``socket_timeout``...) override the
        client's defaults.
    :param timeout: default per-call timeout in seconds (also the request TTL).
    :param exchange: the nameko RPC exchange (nameko's ``rpc_exchange``).
    :param max_parallel: worker threads used by :meth:`parallel`.
    :param unavailable_check_after: seconds without a reply after which the
        target queue's consumer count is checked (``None`` disables it).
    """

    use_confirms = False

    def __init__(
        self,
        amqp_uri,
        timeout=5.0,
        exchange="nameko-rpc",
        max_parallel=16,
        unavailable_check_after=0.25,
    ):
        if timeout is None or timeout <= 0:
            raise ValueError("timeout must be > 0")
        self.amqp_uri = amqp_uri
        self.timeout = float(timeout)
        self.exchange = exchange
        self.max_parallel = int(max_parallel)
        self.unavailable_check_after = (
            None if unavailable_check_after is None else float(unavailable_check_after)
        )
        self._params = self._build_params(amqp_uri)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._states = set()  # every live _ThreadConn, for close()
        self._gen = 0  # bumped by close(): stale states rebuild
        self._executor = None
        self._executor_pid = None
        # worst case for one connection attempt (used to bound parallel())
        self._connect_bound = float(self._params.stack_timeout or 3.0)

    # ------------------------------------------------------------------ setup

    @staticmethod
    def _build_params(amqp_uri):
        params = pika.URLParameters(amqp_uri)
        given = set(parse_qs(urlsplit(amqp_uri).query))
        for key, value in _DEFAULT_URI_PARAMS.items():
            if key not in given:
                setattr(params, key, value)
        return params

    def _connect(self, st, service):
        """(Re)build ``st``'s connection. Raises ServiceUnavailable on failure."""
        st.close()
        params = copy.copy(self._params)
        # shows in `rabbitmqctl list_connections client_properties`
        params.client_properties = {
            "connection_name": f"gateway-rpc pid={os.getpid()} thread={threading.current_thread().name}"
        }
        try:
            conn = pika.BlockingConnection(params)
        except Exception as exc:
            raise ServiceUnavailable(service, f"cannot connect to broker: {exc!r}") from exc
        try:
            ch = conn.channel()
            if self.use_confirms:
                ch.confirm_delivery()
            ch.add_on_return_callback(st.on_return)
            # nameko services declare it identically; declaring it ourselves
            # lets the reply binding work before any service has started.
            ch.exchange_declare(self.exchange, exchange_type="topic", durable=True)
            queue = ch.queue_declare("", exclusive=True, auto_delete=True).method.queue
            ch.queue_bind(queue, self.exchange, routing_key=queue)
            ch.basic_consume(queue, st.on_reply, auto_ack=True, exclusive=True)
        except Exception as exc:
            try:
                conn.close()
            except Exception:
                pass
            raise ServiceUnavailable(service, f"cannot set up reply queue: {exc!r}") from exc
        st.connection, st.channel, st.reply_to = conn, ch, queue
        st.check_channel = None
        st.last_used = time.monotonic()

    def _state(self):
        st = getattr(self._local, "st", None)
        pid = os.getpid()
        if st is None or st.pid != pid or st.gen != self._gen:
            if st is not None:
                if st.pid == pid:
                    st.close()
                # else: inherited across fork; the socket belongs to the
                # parent, never send anything on it: just forget it.
                with self._lock:
                    self._states.discard(st)
            st = _ThreadConn(pid, self._gen)
            self._local.st = st
            with self._lock:
                # states of threads that have exited since (short-lived
                # threads, a shut-down pool) would keep a connection open
                dead = [s for s in self._states if not s.thread.is_alive()]
                self._states.difference_update(dead)
                self._states.add(st)
            for s in dead:
                if s.pid == pid:  # never touch a state inherited across fork
                    s.close()
        return st

    # ------------------------------------------------------------------- call

    def call(self, service, method, args=(), kwargs=None, timeout=None, context=None):
        """Call ``service.method(*args, **kwargs)`` and return its result.

        Raises :class:`RemoteError`, :class:`ServiceUnavailable` or
        :class:`ServiceTimeout` (all :class:`RpcError`).
        """
        timeout = self.timeout if timeout is None else float(timeout)
        return self._call(
            service, method, args, kwargs, context, timeout, time.monotonic() + timeout
        )

    def _call(self, service, method, args, kwargs, context, timeout, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ServiceTimeout(service, method, timeout)
        body = _encode({"args": list(args), "kwargs": kwargs or {}})
        headers = None
        if context:
            headers = {HEADER_PREFIX + "." + k: v for k, v in context.items() if v is not None}
        st = self._state()
        cid = uuid.uuid4().hex
        routing_key = service + "." + method
        expiration = str(max(1, int(remaining * 1000 + 0.999)))

        for attempt in (1, 2):
            if st.connection is None or not st.connection.is_open:
                self._connect(st, service)
            elif time.monotonic() - st.last_used > _IDLE_POLL_AFTER:
                try:
                    st.connection.process_data_events(0)
                except _CONN_ERRORS as exc:
                    log.info("idle AMQP connection was lost (%r); reconnecting", exc)
                    self._connect(st, service)
            props = pika.BasicProperties(
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=1,
                reply_to=st.reply_to,
                correlation_id=cid,
                expiration=expiration,
                headers=headers,
            )
            st.pending, st.reply, st.returned = cid, None, False
            try:
                st.channel.basic_publish(self.exchange, routing_key, body, props, mandatory=True)
                break
            except pex.UnroutableError:
                st.pending = None
                raise ServiceUnavailable(service, f"no queue bound for {routing_key!r}") from None
            except pex.NackError:
                st.pending = None
                raise ServiceUnavailable(service, "request nacked by broker") from None
            except pex.UnsupportedAMQPFieldException as exc:
                st.pending = None
                st.close()
                raise TypeError(f"unsupported context value: {exc}") from None
            except _CONN_ERRORS as exc:
                st.pending = None
                st.close()
                if attempt == 2:
                    raise ServiceUnavailable(service, f"publish failed: {exc!r}") from exc
                log.warning("AMQP publish failed (%r); retrying on a new connection", exc)

        try:
            body = self._wait_reply(st, service, method, timeout, deadline)
        except _CONN_ERRORS as exc:
            st.pending = None
            st.close()
            raise ServiceUnavailable(
                service, f"connection lost while waiting for reply: {exc!r}"
            ) from exc
        finally:
            st.last_used = time.monotonic()
        return self._parse_reply(body, service)

    def _wait_reply(self, st, service, method, timeout, deadline):
        conn = st.connection
        check_after = self.unavailable_check_after
        now = time.monotonic()
        check_at = None if check_after is None else now + check_after
        recheck = max(1.0, 4 * (check_after or 0))
        while st.reply is None:
            if st.returned:
                st.pending = None
                raise ServiceUnavailable(
                    service, "no queue bound for {!r}".format(service + "." + method)
                )
            if st.channel.is_closed:
                st.pending = None
                st.close()
                raise ServiceUnavailable(service, "channel closed by broker")
            if now >= deadline:
                st.pending = None  # a late reply will be discarded
                raise ServiceTimeout(service, method, timeout)
            if check_at is not None and now >= check_at:
                if not self._has_consumers(st, service):
                    conn.process_data_events(0)  # reply raced with the check?
                    if st.reply is not None:
                        break
                    st.pending = None
                    raise ServiceUnavailable(
                        service,
                        f"no running instance is consuming {RPC_QUEUE_TEMPLATE.format(service)!r}",
                    )
                check_at = time.monotonic() + recheck
            until = deadline if check_at is None else min(deadline, check_at)
            conn.process_data_events(time_limit=max(0.0, until - now))
            now = time.monotonic()
        body, st.reply = st.reply, None
        return body

    def _has_consumers(self, st, service):
        """Consumer count of ``rpc-<service>`` > 0? False if the queue is gone."""
        queue = RPC_QUEUE_TEMPLATE.format(service)
        ch = st.check_channel
        if ch is None or not ch.is_open:
            ch = st.check_channel = st.connection.channel()
        try:
            result = ch.queue_declare(queue, passive=True)
        except pex.ChannelClosedByBroker as exc:
            st.check_channel = None
            if exc.reply_code == 404:
                return False
            log.warning("consumer check for %s failed: %r", queue, exc)
            return True  # unknown: keep waiting, the timeout still bounds us
        return result.method.consumer_count > 0

    @staticmethod
    def _parse_reply(body, service):
        try:
            payload = _decode(body.decode("utf-8") if isinstance(body, bytes) else body)
            error = payload.get("error")
            result = payload.get("result")
        except Exception as exc:
            raise RpcError(f"malformed reply from {service!r}: {exc!r}") from exc
        if error:
            raise RemoteError(
                exc_type=error.get("exc_type"),
                value=error.get("value"),
                exc_args=error.get("exc_args") or (),
                exc_path=error.get("exc_path"),
            )
        return result

    # --------------------------------------------------------------- parallel

    def _get_executor(self):
        pid = os.getpid()
        ex = self._executor
        if ex is not None and self._executor_pid == pid:
            return ex
        with self._lock:
            if self._executor is None or self._executor_pid != pid:
                # an executor inherited across fork has no threads: drop it
                self._executor = ThreadPoolExecutor(
                    max_workers=self.max_parallel, thread_name_prefix="rpc-parallel"
                )
                self._executor_pid = pid
            return self._executor

    def parallel(self, calls, timeout=None, context=None):
        """Run ``{"name": (service, method, args, kwargs)}`` concurrently.

        Returns ``{"name": result or exception instance}``; errors are returned,
        not raised. All calls share one deadline (``timeout`` from now), so the
        cost is about that of the slowest call.
        """
        if not calls:
            return {}
        timeout = self.timeout if timeout is None else float(timeout)
        deadline = time.monotonic() + timeout
        executor = self._get_executor()
        futures = {}
        specs = {}
        for name, spec in calls.items():
            service, method = spec[0], spec[1]
            args = spec[2] if len(spec) > 2 and spec[2] is not None else ()
            kwargs = spec[3] if len(spec) > 3 else None
            specs[name] = (service, method)
            futures[name] = executor.submit(
                self._call, service, method, args, kwargs, context, timeout, deadline
            )
        # each call is bounded by the deadline plus (at most two) connection
        # attempts; this outer bound only guards against a starved pool.
        _wait_futures(list(futures.values()), timeout=timeout + 2 * self._connect_bound + 1.0)
        results = {}
        for name, fut in futures.items():
            if fut.done():
                exc = fut.exception()
                results[name] = exc if exc is not None else fut.result()
            else:
                fut.cancel()
                results[name] = ServiceTimeout(specs[name][0], specs[name][1], timeout)
        return results

    # ------------------------------------------------------------------ close

    def close(self):
        """Shut the pool down and close every thread's connection.

        Call it when no calls are in flight (e.g. worker exit). The client
        stays usable: later calls reconnect lazily.
        """
        with self._lock:
            executor, self._executor = self._executor, None
            pid, self._executor_pid = self._executor_pid, None
        if executor is not None and pid == os.getpid():
            executor.shutdown(wait=True)
        with self._lock:
            self._gen += 1
            states, self._states = self._states, set()
        me = os.getpid()
        for st in states:
            if st.pid == me:
                st.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
