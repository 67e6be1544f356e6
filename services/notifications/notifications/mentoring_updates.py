"""Mentoring's events as notifications and e-mails for the member they concern,
so a mentor learns of a new request without logging in."""

from mentornet_platform import settings
from notifications import centre, conversations, texts
from notifications.models import Member

# event -> (who is told, notification type, text key)
ROUTES = {
    "mentoring_request_created": ("mentor_id", "mentoring_request_received", "request_created"),
    "mentoring_request_withdrawn": ("mentor_id", "mentoring_request_received", "request_withdrawn"),
    "mentoring_request_accepted": ("mentee_id", "mentoring_request_answered", "request_accepted"),
    "mentoring_request_declined": ("mentee_id", "mentoring_request_answered", "request_declined"),
    "mentoring_request_expired": ("mentee_id", "mentoring_request_answered", "request_expired"),
    "mentoring_request_expiring": ("mentor_id", "mentoring_request_expiring", "request_expiring"),
}


def _name(member):
    return f"{member.first_name} {member.last_name}" if member else "A member"


def named(session, user_id):
    """The member a text will name, locked against their erasure meanwhile: an
    erasure that runs at the same time either waits for this text and then
    unnames it, or has already gone and this text names nobody."""
    return session.get(Member, user_id, with_for_update={"read": True})


def _tell(session, user_id, event_type, key, envelope, text_values, link):
    member = session.get(Member, user_id)
    if member is None:
        return  # left the network
    summary = texts.render(key, member.language, **text_values)
    dedupe = f"{envelope['type']}:{envelope['event_id']}"
    centre.tell(
        session,
        member,
        event_type,
        dedupe,
        summary,
        link,
        "mentoring_update",
        {
            "first_name": member.first_name,
            "text": summary,
            "link": settings.public_base_url() + link,
        },
    )


def request_changed(session, data, envelope):
    who, event_type, key = ROUTES[envelope["type"]]
    mentee_id, mentor_id = str(data["mentee_id"]), str(data["mentor_id"])
    if envelope["type"] == "mentoring_request_created":
        # A request between them: they may write to each other from now on.
        conversations.add_contact(session, mentee_id, mentor_id)
    other = mentor_id if who == "mentee_id" else mentee_id
    _tell(
        session,
        str(data[who]),
        event_type,
        key,
        envelope,
        {"name": _name(named(session, other)), "reason": data.get("reason") or ""},
        f"/requests/{int(data['request_id'])}",
    )  # the request's own page, with its history


def relationship_ended(session, data, envelope):
    """The partner learns who ended it and why (completed or ended early); both
    are asked for feedback on its own page, once per relationship whatever
    arrives twice."""
    ended_by = str(data["ended_by"])
    mentor_id, mentee_id = str(data["mentor_id"]), str(data["mentee_id"])
    relationship_id = int(data["relationship_id"])
    other = mentee_id if ended_by == mentor_id else mentor_id
    _tell(
        session,
        other,
        "relationship_ended",
        "relationship_completed" if data.get("outcome") == "completed" else "relationship_ended",
        envelope,
        {"name": _name(named(session, ended_by)), "reason": data.get("reason") or ""},
        f"/relationships/{relationship_id}",
    )  # who ended it, and why
    for user_id, partner_id in ((mentor_id, mentee_id), (mentee_id, mentor_id)):
        ask_for_feedback(session, user_id, partner_id, relationship_id)


def ask_for_feedback(session, user_id, partner_id, relationship_id):
    member = session.get(Member, user_id)
    if member is None:
        return  # left the network (their leaving may be what ended it)
    name = _name(named(session, partner_id))
    link = f"/relationships/{relationship_id}/feedback"
    centre.tell(
        session,
        member,
        "feedback_requested",
        f"feedback_requested:{relationship_id}:{user_id}",
        texts.render("feedback_requested", member.language, name=name),
        link,
        "feedback_requested",
        {
            "first_name": member.first_name,
            "name": name,
            "link": settings.public_base_url() + link,
        },
    )
