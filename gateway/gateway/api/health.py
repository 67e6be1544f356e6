"""Liveness and readiness."""

from flask import Blueprint, jsonify

from gateway.service_calls import call_parallel
from mentornet_contracts.rpc import SERVICES

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """The gateway process is alive (it calls nothing)."""
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz():
    """Every service answers its ``health`` call; 503 names the ones that don't."""
    results = call_parallel({name: (name, "health", {}) for name in SERVICES})
    down = sorted(name for name, result in results.items() if isinstance(result, Exception))
    body = {
        "status": "ok" if not down else "unavailable",
        "services": {name: ("ok" if name not in down else "unavailable") for name in SERVICES},
    }
    if down:
        body["error"] = {
            "code": "service_unavailable",
            "message": "Not ready: " + ", ".join(down) + " not answering.",
        }
        return jsonify(body), 503
    return jsonify(body)
