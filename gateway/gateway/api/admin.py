"""The operators' API, for automation: affiliation reviews, service updates,
message reports (read one in context, warn, suspend, close), the network's
statistics, dead letters (read and replay) and the university's records
(stage a CSV file, then confirm its preview).

Callers send a named API key (``Authorization: Bearer mnk_...``), made by an
administrator in the console (or ``python -m identity.operators api-key``)
with the areas it may act in.  Identity checks the key for the endpoint's
area on every request (a revoked key stops at once) and draws on the
client's allowance for wrong keys (only wrong ones add up to a 429); what a
key does is in the audit log under its name.

Each endpoint makes the same calls as the console's page for it: an action
another service carries out and the gateway audits is one function of
gateway.operator_actions, the figures are gateway.network_statistics'.
"""

import base64

from flask import Blueprint, g, jsonify, request

from gateway import operator_actions
from gateway.auth import bearer_token
from gateway.errors import ApiError
from gateway.network_statistics import figures, sections
from gateway.request_input import client_address, query_parameters, request_body
from gateway.service_calls import call
from mentornet_contracts.operators import DEAD_LETTER_SERVICES

blueprint = Blueprint("admin", __name__, url_prefix="/api/v1/admin")
SERVICE = f"<any({', '.join(DEAD_LETTER_SERVICES)}):service>"

# The area of mentornet_contracts.operators each endpoint acts in.
AREAS = {
    "admin.reviews": "affiliation_reviews",
    "admin.decide": "affiliation_reviews",
    "admin.publish_service_update": "service_updates",
    "admin.message_reports": "message_reports",
    "admin.message_report": "message_reports",
    "admin.warn_member": "message_reports",
    "admin.suspend_member": "message_reports",
    "admin.unsuspend_member": "message_reports",
    "admin.close_report": "message_reports",
    "admin.statistics": "statistics",
    "admin.dead_letters": "dead_letters",
    "admin.dead_letter": "dead_letters",
    "admin.replay_dead_letters": "dead_letters",
    "admin.stage_records": "university_records",
    "admin.confirm_records": "university_records",
}


@blueprint.before_request
def _api_key_only():
    key = bearer_token()
    if key is None:
        raise ApiError(401, "not_authenticated", "Send an API key: 'Authorization: Bearer <key>'.")
    if request.endpoint is None:
        return  # no such endpoint: Flask answers 404 (or 405)
    # An endpoint without an area would serve any key: refused until it has one.
    area = AREAS.get(request.endpoint, "no area")
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
    return jsonify(operator_actions.publish_service_update(g.actor, request_body())), 201


@blueprint.get("/message-reports")
def message_reports():
    return jsonify(call("notifications", "list_message_reports", **query_parameters()))


@blueprint.get("/message-reports/<int:report_id>")
def message_report(report_id):
    """The report in context (the console's report page), with each member's
    standing as identity knows it now."""
    report = call("notifications", "message_report", report_id=report_id)
    people = (report["writer"], report["reporter"])
    standing = call(
        "identity",
        "member_standing",
        actor=g.actor,
        user_ids=sorted({person["user_id"] for person in people}),
    )
    for person in people:
        found = standing.get(person["user_id"]) or {"username": None, "suspended": None}
        person.update(username=found["username"], suspended=found["suspended"])
    return jsonify(report)


@blueprint.post("/message-reports/<int:report_id>/warn")
def warn_member(report_id):
    warning = request_body()["warning"]
    return jsonify(operator_actions.warn_reported_member(g.actor, report_id, warning))


def _change_suspension(report_id, change):
    """The member who wrote the reported message (the report names them, as
    in the console), suspended or not; identity checks, acts and audits."""
    reason = request_body()["reason"]
    writer_id = call("notifications", "message_report", report_id=report_id)["writer"]["user_id"]
    return jsonify(
        call(
            "identity",
            f"{change}_member",
            actor=g.actor,
            user_id=writer_id,
            reason=reason,
            client=client_address(),
        )
    )


@blueprint.post("/message-reports/<int:report_id>/suspend")
def suspend_member(report_id):
    return _change_suspension(report_id, "suspend")


@blueprint.post("/message-reports/<int:report_id>/unsuspend")
def unsuspend_member(report_id):
    return _change_suspension(report_id, "unsuspend")


@blueprint.post("/message-reports/<int:report_id>/close")
def close_report(report_id):
    return jsonify(operator_actions.close_message_report(g.actor, report_id))


@blueprint.get("/statistics")
def statistics():
    return jsonify(
        {
            "sections": [
                {
                    "section": key,
                    "title": str(title),
                    "figures": [
                        {"figure": figure, "label": str(label), "value": value}
                        for figure, label, value in rows
                    ],
                }
                for key, title, rows in sections(figures(g.actor))
            ]
        }
    )


@blueprint.get(f"/dead-letters/{SERVICE}")
def dead_letters(service):
    return jsonify(call(service, "list_dead_letters"))


@blueprint.get(f"/dead-letters/{SERVICE}/<int:dead_letter_id>")
def dead_letter(service, dead_letter_id):
    return jsonify(call(service, "get_dead_letter", dead_letter_id=dead_letter_id))


@blueprint.post(f"/dead-letters/{SERVICE}/replay")
def replay_dead_letters(service):
    body = request_body()
    replayed = operator_actions.replay_dead_letters(g.actor, service, body.get("ids"))
    return jsonify({"replayed": replayed})


@blueprint.post("/university-records")
def stage_records():
    body = request_body()
    staged = call(
        "identity",
        "stage_records_upload",
        actor=g.actor,
        file_name=body["file_name"],
        content=base64.b64encode(body["content"].encode("utf-8")).decode("ascii"),
        client=client_address(),
    )
    return jsonify(staged), 201


@blueprint.post("/university-records/<uuid:upload_id>/confirm")
def confirm_records(upload_id):
    return jsonify(
        call(
            "identity",
            "confirm_records_upload",
            actor=g.actor,
            upload_id=str(upload_id),
            checksum=request_body()["checksum"],
            client=client_address(),
        )
    )
