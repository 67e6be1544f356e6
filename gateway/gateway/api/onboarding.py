"""Onboarding (steps 5 to 9 of the guide), resumable: every answer says the next step."""

from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.request_input import query_parameters, request_body
from gateway.service_calls import call

blueprint = Blueprint("onboarding", __name__, url_prefix="/api/v1")


@blueprint.get("/onboarding")
@login_required
def onboarding_status():
    return jsonify(call("identity", "get_onboarding", user_id=g.member["user_id"]))


@blueprint.post("/onboarding/affiliation")
@login_required
def verify_affiliation():
    body = request_body()
    result = call(
        "identity",
        "verify_affiliation",
        user_id=g.member["user_id"],
        role=body["role"],
        record_number=body["record_number"],
        request_review=body.get("request_review", False),
        note=body.get("note", ""),
    )
    return jsonify(result)


@blueprint.put("/onboarding/study-details")
@login_required
def study_details():
    body = request_body()
    return jsonify(
        call("identity", "submit_study_details", user_id=g.member["user_id"], details=body)
    )


@blueprint.get("/guidelines")
def guidelines():
    return jsonify(call("identity", "get_guidelines", **query_parameters()))


@blueprint.post("/onboarding/guidelines")
@login_required
def agree_to_guidelines():
    body = request_body()
    return jsonify(
        call(
            "identity",
            "agree_to_guidelines",
            user_id=g.member["user_id"],
            version=body["version"],
            agree=body["agree"],
        )
    )


@blueprint.post("/onboarding/introduction")
@login_required
def complete_introduction():
    return jsonify(call("identity", "complete_introduction", user_id=g.member["user_id"]))
