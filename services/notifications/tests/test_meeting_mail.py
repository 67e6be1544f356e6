"""Meeting events as mail over real SMTP (aiosmtpd): both members get the
invitation, an .ics that parses as one calendar event at the right UTC time,
each mail saying the time in the member's own zone and language; a move keeps
the UID with SEQUENCE + 1, a cancellation is METHOD:CANCEL; a redelivered
event sends nothing twice; a proposal reaches only the other member."""

import re
import uuid
from datetime import UTC, datetime

import icalendar

from mentornet_platform.event_inbox import Inbox
from mentornet_testing import Mailbox, wait_until
from notifications import meetings
from notifications.mail import MailSender
from tests.test_centre_and_inbox import join

START = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)


def envelope(change, mentor, mentee, actor, sequence=0, starts_at=START, times=()):
    return {
        "event_id": str(uuid.uuid4()),
        "type": f"meeting_{change}",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {
            "meeting_id": 7,
            "relationship_id": 3,
            "mentor_id": mentor,
            "mentee_id": mentee,
            "actor_id": actor,
            "uid": "0b3c@mentornetwork",
            "sequence": sequence,
            "starts_at": starts_at.isoformat() if starts_at else None,
            "duration_minutes": 45,
            "times": [t.isoformat() for t in times],
            "link": "https://meet.example.org/abc",
            "place": "",
            "time_zones": {mentor: "Europe/Amsterdam", mentee: "America/New_York"},
            "at": datetime.now(UTC).isoformat(),
        },
    }


def deliver(db, event):
    change = event["type"]
    Inbox(db.engine, {change: meetings.meeting_changed}, {change: "mentoring"}).apply(
        change, "mentoring", event
    )


def address(db, user_id):
    with db.engine.connect() as connection:
        from sqlalchemy import text

        return connection.execute(
            text("SELECT email FROM members WHERE user_id = :u"), {"u": user_id}
        ).scalar()


def arrived(sender, box, to, subject, what):
    """The mail to ``to`` once it is out: the session's database holds other
    tests' pending mail too, so one batch may not reach this test's."""

    def sent_and_received():
        sender.send_due()
        return box.to(to, subject)

    return wait_until(sent_and_received, 20, 0.05, what)


def invitation_of(mail):
    parts = [
        part
        for part in mail["message"].walk()
        if part.get_content_type() == "text/calendar" and part.get_filename() == "invite.ics"
    ]
    assert len(parts) == 1
    calendar = icalendar.Calendar.from_ical(parts[0].get_content())
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_both_get_the_invitation_and_the_move_and_cancel_follow_it(db):
    mentor, mentee = join(db, "nl", first_name="Marit"), join(db, "en", first_name="Sem")
    box = Mailbox()
    try:
        sender = MailSender(db.engine, "127.0.0.1", box.port, "no-reply@x.org")
        proposal = envelope("proposed", mentor, mentee, mentee, starts_at=None, times=[START])
        deliver(db, proposal)
        deliver(db, proposal)  # redelivered: nothing twice
        sender.send_due()
        to_mentor, to_mentee = address(db, mentor), address(db, mentee)
        proposed = arrived(sender, box, to_mentor, "stelt een afspraak voor", "the proposal")
        assert len(proposed) == 1 and "2026-12-04 15:00 (Europe/Amsterdam)" in proposed[0]["body"]
        assert box.to(to_mentee, "meeting") == []  # the proposer is not told of their own

        deliver(db, envelope("scheduled", mentor, mentee, mentor))
        sender.send_due()
        for to, words, local in (
            (to_mentor, "Je afspraak met Sem Bakker is op", "2026-12-04 15:00 (Europe/Amsterdam)"),
            (
                to_mentee,
                "Your meeting with Marit Bakker is on",
                "2026-12-04 09:00 (America/New_York)",
            ),
        ):
            mail = arrived(sender, box, to, re.escape(words), to)[-1]
            assert local in mail["body"]
            calendar, event = invitation_of(mail)
            assert str(calendar["METHOD"]) == "REQUEST"
            assert event.decoded("DTSTART") == START
            assert event.decoded("DTEND") == datetime(2026, 12, 4, 14, 45, tzinfo=UTC)
            assert str(event["UID"]) == "0b3c@mentornetwork" and int(event["SEQUENCE"]) == 0
            assert str(event["LOCATION"]) == "https://meet.example.org/abc"
            attendees = sorted(str(a).removeprefix("mailto:") for a in event.get("ATTENDEE"))
            assert attendees == sorted([to_mentor, to_mentee])

        moved_to = datetime(2026, 12, 5, 16, 30, tzinfo=UTC)
        deliver(db, envelope("moved", mentor, mentee, mentee, 1, moved_to))
        deliver(db, envelope("cancelled", mentor, mentee, mentor, 2, moved_to))
        sender.send_due()
        moved = arrived(sender, box, to_mentee, "moved to", "the move")
        _, event = invitation_of(moved[-1])
        assert event.decoded("DTSTART") == moved_to and int(event["SEQUENCE"]) == 1
        assert str(event["UID"]) == "0b3c@mentornetwork"
        cancelled = arrived(sender, box, to_mentor, "gaat niet door", "the cancellation")
        calendar, event = invitation_of(cancelled[-1])
        assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 2 and str(event["UID"]) == "0b3c@mentornetwork"

        deliver(db, envelope("reminder", mentor, mentee, None, 1, moved_to))
        sender.send_due()
        reminder = arrived(sender, box, to_mentee, "Reminder", "the reminder")
        assert "2026-12-05 11:30 (America/New_York)" in reminder[0]["subject"]
        assert not [
            p for p in reminder[0]["message"].walk() if p.get_content_type() == "text/calendar"
        ]
    finally:
        box.controller.stop()
