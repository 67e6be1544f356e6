"""The public pages: the landing page, the helpdesk, the service policies and
the language switch."""

import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for

from gateway.request_input import client_address
from gateway.rpc import RemoteError, RpcError
from gateway.service_calls import call
from gateway.web.forms import form_values, refused_page, submit
from gateway.web.i18n import LANGUAGES, current_language, set_language
from gateway.web.sessions import current_member, safe_next

log = logging.getLogger(__name__)

blueprint = Blueprint("pages", __name__)

# URL path -> the document's name in identity's settings.
POLICY_PAGES = {
    "privacy-policy": "privacy_policy",
    "terms": "terms",
    "cookie-policy": "cookie_policy",
}


@blueprint.get("/")
def landing():
    # The service updates are one panel: when notifications is down only it is
    # greyed out, the rest of the page is still there.
    try:
        updates = call("notifications", "service_updates", language=current_language())["items"]
    except (RpcError, RemoteError) as exc:
        log.warning("service updates not shown: %s", exc)
        updates = None
    return render_template("landing.html", updates=updates)


@blueprint.route("/helpdesk", methods=("GET", "POST"))
def helpdesk():
    """Contact the helpdesk: the same call as the API's POST /api/v1/helpdesk (a
    logged-in member is named, so their receipt goes to their confirmed address)."""
    if request.method == "GET":
        return render_template("helpdesk.html", values={}, refused=None)
    values = form_values("name", "email", "subject", "message")
    member = current_member()
    _, refused = submit(
        "notifications",
        "contact_helpdesk",
        form=dict(values, language=current_language()),
        client=client_address(),
        user_id=member["user_id"] if member else None,
    )
    if refused:
        return refused_page("helpdesk.html", refused, values=values)
    return redirect(url_for("pages.helpdesk_sent"), 303)


@blueprint.get("/helpdesk/sent")
def helpdesk_sent():
    return render_template("helpdesk_sent.html")


@blueprint.get("/<any('privacy-policy', 'terms', 'cookie-policy'):page>")
@blueprint.get("/<any('privacy-policy', 'terms', 'cookie-policy'):page>/<version>")
def policy(page, version=None):
    """A policy's current text; with a version in the path (sign-up links to the
    exact versions it records consent to), only while it is the current one."""
    documents = call("identity", "policies", language=current_language())["items"]
    document = documents.get(POLICY_PAGES[page])
    if document is None or (version is not None and version != document["version"]):
        abort(404)
    return render_template(
        "policy.html",
        document=document,
        page=page,
        paragraphs=[p.strip() for p in document["body"].split("\n\n") if p.strip()],
    )


@blueprint.post("/language")
def change_language():
    """The "English / Nederlands" switch on every page: a small form, so it
    works without JavaScript; back to the page it was used on."""
    language = request.form.get("language")
    response = redirect(safe_next(request.form.get("next"), "/"), 303)
    if language in LANGUAGES:
        set_language(response, language)
    return response
