"""The member's account settings: password, e-mail address and language.
Identity checks each change (the current password, the new address's
confirmation link, the language); the page shows its answer."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.auth import forget_sessions_of
from gateway.web import sessions
from gateway.web.forms import form_values, submit
from gateway.web.i18n import set_language
from gateway.web.sessions import member_required

blueprint = Blueprint("web_settings", __name__)

DONE = ("password", "email", "language")


def _page(refused=None, form=None, values=None, status=200):
    """The settings page; ``form`` names the form a refusal belongs to."""
    done = request.args.get("done")
    return render_template("settings/settings.html", refused=refused, refused_form=form,
                           values=values or {}, done=done if done in DONE else None,
                           pending_email=request.args.get("to", "")), status


@blueprint.get("/settings")
@member_required
def settings():
    return _page()


@blueprint.post("/settings/password")
@member_required
def change_password():
    values = form_values("current_password", "password", "password_confirmation")
    result, refused = submit("identity", "change_password", user_id=g.member["user_id"], **values)
    if refused:
        return _page(refused, "password", status=refused.status)
    # Identity ended every session of the account and opened a new one: this
    # page session carries the new one from now on.
    sessions.log_in(result["token"])
    return redirect(url_for("web_settings.settings", done="password"), 303)


@blueprint.post("/settings/email")
@member_required
def change_email():
    values = form_values("email", "email_confirmation", "password")
    result, refused = submit("identity", "change_email", user_id=g.member["user_id"], **values)
    if refused:
        return _page(refused, "email", {k: values[k] for k in ("email", "email_confirmation")},
                     status=refused.status)
    return redirect(url_for("web_settings.settings", done="email", to=result["pending_email"]), 303)


@blueprint.post("/settings/language")
@member_required
def change_language():
    language = request.form.get("language", "")
    result, refused = submit("identity", "change_language", user_id=g.member["user_id"],
                             language=language)
    if refused:
        return _page(refused, "language", status=refused.status)
    g.member["language"] = result["language"]  # stored now: set_language need not again
    forget_sessions_of(g.member["user_id"])  # the cached language; elsewhere by its event
    response = redirect(url_for("web_settings.settings", done="language"), 303)
    return set_language(response, result["language"])
