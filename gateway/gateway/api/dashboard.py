"""The dashboard: one call that composes what three services know
(gateway.compose, which the dashboard page uses too)."""

from flask import Blueprint, g, jsonify

from gateway import compose
from gateway.auth import authenticated_parallel

blueprint = Blueprint("dashboard", __name__, url_prefix="/api/v1")


@blueprint.get("/dashboard")
def dashboard():
    # The token check runs beside these calls when this process knows the token.
    results = authenticated_parallel(compose.dashboard_calls)
    return jsonify(compose.dashboard(results, g.member))
