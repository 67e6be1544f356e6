"""Nudges across the services, with a controllable clock: mentoring's timer
functions run with ``now=`` weeks or days ahead (on a stack of this module's
own, so no other test's members are nudged), and the caught e-mail and the
notifications show each nudge sent once, in each member's language."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from conftest import registration
from mentoring import nudges
from mentornet_platform.database import Database, make_engine
from mentornet_testing import WIDE_CLIENT_LIMITS, Stack, wait_until
from tests.support import ask, become_mentor, onboarded_member


@pytest.fixture(scope="module")
def stack(logs_dir, mailbox):
    from gateway.rpc import RpcClient

    own = Stack(logs_dir, rpc_client=RpcClient, smtp_port=mailbox.port, **WIDE_CLIENT_LIMITS)
    try:
        own.start_all()
        yield own
    finally:
        own.close()


@pytest.fixture(scope="module")
def mentoring_db(stack):
    engine = make_engine(stack.urls["mentoring"], pool_size=2)
    yield Database(engine)
    engine.dispose()


def notifications_of(member, kind):
    return [n for n in member.get("/notifications").json()["items"] if n["type"] == kind]


def test_a_quiet_relationship_nudges_both_members_once_in_their_language(
    stack, mentoring_db, mailbox, tmp_path
):
    mentor = onboarded_member(
        stack, tmp_path, registration(first_name="Marit", last_name="Quiet", language="nl")
    )
    mentee = onboarded_member(
        stack,
        tmp_path,
        registration(first_name="Sem", last_name="Quiet", language="en"),
        role="student",
    )
    become_mentor(mentor)
    request_id = ask(mentee, mentor).json()["id"]
    accepted = mentor.post(f"/mentoring/requests/{request_id}/accept", {})
    relationship_id = accepted.json()["relationship"]["id"]
    started = datetime.fromisoformat(accepted.json()["relationship"]["started_at"])

    assert (
        nudges.nudge_quiet_relationships(mentoring_db, now=started + timedelta(weeks=2))["nudged"]
        == 0
    )
    assert (
        nudges.nudge_quiet_relationships(mentoring_db, now=started + timedelta(weeks=3))["nudged"]
        == 1
    )
    dutch = wait_until(
        lambda: mailbox.to(mentor.form["email"], "^Het is stil in je mentorrelatie met Sem Quiet$"),
        30,
        0.2,
        "the mentor's nudge, in Dutch",
    )
    english = wait_until(
        lambda: mailbox.to(
            mentee.form["email"], "^It has been quiet in your mentoring relationship with Marit"
        ),
        30,
        0.2,
        "the mentee's nudge, in English",
    )
    assert f"/relationships/{relationship_id}" in dutch[0]["body"]
    assert "3 weeks" in english[0]["body"]
    [note] = wait_until(
        lambda: notifications_of(mentee, "relationship_quiet"), 30, 0.2, "the notification"
    )
    assert note["link"] == f"/relationships/{relationship_id}"

    # The timer again, later: nothing more.  Then a message is activity: the
    # next quiet spell counts from it.
    assert (
        nudges.nudge_quiet_relationships(mentoring_db, now=started + timedelta(weeks=5))["nudged"]
        == 0
    )
    sent = mentee.post("/conversations", {"recipient_id": mentor.user_id, "body": "Coffee?"})
    assert sent.status_code == 201, sent.text
    written = datetime.fromisoformat(sent.json()["message"]["created_at"])
    wait_until(
        lambda: (
            stack.scalar(
                "mentoring",
                "SELECT last_activity_at FROM relationships WHERE id = %s",
                (relationship_id,),
            )
            == written
        ),
        30,
        0.2,
        "mentoring to count the message as activity",
    )
    assert (
        nudges.nudge_quiet_relationships(mentoring_db, now=written + timedelta(weeks=2))["nudged"]
        == 0
    )
    assert len(mailbox.to(mentor.form["email"], "^Het is stil")) == 1
    assert len(mailbox.to(mentee.form["email"], "^It has been quiet")) == 1
    assert len(notifications_of(mentee, "relationship_quiet")) == 1


def test_a_member_who_asked_nobody_gets_mentors_with_reasons_once_in_their_language(
    stack, mentoring_db, mailbox, tmp_path
):
    mentor = onboarded_member(
        stack, tmp_path, registration(first_name="Fenna", last_name="Suggested", language="en")
    )
    become_mentor(mentor, max_mentees=2)
    newcomer = onboarded_member(
        stack,
        tmp_path,
        registration(first_name="Noor", last_name="Newcomer", language="nl"),
        role="student",
    )
    asker = onboarded_member(
        stack,
        tmp_path,
        registration(first_name="Bram", last_name="Asker", language="en"),
        role="student",
    )
    assert ask(asker, mentor).status_code == 201
    now = datetime.now(UTC)
    assert nudges.suggest_mentors(mentoring_db, now=now + timedelta(days=6))["suggested"] == 0
    nudges.suggest_mentors(mentoring_db, now=now + timedelta(days=7, minutes=1))
    [mail] = wait_until(
        lambda: mailbox.to(newcomer.form["email"], "^Mentoren die je kunnen helpen$"),
        30,
        0.2,
        "the suggestion, in Dutch",
    )
    body = mail["body"]
    assert "Fenna Suggested" in body
    # Why: the same programme (the records' Archaeology) and what she offers, in Dutch.
    assert "- Jullie studeerden allebei Archaeology" in body
    assert re.search(r"- Biedt: .+", body) and "Ruimte voor nog 2 mentees" in body
    assert f"/mentors/{mentor.user_id}" in body
    wait_until(lambda: notifications_of(newcomer, "mentors_suggested"), 30, 0.2, "the note")
    # The timer again, later: nobody twice, and never the one who asked.
    assert nudges.suggest_mentors(mentoring_db, now=now + timedelta(days=30))["suggested"] == 0
    assert (
        stack.scalar(
            "mentoring",
            "SELECT mentors_suggested_at FROM members WHERE user_id = %s",
            (asker.user_id,),
        )
        is None
    )
    assert mailbox.to(asker.form["email"], "^Mentors who could help you$") == []
    assert len(mailbox.to(newcomer.form["email"], "^Mentoren die je kunnen helpen$")) == 1
    assert len(notifications_of(newcomer, "mentors_suggested")) == 1
