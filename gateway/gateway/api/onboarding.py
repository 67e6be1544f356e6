"""Onboarding progress (steps 5 to 9 of the guide)."""
from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.requests_context import call

blueprint = Blueprint("onboarding", __name__, url_prefix="/api/v1")


@blueprint.get("/onboarding")
@login_required
def onboarding_status():
    return jsonify(call("identity", "get_onboarding", user_id=g.member["user_id"]))
