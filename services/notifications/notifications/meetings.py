"""Mentoring's meeting events as notifications and e-mails to both members, each
in their own language and time zone; the e-mails of a scheduled, moved or
cancelled meeting carry its calendar invitation (.ics, made by the icalendar
library): one UID per meeting, SEQUENCE raised by each change, METHOD:CANCEL
when cancelled, so calendars update the one event instead of adding another.

Each e-mail and notification is keyed by the event and the member, so a
redelivered event sends nothing twice."""

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from mentornet_platform import settings
from notifications import centre, texts
from notifications.models import Member

PRODID = "-//Mentor Network//Meetings//EN"
SUMMARY = {"en": "Mentoring meeting with {name}", "nl": "Mentorafspraak met {name}"}
# Mails that carry the invitation; the proposal and the reminder do not.
INVITING = ("scheduled", "moved", "cancelled")


def _name(member):
    return f"{member.first_name} {member.last_name}" if member else "A member"


def _when(moment, zone_name):
    """A UTC moment as the member reads it: in their zone, with the zone named."""
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{local:%Y-%m-%d %H:%M} ({zone_name})"


def _organizer():
    address = parseaddr(settings.get("MAIL_FROM", "no-reply@mentornetwork.invalid"))[1]
    organizer = vCalAddress(f"mailto:{address or 'no-reply@mentornetwork.invalid'}")
    organizer.params["cn"] = vText("Mentor Network")
    return organizer


def invitation(data, language, partner, members, stamp):
    """The meeting's iCalendar text, as it now is (times in UTC)."""
    cancelled = data["_change"] == "cancelled"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    # UTC as such (a "Z" time), whatever offset object the payload's parser gave.
    starts_at = data["starts_at"].astimezone(UTC)
    event.add("uid", data["uid"])
    event.add("sequence", data["sequence"])
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=data["duration_minutes"]))
    event.add("summary", SUMMARY.get(language, SUMMARY["en"]).format(name=_name(partner)))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if data["link"]:
        event.add("location", data["link"])
        event.add("url", data["link"])
    elif data["place"]:
        event.add("location", data["place"])
    event.add(
        "description",
        settings.public_base_url() + f"/relationships/{int(data['relationship_id'])}#meetings",
    )
    event.add("organizer", _organizer())
    for member in members:
        if member is not None and member.email:
            attendee = vCalAddress(f"mailto:{member.email}")
            attendee.params["cn"] = vText(_name(member))
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def meeting_changed(session, data, envelope):
    """mentoring.meeting_<change>: tell the members concerned."""
    change = envelope["type"].removeprefix("meeting_")
    data = {**data, "_change": change}
    mentor_id, mentee_id = str(data["mentor_id"]), str(data["mentee_id"])
    actor = str(data["actor_id"]) if data.get("actor_id") else None
    members = {user_id: session.get(Member, user_id) for user_id in (mentor_id, mentee_id)}
    # A proposal, and a proposal withdrawn, concern only the other member.
    only_other = change == "proposed" or (change == "cancelled" and data["starts_at"] is None)
    for user_id, member in members.items():
        if member is None or (only_other and user_id == actor):
            continue
        other = members[mentee_id if user_id == mentor_id else mentor_id]
        zone = data["time_zones"].get(user_id) or "UTC"
        if change == "proposed":
            key, when = "meeting_proposed", ", ".join(_when(t, zone) for t in data["times"])
        elif change == "cancelled" and data["starts_at"] is None:
            key, when = "meeting_proposal_cancelled", ""
        else:
            key, when = f"meeting_{change}", _when(data["starts_at"], zone)
        summary = texts.render(key, member.language, name=_name(other), when=when)
        link = f"/relationships/{int(data['relationship_id'])}#meetings"
        calendar = None
        if change in INVITING and data["starts_at"] is not None:
            calendar = invitation(data, member.language, other, members.values(), _stamp(envelope))
        centre.tell(
            session,
            member,
            "meetings",
            f"{envelope['type']}:{envelope['event_id']}:{user_id}",
            summary,
            link,
            "meeting",
            {
                "first_name": member.first_name,
                "text": summary,
                "times": [_when(t, zone) for t in data["times"]],
                "where": data["link"] or data["place"],
                "invitation": calendar is not None,
                "link": settings.public_base_url() + link,
            },
            calendar,
        )


def _stamp(envelope):
    occurred = envelope.get("occurred_at")
    return datetime.fromisoformat(occurred) if isinstance(occurred, str) else occurred
