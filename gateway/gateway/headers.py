"""Security headers on every response of the gateway: the defaults, set in this
one place.  A layer that sets a header of its own keeps it: the web pages set
theirs (their own Content-Security-Policy, which loads the site's scripts and
styles) in gateway/web/security.py, static files their own caching.

- ``X-Content-Type-Options: nosniff``: a browser takes each answer as the type
  it says (JSON stays JSON, never a script or a page).
- ``Cache-Control: no-store`` unless the view chose its own: the API's answers
  carry members' data or tokens, which no shared or browser cache may keep.
- ``Referrer-Policy: strict-origin-when-cross-origin``: other sites see only
  the origin, while the site's own pages still send the full same-origin
  ``Referer`` their CSRF check reads (``no-referrer`` would break it).
- ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``: nothing of ours
  is shown inside another site's frame (clickjacking).
- ``Content-Security-Policy``: :data:`API_POLICY` (load nothing, run nothing)
  for the API's JSON and anything else that does not state its own.
- ``WWW-Authenticate: Bearer`` on every 401 (RFC 6750), with
  ``error="invalid_token"`` when the request carried a bearer token that was
  refused.
"""
from gateway.auth import bearer_token

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
REALM = "Mentor Network"


def init_app(app):
    @app.after_request
    def _security_headers(response):
        headers = response.headers
        for name, value in (("X-Content-Type-Options", "nosniff"),
                            ("Referrer-Policy", "strict-origin-when-cross-origin"),
                            ("X-Frame-Options", "DENY"),
                            ("Content-Security-Policy", API_POLICY),
                            ("Cache-Control", "no-store")):
            if name not in headers:
                headers[name] = value
        if response.status_code == 401 and "WWW-Authenticate" not in headers:
            challenge = f'Bearer realm="{REALM}"'
            if bearer_token() is not None:
                challenge += ', error="invalid_token"'
            headers["WWW-Authenticate"] = challenge
        return response
