"""The operators' API: manual affiliation reviews.

Operators authenticate with the deployment's ADMIN_API_TOKEN (a bearer token,
compared in constant time); without one configured the admin API is off.
Every try uses one of the client's attempts (identity keeps the count for
every gateway process and instance); a right token gives it back, so only
wrong ones add up to a 429.
"""

import hmac

from flask import Blueprint, current_app, jsonify

from gateway.auth import bearer_token
from gateway.errors import ApiError
from gateway.request_input import client_address, query_parameters, request_body
from gateway.service_calls import call

blueprint = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


@blueprint.before_request
def _operator_only():
    expected = current_app.config.get("ADMIN_API_TOKEN") or ""
    if not expected:
        raise ApiError(404, "not_found", "The admin API is not enabled on this deployment.")
    given = bearer_token() or ""
    call("identity", "use_client_allowance", client=client_address(), action="admin_token")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "not_authenticated", "Operators only: send the admin API token.")
    call("identity", "give_back_client_allowance", client=client_address(), action="admin_token")


@blueprint.get("/affiliation-reviews")
def reviews():
    return jsonify(
        call(
            "identity",
            "list_affiliation_reviews",
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
            review_id=review_id,
            approve=decision == "approve",
            operator=body.get("operator", "operator"),
            reason=body.get("reason", ""),
        )
    )


@blueprint.post("/service-updates")
def publish_service_update():
    body = request_body()
    return jsonify(
        call(
            "notifications",
            "publish_service_update",
            title=body["title"],
            body=body["body"],
            expires_at=body.get("expires_at"),
        )
    ), 201


@blueprint.get("/message-reports")
def message_reports():
    return jsonify(call("notifications", "list_message_reports", **query_parameters()))
