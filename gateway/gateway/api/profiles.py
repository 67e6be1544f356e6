"""Profiles and mentor settings (step 10 of the guide) and the catalogues."""

from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.request_input import query_parameters, request_body
from gateway.service_calls import call

blueprint = Blueprint("profiles", __name__, url_prefix="/api/v1")


@blueprint.get("/me/profile")
@login_required
def own_profile():
    user_id = g.member["user_id"]
    return jsonify(call("profiles", "get_profile", user_id=user_id, viewer_id=user_id))


@blueprint.patch("/me/profile")
@login_required
def change_profile():
    # Profiles validates every field and names each bad one (positions.0.end_month).
    return jsonify(
        call("profiles", "update_profile", user_id=g.member["user_id"], changes=request_body())
    )


@blueprint.put("/me/mentor-settings")
@login_required
def mentor_settings():
    return jsonify(
        call(
            "profiles", "set_mentor_settings", user_id=g.member["user_id"], settings=request_body()
        )
    )


@blueprint.get("/profiles/<uuid:user_id>")
@login_required
def member_profile(user_id):
    return jsonify(
        call("profiles", "get_profile", user_id=str(user_id), viewer_id=g.member["user_id"])
    )


@blueprint.get("/activities")
def activities():
    return jsonify(
        {
            "items": call(
                "profiles",
                "catalogue",
                kind="activities",
                **query_parameters(),
            )
        }
    )


@blueprint.get("/sectors")
def sectors():
    return jsonify({"items": call("profiles", "catalogue", kind="sectors", **query_parameters())})
