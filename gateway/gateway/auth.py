"""Who is calling: a session token (a bearer token, or the pages' session
cookie), checked by identity, and trusted for a while by each gateway process.

Asking identity on every request cost an RPC and a database read per page.  So
each gateway process keeps the answers it got (``SessionCache``), keyed by the
token's SHA-256, and trusts one without asking again for at most
``SESSION_CACHE_SECONDS`` (60), and never past what identity said was left of
the session: its absolute end, and its idle end less one activity report's
interval (so activity not yet reported never has to keep a session alive).

What keeps the cache true:

- **Endings.** Identity publishes ``session_ended`` (through its outbox) for
  every session that ends, whatever the reason: logout, password change or
  reset, account deleted, idle or expired.  Each process listens on its own
  exclusive, auto-deleted queue (``SessionEvents``, a thread with its own pika
  connection: no eventlet here) and forgets those sessions the moment the event
  arrives; ``account_language_changed`` likewise drops the member's cached
  language.  A logout or password change made through this process also
  forgets locally at once, before the event comes back.
- **Broker trouble.**  The cache answers only while the listener is known to
  be connected *and consuming*: every ``PING_SECONDS`` (0.25) it sends a ping
  through the broker to its own queue, and a ping coming back proves that
  every ending routed to the queue before it was sent has been handled (a
  queue is first in, first out).  An answer from the cache needs a ping back
  that was sent at most ``FRESH_SECONDS`` (1) ago, on the connection the entry
  was stored under (``generation``).  So a link that dies silently (a network
  partition, a frozen broker: no end of stream, heartbeats not yet missed)
  stops the cache within a second, and one that closes stops it at once: an
  ending is honoured by every process at most a second after it reached the
  broker, whatever happens to the link.
  While the connection is down (or not yet up, or bound but not yet pinged
  back) the process forgets everything it holds and trusts nothing: every
  request is checked with identity, as before.  A check that overlaps an
  ending (or a reconnection) is not trusted: answers are stored as trusted
  only if no event arrived and the connection did not change while identity
  was being asked (``epoch``).  Nor does the cache answer while anything from
  the broker waits to be handled (bytes unread in the socket, an end of
  stream not yet seen by the listener, frames read but not yet dispatched):
  an ending or a lost connection that has reached this process counts from
  that moment, not from when the listener thread gets the GIL.
- **The idle clock.** Requests answered from the cache are activity identity
  does not see; each process reports it in batches (``record_activity``, every
  ``SESSION_ACTIVITY_REPORT_SECONDS``: at most once a minute per session), so
  a member active in the last 30 minutes stays logged in.

An untrusted entry (past its trust, or kept while the broker was away) is
still a hint of whose token it is: the dashboard asks identity and the page's
services at once for such a token (``authenticated_parallel``), and uses the
results only if identity names the same member.
"""

import functools
import hashlib
import json
import logging
import os
import select
import threading
import time
from collections import OrderedDict

import pika
from flask import current_app, g, request

from gateway.errors import ApiError
from gateway.service_calls import call, call_parallel, rpc_client
from mentornet_contracts.events import GATEWAY_EVENT_QUEUES

log = logging.getLogger(__name__)

SESSIONS_KEPT = 10_000
PING_SECONDS = 0.25  # how often the listener proves its queue is consumed
FRESH_SECONDS = 1.0  # the cache answers only if a ping sent at most this long ago came back
RECONNECT_SECONDS = 10.0  # no ping back for this long on an open connection: connect again
HINT_SECONDS = 600  # an untrusted entry is dropped after this: a hint, not a credential
MEMBER_FIELDS = ("user_id", "username", "language")


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _required_token():
    token = bearer_token()
    if token is None:
        raise ApiError(
            401, "not_authenticated", "Log in first: send 'Authorization: Bearer <token>'."
        )
    return token


def digest(token):
    """The token's SHA-256, as identity stores it and names it in ``session_ended``."""
    return hashlib.sha256(token.encode()).hexdigest()


class _Entry:
    __slots__ = ("member", "trusted_until", "stored_at", "generation")

    def __init__(self, member, trusted_until, stored_at, generation):
        self.member, self.trusted_until, self.stored_at = member, trusted_until, stored_at
        self.generation = generation  # the listener's connection it was stored under


class SessionCache:
    """Identity's recent answers about session tokens, in one process; bounded.

    ``trust_seconds`` 0 trusts nothing (every request asks identity, as before
    the cache; the benchmark's old path)."""

    def __init__(
        self,
        trust_seconds=60.0,
        report_seconds=60.0,
        size=SESSIONS_KEPT,
        clock=time.monotonic,
        fresh_seconds=FRESH_SECONDS,
    ):
        self.trust_seconds, self.report_seconds = trust_seconds, report_seconds
        self.size, self.clock, self.fresh_seconds = size, clock, fresh_seconds
        self._entries = OrderedDict()  # digest -> _Entry
        self._by_member = {}  # user_id -> {digest}
        self._activity = {}  # digest -> clock() of its last request not yet reported
        self._lock = threading.Lock()
        self.listening = False  # our queue is bound to identity's endings
        self.epoch = 0  # bumped by every ending heard and every (dis)connection
        self.generation = 0  # bumped by every (dis)connection of the listener
        # clock() as of which every ending routed to our queue has been handled:
        # when the last ping that came back was sent (None: none yet on this connection)
        self.handled_as_of = None
        self.quiet = lambda: False  # nothing from the broker waits to be handled (SessionEvents)

    # -- asking --------------------------------------------------------------
    def trusted(self, token):
        """The member (user_id, username, language) if this process may answer
        for ``token`` without asking identity; counts as the session's activity."""
        key, now = digest(token), self.clock()
        if not self.quiet():  # first: an ending may be on its way in
            return None
        with self._lock:
            entry = self._entries.get(key)
            if (
                entry is None
                or not self.listening
                or entry.generation != self.generation
                or self.handled_as_of is None
                or now - self.handled_as_of > self.fresh_seconds
                or now >= entry.trusted_until
            ):
                return None
            self._activity[key] = now
            return dict(entry.member)

    def hint(self, token):
        """Whose token this was the last time identity said (trusted or not), or None."""
        with self._lock:
            entry = self._entries.get(digest(token))
        if entry is None or self.clock() - entry.stored_at > HINT_SECONDS:
            return None
        return entry.member["user_id"]

    # -- learning ------------------------------------------------------------
    def begin_check(self):
        """Call before asking identity; give the result to ``store``."""
        with self._lock:
            return self.epoch if self.listening else None

    def store(self, token, answer, began):
        """Keep identity's ``answer`` (authenticate's) for ``token``: trusted only
        if the whole check ran while we were listening and heard no ending."""
        key, now = digest(token), self.clock()
        member = {name: answer[name] for name in MEMBER_FIELDS}
        left = answer.get("session") or {}
        with self._lock:
            trusted_until = 0.0
            if (
                self.trust_seconds > 0
                and began is not None
                and began == self.epoch
                and self.listening
            ):
                trusted_until = now + min(
                    self.trust_seconds,
                    float(left.get("seconds_left", 0)),
                    float(left.get("idle_seconds_left", 0)) - self.report_seconds - 1,
                )
            old = self._entries.pop(key, None)
            if old is not None:
                self._unindex(key, old)
            self._entries[key] = _Entry(member, trusted_until, now, self.generation)
            self._by_member.setdefault(member["user_id"], set()).add(key)
            # identity has just seen this session: nothing of it is left to report
            self._activity.pop(key, None)
            while len(self._entries) > self.size:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._unindex(dropped_key, dropped)
        return member

    def _unindex(self, key, entry):
        keys = self._by_member.get(entry.member["user_id"])
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_member[entry.member["user_id"]]

    # -- forgetting ----------------------------------------------------------
    def forget(self, digests=(), user_id=None):
        """Sessions (by digest) and every session of ``user_id`` are no longer trusted."""
        with self._lock:
            self.epoch += 1
            keys = set(digests) | set(self._by_member.get(user_id, ()))
            for key in keys:
                entry = self._entries.pop(key, None)
                if entry is not None:
                    self._unindex(key, entry)
                self._activity.pop(key, None)

    def forget_token(self, token):
        self.forget([digest(token)])

    def set_listening(self, listening):
        """Our queue is bound (True) or the connection is gone (False: everything
        held is forgotten, since endings may be missed from now on).  Either
        way nothing is trusted until a ping comes back on this connection.
        Returns the connection's generation (for ``handled``)."""
        with self._lock:
            self.epoch += 1
            self.generation += 1
            self.listening = listening
            self.handled_as_of = None
            if not listening:
                self._entries.clear()
                self._by_member.clear()
            return self.generation

    def handled(self, sent_at, generation):
        """A ping sent at ``sent_at`` (``clock()``) on connection ``generation``
        came back: every ending routed to our queue before it is handled."""
        with self._lock:
            if generation == self.generation and self.listening:
                self.handled_as_of = max(self.handled_as_of or sent_at, sent_at)

    def __len__(self):
        return len(self._entries)

    # -- the idle clock --------------------------------------------------------
    def take_activity(self):
        """{digest: seconds since its last request} for the sessions answered
        from the cache since the last report; they are then reported."""
        now = self.clock()
        with self._lock:
            taken, self._activity = self._activity, {}
        return {key: round(now - at, 3) for key, at in taken.items()}

    def give_back_activity(self, seen):
        """A report that failed: its activity is sent with the next one."""
        now = self.clock()
        with self._lock:
            for key, ago in seen.items():
                at = now - ago
                if at > self._activity.get(key, float("-inf")):
                    self._activity[key] = at


class _CountedSocket:
    """pika's socket, counting its reads: frames read but not yet handled are
    known (``SessionEvents.quiet``)."""

    def __init__(self, sock, listener):
        self._sock, self._listener = sock, listener

    HEARTBEAT = b"\x08\x00\x00\x00\x00\x00\x00\xce"  # pika answers it; nothing to dispatch

    def recv(self, size):
        data = self._sock.recv(size)
        if data != self.HEARTBEAT:
            self._listener.reads += 1
        return data

    def __getattr__(self, name):
        return getattr(self._sock, name)


class SessionEvents(threading.Thread):
    """This process's own queue for identity's ``session_ended`` (and language
    changes): declared exclusive and auto-deleted, so it lives exactly as long
    as the connection; the cache trusts nothing while it is not bound."""

    def __init__(self, amqp_uri, cache, heartbeat=5, ping_seconds=PING_SECONDS):
        super().__init__(name="session-events", daemon=True)
        self.amqp_uri, self.cache, self.heartbeat = amqp_uri, cache, heartbeat
        self.ping_seconds = ping_seconds
        self.connection = self.socket = None
        self.reads = self.handled = 0
        self.backoff = 0.2
        self.generation = None
        self.pings = {}  # number -> clock() when sent, on this connection
        cache.quiet = self.quiet

    def quiet(self):
        """True when nothing from the broker waits: every read handled, and
        nothing (no event, no end of stream) unread in the socket."""
        sock = self.socket
        if sock is None or self.reads != self.handled:
            return False
        try:
            poll = select.poll()
            poll.register(sock.fileno(), select.POLLIN | select.POLLPRI)
            return not poll.poll(0)
        except (OSError, ValueError):  # closed meanwhile
            return False

    def run(self):
        while True:  # the process's life long (a daemon thread)
            try:
                self._consume()
            except Exception as exc:  # any failure: trust nothing until bound again
                log.warning(
                    "session events: connection lost (%s: %s); every request is "
                    "checked with identity until it is back (retry in %.1fs)",
                    type(exc).__name__,
                    exc,
                    self.backoff,
                )
            finally:
                self.cache.set_listening(False)
                self._close()
            time.sleep(self.backoff)
            self.backoff = min(self.backoff * 2, 5.0)

    def _consume(self):
        params = pika.URLParameters(self.amqp_uri)
        params.heartbeat = self.heartbeat
        params.socket_timeout = params.stack_timeout = 5
        params.blocked_connection_timeout = 5
        params.client_properties = {"connection_name": f"gateway-session-events pid={os.getpid()}"}
        self.connection = pika.BlockingConnection(params)
        # pika 1.4's transport keeps its socket here (pinned in requirements.txt)
        transport = self.connection._impl._transport
        transport._sock = _CountedSocket(transport._sock, self)
        channel = self.connection.channel()
        queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        for source, event_type in GATEWAY_EVENT_QUEUES:
            # as the services' relays declare it (mentornet_platform.outbox.event_exchange)
            channel.exchange_declare(f"{source}.events", exchange_type="topic", durable=True)
            channel.queue_bind(queue, f"{source}.events", routing_key=event_type)
        channel.basic_consume(queue, self._on_event, auto_ack=True, exclusive=True)
        self.handled = self.reads
        self.socket = transport._sock._sock
        self.pings = {}
        self.generation = self.cache.set_listening(True)
        log.info("session events: listening on %s", queue)
        self.backoff = 0.2  # bound again: the next loss retries soon
        number, clock = 0, self.cache.clock
        while True:
            number += 1
            self.pings[number] = clock()
            # Through the default exchange to our own queue, behind any ending
            # already in it: its return proves those were handled.
            channel.basic_publish(
                "", queue, b"", pika.BasicProperties(type="ping", message_id=str(number))
            )
            next_ping = clock() + self.ping_seconds
            while True:
                # returns once what arrived is dispatched (or at the next ping's time)
                self.connection.process_data_events(time_limit=max(0.0, next_ping - clock()))
                self.handled = self.reads
                if clock() >= next_ping:
                    break
            oldest = min(self.pings.values(), default=None)
            if oldest is not None and clock() - oldest > RECONNECT_SECONDS:
                # The connection looks open but nothing comes back: start again.
                raise ConnectionError(f"no ping back for {clock() - oldest:.1f}s")

    def _on_event(self, _channel, _method, properties, body):
        if properties.type == "ping":
            sent_at = self.pings.pop(int(properties.message_id), None)
            if sent_at is not None:
                for number in [n for n in self.pings if n < int(properties.message_id)]:
                    del self.pings[number]  # cannot come back after a later one
                self.cache.handled(sent_at, self.generation)
            return
        try:
            envelope = json.loads(body)
            data = envelope["data"]
            if envelope["type"] == "session_ended":
                self.cache.forget(data["sessions"], data["user_id"])
            else:
                self.cache.forget(user_id=data["user_id"])
        except Exception:  # a message we cannot read: trust nothing rather than guess
            log.exception("session events: unreadable event; forgetting every session")
            self.cache.set_listening(False)
            self.generation = self.cache.set_listening(True)

    def _close(self):
        self.socket = None
        connection, self.connection = self.connection, None
        try:
            if connection is not None and connection.is_open:
                connection.close()
        except Exception:
            pass


class ActivityReports(threading.Thread):
    """Reports the cache's activity to identity every ``report_seconds``."""

    def __init__(self, cache, client, report_seconds):
        super().__init__(name="session-activity", daemon=True)
        self.cache, self.client, self.report_seconds = cache, client, report_seconds

    def run(self):
        while True:
            time.sleep(self.report_seconds)
            seen = self.cache.take_activity()
            if not seen:
                continue
            try:
                self.client.call("identity", "record_activity", kwargs={"seen": seen})
            except Exception as exc:
                log.warning(
                    "session activity: report of %d sessions failed (%s); kept for the next",
                    len(seen),
                    exc,
                )
                self.cache.give_back_activity(seen)


def init_app(app):
    app.config.setdefault(
        "SESSION_CACHE_SECONDS", float(os.environ.get("SESSION_CACHE_SECONDS", "60"))
    )
    app.config.setdefault(
        "SESSION_ACTIVITY_REPORT_SECONDS",
        float(os.environ.get("SESSION_ACTIVITY_REPORT_SECONDS", "60")),
    )
    app.config.setdefault(
        "SESSION_EVENTS_AMQP_URI",
        os.environ.get("SESSION_EVENTS_AMQP_URI") or app.config["AMQP_URI"],
    )


_start_lock = threading.Lock()


def session_cache():
    """This process's cache; its listener and reporter threads start on first use
    (after gunicorn forked: threads do not survive a fork)."""
    extensions = current_app.extensions
    cache = extensions.get("session_cache")
    if cache is not None and extensions.get("session_cache_pid") == os.getpid():
        return cache
    with _start_lock:
        if extensions.get("session_cache_pid") != os.getpid():
            config = current_app.config
            cache = SessionCache(
                config["SESSION_CACHE_SECONDS"], config["SESSION_ACTIVITY_REPORT_SECONDS"]
            )
            if cache.trust_seconds > 0:
                SessionEvents(config["SESSION_EVENTS_AMQP_URI"], cache).start()
                ActivityReports(
                    cache, rpc_client(), config["SESSION_ACTIVITY_REPORT_SECONDS"]
                ).start()
            extensions["session_cache"] = cache
            extensions["session_cache_pid"] = os.getpid()
        return extensions["session_cache"]


def check_session(token):
    """The member ``token`` belongs to (user_id, username, language), from this
    process's cache or else from identity (whose NotAuthenticated is raised).
    The API's bearer tokens and the pages' session cookie both come here."""
    cache = session_cache()
    member = cache.trusted(token)
    if member is not None:
        return member
    began = cache.begin_check()
    try:
        answer = call("identity", "authenticate", token=token)
    except Exception:
        cache.forget_token(token)
        raise
    return cache.store(token, answer, began)


def forget_sessions_of(user_id):
    """After this process ended a member's sessions (a password change, deletion):
    forgotten here at once; other processes hear ``session_ended``."""
    session_cache().forget(user_id=user_id)


def _authenticated(token):
    member = check_session(token)
    g.member, g.token = member, token
    return member


def member_if_logged_in():
    """The caller's user_id when they send a token (a wrong one is a 401, not a
    silent visitor), or None for a visitor."""
    token = bearer_token()
    return None if token is None else _authenticated(token)["user_id"]


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        _authenticated(_required_token())
        return view(*args, **kwargs)

    return wrapper


def authenticated_parallel(calls_for):
    """Authenticate the caller and make ``calls_for(user_id)``'s calls (see
    ``call_parallel``): from the cache, no token check at all; for a token this
    process knows but no longer trusts, the check beside the calls; else in
    turn.  Sets ``g.member`` like ``login_required``; identity's error is raised."""
    token = _required_token()
    cache = session_cache()
    member = cache.trusted(token)
    if member is not None:
        g.member, g.token = member, token
        return call_parallel(calls_for(member["user_id"]))
    hinted = cache.hint(token)
    if hinted is None:
        member = _authenticated(token)
        return call_parallel(calls_for(member["user_id"]))
    began = cache.begin_check()
    results = call_parallel(
        {**calls_for(hinted), "_member": ("identity", "authenticate", {"token": token})}
    )
    answer = results.pop("_member")
    if isinstance(answer, Exception):
        cache.forget_token(token)
        raise answer
    member = cache.store(token, answer, began)
    g.member, g.token = member, token
    if member["user_id"] == hinted:
        return results
    # The hint was wrong (results for someone else): thrown away, asked again.
    return call_parallel(calls_for(member["user_id"]))
