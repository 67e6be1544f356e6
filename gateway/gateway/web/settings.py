"""The member's settings: which notifications reach them in-app and by e-mail,
who may write to them (notifications' preferences), and their password,
e-mail address and language (identity's).  The owning service checks each
change; the page shows its answer."""

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from gateway.auth import forget_sessions_of
from gateway.service_calls import call
from gateway.web import sessions
from gateway.web.forms import form_values, submit
from gateway.web.i18n import set_language
from gateway.web.people import me
from gateway.web.sessions import member_required

blueprint = Blueprint("web_settings", __name__)

DONE = ("password", "email", "language", "notifications", "messages")

# What each of notifications' event types is, in the member's words (the types
# themselves, and their defaults, are notifications'; one not named here shows
# by its code).
EVENT_TYPES = {
    "welcome": _l("Welcome to the network"),
    "email_confirmed": _l("Your e-mail address is confirmed"),
    "affiliation_reviewed": _l("Your affiliation has been reviewed"),
    "new_message": _l("A member sent you a message"),
    "mentoring_request_received": _l("Someone asks you for mentoring, or withdraws their request"),
    "mentoring_request_answered": _l("Your mentoring request is accepted, declined or expired"),
    "mentoring_request_expiring": _l("A request to you expires soon"),
    "relationship_ended": _l("A mentoring relationship is ended"),
    "feedback_requested": _l("You are asked for feedback after a relationship ends"),
    "relationship_quiet": _l("A mentoring relationship has been quiet for weeks"),
    "mentors_suggested": _l("Mentors are suggested to you when you have asked nobody yet"),
    "meetings": _l("A meeting is proposed, scheduled, moved or cancelled, and its reminder"),
}


def _page(refused=None, form=None, values=None, status=200, preferences=None):
    """The settings page; ``form`` names the form a refusal belongs to."""
    done = request.args.get("done")
    preferences = preferences or call("notifications", "get_preferences", user_id=me())
    return render_template(
        "settings/settings.html",
        refused=refused,
        refused_form=form,
        values=values or {},
        done=done if done in DONE else None,
        pending_email=request.args.get("to", ""),
        preferences=preferences,
        event_types=EVENT_TYPES,
    ), status


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
        return _page(
            refused,
            "email",
            {k: values[k] for k in ("email", "email_confirmation")},
            status=refused.status,
        )
    return redirect(url_for("web_settings.settings", done="email", to=result["pending_email"]), 303)


@blueprint.post("/settings/language")
@member_required
def change_language():
    language = request.form.get("language", "")
    result, refused = submit(
        "identity", "change_language", user_id=g.member["user_id"], language=language
    )
    if refused:
        return _page(refused, "language", status=refused.status)
    g.member["language"] = result["language"]  # stored now: set_language need not again
    forget_sessions_of(g.member["user_id"])  # the cached language; elsewhere by its event
    response = redirect(url_for("web_settings.settings", done="language"), 303)
    return set_language(response, result["language"])


@blueprint.post("/settings/notifications")
@member_required
def change_notifications():
    """Every event type the form listed (its hidden ``event_type`` fields), each on
    or off in-app and by e-mail: an unticked box is not posted, so it is off."""
    items = [
        {
            "event_type": event_type,
            "in_app": request.form.get(f"in_app-{event_type}") == "on",
            "email": request.form.get(f"email-{event_type}") == "on",
        }
        for event_type in request.form.getlist("event_type")
    ]
    _, refused = submit("notifications", "set_preferences", user_id=me(), choices={"items": items})
    if refused:
        return _page(refused, "notifications", status=refused.status)
    return redirect(
        url_for("web_settings.settings", done="notifications") + "#notifications-heading", 303
    )


@blueprint.post("/settings/messages")
@member_required
def change_who_may_write():
    # Anything but the two answers offered is sent as no answer: notifications
    # names the field it refuses.
    allowed = {"members": True, "contacts": False}.get(
        request.form.get("allow_messages_from_members")
    )
    _, refused = submit(
        "notifications",
        "set_preferences",
        user_id=me(),
        choices={"allow_messages_from_members": allowed},
    )
    if refused:
        return _page(refused, "messages", status=refused.status)
    return redirect(url_for("web_settings.settings", done="messages") + "#messages-heading", 303)
