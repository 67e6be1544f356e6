"""Mentoring requests and relationships (the guide's Requests button)."""

from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.request_input import query_parameters, request_body
from gateway.service_calls import call

blueprint = Blueprint("mentoring", __name__, url_prefix="/api/v1/mentoring")


def _me():
    return g.member["user_id"]


@blueprint.post("/requests")
@login_required
def ask():
    body = request_body()
    return jsonify(call("mentoring", "request_mentoring", mentee_id=_me(), **body)), 201


@blueprint.get("/requests")
@login_required
def requests_():
    return jsonify(call("mentoring", "list_requests", user_id=_me(), **query_parameters()))


@blueprint.get("/requests/<int:request_id>")
@login_required
def one_request(request_id):
    return jsonify(call("mentoring", "get_request", user_id=_me(), request_id=request_id))


@blueprint.get("/requests/<int:request_id>/history")
@login_required
def history(request_id):
    return jsonify(call("mentoring", "request_history", user_id=_me(), request_id=request_id))


@blueprint.post("/requests/<int:request_id>/accept")
@login_required
def accept(request_id):
    body = request_body()
    return jsonify(
        call(
            "mentoring",
            "accept_request",
            mentor_id=_me(),
            request_id=request_id,
            reply=body.get("reply", ""),
        )
    )


@blueprint.post("/requests/<int:request_id>/decline")
@login_required
def decline(request_id):
    body = request_body()
    return jsonify(
        call(
            "mentoring",
            "decline_request",
            mentor_id=_me(),
            request_id=request_id,
            reason=body["reason"],
            reply=body.get("reply", ""),
        )
    )


@blueprint.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id):
    return jsonify(call("mentoring", "withdraw_request", mentee_id=_me(), request_id=request_id))


@blueprint.get("/relationships")
@login_required
def relationships():
    return jsonify(
        call(
            "mentoring",
            "list_relationships",
            user_id=_me(),
            **query_parameters(),
        )
    )


@blueprint.get("/relationships/<int:relationship_id>")
@login_required
def relationship(relationship_id):
    return jsonify(
        call("mentoring", "get_relationship", user_id=_me(), relationship_id=relationship_id)
    )


@blueprint.post("/relationships/<int:relationship_id>/end")
@login_required
def end(relationship_id):
    body = request_body()
    return jsonify(
        call(
            "mentoring",
            "end_relationship",
            user_id=_me(),
            relationship_id=relationship_id,
            outcome=body.get("outcome"),
            reason=body.get("reason", ""),
        )
    )


@blueprint.get("/relationships/<int:relationship_id>/feedback")
@login_required
def feedback_status(relationship_id):
    return jsonify(
        call("mentoring", "feedback_status", user_id=_me(), relationship_id=relationship_id)
    )


@blueprint.post("/relationships/<int:relationship_id>/feedback")
@login_required
def give_feedback(relationship_id):
    body = request_body()
    return jsonify(
        call(
            "mentoring",
            "give_feedback",
            user_id=_me(),
            relationship_id=relationship_id,
            rating=body.get("rating"),
            comment=body.get("comment", ""),
        )
    )
