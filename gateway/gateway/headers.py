"""Security headers on every response of the gateway, set in this one place:
the API's defaults, and the web pages' own set.  A view that sets a header of
its own keeps it (static files their caching, say).

Every answer:
- ``X-Content-Type-Options: nosniff``: a browser takes each answer as the type
  it says (JSON stays JSON, never a script or a page).
- ``Cache-Control: no-store`` unless the view chose its own: the API's answers
  carry members' data or tokens, and every page a CSRF token of its session
  or a member's data; no shared or browser cache may keep them (nor show a
  page by Back after logout).
- ``Referrer-Policy: strict-origin-when-cross-origin``: other sites see only
  the origin, while the site's own pages still send the full same-origin
  ``Referer`` their CSRF check reads (``no-referrer`` would break it).
- ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``: nothing of ours
  is shown inside another site's frame (clickjacking).
- ``WWW-Authenticate: Bearer`` on every 401 (RFC 6750), with
  ``error="invalid_token"`` when the request carried a bearer token that was
  refused.

The API's JSON (and anything that is not a page) gets :data:`API_POLICY`: load
nothing, run nothing.  A page (gateway.web: every path outside /api, /static
and the health checks) gets :data:`PAGE_POLICY`: only this site's own
scripts, styles and images, no inline script or style (behaviour lives in
static/js/site.js; htmx's inline indicator style is turned off by its meta
config), forms posted only here (and, when Sign in with LinkedIn is set up,
to LinkedIn's origin: the sign-in button's POST is answered with a redirect
there, and browsers hold redirects after a form to ``form-action``); and ``Vary: HX-Request, Cookie,
Accept-Language``, since one URL may answer a full page or an htmx fragment,
per session and language.
"""

from gateway.auth import bearer_token
from gateway.web.sessions import is_page_request

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
REALM = "Mentor Network"

COMMON = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
)
API = COMMON + (("Content-Security-Policy", API_POLICY),)
PAGES = COMMON + (
    ("Content-Security-Policy", PAGE_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
PAGE_VARY = ("HX-Request", "Cookie", "Accept-Language")


def page_headers(form_origins=()):
    """The pages' headers, with ``form_origins`` added to ``form-action``."""
    if not form_origins:
        return PAGES
    policy = PAGE_POLICY.replace(
        "form-action 'self'", "form-action 'self' " + " ".join(form_origins)
    )
    return tuple(
        (name, policy if name == "Content-Security-Policy" else value) for name, value in PAGES
    )


def init_app(app):
    @app.after_request
    def _security_headers(response):
        headers = response.headers
        page = is_page_request()
        for name, value in app.extensions.get("page_headers", PAGES) if page else API:
            if name not in headers:
                headers[name] = value
        if page:
            response.vary.update(PAGE_VARY)
        if response.status_code == 401 and "WWW-Authenticate" not in headers:
            challenge = f'Bearer realm="{REALM}"'
            if bearer_token() is not None:
                challenge += ', error="invalid_token"'
            headers["WWW-Authenticate"] = challenge
        return response
