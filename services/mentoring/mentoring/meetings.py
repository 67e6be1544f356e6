"""A relationship's meetings and the notes after them.

Either member proposes one or more times, each typed in the time zone they
choose (kept as the member's zone, so their meetings show in it); the other
member picks one.  Times are stored in UTC.  A scheduled meeting can be moved
or cancelled by either member; each change raises the calendar invitation's
sequence (same uid), and mentoring's events make notifications mail both
members the invitation as it now is.  The day before, both are reminded
(``remind_due``, run by a timer; once per start time).

An online meeting carries the link the members paste (https only); in person,
the place.  Nothing is hosted here.  Notes after a meeting are private to the
writer unless shared with the partner.
"""

import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import or_, select

from mentoring import checks, config, events, exceptions, nudges
from mentoring.models import Meeting, MeetingNote, MeetingTime, Member, Relationship
from mentoring.relationships import own_relationship
from mentornet_contracts.statuses import MeetingStatus

PLACE_MAX = 200
LINK_MAX = 500


# -- checks ----------------------------------------------------------------------
@cache
def time_zones():
    return frozenset(available_timezones())


def zone(name):
    if not isinstance(name, str) or name not in time_zones():
        raise exceptions.invalid("time_zone", "Choose a time zone from the list.")
    return ZoneInfo(name)


def to_utc(value, tz, field="times"):
    """A time as typed ("2026-12-03T14:30", in ``tz``) as a UTC datetime."""
    if not isinstance(value, str) or not value.strip():
        raise exceptions.invalid(field, "Give a date and time for the meeting.")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise exceptions.invalid(
            field, "Give each time as a date and a time, like 2026-12-03 14:30."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _future(moments, at, field):
    for moment in moments:
        if moment <= at:
            raise exceptions.invalid(field, "Choose a time in the future.")
        if moment > at + timedelta(days=366):
            raise exceptions.invalid(field, "Choose a time within a year.")


def _link(value):
    """The online meeting's address, as pasted: an https URL, or nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str):
        raise exceptions.invalid("link", "Paste the meeting's link, starting with https://.")
    link = value.strip()
    parts = urlsplit(link)
    if (
        parts.scheme != "https"
        or not parts.hostname
        or any(c.isspace() for c in link)
        or len(link) > LINK_MAX
    ):
        raise exceptions.invalid("link", "Paste the meeting's link, starting with https://.")
    return link


def _place(value):
    if value is None:
        return ""
    checks.text(value, "place")
    if len(value.strip()) > PLACE_MAX:
        raise exceptions.invalid("place", f"Keep the place under {PLACE_MAX} characters.")
    return value.strip()


def _minutes(value):
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not 15 <= minutes <= config.MEETING_MINUTES_MAX:
        raise exceptions.invalid(
            "duration_minutes",
            f"A meeting lasts between 15 and {config.MEETING_MINUTES_MAX} minutes.",
        )
    return minutes


def _remember_zone(session, user_id, name):
    member = session.get(Member, user_id)
    if member is not None and member.time_zone != name:
        member.time_zone = name


def _own_meeting(session, user_id, meeting_id, for_update=True):
    """The meeting and its relationship, if ``user_id`` is one of the two members."""
    try:
        meeting = session.get(Meeting, int(meeting_id), with_for_update=for_update)
    except (TypeError, ValueError):
        meeting = None
    relationship = meeting and session.get(Relationship, meeting.relationship_id)
    if relationship is None or user_id not in (relationship.mentor_id, relationship.mentee_id):
        raise exceptions.NotFound("meeting_not_found", "No such meeting.")
    return meeting, relationship


def _still_current(relationship):
    if relationship.ended_at is not None:
        raise exceptions.Conflict("relationship_ended", "This relationship has already ended.")


# -- views -----------------------------------------------------------------------
def meeting_view(session, meeting, user_id, at):
    times = session.execute(
        select(MeetingTime)
        .where(MeetingTime.meeting_id == meeting.id)
        .order_by(MeetingTime.starts_at)
    ).scalars()
    ends_at = (
        meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        if meeting.starts_at
        else None
    )
    notes = session.execute(
        select(MeetingNote)
        .where(
            MeetingNote.meeting_id == meeting.id,
            (MeetingNote.author_id == user_id) | MeetingNote.shared.is_(True),
        )
        .order_by(MeetingNote.id)
    ).scalars()
    return {
        "id": meeting.id,
        "status": meeting.status,
        "proposed_by": meeting.proposed_by,
        "proposed_at": meeting.proposed_at.isoformat(),
        "times": [{"id": t.id, "starts_at": t.starts_at.isoformat()} for t in times],
        "starts_at": meeting.starts_at.isoformat() if meeting.starts_at else None,
        "ends_at": ends_at.isoformat() if ends_at else None,
        "duration_minutes": meeting.duration_minutes,
        "link": meeting.link,
        "place": meeting.place,
        "sequence": meeting.sequence,
        "changed_by": meeting.changed_by,
        "changed_at": meeting.changed_at.isoformat() if meeting.changed_at else None,
        # Only the other member picks one of the proposed times.
        "can_pick": meeting.status == MeetingStatus.PROPOSED and meeting.proposed_by != user_id,
        "over": bool(ends_at and ends_at <= at),
        # Notes are written once the meeting has begun.
        "can_note": meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= at,
        "notes": [
            {
                "id": note.id,
                "author_id": note.author_id,
                "body": note.body,
                "shared": note.shared,
                "written_at": note.written_at.isoformat(),
            }
            for note in notes
        ],
    }


def meetings_of(session, relationship_id, user_id, at):
    rows = session.execute(
        select(Meeting)
        .where(Meeting.relationship_id == relationship_id)
        .order_by(Meeting.starts_at.nulls_last(), Meeting.id)
    ).scalars()
    return [meeting_view(session, meeting, user_id, at) for meeting in rows]


def time_zone_of(session, user_id):
    member = session.get(Member, user_id)
    return (member and member.time_zone) or config.DEFAULT_TIME_ZONE


# -- proposing, picking, moving, cancelling ----------------------------------------
def propose_meeting(
    db, user_id, relationship_id, times, time_zone, duration_minutes=60, link="", place="", now=None
):
    at = checks.now(now)
    tz = zone(time_zone)
    if isinstance(times, str):
        times = [times]
    if not isinstance(times, list):
        raise exceptions.invalid("times", "Give a date and time for the meeting.")
    typed = [t for t in times if isinstance(t, str) and t.strip()]
    if not typed:
        raise exceptions.invalid("times", "Give a date and time for the meeting.")
    if len(typed) > config.MEETING_TIMES_MAX:
        raise exceptions.invalid(
            "times", f"Propose at most {config.MEETING_TIMES_MAX} times at once."
        )
    moments = sorted({to_utc(t, tz) for t in typed})
    _future(moments, at, "times")
    minutes, link, place = _minutes(duration_minutes), _link(link), _place(place)
    with db.transaction() as session:
        relationship = own_relationship(session, user_id, relationship_id, current=True)
        meeting = Meeting(
            relationship_id=relationship.id,
            uid=f"{uuid.uuid4()}@mentornetwork",
            sequence=0,
            status=MeetingStatus.PROPOSED,
            proposed_by=user_id,
            proposed_at=at,
            duration_minutes=minutes,
            link=link,
            place=place,
        )
        session.add(meeting)
        session.flush()
        session.add_all(MeetingTime(meeting_id=meeting.id, starts_at=m) for m in moments)
        _remember_zone(session, user_id, time_zone)
        session.flush()
        nudges.record_activity(session, relationship, at)
        events.meeting_changed(session, "proposed", meeting, relationship, user_id, at, moments)
        return meeting_view(session, meeting, user_id, at)


def pick_time(db, user_id, meeting_id, time_id, now=None):
    """The other member picks one of the proposed times: the meeting is on."""
    at = checks.now(now)
    with db.transaction() as session:
        meeting, relationship = _own_meeting(session, user_id, meeting_id)
        _still_current(relationship)
        if meeting.status != MeetingStatus.PROPOSED:
            raise exceptions.Conflict(
                "meeting_not_open",
                "A time was already picked for this meeting, or it was cancelled.",
            )
        if meeting.proposed_by == user_id:
            raise exceptions.Forbidden(
                "not_yours_to_pick", "The other member picks one of your times."
            )
        try:
            chosen = session.get(MeetingTime, int(time_id))
        except (TypeError, ValueError):
            chosen = None
        if chosen is None or chosen.meeting_id != meeting.id:
            raise exceptions.invalid("time_id", "Choose one of the proposed times.")
        if chosen.starts_at <= at:
            raise exceptions.invalid(
                "time_id", "This time has passed; choose another or propose new times."
            )
        meeting.status, meeting.starts_at = MeetingStatus.SCHEDULED, chosen.starts_at
        meeting.changed_by, meeting.changed_at = user_id, at
        nudges.record_activity(session, relationship, at)
        events.meeting_changed(session, "scheduled", meeting, relationship, user_id, at)
        return meeting_view(session, meeting, user_id, at)


def move_meeting(db, user_id, meeting_id, starts_at, time_zone, now=None):
    """Either member moves a scheduled meeting; the invitation follows (sequence + 1)."""
    at = checks.now(now)
    tz = zone(time_zone)
    moment = to_utc(starts_at, tz, "starts_at")
    _future([moment], at, "starts_at")
    with db.transaction() as session:
        meeting, relationship = _own_meeting(session, user_id, meeting_id)
        _still_current(relationship)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise exceptions.Conflict(
                "meeting_not_scheduled", "Only a scheduled meeting can be moved."
            )
        if moment == meeting.starts_at:
            raise exceptions.invalid("starts_at", "Choose a time other than the current one.")
        meeting.starts_at, meeting.sequence = moment, meeting.sequence + 1
        meeting.changed_by, meeting.changed_at = user_id, at
        _remember_zone(session, user_id, time_zone)
        nudges.record_activity(session, relationship, at)
        events.meeting_changed(session, "moved", meeting, relationship, user_id, at)
        return meeting_view(session, meeting, user_id, at)


def cancel_meeting(db, user_id, meeting_id, now=None):
    """Either member cancels a proposed or scheduled meeting; a scheduled one's
    invitation is cancelled in both calendars (sequence + 1)."""
    at = checks.now(now)
    with db.transaction() as session:
        meeting, relationship = _own_meeting(session, user_id, meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise exceptions.Conflict("meeting_cancelled", "This meeting is already cancelled.")
        if meeting.starts_at is not None and meeting.starts_at <= at:
            raise exceptions.Conflict("meeting_past", "This meeting has already taken place.")
        _cancel(session, meeting, relationship, user_id, at)
        nudges.record_activity(session, relationship, at)
        return meeting_view(session, meeting, user_id, at)


def _cancel(session, meeting, relationship, user_id, at):
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.sequence += 1  # the calendars' copy is replaced by the cancellation
    meeting.status = MeetingStatus.CANCELLED
    meeting.changed_by, meeting.changed_at = user_id, at
    events.meeting_changed(session, "cancelled", meeting, relationship, user_id, at)


def cancel_upcoming(session, relationship, user_id, at):
    """The relationship has ended: its proposed and upcoming meetings are
    cancelled (in both calendars), as if ``user_id`` had cancelled each."""
    upcoming = session.execute(
        select(Meeting)
        .where(
            Meeting.relationship_id == relationship.id,
            or_(
                Meeting.status == MeetingStatus.PROPOSED,
                (Meeting.status == MeetingStatus.SCHEDULED) & (Meeting.starts_at > at),
            ),
        )
        .order_by(Meeting.id)
        .with_for_update()
    ).scalars()
    for meeting in upcoming:
        _cancel(session, meeting, relationship, user_id, at)


def remind_due(db, now=None):
    """Remind both members of each meeting starting within MEETING_REMINDER_HOURS,
    once per start time (a moved meeting is reminded again); returns how many."""
    at = checks.now(now)
    until = at + timedelta(hours=config.MEETING_REMINDER_HOURS)
    reminded = 0
    with db.transaction() as session:
        rows = session.execute(
            select(Meeting, Relationship)
            .join(Relationship, Relationship.id == Meeting.relationship_id)
            .where(
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at > at,
                Meeting.starts_at <= until,
                Meeting.reminded_for.is_distinct_from(Meeting.starts_at),
                Relationship.ended_at.is_(None),
            )
            .with_for_update(of=Meeting, skip_locked=True)
            .limit(500)
        ).all()
        for meeting, relationship in rows:
            meeting.reminded_for = meeting.starts_at
            events.meeting_changed(session, "reminder", meeting, relationship, None, at)
            reminded += 1
    return reminded


# -- notes -----------------------------------------------------------------------
def add_note(db, user_id, meeting_id, body, shared=False, now=None):
    at = checks.now(now)
    checks.text(body, "body", required="Write the note first.")
    if not isinstance(shared, bool):
        raise exceptions.invalid("shared", "Say whether the note is shared.")
    with db.transaction() as session:
        meeting, relationship = _own_meeting(session, user_id, meeting_id, for_update=False)
        if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at > at:
            raise exceptions.Conflict(
                "meeting_not_held", "Notes are written after the meeting has begun."
            )
        session.add(
            MeetingNote(
                meeting_id=meeting.id,
                author_id=user_id,
                body=body.strip(),
                shared=shared,
                written_at=at,
            )
        )
        nudges.record_activity(session, relationship, at)
        session.flush()
        return meeting_view(session, meeting, user_id, at)
