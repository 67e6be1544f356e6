"""Sign In with LinkedIn using OpenID Connect: the protocol, done by Authlib.

Authlib makes the authorization request (with a fresh ``state`` and
``nonce`` kept in the page session), exchanges the code, and checks the ID
token: its signature against the provider's JWKS (fetched again when a key id
is unknown), ``iss`` against the discovery document's issuer, ``aud`` against
our client id, ``exp`` and ``iat``.  What is ours is only where LinkedIn
departs from the standard (README, "Sign in with LinkedIn"):

- no PKCE: LinkedIn answers ``invalid_client`` to ``code_challenge``, so none
  is sent (``code_challenge_method=None``);
- the client secret goes in the token request's body
  (``client_secret_post``), not in an Authorization header;
- some of its ID tokens carry no ``nonce``: a missing one passes (the
  ``state`` still binds the answer to this browser's session), a wrong one
  never does (``LinkedInIDToken``).

Without ``LINKEDIN_CLIENT_ID`` and ``LINKEDIN_CLIENT_SECRET`` none of this is
registered and the pages show no LinkedIn button.
"""

import logging
from urllib.parse import urlsplit

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oidc.core import CodeIDToken
from flask import current_app
from joserfc.errors import InvalidClaimError, JoseError
from requests import RequestException

from gateway import headers

log = logging.getLogger(__name__)

NAME = "linkedin"
SCOPES = "openid profile email"
DEFAULT_ISSUER = "https://www.linkedin.com/oauth"
# The claims LinkedIn gives (ID token and userinfo) that we keep.
CLAIMS = (
    "sub",
    "name",
    "given_name",
    "family_name",
    "picture",
    "locale",
    "email",
    "email_verified",
)


class SignInFailed(Exception):
    """The provider's answer was refused (state, code, token or claims)."""


class LinkedInIDToken(CodeIDToken):
    """LinkedIn leaves ``nonce`` out of some ID tokens: a missing nonce passes,
    a wrong one is refused as Authlib refuses it."""

    def validate_nonce(self):
        if "nonce" not in self:
            return
        expected = self.params.get("nonce")
        if not expected or self["nonce"] != expected:
            raise InvalidClaimError("nonce")


def init_app(app):
    client_id = app.config.get("LINKEDIN_CLIENT_ID")
    secret = app.config.get("LINKEDIN_CLIENT_SECRET")
    app.config["LINKEDIN_ENABLED"] = bool(client_id and secret)
    app.jinja_env.globals["linkedin_enabled"] = lambda: app.config["LINKEDIN_ENABLED"]
    if not app.config["LINKEDIN_ENABLED"]:
        return
    issuer = app.config.get("LINKEDIN_ISSUER") or DEFAULT_ISSUER
    # The sign-in buttons' POSTs are redirected to LinkedIn: the pages' CSP must allow it.
    parts = urlsplit(issuer)
    app.extensions["page_headers"] = headers.page_headers([f"{parts.scheme}://{parts.netloc}"])
    oauth = OAuth(app)  # one per app: its cached discovery document and keys are this app's
    app.extensions["linkedin_oauth"] = oauth
    oauth.register(
        NAME,
        client_id=client_id,
        client_secret=secret,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        code_challenge_method=None,  # LinkedIn refuses PKCE
        client_kwargs={
            "scope": SCOPES,
            "token_endpoint_auth_method": "client_secret_post",
            "default_timeout": app.config.get("LINKEDIN_TIMEOUT_SECONDS", 5),
        },
    )


def client():
    return current_app.extensions["linkedin_oauth"].create_client(NAME)


def authorize_redirect(redirect_uri):
    """The redirect to LinkedIn's authorization page; state and nonce are kept
    in the page session by Authlib (single-use: the callback pops them)."""
    return client().authorize_redirect(redirect_uri)


def finish():
    """The callback: the verified claims of the member LinkedIn sent back, or
    SignInFailed (any refusal: a wrong or reused state, a code the provider
    refuses, a token whose signature, issuer, audience, expiry or nonce is
    wrong).  The claims are the ID token's, completed by userinfo."""
    linkedin = client()
    try:
        token = linkedin.authorize_access_token(claims_cls=LinkedInIDToken, leeway=60)
    except (OAuthError, JoseError, RequestException, ValueError) as exc:
        log.info("LinkedIn sign-in refused: %s: %s", type(exc).__name__, exc)
        raise SignInFailed(str(exc)) from exc
    claims = token.get("userinfo")
    if claims is None:  # an answer without a verified ID token is no sign-in
        log.info("LinkedIn sign-in refused: no ID token")
        raise SignInFailed("no id_token")
    found = {name: claims.get(name) for name in CLAIMS}
    try:
        # Userinfo completes the names and photo; it never overrides the
        # token's subject (a different one is a refusal).
        extra = linkedin.userinfo(token=token)
    except (OAuthError, RequestException, ValueError) as exc:
        log.info("LinkedIn userinfo unavailable: %s", exc)
        extra = {}
    if extra.get("sub") not in (None, found["sub"]):
        raise SignInFailed("userinfo names another subject")
    for name in CLAIMS:
        if found[name] in (None, "") and extra.get(name) not in (None, ""):
            found[name] = extra[name]
    if not isinstance(found["sub"], str) or not found["sub"]:
        raise SignInFailed("no subject")
    found["email_verified"] = (
        found.get("email_verified") is True or found.get("email_verified") == "true"
    )
    return found
