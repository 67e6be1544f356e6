"""The member's mentoring relationships: the list, each relationship's own page
(the partners' workspace); its end and the feedback after it are
gateway.web.relationship_ending's.

The workspace shows the agreed activities, the two members (photo, headline,
and the partner's contact details), their conversation, the goals (either adds
one, the mentee ticks it off, with the history of who did what when), the
meetings (proposed with one or more times in a time zone the member chooses,
one picked by the other, moved or cancelled; shown in the member's zone) and
the notes after a meeting (private or shared).  Mentoring decides every rule;
only the two members see a relationship: anyone else gets "not found", as
mentoring answers it, the same page as one that does not exist."""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_datetime
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale

from gateway.service_calls import call_parallel
from gateway.web.forms import form_values, refused_page, submit
from gateway.web.i18n import current_language
from gateway.web.mentoring import with_activities
from gateway.web.people import me, names
from gateway.web.sessions import member_required

blueprint = Blueprint("web_relationships", __name__)

# What the page says after a change, named in its ?done= (anything else says nothing).
DONE = {
    "ended",
    "goal_added",
    "goal_done",
    "meeting_proposed",
    "meeting_picked",
    "meeting_moved",
    "meeting_cancelled",
    "note_added",
}
# How long a meeting may be, as offered by the form (mentoring checks the range).
DURATIONS = (30, 45, 60, 90, 120)


@cache
def time_zones():
    """The IANA zone names offered (as suggestions; mentoring checks the name)."""
    return sorted(available_timezones())


@blueprint.app_template_filter("in_zone")
def in_zone(value, zone):
    """A UTC time from mentoring as the member reads it: in their zone, in the
    page's language, with the zone named."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    return f"{format_datetime(moment, 'EEEE d MMMM y, HH:mm', locale=get_locale())} ({zone})"


@blueprint.app_template_filter("local_input")
def local_input(value, zone):
    """A UTC time as a datetime-local input's value in ``zone``."""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def _done():
    done = request.args.get("done")
    return done if done in DONE else None


def partner_of(relationship):
    """The other member of a relationship, seen from the one who asks."""
    return (
        relationship["mentee_id"]
        if relationship["my_role"] == "mentor"
        else relationship["mentor_id"]
    )


@blueprint.get("/relationships")
@member_required
def relationships():
    found, activities = with_activities(
        "relationships", "list_relationships", user_id=me(), current=False
    )
    items = found["items"]
    return render_template(
        "relationships/relationships.html",
        current=[r for r in items if not r["ended_at"]],
        ended=[r for r in items if r["ended_at"]],
        names=names(partner_of(r) for r in items),
        activities=activities,
    )


def _workspace_page(relationship_id, refused=None, form=None, values=None):
    """The relationship's page; after a refusal, ``form`` names the form it
    belongs to and ``values`` are what the member typed."""
    found = call_parallel(
        {
            "workspace": (
                "mentoring",
                "get_workspace",
                {"user_id": me(), "relationship_id": relationship_id},
            ),
            "activities": (
                "profiles",
                "catalogue",
                {"kind": "activities", "language": current_language()},
            ),
            "conversations": (
                "notifications",
                "list_conversations",
                {"user_id": me(), "page": 1, "per_page": 50},
            ),
        }
    )
    if isinstance(found["workspace"], Exception):
        raise found["workspace"]  # another member's, or none: not found
    space = found["workspace"]
    kept = space["relationship"]
    partner = partner_of(kept)
    # The two members' profiles as each may see them: the partner's with contact details.
    people = call_parallel(
        {
            user_id: ("profiles", "get_profile", {"user_id": user_id, "viewer_id": me()})
            for user_id in (me(), partner)
        }
    )
    profiles = {k: v for k, v in people.items() if not isinstance(v, Exception)}
    conversations = found["conversations"]
    conversation = next(
        (
            c
            for c in ([] if isinstance(conversations, Exception) else conversations["items"])
            if c["with"]["user_id"] == partner
        ),
        None,
    )
    activities = found["activities"]
    partner_profile = profiles.get(partner)
    context = dict(
        relationship=kept,
        space=space,
        zone=space["time_zone"],
        time_zones=time_zones(),
        durations=DURATIONS,
        me=profiles.get(me()),
        partner=partner_profile,
        partner_id=partner,
        partner_name=(
            f"{partner_profile['first_name']} {partner_profile['last_name']}"
            if partner_profile
            else None
        ),
        conversation=conversation,
        activities=(
            {} if isinstance(activities, Exception) else {a["id"]: a["label"] for a in activities}
        ),
        refused_form=form,
        values=values or {},
        done=_done(),
    )
    if refused:
        return refused_page("relationships/relationship.html", refused, **context)
    return render_template("relationships/relationship.html", refused=None, **context)


@blueprint.get("/relationships/<int:relationship_id>")
@member_required
def relationship(relationship_id):
    return _workspace_page(relationship_id)


def _change(page, form, method, values, done, anchor, **arguments):
    """One change in the workspace of relationship ``page``: back to its page,
    which says what happened (at the section it happened in), or shows the
    refusal with what was typed."""
    _, refused = submit("mentoring", method, user_id=me(), **arguments)
    if refused:
        return _workspace_page(page, refused, form, values)
    return redirect(
        url_for(
            "web_relationships.relationship",
            relationship_id=page,
            done=done,
            _anchor=anchor,
        ),
        303,
    )


@blueprint.post("/relationships/<int:relationship_id>/goals")
@member_required
def add_goal(relationship_id):
    values = form_values("title")
    return _change(
        relationship_id,
        "goal",
        "add_goal",
        values,
        "goal_added",
        "goals",
        relationship_id=relationship_id,
        **values,
    )


@blueprint.post("/relationships/<int:relationship_id>/goals/<int:goal_id>/done")
@member_required
def complete_goal(relationship_id, goal_id):
    return _change(
        relationship_id,
        f"goal-{goal_id}",
        "complete_goal",
        {},
        "goal_done",
        "goals",
        relationship_id=relationship_id,
        goal_id=goal_id,
    )


@blueprint.post("/relationships/<int:relationship_id>/meetings")
@member_required
def propose_meeting(relationship_id):
    values = form_values("time_zone", "duration_minutes", "link", "place")
    values["times"] = [t for t in request.form.getlist("times") if t.strip()]
    return _change(
        relationship_id,
        "propose",
        "propose_meeting",
        {**values, "typed_times": request.form.getlist("times")},
        "meeting_proposed",
        "meetings",
        relationship_id=relationship_id,
        proposal=values,
    )


@blueprint.post("/relationships/<int:relationship_id>/meetings/<int:meeting_id>/pick")
@member_required
def pick_meeting_time(relationship_id, meeting_id):
    values = form_values("time_id")
    return _change(
        relationship_id,
        f"pick-{meeting_id}",
        "pick_meeting_time",
        values,
        "meeting_picked",
        f"meeting-{meeting_id}",
        meeting_id=meeting_id,
        **values,
    )


@blueprint.post("/relationships/<int:relationship_id>/meetings/<int:meeting_id>/move")
@member_required
def move_meeting(relationship_id, meeting_id):
    values = form_values("starts_at", "time_zone")
    return _change(
        relationship_id,
        f"move-{meeting_id}",
        "move_meeting",
        values,
        "meeting_moved",
        f"meeting-{meeting_id}",
        meeting_id=meeting_id,
        **values,
    )


@blueprint.post("/relationships/<int:relationship_id>/meetings/<int:meeting_id>/cancel")
@member_required
def cancel_meeting(relationship_id, meeting_id):
    return _change(
        relationship_id,
        f"cancel-{meeting_id}",
        "cancel_meeting",
        {},
        "meeting_cancelled",
        "meetings",
        meeting_id=meeting_id,
    )


@blueprint.post("/relationships/<int:relationship_id>/meetings/<int:meeting_id>/notes")
@member_required
def add_meeting_note(relationship_id, meeting_id):
    values = form_values("body")
    shared = request.form.get("shared") == "yes"
    return _change(
        relationship_id,
        f"note-{meeting_id}",
        "add_meeting_note",
        {**values, "shared": shared},
        "note_added",
        f"meeting-{meeting_id}",
        meeting_id=meeting_id,
        shared=shared,
        **values,
    )
