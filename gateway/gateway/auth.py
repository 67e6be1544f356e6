"""Who is calling: a bearer token checked by identity on every request.

A page that needs several services (the dashboard) would otherwise pay for the
token check and then for its own calls, one after the other.  So each gateway
process remembers, for a while, which member a token belonged to the last time
identity said so (a hint, never a credential), and for such a token asks
identity and the page's services at once.  Nothing reaches the client unless
identity accepts the token now and names the same member: a refused token's
hint is forgotten, and when identity names someone else the page's results
are thrown away, the hint corrected and the page asked for again.
"""
import functools
import hashlib
import threading
import time
from collections import OrderedDict

from flask import current_app, g, request

from gateway.errors import ApiError
from gateway.requests_context import call, call_parallel

HINTS_KEPT = 10_000
HINT_SECONDS = 600  # well under the 30-minute idle limit: stale hints are rare


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _required_token():
    token = bearer_token()
    if token is None:
        raise ApiError(401, "not_authenticated",
                       "Log in first: send 'Authorization: Bearer <token>'.")
    return token


class RecentSessions:
    """token digest -> (user_id, when identity last accepted it); bounded, per process."""

    def __init__(self, size=HINTS_KEPT, seconds=HINT_SECONDS):
        self.size, self.seconds = size, seconds
        self._hints = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(token):
        return hashlib.sha256(token.encode()).digest()

    def user_id_for(self, token):
        with self._lock:
            hint = self._hints.get(self._key(token))
        if hint is None or time.monotonic() - hint[1] > self.seconds:
            return None
        return hint[0]

    def remember(self, token, user_id):
        key = self._key(token)
        with self._lock:
            self._hints[key] = (user_id, time.monotonic())
            self._hints.move_to_end(key)
            while len(self._hints) > self.size:
                self._hints.popitem(last=False)

    def forget(self, token):
        with self._lock:
            self._hints.pop(self._key(token), None)


def recent_sessions():
    hints = current_app.extensions.get("recent_sessions")
    if hints is None:
        hints = current_app.extensions.setdefault("recent_sessions", RecentSessions())
    return hints


def _authenticated(token):
    member = call("identity", "authenticate", token=token)
    recent_sessions().remember(token, member["user_id"])
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
    ``call_parallel``); at once when this process knows the token, else in turn.
    Sets ``g.member`` like ``login_required``; an error of identity's is raised."""
    token = _required_token()
    hinted = recent_sessions().user_id_for(token)
    if hinted is not None:
        results = call_parallel({**calls_for(hinted),
                                 "_member": ("identity", "authenticate", {"token": token})})
        member = results.pop("_member")
        if isinstance(member, Exception):
            recent_sessions().forget(token)
            raise member
        recent_sessions().remember(token, member["user_id"])
        g.member, g.token = member, token
        if member["user_id"] == hinted:
            return results
        # The hint was wrong (results for someone else): thrown away, asked again.
        return call_parallel(calls_for(member["user_id"]))
    member = _authenticated(token)
    return call_parallel(calls_for(member["user_id"]))
