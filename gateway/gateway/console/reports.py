"""Message reports (reviewers and administrators): the open reports; one
report with the reported message in its conversation's context; warning the
member who wrote it, suspending or unsuspending them, closing the report.

Notifications keeps the reports and warns the member; identity suspends (and
audits that itself).  A warning and a closed report are carried out by
notifications and recorded afterwards (gateway.operator_actions), naming the
member by account id.  The operators' API does all of this with the same
calls (gateway/api/admin.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gateway import operator_actions
from gateway.console import actor, blueprint, operator_required
from gateway.request_input import client_address
from gateway.service_calls import call
from gateway.web.forms import attempt, submit


def _standing(user_ids):
    """{user_id: {username, suspended}}, as identity knows the members now."""
    if not user_ids:
        return {}
    return call("identity", "member_standing", actor=actor(), user_ids=sorted(set(user_ids)))


@blueprint.get("/reports")
@operator_required("message_reports")
def reports():
    open_reports = call("notifications", "list_message_reports")["items"]
    members = _standing(
        [r["sender_id"] for r in open_reports] + [r["reporter_id"] for r in open_reports]
    )
    return render_template("console/reports.html", reports=open_reports, members=members)


def _report_page(report_id, refused=None, failed=None, values=None, status=200):
    report = call("notifications", "message_report", report_id=report_id)
    members = _standing([report["writer"]["user_id"], report["reporter"]["user_id"]])
    page = render_template(
        "console/report.html",
        report=report,
        writer=members.get(report["writer"]["user_id"]),
        reporter=members.get(report["reporter"]["user_id"]),
        refused=refused,
        failed=failed,
        values=values or {},
    )
    return page, status


@blueprint.get("/reports/<int:report_id>")
@operator_required("message_reports")
def report(report_id):
    return _report_page(report_id)


@blueprint.post("/reports/<int:report_id>/warn")
@operator_required("message_reports")
def warn_member(report_id):
    values = {"warning": request.form.get("warning", "")}
    _warned, refused = attempt(
        operator_actions.warn_reported_member, actor(), report_id, values["warning"]
    )
    if refused:
        return _report_page(report_id, refused, "warn", values, refused.status)
    flash(_("The member is warned: they get a notification and an e-mail."))
    return redirect(url_for("console.report", report_id=report_id), 303)


@blueprint.post("/reports/<int:report_id>/<any(suspend, unsuspend):change>")
@operator_required("message_reports")
def change_suspension(report_id, change):
    """Suspend or unsuspend the member who wrote the reported message (the
    report names them: no member id comes from the form)."""
    writer_id = call("notifications", "message_report", report_id=report_id)["writer"]["user_id"]
    values = {"reason": request.form.get("reason", "")}
    changed, refused = submit(
        "identity",
        f"{change}_member",
        actor=actor(),
        user_id=writer_id,
        reason=values["reason"],
        client=client_address(),
    )
    if refused:
        return _report_page(report_id, refused, change, values, refused.status)
    if changed["suspended"]:
        flash(_("The member is suspended: they cannot log in and are not found in search."))
    else:
        flash(_("The member's suspension is lifted."))
    return redirect(url_for("console.report", report_id=report_id), 303)


@blueprint.post("/reports/<int:report_id>/close")
@operator_required("message_reports")
def close_report(report_id):
    _closed, refused = attempt(operator_actions.close_message_report, actor(), report_id)
    if refused:
        return _report_page(report_id, refused, "close", status=refused.status)
    flash(_("The report is closed."))
    return redirect(url_for("console.reports"), 303)
