"""The Mentor Network gateway: a Flask app factory.

It holds no domain data: it authenticates, validates the shape of requests,
routes commands to the owning service over RPC and composes reads.  It serves
the JSON API (``gateway.api``, bearer tokens) and the web pages
(``gateway.web``, a session cookie and CSRF tokens).
"""

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import auth, errors, headers, linkedin, metrics, request_ids, request_input, web
from gateway.api import (
    accounts,
    admin,
    dashboard,
    health,
    mentoring,
    notifications,
    onboarding,
    openapi,
    profiles,
    search,
)
from mentornet_contracts import logs


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(
        AMQP_URI=os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/"),
        RPC_TIMEOUT_SECONDS=float(os.environ.get("RPC_TIMEOUT_SECONDS", "5")),
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only-secret-change-me"),
        TRUSTED_PROXY_HOPS=int(os.environ.get("TRUSTED_PROXY_HOPS", "0")),
        MAX_CONTENT_LENGTH=1024 * 1024,
        RPC_CALLS_HEADER=os.environ.get("RPC_CALLS_HEADER", "0") == "1",
        # Pages' cookies are Secure with the __Host- prefix; "0" only for plain-HTTP
        # development on a host other than localhost (browsers accept Secure
        # cookies on http://localhost and http://127.0.0.1).
        PAGE_COOKIES_SECURE=os.environ.get("PAGE_COOKIES_SECURE", "1") != "0",
        ALUMNI_OFFICE_URL=os.environ.get("ALUMNI_OFFICE_URL", ""),
        # Sign in with LinkedIn: without the client id and secret no LinkedIn
        # button is shown.  The issuer is LinkedIn's unless set (the fake one
        # in development: devtools/fake_linkedin).
        LINKEDIN_CLIENT_ID=os.environ.get("LINKEDIN_CLIENT_ID", ""),
        LINKEDIN_CLIENT_SECRET=os.environ.get("LINKEDIN_CLIENT_SECRET", ""),
        LINKEDIN_ISSUER=os.environ.get("LINKEDIN_ISSUER", "https://www.linkedin.com/oauth"),
        LINKEDIN_PICTURE_HOSTS=[
            host.strip()
            for host in os.environ.get("LINKEDIN_PICTURE_HOSTS", "media.licdn.com").split(",")
            if host.strip()
        ],
        # This site's address as members reach it: LinkedIn sends them back to
        # PUBLIC_BASE_URL/linkedin/callback, which must be registered there.
        PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000"),
    )
    app.config.update(config or {})
    auth.init_app(app)  # the session cache's settings (see gateway/auth.py)
    app.json.sort_keys = False  # answers keep the order they are built in (Flask 3)
    if app.config["TRUSTED_PROXY_HOPS"]:
        # The client's address is taken from X-Forwarded-For only as far back as
        # the operator's own proxies go; a client cannot choose it by sending one.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _configure_logging()
    metrics.init_app(app)  # first: its after-request hook runs last, on the final status
    request_ids.init_app(app)
    request_input.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    api_blueprints = (
        health.blueprint,
        openapi.blueprint,
        accounts.blueprint,
        onboarding.blueprint,
        profiles.blueprint,
        admin.blueprint,
        notifications.blueprint,
        mentoring.blueprint,
        dashboard.blueprint,
        search.blueprint,
    )
    for blueprint in api_blueprints:
        app.register_blueprint(blueprint)
    linkedin.init_app(app)
    web.init_app(app, api_blueprints)
    return app


def _configure_logging():
    root = logging.getLogger()
    if any(getattr(h, "_mentornet", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler._mentornet = True
    handler.addFilter(request_ids.RequestIdFilter())
    # JSON lines, or text at a terminal (LOG_FORMAT: mentornet_contracts.logs).
    handler.setFormatter(logs.formatter("gateway"))
    root.addHandler(handler)
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))
    logging.getLogger("pika").setLevel(logging.WARNING)
