"""The audit log, as every operator may read it (and nobody may change it:
there is no page, RPC or database path that does)."""

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from gateway.console import actor, blueprint, operator_required
from gateway.service_calls import call

ACTION_LABELS = {
    "operator_created": _l("Operator made"),
    "operator_role_changed": _l("Operator's role changed"),
    "operator_disabled": _l("Operator disabled"),
    "operator_enabled": _l("Operator enabled again"),
    "operator_second_factor_reset": _l("Operator's second factor reset"),
    "operator_logged_in": _l("Logged in"),
    "operator_logged_out": _l("Logged out"),
    "second_factor_enrolled": _l("Second factor set up"),
    "api_key_created": _l("API key made"),
    "api_key_revoked": _l("API key revoked"),
    "affiliation_approved": _l("Affiliation review approved"),
    "affiliation_rejected": _l("Affiliation review rejected"),
    "member_warned": _l("Member warned"),
    "member_suspended": _l("Member suspended"),
    "member_unsuspended": _l("Member's suspension lifted"),
    "report_closed": _l("Report closed"),
    "service_update_published": _l("Service update published"),
    "service_update_withdrawn": _l("Service update withdrawn"),
    "policy_published": _l("Policy published"),
    "guidelines_published": _l("Guidelines published"),
    "records_imported": _l("University records imported"),
    "dead_letter_replayed": _l("Dead letter replayed"),
}
ACTOR_KINDS = {
    "operator": _l("operator"),
    "api_key": _l("API key"),
    "command": _l("command line"),
}


@blueprint.get("/audit-log")
@operator_required("audit_log")
def audit_log():
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        abort(404)
    log = call("identity", "audit_log", actor=actor(), page=int(page))
    if int(page) > log["pages"]:
        abort(404)
    for entry in log["items"]:
        entry["detail_text"] = "; ".join(
            f"{name}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
            for name, value in entry["details"].items()
            if value not in (None, "", [])
        )
    return render_template(
        "console/audit_log.html", log=log, actions=ACTION_LABELS, actor_kinds=ACTOR_KINDS
    )
