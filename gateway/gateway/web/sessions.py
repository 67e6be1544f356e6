"""Page sessions: identity's server-side session, its token carried in the
signed Flask session cookie (``__Host-session``: Secure, HttpOnly,
SameSite=Lax, Path=/).  The token is checked like an API bearer token
(``gateway.auth.check_session``: this process's session cache, else identity,
which enforces the 30 min idle and 12 h limits); logout revokes the session
there and every gateway process forgets it, so an old copy of the cookie is
worth nothing.  The same cookie holds Flask-WTF's CSRF secret.
"""

import functools
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from gateway.auth import check_session, session_cache
from gateway.rpc import RemoteError, RpcError
from gateway.service_calls import call

TOKEN = "identity_token"


def is_page_request():
    path = request.path
    return not (path.startswith(("/api/", "/static/")) or path in ("/api", "/healthz", "/readyz"))


def _load_member():
    """Who is logged in on this page request (``g.member``)."""
    token = session.get(TOKEN)
    if not token or not is_page_request():
        return
    try:
        g.member = check_session(token)
    except RemoteError as exc:
        if exc.exc_type != "NotAuthenticated":
            raise
        # Ended, idle or expired in identity: the page session ends with it.
        session.clear()
    except RpcError as exc:
        # Identity is down: public pages still show (as to a visitor); member
        # pages answer 503 through member_required.
        g.member_unavailable = exc


def current_member():
    """The logged-in member of this page request ({user_id, username, language}), or None."""
    return g.get("member")


def log_in(token):
    """A new page session for identity's new session: the old Flask session (and
    its CSRF secret) is thrown away, so nothing from before the login survives."""
    earlier = session.get(TOKEN)
    if earlier:  # ended (a password change) or replaced: not trusted here any more
        session_cache().forget_token(earlier)
    session.clear()
    session[TOKEN] = token


def log_out():
    token = session.get(TOKEN)
    if token:
        call("identity", "logout", token=token)
        session_cache().forget_token(token)
    session.clear()


def safe_next(target, default):
    """Only a path on this site (no scheme, no host, not '//'): no open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


def member_required(view):
    """A member page: a visitor is sent to log in and brought back after."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("member_unavailable"):
            raise g.member_unavailable
        if not g.get("member"):
            return redirect(url_for("web_accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def init_app(app):
    app.before_request(_load_member)
    app.jinja_env.globals["current_member"] = current_member
