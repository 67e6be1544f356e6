"""The web pages: server-rendered, working without JavaScript, in English and Dutch.

Pages call the services through the same RPC client as the API
(``gateway.service_calls.call``) and keep no domain rules: a refused form
shows the owning service's own field errors, translated by code and message
(``gateway.web.messages``).  A page session is identity's session, its token
kept in the signed ``__Host-session`` cookie (``gateway.web.sessions``); every
form carries a CSRF token (Flask-WTF).  The JSON API under /api never reads
that cookie and is exempt from CSRF: it takes bearer tokens only.
"""

from flask_wtf.csrf import CSRFProtect

from gateway import console
from gateway.web import (
    accounts,
    dashboard,
    data_rights,
    i18n,
    inbox,
    linkedin,
    mentoring,
    notifications,
    onboarding,
    pages,
    photos,
    profile,
    relationship_ending,
    relationships,
    search,
    sessions,
    settings,
    toolbar,
)

csrf = CSRFProtect()

BLUEPRINTS = (
    pages.blueprint,
    accounts.blueprint,
    onboarding.blueprint,
    dashboard.blueprint,
    profile.blueprint,
    mentoring.blueprint,
    relationships.blueprint,
    relationship_ending.blueprint,
    inbox.blueprint,
    notifications.blueprint,
    settings.blueprint,
    data_rights.blueprint,
    search.blueprint,
    linkedin.blueprint,
    photos.blueprint,
    console.blueprint,
)


def init_app(app, api_blueprints):
    secure = app.config["PAGE_COOKIES_SECURE"]
    app.config.update(
        # __Host- needs Secure, Path=/ and no Domain; only plain-HTTP development on
        # a host other than localhost turns it off (README, "The web pages").
        SESSION_COOKIE_NAME="__Host-session" if secure else "session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        # The CSRF token lives as long as the page session, not by a clock: a form
        # left open over lunch still posts.  Login clears the session (new secret).
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(app)
    for blueprint in api_blueprints:
        csrf.exempt(blueprint)  # bearer tokens, never the cookie: nothing to forge
    i18n.init_app(app)
    sessions.init_app(app)
    toolbar.init_app(app)
    linkedin.init_app(app)
    photos.init_app(app)
    console.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
