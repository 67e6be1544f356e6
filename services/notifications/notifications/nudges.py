"""Nudges, as mails and notifications in each member's language: a quiet
relationship (mentoring's relationship_quiet, to both members) and mentors
suggested to a member who has asked nobody (profiles' mentors_suggested).
Each is keyed by what it is about, not by the event, so it is sent once even
if the same nudge arrives again."""

from mentornet_platform import settings
from notifications import centre, texts
from notifications.mentoring_updates import named
from notifications.models import Member


def _name(member):
    return f"{member.first_name} {member.last_name}" if member else "A member"


def relationship_quiet(session, data, envelope):
    relationship_id = int(data["relationship_id"])
    mentor_id, mentee_id = str(data["mentor_id"]), str(data["mentee_id"])
    link = f"/relationships/{relationship_id}"
    # One nudge per quiet spell: the spell is named by its last activity.
    spell = data["last_activity_at"].isoformat()
    for user_id, partner_id in ((mentor_id, mentee_id), (mentee_id, mentor_id)):
        member = session.get(Member, user_id)
        if member is None:
            continue
        name = _name(named(session, partner_id))
        centre.tell(
            session,
            member,
            "relationship_quiet",
            f"relationship_quiet:{relationship_id}:{spell}:{user_id}",
            texts.render("relationship_quiet", member.language, name=name),
            link,
            "relationship_quiet",
            {
                "first_name": member.first_name,
                "name": name,
                "weeks": f"{data['quiet_weeks']:g}",
                "link": settings.public_base_url() + link,
            },
        )


def _reasons(mentor, language):
    labels = mentor["labels"].get(language) or mentor["labels"].get("en") or {}
    sectors, activities = labels.get("sectors", {}), labels.get("activities", {})
    said = []
    for reason in mentor["reasons"]:
        kind = reason.get("reason")
        if kind == "shared_programme":
            said.append(
                texts.render("reason_shared_programme", language, programme=reason["programme"])
            )
        elif kind == "sector_of_interest":
            named = ", ".join(sectors.get(s, s) for s in reason["sectors"])
            said.append(texts.render("reason_sector_of_interest", language, sectors=named))
        elif kind == "offers" and reason.get("activities"):
            named = ", ".join(activities.get(a, a) for a in reason["activities"])
            said.append(texts.render("reason_offers", language, activities=named))
        elif kind == "room_left":
            key = "reason_room_left_one" if reason["room_left"] == 1 else "reason_room_left"
            said.append(texts.render(key, language, num=reason["room_left"]))
    return said


def mentors_suggested(session, data, envelope):
    """Once per member: the mentors profiles recommends, each with why."""
    user_id = str(data["user_id"])
    member = session.get(Member, user_id)
    if member is None:
        return
    base = settings.public_base_url()
    mentors = [
        {
            "name": f"{mentor['first_name']} {mentor['last_name']}",
            "headline": mentor.get("headline") or "",
            "reasons": _reasons(mentor, member.language),
            "link": f"{base}/mentors/{mentor['user_id']}",
        }
        for mentor in data["mentors"]
    ]
    centre.tell(
        session,
        member,
        "mentors_suggested",
        f"mentors_suggested:{user_id}",
        texts.render("mentors_suggested", member.language),
        "/dashboard",
        "mentors_suggested",
        {
            "first_name": member.first_name,
            "mentors": mentors,
            "search_link": f"{base}/search",
            "link": f"{base}/dashboard",
        },
    )
