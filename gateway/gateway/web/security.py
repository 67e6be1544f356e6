"""Headers of every page (HTML) response.  The JSON API's own headers are set
apart; this only adds what a page needs: a strict Content-Security-Policy (no
inline script or style: behaviour lives in static/js/site.js, htmx's own
inline indicator style is turned off by its meta config), no framing, and no
caching of member pages.  A page with forms keeps a same-origin Referer:
Flask-WTF checks it on HTTPS."""
from gateway.web.sessions import is_page_request

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def page_headers(response):
    if not is_page_request():
        return response
    for name, value in PAGE_HEADERS.items():
        response.headers[name] = value
    # Every page carries a CSRF token of its session, and member pages private
    # data: none is kept by shared or browser caches (nor shown by Back after
    # logout).  Static files keep their own caching.
    response.headers["Cache-Control"] = "no-store"
    # One URL may answer a full page or an htmx fragment, per language and session.
    response.vary.update(("HX-Request", "Cookie", "Accept-Language"))
    return response


def init_app(app):
    app.after_request(page_headers)
