"""The policies (privacy policy, terms, cookie policy) and the guidelines, as
versions (editors and administrators): each document's current version in
both languages, its earlier ones, and a form to publish a new version (its
label, title and text in English and Dutch).  Identity keeps the versions
(insert only), checks them and audits each publication; the public policy
pages show the newest, and members agree to new guidelines at their next
visit."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gateway.console import actor, blueprint, operator_required
from gateway.request_input import client_address
from gateway.service_calls import call
from gateway.web.forms import form_values, submit

FIELDS = ("version", "title_en", "body_en", "title_nl", "body_nl")
DOCUMENT_NAMES = {
    "privacy_policy": _l("Privacy policy"),
    "terms": _l("Terms and conditions"),
    "cookie_policy": _l("Cookie policy"),
    "guidelines": _l("Guidelines"),
}
# The console's addresses of the policies, as the public pages name them.
POLICY_PATHS = {
    "privacy-policy": "privacy_policy",
    "terms": "terms",
    "cookie-policy": "cookie_policy",
}


def _versions(document):
    return call("identity", "list_document_versions", actor=actor(), document=document)["items"]


def _document_page(document, action, refused=None, values=None, status=200):
    versions = _versions(document)
    current = versions[0]
    if values is None:  # a new version starts from the current text
        values = {name: current[name] for name in FIELDS if name != "version"}
    page = render_template(
        "console/document.html",
        document=document,
        name=DOCUMENT_NAMES[document],
        current=current,
        earlier=versions[1:],
        action=action,
        refused=refused,
        values=values,
    )
    return page, status


def _publish(document, action, back):
    values = form_values(*FIELDS)
    published, refused = submit(
        "identity",
        "publish_document_version",
        actor=actor(),
        document=document,
        texts=values,
        client=client_address(),
    )
    if refused:
        return _document_page(document, action, refused, values, refused.status)
    flash(_("Version %(version)s is published.", version=published["version"]))
    return redirect(back, 303)


@blueprint.get("/policies")
@operator_required("policies")
def policies():
    documents = [
        (path, document, DOCUMENT_NAMES[document], _versions(document)[0])
        for path, document in POLICY_PATHS.items()
    ]
    return render_template("console/policies.html", documents=documents)


@blueprint.route(
    "/policies/<any('privacy-policy', 'terms', 'cookie-policy'):path>", methods=("GET", "POST")
)
@operator_required("policies")
def policy(path):
    document = POLICY_PATHS.get(path)
    if document is None:
        abort(404)
    action = url_for("console.policy", path=path)
    if request.method == "POST":
        return _publish(document, action, action)
    return _document_page(document, action)


@blueprint.route("/guidelines", methods=("GET", "POST"))
@operator_required("guidelines")
def guidelines():
    action = url_for("console.guidelines")
    if request.method == "POST":
        return _publish("guidelines", action, action)
    return _document_page("guidelines", action)
