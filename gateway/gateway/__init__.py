"""The Mentor Network gateway: a Flask app factory.

It holds no domain data: it authenticates, validates the shape of requests,
routes commands to the owning service over RPC and composes reads.
"""
import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import errors, requests_context
from gateway.api import (accounts, admin, dashboard, health, mentoring, notifications, onboarding, openapi,
                         profiles)
from gateway.api import search


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(
        AMQP_URI=os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/"),
        RPC_TIMEOUT_SECONDS=float(os.environ.get("RPC_TIMEOUT_SECONDS", "5")),
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only-secret-change-me"),
        ADMIN_API_TOKEN=os.environ.get("ADMIN_API_TOKEN", ""),
        TRUSTED_PROXY_HOPS=int(os.environ.get("TRUSTED_PROXY_HOPS", "0")),
        MAX_CONTENT_LENGTH=1024 * 1024,
        RPC_CALLS_HEADER=os.environ.get("RPC_CALLS_HEADER", "0") == "1",
    )
    app.config.update(config or {})
    app.json.sort_keys = False  # answers keep the order they are built in (Flask 3)
    if app.config["TRUSTED_PROXY_HOPS"]:
        # The client's address is taken from X-Forwarded-For only as far back as
        # the operator's own proxies go; a client cannot choose it by sending one.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _configure_logging()
    requests_context.init_app(app)
    errors.init_app(app)
    for blueprint in (health.blueprint, openapi.blueprint, accounts.blueprint,
                      onboarding.blueprint, profiles.blueprint, admin.blueprint,
                      notifications.blueprint, mentoring.blueprint,
                      dashboard.blueprint, search.blueprint):
        app.register_blueprint(blueprint)
    return app


def _configure_logging():
    root = logging.getLogger()
    if any(getattr(h, "_mentornet", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler._mentornet = True
    handler.addFilter(requests_context.RequestIdFilter())
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s gateway %(name)s [%(correlation_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))
    logging.getLogger("pika").setLevel(logging.WARNING)
