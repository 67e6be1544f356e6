"""Profiles (step 10 of the guide)."""
from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.requests_context import call

blueprint = Blueprint("profiles", __name__, url_prefix="/api/v1")


@blueprint.get("/me/profile")
@login_required
def own_profile():
    user_id = g.member["user_id"]
    return jsonify(call("profiles", "get_profile", user_id=user_id, viewer_id=user_id))


@blueprint.get("/profiles/<user_id>")
@login_required
def member_profile(user_id):
    return jsonify(call("profiles", "get_profile", user_id=user_id,
                        viewer_id=g.member["user_id"]))
