"""A member's pages behind the toolbar, kept small for now: the dashboard (the
same composed parts as GET /api/v1/dashboard), and read-only lists of the
inbox, requests and notifications, so that every link a mail or notification
carries opens a page."""
from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from gateway import compose
from gateway.requests_context import call, call_parallel
from gateway.rpc import RemoteError
from gateway.web.forms import form_values, submit
from gateway.web.i18n import current_language
from gateway.web.sessions import member_required

blueprint = Blueprint("web_member", __name__)

# The profile's sections as profiles names them, in the order it lists them.
SECTIONS = ("headline", "bio", "professional_history", "education", "address", "email_web")
MOST_NAMES = 20  # names looked up for one page of requests


def _me():
    return g.member["user_id"]


def _names(user_ids):
    """{user_id: "First Last"} of the members a page mentions, asked in parallel
    (a member one may not see, or who left, has no name here)."""
    wanted = sorted(set(user_ids))[:MOST_NAMES]
    results = call_parallel({user_id: ("profiles", "get_profile",
                                       {"user_id": user_id, "viewer_id": _me()})
                             for user_id in wanted}) if wanted else {}
    return {user_id: f"{result['first_name']} {result['last_name']}"
            for user_id, result in results.items() if not isinstance(result, Exception)}


@blueprint.get("/dashboard")
@member_required
def dashboard():
    # Onboarding's state is asked beside the dashboard's own calls: a member who
    # has not finished is sent on to their next step instead.
    results = call_parallel({**compose.dashboard_calls(_me()),
                             "_onboarding": ("identity", "get_onboarding", {"user_id": _me()})})
    onboarding = results.pop("_onboarding")
    if isinstance(onboarding, Exception):
        raise onboarding
    if not onboarding["completed"]:
        return redirect(url_for("web_onboarding.next_step"), 303)
    return render_template("member/dashboard.html", dashboard=compose.dashboard(results, g.member),
                           sections=SECTIONS)


# The profile's text fields this page edits (the full editor comes with the
# member's network pages): form name -> (the PATCH's field, the address's key).
PROFILE_FIELDS = {"headline": ("headline", None), "bio": ("bio", None),
                  "address.city": ("address", "city"), "address.country": ("address", "country"),
                  "website": ("website", None), "linkedin_url": ("linkedin_url", None),
                  "skype": ("skype", None)}


def _profile_values(me):
    address = me.get("address") or {}
    return {name: (address.get(key) if key else me.get(field)) or ""
            for name, (field, key) in PROFILE_FIELDS.items()}


@blueprint.route("/profile", methods=("GET", "POST"))
@member_required
def profile():
    me = call("profiles", "get_profile", user_id=_me(), viewer_id=_me())
    saved = request.args.get("saved") == "1"
    if request.method == "GET":
        return render_template("member/profile.html", profile=me, sections=SECTIONS,
                               values=_profile_values(me), refused=None, saved=saved)
    values = form_values(*PROFILE_FIELDS)
    before = _profile_values(me)
    changes = {}
    for name, (field, key) in PROFILE_FIELDS.items():
        if values[name].strip() == before[name]:
            continue  # only what the member changed: profiles checks each field given
        if key:
            changes.setdefault(field, {})[key] = values[name].strip()
        else:
            changes[field] = values[name].strip()
    if "address" in changes:  # the address is replaced whole: keep its other parts
        changes["address"] = {**{k: v for k, v in (me.get("address") or {}).items() if v},
                              **changes["address"]}
    result, refused = submit("profiles", "update_profile", user_id=_me(), changes=changes) \
        if changes else (me, None)
    if refused:
        return render_template("member/profile.html", profile=me, sections=SECTIONS,
                               values=values, refused=refused, saved=False), refused.status
    return redirect(url_for("web_member.profile", saved=1), 303)


@blueprint.get("/inbox")
@member_required
def inbox():
    conversations = call("notifications", "list_conversations", user_id=_me(), page=1,
                         per_page=50)
    return render_template("member/inbox.html", conversations=conversations)


@blueprint.get("/inbox/<int:conversation_id>")
@member_required
def conversation(conversation_id):
    try:
        messages = call("notifications", "list_messages", user_id=_me(),
                        conversation_id=conversation_id, page=1, per_page=50)
    except RemoteError as exc:
        if exc.exc_type == "NotFound":  # not one of the member's conversations
            abort(404)
        raise
    others = {m["sender_id"] for m in messages["items"]} | {m["recipient_id"]
                                                            for m in messages["items"]}
    names = _names(others - {_me()})
    # Oldest first, as a conversation is read.
    return render_template("member/conversation.html", messages=messages["items"][::-1],
                           names=names, other=next(iter(names.values()), None))


@blueprint.get("/requests")
@member_required
def requests_():
    boxes = call_parallel({
        **{box: ("mentoring", "list_requests", {"user_id": _me(), "box": box, "status": None})
           for box in ("received", "sent")},
        "activities": ("profiles", "catalogue", {"kind": "activities",
                                                  "language": current_language()})})
    for result in boxes.values():
        if isinstance(result, Exception):
            raise result
    people = [r["mentee_id"] for r in boxes["received"]["items"]] + \
        [r["mentor_id"] for r in boxes["sent"]["items"]]
    return render_template("member/requests.html", received=boxes["received"]["items"],
                           sent=boxes["sent"]["items"], names=_names(people),
                           activities={a["id"]: a["label"] for a in boxes["activities"]})


@blueprint.get("/notifications")
@member_required
def notifications():
    page = call("notifications", "list_notifications", user_id=_me(), page=1, per_page=50,
                unread_only=False)
    return render_template("member/notifications.html", notifications=page)
