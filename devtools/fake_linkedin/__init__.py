"""DEVELOPMENT AND TESTS ONLY: a small stand-in for LinkedIn's "Sign In with
LinkedIn using OpenID Connect".  Never deploy it: in production the gateway
talks to LinkedIn itself and needs only its settings.

It speaks LinkedIn's endpoints and claims, so the gateway's client cannot tell
it from the real provider: the discovery document under ``/oauth``, the
authorization page (``/oauth/v2/authorization``: a form where you type who
you are on LinkedIn, since there is no LinkedIn account to log in to), the
token endpoint (``/oauth/v2/accessToken``: the client secret in the body
only, PKCE refused with ``invalid_client``, each code single-use), userinfo
(``/v2/userinfo``), the JWKS (``/oauth/openid/jwks``) and a photo per member
(``/media/<sub>.png``).  ID tokens are RS256 JWTs signed with joserfc.

For the tests, ``POST /_fake/next-token`` with ``{"tamper": ...}`` makes the
next ID token wrong in one way (``forged``: signed with a key not in the
JWKS; ``expired``; ``wrong_nonce``; ``no_nonce``, as LinkedIn sometimes
sends; ``audience``: for another client), and ``GET /_fake/stats`` tells the
time spent answering the gateway's own calls, so a benchmark can leave the
provider's time out.

Run it with ``python -m devtools.fake_linkedin`` (``make run`` starts it when
no real LinkedIn is configured).
"""

import html
import io
import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey

DEFAULT_CLIENT_ID = "dev-linkedin-client"
DEFAULT_CLIENT_SECRET = "dev-linkedin-secret"
TAMPERS = ("forged", "expired", "wrong_nonce", "no_nonce", "audience")
CODE_SECONDS = 60


class FakeLinkedIn:
    """The provider's state: its signing key, the codes and access tokens it
    issued, and what the tests asked of the next token."""

    def __init__(self, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "fake-linkedin-1", "use": "sig", "alg": "RS256"}
        )
        self.codes = {}  # code -> (claims, nonce, redirect_uri, issued monotonic)
        self.tokens = {}  # access token -> claims
        self.next_tamper = None
        self.busy_seconds = 0.0  # time spent answering the relying party's own calls
        self.calls = 0
        self.lock = threading.Lock()

    def sign(self, claims, tamper=None):
        key = self.key
        if tamper == "forged":  # same key id, another key: the signature cannot verify
            key = RSAKey.generate_key(2048, parameters={"kid": self.key.kid})
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)


def create_app(provider=None):
    provider = provider or FakeLinkedIn()
    app = Flask(__name__)
    app.config["PROVIDER"] = provider

    def base():
        return request.host_url.rstrip("/")

    def issuer():
        return base() + "/oauth"

    @app.before_request
    def _start_clock():
        request.environ["fake_linkedin.started"] = time.perf_counter()

    @app.after_request
    def _count_time(response):
        # The gateway's server-side calls (discovery, token, userinfo, JWKS):
        # the part of a sign-in that is LinkedIn's, not ours.
        if not request.path.startswith(("/_fake", "/oauth/v2/authorization")):
            with provider.lock:
                provider.busy_seconds += (
                    time.perf_counter() - request.environ["fake_linkedin.started"]
                )
                provider.calls += 1
        return response

    @app.get("/oauth/.well-known/openid-configuration")
    def discovery():
        return jsonify(
            {
                "issuer": issuer(),
                "authorization_endpoint": base() + "/oauth/v2/authorization",
                "token_endpoint": base() + "/oauth/v2/accessToken",
                "userinfo_endpoint": base() + "/v2/userinfo",
                "jwks_uri": base() + "/oauth/openid/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email"],
                "claims_supported": [
                    "iss",
                    "aud",
                    "iat",
                    "exp",
                    "sub",
                    "name",
                    "given_name",
                    "family_name",
                    "picture",
                    "email",
                    "email_verified",
                    "locale",
                ],
                # As LinkedIn's: the secret in the body, and no PKCE advertised.
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }
        )

    @app.get("/oauth/openid/jwks")
    def jwks():
        return jsonify({"keys": [provider.key.as_dict(private=False)]})

    def _redirect_uri_allowed(uri):
        parts = urlsplit(uri or "")
        return parts.scheme in ("http", "https") and parts.hostname in ("localhost", "127.0.0.1")

    @app.route("/oauth/v2/authorization", methods=("GET", "POST"))
    def authorize():
        # The form's own fields when it is sent (what the page holds), else the query.
        args = request.form if request.method == "POST" else request.args
        if args.get("client_id") != provider.client_id or not _redirect_uri_allowed(
            args.get("redirect_uri")
        ):
            abort(400)
        if "code_challenge" in args:
            return "PKCE is not supported by this provider", 400
        if request.method == "GET":
            return _authorization_page(args)
        target = args["redirect_uri"]
        if args.get("action") != "allow":
            return redirect(
                target
                + "?"
                + urlencode({"error": "user_cancelled_login", "state": args.get("state", "")})
            )
        sub = args.get("sub") or secrets.token_urlsafe(8)
        claims = {
            "sub": sub,
            "given_name": args.get("given_name", ""),
            "family_name": args.get("family_name", ""),
            "email": args.get("email", ""),
            "email_verified": args.get("email_verified") == "true",
            "locale": {"country": "NL", "language": "nl"},
            "picture": base() + f"/media/{sub}.png" if args.get("picture") != "none" else None,
        }
        claims["name"] = f"{claims['given_name']} {claims['family_name']}".strip()
        code = secrets.token_urlsafe(24)
        with provider.lock:
            provider.codes[code] = (claims, args.get("nonce"), target, time.monotonic())
        return redirect(target + "?" + urlencode({"code": code, "state": args.get("state", "")}))

    @app.post("/oauth/v2/accessToken")
    def token():
        form = request.form
        if (
            request.authorization is not None
            or form.get("client_id") != provider.client_id
            or form.get("client_secret") != provider.client_secret
        ):
            # LinkedIn wants client_secret_post; a Basic header is no client.
            return jsonify(
                error="invalid_client", error_description="Client authentication failed"
            ), 401
        if "code_verifier" in form:
            return jsonify(error="invalid_client", error_description="PKCE is not supported"), 401
        with provider.lock:
            found = provider.codes.pop(form.get("code", ""), None)  # single-use
            tamper, provider.next_tamper = provider.next_tamper, None
        if (
            found is None
            or found[2] != form.get("redirect_uri")
            or time.monotonic() - found[3] > CODE_SECONDS
        ):
            return jsonify(
                error="invalid_grant",
                error_description="The authorization code is invalid or expired",
            ), 400
        claims, nonce, _, _ = found
        now = int(time.time())
        id_claims = {
            "iss": issuer(),
            "aud": provider.client_id,
            "iat": now,
            "exp": now + 3600,
            **{k: v for k, v in claims.items() if v is not None},
        }
        if nonce:
            id_claims["nonce"] = nonce
        if tamper == "expired":
            id_claims.update(iat=now - 7200, exp=now - 3600)
        elif tamper == "wrong_nonce":
            id_claims["nonce"] = "not-the-nonce-you-sent"
        elif tamper == "no_nonce":
            id_claims.pop("nonce", None)
        elif tamper == "audience":
            id_claims["aud"] = "another-client"
        access = secrets.token_urlsafe(32)
        with provider.lock:
            provider.tokens[access] = claims
        return jsonify(
            access_token=access,
            expires_in=5183999,
            scope="email,openid,profile",
            token_type="Bearer",
            id_token=provider.sign(id_claims, tamper),
        )

    @app.get("/v2/userinfo")
    def userinfo():
        header = request.headers.get("Authorization", "")
        claims = provider.tokens.get(header[7:]) if header.startswith("Bearer ") else None
        if claims is None:
            return jsonify(
                status=401,
                serviceErrorCode=65600,
                code="INVALID_ACCESS_TOKEN",
                message="Invalid access token",
            ), 401
        return jsonify({k: v for k, v in claims.items() if v is not None})

    @app.get("/media/<sub>.png")
    def picture(sub):
        return Response(_portrait(sub), mimetype="image/png")

    # -- test controls -------------------------------------------------------------
    @app.post("/_fake/next-token")
    def next_token():
        tamper = (request.get_json(silent=True) or {}).get("tamper")
        if tamper not in TAMPERS:
            abort(400)
        provider.next_tamper = tamper
        return jsonify(tamper=tamper)

    @app.get("/_fake/stats")
    def stats():
        return jsonify(busy_seconds=provider.busy_seconds, calls=provider.calls)

    return app


def _portrait(sub):
    """A plain square in a colour of its own per member (Pillow: dev only)."""
    from PIL import Image

    seed = sum(sub.encode()) % 200
    image = Image.new("RGB", (400, 400), (40 + seed, 90, 200 - seed // 2))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _authorization_page(args):
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in args.items()
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Fake LinkedIn (development only)</title></head><body><main>
<h1>Fake LinkedIn: development only</h1>
<p>This is not LinkedIn. Type who you are on LinkedIn and allow the Mentor Network to sign you in.</p>
<form method="post" action="/oauth/v2/authorization">{hidden}
<p><label for="sub">LinkedIn member id (sub)</label> <input id="sub" name="sub" value="{secrets.token_urlsafe(8)}"></p>
<p><label for="given_name">First name</label> <input id="given_name" name="given_name" value="Sanne"></p>
<p><label for="family_name">Last name</label> <input id="family_name" name="family_name" value="de Vries"></p>
<p><label for="email">E-mail</label> <input id="email" name="email" value="sanne@example.org"></p>
<p><label for="email_verified">E-mail verified</label>
<select id="email_verified" name="email_verified"><option>true</option><option>false</option></select></p>
<p><button name="action" value="allow">Allow</button> <button name="action" value="cancel">Cancel</button></p>
</form></main></body></html>"""


class ServerThread(threading.Thread):
    """The provider served from a thread (tests, benchmarks): ``.url``, ``.provider``, ``.stop()``."""

    def __init__(self, port=0, **kwargs):
        from werkzeug.serving import make_server

        super().__init__(daemon=True)
        self.provider = FakeLinkedIn(**kwargs)
        self.server = make_server("127.0.0.1", port, create_app(self.provider), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def run(self):
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()
