"""The ending (with its outcome), feedback and the nudges against mentoring's
real database, with a controllable clock: who may give feedback, that the
partner never reads it, the operators' aggregates, and that each nudge and
suggestion is recorded once however often the timer runs or an event comes."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from mentoring import feedback, goals, meetings, mentoring_requests, nudges, relationships, service
from mentoring.exceptions import Conflict, InvalidInput, NotFound
from mentoring.handlers import HANDLERS
from mentoring.models import Relationship
from mentornet_platform.event_inbox import Inbox
from services.mentoring.tests.test_requests import NOW, ask, member, mentor


def matched(db, now=NOW):
    mentee, mentor_id = member(db), mentor(db)
    accepted = mentoring_requests.accept(
        db, mentor_id, ask(db, mentee, mentor_id, now=now)["id"], now=now
    )
    return mentee, mentor_id, accepted["relationship"]["id"]


def outbox(db, event_type, **where):
    """The payloads of ``event_type`` that mentoring recorded, matching ``where``."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT envelope FROM outbox_events WHERE event_type = :t ORDER BY id"),
            {"t": event_type},
        ).scalars()
        found = []
        for envelope in rows:
            data = envelope["data"]
            if all(str(data.get(k)) == str(v) for k, v in where.items()):
                found.append(data)
        return found


def test_ending_says_why_and_the_event_carries_it(db):
    mentee, mentor_id, relationship_id = matched(db)
    with pytest.raises(InvalidInput) as refused:
        relationships.end_relationship(db, mentee, relationship_id, None, "")
    assert refused.value.fields == {
        "outcome": ["Say whether the relationship is completed or ended early."]
    }
    with pytest.raises(InvalidInput):
        relationships.end_relationship(db, mentee, relationship_id, "finished", "")
    ended = relationships.end_relationship(
        db, mentee, relationship_id, "completed", "Goals met", now=NOW + timedelta(days=30)
    )
    assert (ended["outcome"], ended["end_reason"]) == ("completed", "Goals met")
    [event] = outbox(db, "relationship_ended", relationship_id=relationship_id)
    assert (event["outcome"], event["reason"], event["ended_by"]) == (
        "completed",
        "Goals met",
        mentee,
    )
    assert relationships.get_relationship(db, mentor_id, relationship_id)["outcome"] == "completed"


def test_feedback_once_by_each_member_after_the_end_and_never_to_the_partner(db):
    mentee, mentor_id, relationship_id = matched(db)
    stranger = member(db)
    # Not before the end.
    assert feedback.feedback_status(db, mentee, relationship_id)["can_give"] is False
    with pytest.raises(Conflict):
        feedback.give_feedback(db, mentee, relationship_id, 5, "")
    relationships.end_relationship(db, mentor_id, relationship_id, "ended_early", "Moved abroad")

    for bad in (0, 6, "five", None, True, 4.5):
        with pytest.raises(InvalidInput) as refused:
            feedback.give_feedback(db, mentee, relationship_id, bad, "")
        assert list(refused.value.fields) == ["rating"]
    with pytest.raises(InvalidInput):
        feedback.give_feedback(db, mentee, relationship_id, 4, "x" * 2001)

    secret = "The mentor kept cancelling " + uuid.uuid4().hex
    assert feedback.give_feedback(db, mentee, relationship_id, "2", secret)["given"] is True
    with pytest.raises(Conflict):
        feedback.give_feedback(db, mentee, relationship_id, 5, "changed my mind")
    # A stranger's feedback or status: not found, like a missing relationship.
    for call in (
        lambda: feedback.give_feedback(db, stranger, relationship_id, 5, ""),
        lambda: feedback.feedback_status(db, stranger, relationship_id),
        lambda: feedback.feedback_status(db, mentee, 10**12),
    ):
        with pytest.raises(NotFound):
            call()

    # The partner's every view of the relationship says nothing of it.
    assert feedback.feedback_status(db, mentor_id, relationship_id) == {
        "relationship_id": relationship_id,
        "ended": True,
        "given": False,
        "can_give": True,
    }
    for seen in (
        relationships.get_relationship(db, mentor_id, relationship_id),
        relationships.list_relationships(db, mentor_id, current=False),
        mentoring_requests.overview(db, mentor_id),
    ):
        assert secret not in str(seen) and "rating" not in str(seen)
    feedback.give_feedback(db, mentor_id, relationship_id, 4, "")
    assert feedback.feedback_status(db, mentee, relationship_id)["given"] is True


def test_operators_see_aggregates_by_outcome_without_anyone(db):
    before = {s["outcome"]: s for s in feedback.feedback_statistics(db)["by_outcome"]}
    comment = "Very helpful " + uuid.uuid4().hex
    mentee, mentor_id, relationship_id = matched(db)
    relationships.end_relationship(db, mentee, relationship_id, "completed", "")
    feedback.give_feedback(db, mentee, relationship_id, 5, comment)
    feedback.give_feedback(db, mentor_id, relationship_id, 3, "")
    after = {s["outcome"]: s for s in feedback.feedback_statistics(db)["by_outcome"]}
    completed, was = after["completed"], before["completed"]
    assert completed["relationships_ended"] == was["relationships_ended"] + 1
    assert completed["feedback_given"] == was["feedback_given"] + 2
    assert completed["ratings"]["5"] == was["ratings"]["5"] + 1
    assert completed["ratings"]["3"] == was["ratings"]["3"] + 1
    assert comment in completed["comments"]
    assert completed["average_rating"] is not None
    assert set(after) == {"completed", "ended_early"}
    for who in (mentee, mentor_id):
        assert who not in str(after)
    # Nothing that names a member, a relationship or a moment.
    assert set(completed) == {
        "outcome",
        "relationships_ended",
        "feedback_given",
        "average_rating",
        "ratings",
        "comments",
    }


def test_a_members_feedback_for_export_and_erasure(db):
    mentee, mentor_id, relationship_id = matched(db)
    relationships.end_relationship(db, mentee, relationship_id, "completed", "")
    feedback.give_feedback(db, mentee, relationship_id, 4, "Good", now=NOW)
    feedback.give_feedback(db, mentor_id, relationship_id, 5, "")
    with db.transaction() as session:
        assert feedback.member_feedback(session, mentee) == [
            {
                "relationship_id": relationship_id,
                "rating": 4,
                "comment": "Good",
                "given_at": NOW.isoformat(),
            }
        ]
        assert feedback.erase_member_feedback(session, mentee) == 1
    with db.transaction() as session:
        assert feedback.member_feedback(session, mentee) == []
        assert len(feedback.member_feedback(session, mentor_id)) == 1


def _quiet_ones(db, relationship_id):
    return outbox(db, "relationship_quiet", relationship_id=relationship_id)


def test_a_quiet_relationship_is_nudged_once_per_quiet_spell(db):
    start = datetime(2030, 1, 1, tzinfo=UTC)  # later than every other test's relationships
    mentee, mentor_id, relationship_id = matched(db, now=start)
    nudges.nudge_quiet_relationships(
        db, now=start + timedelta(weeks=3) - timedelta(minutes=1), weeks=3
    )
    assert _quiet_ones(db, relationship_id) == []
    for hours in (0, 1, 24 * 7):  # the timer again and again: one nudge
        nudges.nudge_quiet_relationships(db, now=start + timedelta(weeks=3, hours=hours), weeks=3)
    [nudge] = _quiet_ones(db, relationship_id)
    assert (nudge["mentor_id"], nudge["mentee_id"], nudge["quiet_weeks"]) == (mentor_id, mentee, 3)

    # A message between them (notifications' event, delivered twice) is activity...
    box = Inbox(
        db.engine, {"sent": HANDLERS["on_conversation_message_sent"][1]}, {"sent": "notifications"}
    )
    written = start + timedelta(weeks=5)
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": "conversation_message_sent",
        "version": 1,
        "occurred_at": written.isoformat(),
        "data": {
            "conversation_id": 1,
            "message_id": 1,
            "sender_id": mentee,
            "recipient_id": mentor_id,
            "sent_at": written.isoformat(),
        },
    }
    box.apply("sent", "notifications", envelope)
    box.apply("sent", "notifications", envelope)
    # ...and an older one arriving late does not move it back.
    late = dict(envelope, event_id=str(uuid.uuid4()))
    late["data"] = dict(envelope["data"], sent_at=start.isoformat())
    box.apply("sent", "notifications", late)
    with db.transaction() as session:
        assert session.get(Relationship, relationship_id).last_activity_at == written
    nudges.nudge_quiet_relationships(db, now=written + timedelta(weeks=2), weeks=3)
    assert len(_quiet_ones(db, relationship_id)) == 1
    # A new quiet spell after it: a second nudge, once.
    for days in (21, 22):
        nudges.nudge_quiet_relationships(db, now=written + timedelta(days=days), weeks=3)
    assert len(_quiet_ones(db, relationship_id)) == 2


def test_activity_of_goals_and_meetings_and_an_ended_relationship(db):
    start = datetime(2030, 1, 1, tzinfo=UTC)
    mentee, mentor_id, relationship_id = matched(db, now=start)
    with db.transaction() as session:  # as the goals' and meetings' code does
        relationship = session.get(Relationship, relationship_id, with_for_update=True)
        nudges.record_activity(session, relationship, start + timedelta(weeks=2))
    nudges.nudge_quiet_relationships(db, now=start + timedelta(weeks=4), weeks=3)
    assert _quiet_ones(db, relationship_id) == []
    relationships.end_relationship(db, mentee, relationship_id, "completed", "")
    nudges.nudge_quiet_relationships(db, now=start + timedelta(weeks=10), weeks=3)
    assert _quiet_ones(db, relationship_id) == []


def test_each_goal_meeting_and_note_change_is_the_relationships_activity(db):
    start = datetime(2030, 1, 1, tzinfo=UTC)
    mentee, mentor_id, relationship_id = matched(db, now=start)

    def last_activity():
        with db.transaction() as session:
            return session.get(Relationship, relationship_id).last_activity_at

    day = timedelta(days=1)
    goal = goals.add_goal(db, mentor_id, relationship_id, "A CV on one page", now=start + day)
    assert last_activity() == start + day
    goals.complete_goal(db, mentee, relationship_id, goal["id"], now=start + 2 * day)
    assert last_activity() == start + 2 * day
    proposed = meetings.propose_meeting(
        db, mentor_id, relationship_id, ["2030-01-10T15:00"], "UTC", now=start + 3 * day
    )
    assert last_activity() == start + 3 * day
    meetings.pick_time(db, mentee, proposed["id"], proposed["times"][0]["id"], now=start + 4 * day)
    assert last_activity() == start + 4 * day
    meetings.move_meeting(
        db, mentee, proposed["id"], "2030-01-11T15:00", "UTC", now=start + 5 * day
    )
    assert last_activity() == start + 5 * day
    held = datetime(2030, 1, 11, 16, tzinfo=UTC)
    meetings.add_note(db, mentor_id, proposed["id"], "Good questions", False, now=held)
    assert last_activity() == held
    other = meetings.propose_meeting(
        db, mentee, relationship_id, ["2030-01-20T15:00"], "UTC", now=held + day
    )
    meetings.cancel_meeting(db, mentee, other["id"], now=held + 2 * day)
    assert last_activity() == held + 2 * day
    # Three weeks from the relationship's start, but not from its last activity: no nudge.
    nudges.nudge_quiet_relationships(db, now=start + timedelta(weeks=3, days=1), weeks=3)
    assert _quiet_ones(db, relationship_id) == []
    nudges.nudge_quiet_relationships(db, now=held + 2 * day + timedelta(weeks=3), weeks=3)
    assert len(_quiet_ones(db, relationship_id)) == 1


def test_a_member_who_asked_nobody_is_suggested_mentors_once(db, monkeypatch):
    quiet, asker = member(db), member(db)  # onboarded at NOW
    ask(db, asker, mentor(db))
    not_onboarded = member(db, onboarded=False)
    monkeypatch.setenv("MENTEE_ROLES", "student")
    staff = member(db, role="staff")
    nudges.suggest_mentors(db, now=NOW + timedelta(days=7) - timedelta(minutes=1), days=7)
    assert outbox(db, "mentor_suggestion_due", user_id=quiet) == []
    for hours in (0, 1, 48):
        nudges.suggest_mentors(db, now=NOW + timedelta(days=7, hours=hours), days=7)
    [due] = outbox(db, "mentor_suggestion_due", user_id=quiet)
    assert due["days"] == 7
    for nobody in (asker, not_onboarded, staff):
        assert outbox(db, "mentor_suggestion_due", user_id=nobody) == []


def test_the_timer_entrypoint_runs_both_by_the_real_clock(db, monkeypatch):
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
    from nameko.testing.services import worker_factory
    from nameko.timer import Timer

    [timer] = getattr(service.MentoringService.nudge, ENTRYPOINT_EXTENSIONS_ATTR)
    assert isinstance(timer, Timer)
    long_ago = datetime.now(UTC) - timedelta(weeks=4)
    mentee, mentor_id, relationship_id = matched(db, now=long_ago)
    worker_factory(service.MentoringService, db=db).nudge()
    assert len(_quiet_ones(db, relationship_id)) == 1
