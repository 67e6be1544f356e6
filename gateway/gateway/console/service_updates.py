"""Service updates (editors and administrators): publish one in English and
Dutch (members read it in their language on the landing page and their
dashboard), with an optional last day, and withdraw one.  Notifications keeps
the updates and checks them (the operators' API publishes through the same
call); each publication and withdrawal is in the audit log."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gateway import operator_actions
from gateway.console import actor, blueprint, operator_required
from gateway.service_calls import call
from gateway.web.forms import attempt, form_values

FIELDS = ("title_en", "body_en", "title_nl", "body_nl", "expires_at")
STATES = {
    "shown": _l("Shown"),
    "ended": _l("Ended"),
    "withdrawn": _l("Withdrawn"),
}


def _page(refused=None, values=None, status=200):
    updates = call("notifications", "list_service_updates")["items"]
    page = render_template(
        "console/service_updates.html",
        updates=updates,
        states=STATES,
        refused=refused,
        values=values or {},
    )
    return page, status


@blueprint.get("/service-updates")
@operator_required("service_updates")
def service_updates():
    return _page()


@blueprint.post("/service-updates")
@operator_required("service_updates")
def publish_service_update():
    values = form_values(*FIELDS)
    published, refused = attempt(
        operator_actions.publish_service_update,
        actor(),
        dict(values, expires_at=values["expires_at"] or None),
    )
    if refused:
        return _page(refused=refused, values=values, status=refused.status)
    flash(_("The service update is published: members see it in their language."))
    return redirect(url_for("console.service_updates", _anchor=f"update-{published['id']}"), 303)


@blueprint.post("/service-updates/<int:update_id>/withdraw")
@operator_required("service_updates")
def withdraw_service_update(update_id):
    withdrawn = operator_actions.withdraw_service_update(actor(), update_id)
    flash(_("The service update is withdrawn: members no longer see it."))
    return redirect(url_for("console.service_updates", _anchor=f"update-{withdrawn['id']}"), 303)
