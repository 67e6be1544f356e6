"""The relationship's workspace against mentoring's real database: goals with
their history, meetings proposed in a member's time zone and picked (stored in
UTC), moved and cancelled with the invitation's sequence raised, the reminder
the day before with a controllable clock (once per start), notes private or
shared, and nobody but the two members reads or changes any of it."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from mentoring import goals, meetings, mentoring_requests, relationships, workspace
from mentoring.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from tests.test_requests import NOW, ask, member, mentor


@pytest.fixture
def pair(db):
    """A mentee and a mentor in a current relationship: (mentee, mentor, relationship id)."""
    mentee, mentor_id = member(db), mentor(db)
    accepted = mentoring_requests.accept(db, mentor_id, ask(db, mentee, mentor_id)["id"], now=NOW)
    return mentee, mentor_id, accepted["relationship"]["id"]


def events_of(service_database, relationship):
    """The meeting events of one relationship, in the order they were recorded."""
    from sqlalchemy import text

    with service_database.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT envelope FROM outbox_events WHERE event_type LIKE 'meeting_%'"
                " AND (envelope->'data'->>'relationship_id')::bigint = :r ORDER BY id"
            ),
            {"r": relationship},
        ).scalars()
        return [row if isinstance(row, dict) else json.loads(row) for row in rows]


def test_either_adds_a_goal_the_mentee_ticks_it_off_and_the_history_says_who(db, pair):
    mentee, mentor_id, relationship = pair
    first = goals.add_goal(db, mentor_id, relationship, " A CV that fits one page ", now=NOW)
    second = goals.add_goal(db, mentee, relationship, "Two mock interviews", now=NOW)
    assert first["title"] == "A CV that fits one page" and not first["done"]
    with pytest.raises(Forbidden):
        goals.complete_goal(db, mentor_id, relationship, first["id"], now=NOW)
    later = NOW + timedelta(days=3)
    done = goals.complete_goal(db, mentee, relationship, first["id"], now=later)
    assert done["done"] and done["done_by"] == mentee
    with pytest.raises(Conflict):
        goals.complete_goal(db, mentee, relationship, first["id"], now=later)
    seen = workspace.get_workspace(db, mentor_id, relationship, now=later)
    assert [g["title"] for g in seen["goals"]] == [first["title"], second["title"]]
    assert [(h["title"], h["change"], h["actor_id"], h["at"]) for h in seen["goal_history"]] == [
        ("A CV that fits one page", "added", mentor_id, NOW.isoformat()),
        ("Two mock interviews", "added", mentee, NOW.isoformat()),
        ("A CV that fits one page", "done", mentee, later.isoformat()),
    ]
    with pytest.raises(InvalidInput) as refused:
        goals.add_goal(db, mentee, relationship, "   ", now=NOW)
    assert refused.value.args[2] == {"title": ["Say what the goal is."]}


def test_a_meeting_proposed_in_one_zone_is_picked_and_kept_in_utc(db, pair, service_database):
    mentee, mentor_id, relationship = pair
    proposed = meetings.propose_meeting(
        db,
        mentee,
        relationship,
        ["2026-12-03T14:30", "2026-12-04T09:00"],
        "America/New_York",
        45,
        "https://meet.example.org/abc-defg",
        now=NOW,
    )
    # 14:30 in New York in December (UTC-5) is 19:30 UTC.
    assert [t["starts_at"] for t in proposed["times"]] == [
        "2026-12-03T19:30:00+00:00",
        "2026-12-04T14:00:00+00:00",
    ]
    assert proposed["status"] == "proposed" and not proposed["can_pick"]
    # The proposer's zone is kept: their page shows times in it.
    assert workspace.get_workspace(db, mentee, relationship, now=NOW)["time_zone"] == (
        "America/New_York"
    )
    assert workspace.get_workspace(db, mentor_id, relationship, now=NOW)["time_zone"] == (
        "Europe/Amsterdam"
    )
    with pytest.raises(Forbidden):
        meetings.pick_time(db, mentee, proposed["id"], proposed["times"][0]["id"], now=NOW)
    theirs = workspace.get_workspace(db, mentor_id, relationship, now=NOW)["meetings"][0]
    assert theirs["can_pick"]
    picked = meetings.pick_time(db, mentor_id, proposed["id"], theirs["times"][1]["id"], now=NOW)
    assert picked["status"] == "scheduled"
    assert picked["starts_at"] == "2026-12-04T14:00:00+00:00"
    assert picked["ends_at"] == "2026-12-04T14:45:00+00:00" and picked["sequence"] == 0
    with pytest.raises(Conflict):
        meetings.pick_time(db, mentor_id, proposed["id"], theirs["times"][0]["id"], now=NOW)

    moved = meetings.move_meeting(db, mentee, proposed["id"], "2026-12-05T10:00", "UTC", now=NOW)
    assert moved["starts_at"] == "2026-12-05T10:00:00+00:00" and moved["sequence"] == 1
    cancelled = meetings.cancel_meeting(db, mentor_id, proposed["id"], now=NOW)
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 2
    with pytest.raises(Conflict):
        meetings.move_meeting(db, mentee, proposed["id"], "2026-12-06T10:00", "UTC", now=NOW)

    sent = events_of(service_database, relationship)
    assert [(e["type"], e["data"]["sequence"]) for e in sent] == [
        ("meeting_proposed", 0),
        ("meeting_scheduled", 0),
        ("meeting_moved", 1),
        ("meeting_cancelled", 2),
    ]
    assert len({e["data"]["uid"] for e in sent}) == 1  # one invitation, followed
    assert sent[0]["data"]["times"] == ["2026-12-03T19:30:00+00:00", "2026-12-04T14:00:00+00:00"]
    assert sent[1]["data"]["time_zones"] == {
        mentor_id: "Europe/Amsterdam",
        mentee: "America/New_York",
    }
    assert sent[1]["data"]["link"] == "https://meet.example.org/abc-defg"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"times": []}, "times", "Give a date and time for the meeting."),
        (
            {"times": ["tomorrow"]},
            "times",
            "Give each time as a date and a time, like 2026-12-03 14:30.",
        ),
        ({"times": ["2026-11-01T10:00"]}, "times", "Choose a time in the future."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Choose a time zone from the list."),
        (
            {"link": "http://meet.example.org/x"},
            "link",
            "Paste the meeting's link, starting with https://.",
        ),
        (
            {"link": "javascript:alert(1)"},
            "link",
            "Paste the meeting's link, starting with https://.",
        ),
        ({"link": "https://"}, "link", "Paste the meeting's link, starting with https://."),
        (
            {"duration_minutes": "5"},
            "duration_minutes",
            "A meeting lasts between 15 and 480 minutes.",
        ),
        (
            {"times": ["2026-12-03T10:00"] * 2 + [f"2026-12-0{d}T10:00" for d in range(4, 9)]},
            "times",
            "Propose at most 5 times at once.",
        ),
    ],
)
def test_a_bad_proposal_names_the_problem_and_writes_nothing(
    db, pair, change, field, message, service_database
):
    mentee, _, relationship = pair
    proposal = {
        "times": ["2026-12-03T10:00"],
        "time_zone": "Europe/Amsterdam",
        "duration_minutes": 60,
        "link": "",
        **change,
    }
    with pytest.raises(InvalidInput) as refused:
        meetings.propose_meeting(
            db,
            mentee,
            relationship,
            proposal["times"],
            proposal["time_zone"],
            proposal["duration_minutes"],
            proposal["link"],
            now=NOW,
        )
    assert refused.value.args[2] == {field: [message]}
    assert (
        service_database.scalar(
            "SELECT count(*) FROM meetings WHERE relationship_id = :r", {"r": relationship}
        )
        == 0
    )


def test_both_are_reminded_the_day_before_once_and_again_after_a_move(db, pair, service_database):
    mentee, mentor_id, relationship = pair
    proposed = meetings.propose_meeting(
        db, mentor_id, relationship, ["2026-12-10T15:00"], "UTC", 60, place="Lipsius 0.11", now=NOW
    )
    meetings.pick_time(db, mentee, proposed["id"], proposed["times"][0]["id"], now=NOW)

    def reminded_at(now):
        """Run the reminders at ``now``; the starts this meeting was reminded of so far."""
        meetings.remind_due(db, now=now)
        sent = events_of(service_database, relationship)
        return [e["data"]["starts_at"] for e in sent if e["type"] == "meeting_reminder"]

    assert reminded_at(datetime(2026, 12, 8, 15, tzinfo=UTC)) == []  # two days before
    day_before = datetime(2026, 12, 9, 16, tzinfo=UTC)
    assert reminded_at(day_before) == ["2026-12-10T15:00:00+00:00"]
    assert reminded_at(day_before + timedelta(hours=1)) == ["2026-12-10T15:00:00+00:00"]  # once
    meetings.move_meeting(db, mentee, proposed["id"], "2026-12-11T15:00", "UTC", now=day_before)
    assert reminded_at(day_before) == ["2026-12-10T15:00:00+00:00"]  # now two days off
    assert reminded_at(datetime(2026, 12, 10, 15, 30, tzinfo=UTC)) == [
        "2026-12-10T15:00:00+00:00",
        "2026-12-11T15:00:00+00:00",
    ]
    reminder = events_of(service_database, relationship)[-1]["data"]
    assert reminder["actor_id"] is None and reminder["place"] == "Lipsius 0.11"
    assert reminder["sequence"] == 1
    # A cancelled meeting is not reminded.
    meetings.move_meeting(db, mentee, proposed["id"], "2026-12-12T15:00", "UTC", now=day_before)
    meetings.cancel_meeting(db, mentor_id, proposed["id"], now=day_before)
    assert len(reminded_at(datetime(2026, 12, 11, 16, tzinfo=UTC))) == 2


def test_notes_after_a_meeting_are_private_unless_shared(db, pair):
    mentee, mentor_id, relationship = pair
    proposed = meetings.propose_meeting(
        db, mentor_id, relationship, ["2026-12-10T15:00"], "UTC", now=NOW
    )
    meetings.pick_time(db, mentee, proposed["id"], proposed["times"][0]["id"], now=NOW)
    with pytest.raises(Conflict):  # not yet held
        meetings.add_note(db, mentee, proposed["id"], "Too early", now=NOW)
    after = datetime(2026, 12, 10, 16, tzinfo=UTC)
    meetings.add_note(db, mentee, proposed["id"], "Nervous about salary talk", False, now=after)
    meetings.add_note(db, mentee, proposed["id"], "Next: rewrite the summary", True, now=after)
    meetings.add_note(db, mentor_id, proposed["id"], "She undersells herself", False, now=after)

    def notes(user_id):
        seen = workspace.get_workspace(db, user_id, relationship, now=after)["meetings"][0]
        return [n["body"] for n in seen["notes"]]

    assert notes(mentee) == ["Nervous about salary talk", "Next: rewrite the summary"]
    assert notes(mentor_id) == ["Next: rewrite the summary", "She undersells herself"]


def test_nobody_else_reads_or_changes_the_workspace(db, pair):
    mentee, mentor_id, relationship = pair
    stranger = member(db)
    goal = goals.add_goal(db, mentee, relationship, "Finish the CV", now=NOW)
    proposed = meetings.propose_meeting(
        db, mentee, relationship, ["2026-12-10T15:00"], "UTC", now=NOW
    )
    calls = [
        lambda: workspace.get_workspace(db, stranger, relationship, now=NOW),
        lambda: goals.add_goal(db, stranger, relationship, "Mine now", now=NOW),
        lambda: goals.complete_goal(db, stranger, relationship, goal["id"], now=NOW),
        lambda: meetings.propose_meeting(
            db, stranger, relationship, ["2026-12-10T15:00"], "UTC", now=NOW
        ),
        lambda: meetings.pick_time(
            db, stranger, proposed["id"], proposed["times"][0]["id"], now=NOW
        ),
        lambda: meetings.move_meeting(
            db, stranger, proposed["id"], "2026-12-11T15:00", "UTC", now=NOW
        ),
        lambda: meetings.cancel_meeting(db, stranger, proposed["id"], now=NOW),
        lambda: meetings.add_note(db, stranger, proposed["id"], "Hi", now=NOW),
        lambda: workspace.get_workspace(db, mentee, 999999999, now=NOW),
        lambda: meetings.cancel_meeting(db, mentee, 999999999, now=NOW),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    # A goal of another relationship is not found through this one.
    other_mentee, other_mentor = member(db), mentor(db)
    theirs = mentoring_requests.accept(
        db, other_mentor, ask(db, other_mentee, other_mentor)["id"], now=NOW
    )["relationship"]["id"]
    their_goal = goals.add_goal(db, other_mentee, theirs, "Theirs", now=NOW)
    with pytest.raises(NotFound):
        goals.complete_goal(db, mentee, relationship, their_goal["id"], now=NOW)
    # An ended relationship's workspace is read, not changed.
    relationships.end_relationship(db, mentor_id, relationship, "ended_early", now=NOW)
    assert workspace.get_workspace(db, mentee, relationship, now=NOW)["goals"][0]["title"] == (
        "Finish the CV"
    )
    with pytest.raises(Conflict):
        goals.add_goal(db, mentee, relationship, "After the end", now=NOW)


def test_a_members_rows_are_exported_and_their_words_erased(db, pair):
    mentee, mentor_id, relationship = pair
    goals.add_goal(db, mentee, relationship, "Mine", now=NOW)
    goals.add_goal(db, mentor_id, relationship, "Theirs", now=NOW)
    proposed = meetings.propose_meeting(
        db, mentor_id, relationship, ["2026-12-10T15:00"], "UTC", now=NOW
    )
    meetings.pick_time(db, mentee, proposed["id"], proposed["times"][0]["id"], now=NOW)
    after = datetime(2026, 12, 10, 16, tzinfo=UTC)
    meetings.add_note(db, mentee, proposed["id"], "my private note", False, now=after)
    meetings.add_note(db, mentor_id, proposed["id"], "mentor private", False, now=after)
    meetings.add_note(db, mentor_id, proposed["id"], "mentor shared", True, now=after)
    with db.transaction() as session:
        rows = workspace.member_rows(session, mentee)
    assert [g["title"] for g in rows["goals"]] == ["Mine", "Theirs"]
    assert [n["body"] for n in rows["meeting_notes"]] == ["my private note"]
    assert [n["body"] for n in rows["notes_shared_with_them"]] == ["mentor shared"]
    assert len(rows["meetings"]) == 1 and len(rows["meeting_times"]) == 1
    json.dumps(rows)  # ready for an export file
    with db.transaction() as session:
        assert workspace.erase_member(session, mentee) == 2
    seen = workspace.get_workspace(db, mentor_id, relationship, now=after)
    assert [g["title"] for g in seen["goals"]] == ["", "Theirs"]
    assert [n["body"] for n in seen["meetings"][0]["notes"]] == ["mentor private", "mentor shared"]


def test_ending_the_relationship_cancels_its_upcoming_meetings(db, pair, service_database):
    mentee, mentor_id, relationship = pair
    scheduled = meetings.propose_meeting(
        db, mentee, relationship, ["2026-12-10T15:00"], "UTC", 30, place="Lipsius 0.11", now=NOW
    )
    meetings.pick_time(db, mentor_id, scheduled["id"], scheduled["times"][0]["id"], now=NOW)
    proposed = meetings.propose_meeting(
        db, mentor_id, relationship, ["2026-12-17T15:00"], "UTC", 30, place="Lipsius 0.11", now=NOW
    )
    relationships.end_relationship(db, mentee, relationship, "ended_early", now=NOW)

    seen = workspace.get_workspace(db, mentor_id, relationship, now=NOW)["meetings"]
    assert {m["id"]: m["status"] for m in seen} == {
        scheduled["id"]: "cancelled",
        proposed["id"]: "cancelled",
    }
    cancellations = [
        (e["data"]["meeting_id"], e["data"]["sequence"], e["data"]["actor_id"])
        for e in events_of(service_database, relationship)
        if e["type"] == "meeting_cancelled"
    ]
    # The scheduled one's invitation is replaced (sequence + 1); who ended it cancelled them.
    assert sorted(cancellations) == sorted(
        [(scheduled["id"], 1, mentee), (proposed["id"], 0, mentee)]
    )
