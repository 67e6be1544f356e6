"""API keys for automation (administrators only): made with a name and the
areas they may act in, shown once, revoked with one button.  Identity keeps
only each key's hash and audits both."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gateway.console import AREA_LABELS, actor, blueprint, operator_required
from gateway.request_input import client_address
from gateway.service_calls import call
from gateway.web.forms import submit
from mentornet_contracts.operators import API_KEY_SCOPES


def _page(made=None, refused=None, values=None, status=200):
    keys = call("identity", "list_api_keys", actor=actor())["items"]
    page = render_template(
        "console/api_keys.html",
        keys=keys,
        made=made,
        refused=refused,
        values=values or {},
        scopes=[(scope, AREA_LABELS[scope]) for scope in API_KEY_SCOPES],
        area_labels=AREA_LABELS,
    )
    return page, status


@blueprint.get("/api-keys")
@operator_required("api_keys")
def api_keys():
    return _page()


@blueprint.post("/api-keys")
@operator_required("api_keys")
def create_api_key():
    values = {"name": request.form.get("name", ""), "scopes": request.form.getlist("scopes")}
    made, refused = submit(
        "identity",
        "create_api_key",
        actor=actor(),
        name=values["name"],
        scopes=values["scopes"],
        client=client_address(),
    )
    if refused:
        return _page(refused=refused, values=values, status=refused.status)
    # Shown this once, in the answer to the form: identity keeps only its hash.
    return _page(made=made, status=201)


@blueprint.post("/api-keys/<int:key_id>/revoke")
@operator_required("api_keys")
def revoke_api_key(key_id):
    revoked = call(
        "identity", "revoke_api_key", actor=actor(), key_id=key_id, client=client_address()
    )
    flash(_("The API key is revoked: it no longer works."))
    return redirect(url_for("console.api_keys", _anchor=f"key-{revoked['id']}"))
