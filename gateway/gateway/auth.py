"""Who is calling: a bearer token checked by identity on every request."""
import functools

from flask import g, request

from gateway.errors import ApiError
from gateway.requests_context import call


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            raise ApiError(401, "not_authenticated",
                           "Log in first: send 'Authorization: Bearer <token>'.")
        g.member = call("identity", "authenticate", token=token)
        g.token = token
        return view(*args, **kwargs)
    return wrapper
