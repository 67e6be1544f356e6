"""Operators (administrators only): the university's staff who run the network.
An administrator adds one with a role and a first password (they set up their
second factor at their first login), changes a role, disables and enables an
account, or resets a lost second factor.  Identity checks every rule (nobody
changes their own account) and audits each change."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gateway.console import ROLE_LABELS, actor, blueprint, operator_required
from gateway.request_input import client_address
from gateway.service_calls import call
from gateway.web.forms import form_values, submit
from mentornet_contracts.operators import ROLES

# What the console says once a change is made.
DONE = {
    "role": _l("The role of %(username)s is changed; it counts from their next page."),
    "disable": _l("%(username)s is disabled: their console sessions have ended."),
    "enable": _l("%(username)s can log in again."),
    "reset_second_factor": _l(
        "The second factor of %(username)s is reset: they set up a new one at their next login."
    ),
}


def _page(refused=None, values=None, status=200, change_refused=None):
    listed = call("identity", "list_operators", actor=actor())["items"]
    page = render_template(
        "console/operators.html",
        operators=listed,
        roles=[(role, ROLE_LABELS[role]) for role in ROLES],
        refused=refused,
        values=values or {},
        change_refused=change_refused,
    )
    return page, status


@blueprint.get("/operators")
@operator_required("operators")
def operators():
    return _page()


@blueprint.post("/operators")
@operator_required("operators")
def create_operator():
    values = form_values("username", "role", "password")
    made, refused = submit(
        "identity", "create_operator", actor=actor(), client=client_address(), **values
    )
    if refused:
        values.pop("password")  # never sent back into a page
        return _page(refused=refused, values=values, status=refused.status)
    flash(
        _(
            "%(username)s is added. Give them the password another way; "
            "they set up their second factor at their first login.",
            username=made["username"],
        )
    )
    return redirect(url_for("console.operators", _anchor=f"operator-{made['operator_id']}"))


@blueprint.post("/operators/<operator_id>/<change>")
@operator_required("operators")
def change_operator(operator_id, change):
    changed, refused = submit(
        "identity",
        "change_operator",
        actor=actor(),
        operator_id=operator_id,
        change=change,
        role=request.form.get("role") or None,
        client=client_address(),
    )
    if refused:
        return _page(change_refused=refused, status=refused.status)
    flash(DONE[change] % {"username": changed["username"]})
    return redirect(url_for("console.operators", _anchor=f"operator-{changed['operator_id']}"))
