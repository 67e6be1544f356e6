"""Mentoring requests and relationships (the guide's Requests button)."""

from flask import Blueprint, g, jsonify, request

from gateway.auth import login_required
from gateway.request_input import body_with, query_parameters
from gateway.service_calls import call
from mentornet_contracts import api

blueprint = Blueprint("mentoring", __name__, url_prefix="/api/v1/mentoring")


def _me():
    return g.member["user_id"]


@blueprint.post("/requests")
@login_required
def ask():
    body = body_with(("mentor_id", "activities", "message"), ("mentor_id", "activities", "message"))
    return jsonify(call("mentoring", "request_mentoring", mentee_id=_me(), **body)), 201


@blueprint.get("/requests")
@login_required
def requests_():
    return jsonify(
        call("mentoring", "list_requests", user_id=_me(), **query_parameters(api.RequestsQuery()))
    )


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
    body = body_with(("reply",)) if request.get_data() else {}
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
    body = body_with(("reason", "reply"), ("reason",))
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
            **query_parameters(api.RelationshipsQuery()),
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
    body = body_with(("reason",)) if request.get_data() else {}
    return jsonify(
        call(
            "mentoring",
            "end_relationship",
            user_id=_me(),
            relationship_id=relationship_id,
            reason=body.get("reason", ""),
        )
    )
