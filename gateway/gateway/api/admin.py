"""The operators' API, for automation: affiliation reviews, service updates,
message reports.

Callers send a named API key (``Authorization: Bearer mnk_...``), made by an
administrator in the console (or ``python -m identity.operators api-key``)
with the areas it may act in.  Identity checks the key for the endpoint's
area on every request (a revoked key stops at once) and draws on the
client's allowance for wrong keys (only wrong ones add up to a 429); what a
key does is in the audit log under its name.
"""

from flask import Blueprint, g, jsonify, request

from gateway.auth import bearer_token
from gateway.errors import ApiError
from gateway.request_input import client_address, query_parameters, request_body
from gateway.service_calls import call

blueprint = Blueprint("admin", __name__, url_prefix="/api/v1/admin")

# The area of mentornet_contracts.operators each endpoint acts in.
AREAS = {
    "admin.reviews": "affiliation_reviews",
    "admin.decide": "affiliation_reviews",
    "admin.publish_service_update": "service_updates",
    "admin.message_reports": "message_reports",
}


@blueprint.before_request
def _api_key_only():
    key = bearer_token()
    if key is None:
        raise ApiError(401, "not_authenticated", "Send an API key: 'Authorization: Bearer <key>'.")
    area = AREAS.get(request.endpoint)
    if area is None:
        return  # no such endpoint: Flask answers 404 (or 405)
    call("identity", "authenticate_api_key", key=key, area=area, client=client_address())
    g.actor = {"api_key": key}


@blueprint.get("/affiliation-reviews")
def reviews():
    return jsonify(
        call(
            "identity",
            "list_affiliation_reviews",
            actor=g.actor,
            **query_parameters(),
        )
    )


@blueprint.post("/affiliation-reviews/<int:review_id>/<decision>")
def decide(review_id, decision):
    if decision not in ("approve", "reject"):
        raise ApiError(404, "not_found", "Use approve or reject.")
    body = request_body()
    return jsonify(
        call(
            "identity",
            "decide_affiliation_review",
            actor=g.actor,
            review_id=review_id,
            approve=decision == "approve",
            reason=body.get("reason", ""),
            client=client_address(),
        )
    )


@blueprint.post("/service-updates")
def publish_service_update():
    published = call("notifications", "publish_service_update", update=request_body())
    call(
        "identity",
        "record_operator_action",
        actor=g.actor,
        area="service_updates",
        action="service_update_published",
        subject=published["title_en"][:100],
        details={"id": published["id"], "title_nl": published["title_nl"][:100]},
        client=client_address(),
    )
    return jsonify(published), 201


@blueprint.get("/message-reports")
def message_reports():
    return jsonify(call("notifications", "list_message_reports", **query_parameters()))
