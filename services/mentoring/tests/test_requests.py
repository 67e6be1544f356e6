"""Mentoring requests and relationships against mentoring's real database:
the lifecycle, every refusal, the race for the last place, expiry with a
controllable clock, and that nobody acts on another member's requests."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from mentoring import members, mentoring_requests, relationships
from mentoring.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from mentoring.models import MentoringRequest, Relationship
from mentornet_platform.event_inbox import Inbox

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _event(event_type, data):
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "version": 1,
        "occurred_at": NOW.isoformat(),
        "data": data,
    }


def member(db, role="student", onboarded=True):
    """A member as mentoring learns of them: through identity's events."""
    user_id = str(uuid.uuid4())
    box = Inbox(
        db.engine,
        {"registered": members.enrol, "onboarded": members.mark_onboarded},
        {"registered": "identity", "onboarded": "identity"},
    )
    box.apply(
        "registered",
        "identity",
        _event(
            "account_registered",
            {
                "user_id": user_id,
                "username": "u" + user_id[:8],
                "email": f"{user_id[:8]}@example.org",
                "first_name": "A",
                "middle_names": "",
                "last_name": "B",
                "language": "en",
                "registered_at": NOW.isoformat(),
            },
        ),
    )
    if onboarded:
        box.apply(
            "onboarded",
            "identity",
            _event(
                "onboarding_completed",
                {"user_id": user_id, "role": role, "completed_at": NOW.isoformat()},
            ),
        )
    return user_id


def mentor(db, activities=("cv_review", "mock_interview"), max_mentees=2, available=True):
    user_id = member(db, role="alumnus")
    offer(db, user_id, activities, max_mentees, available)
    return user_id


def offer(db, user_id, activities=("cv_review",), max_mentees=2, available=True, at=None):
    box = Inbox(db.engine, {"offer": members.record_offer}, {"offer": "profiles"})
    box.apply(
        "offer",
        "profiles",
        _event(
            "mentor_settings_changed",
            {
                "user_id": user_id,
                "available": available,
                "activities": list(activities),
                "max_mentees": max_mentees,
                "changed_at": (at or datetime.now(UTC)).isoformat(),
            },
        ),
    )


def ask(db, mentee, mentor_id, activities=("cv_review",), now=NOW):
    return mentoring_requests.request_mentoring(
        db, mentee, mentor_id, list(activities), "Could you look at my CV?", now=now
    )


def test_ask_accept_and_end_with_history(db):
    mentee, mentor_id = member(db), mentor(db)
    request = ask(db, mentee, mentor_id)
    assert request["status"] == "pending"
    assert request["expires_at"] == (NOW + timedelta(days=14)).isoformat()
    assert (
        mentoring_requests.list_requests(db, mentor_id, "received")["items"][0]["id"]
        == request["id"]
    )
    assert mentoring_requests.list_requests(db, mentee, "sent")["items"][0]["id"] == request["id"]

    accepted = mentoring_requests.accept(db, mentor_id, request["id"], "Happy to help", now=NOW)
    relationship = accepted["relationship"]
    assert relationship["activities"] == ["cv_review"] and relationship["my_role"] == "mentor"
    assert relationships.list_relationships(db, mentee)["items"][0]["my_role"] == "mentee"

    ended = relationships.end_relationship(
        db, mentee, relationship["id"], "ended_early", "Found a job!"
    )
    assert ended["ended_by"] == mentee and ended["end_reason"] == "Found a job!"
    assert relationships.list_relationships(db, mentor_id)["items"] == []
    history = mentoring_requests.request_history(db, mentee, request["id"])["items"]
    assert [(h["status"], h["actor_id"]) for h in history] == [
        ("pending", mentee),
        ("accepted", mentor_id),
    ]
    with pytest.raises(Conflict):
        relationships.end_relationship(db, mentor_id, relationship["id"], "completed")
    # Each side opens the request and the relationship by id, with its own side named.
    for user_id, role in ((mentee, "mentee"), (mentor_id, "mentor")):
        one = mentoring_requests.get_request(db, user_id, request["id"])
        assert (one["my_role"], one["status"], one["reply"]) == (role, "accepted", "Happy to help")
        assert [h["status"] for h in one["history"]] == ["pending", "accepted"]
        assert one["history"][1]["note"] == "Happy to help"
        kept = relationships.get_relationship(db, user_id, relationship["id"])
        assert (kept["my_role"], kept["request_id"], kept["end_reason"]) == (
            role,
            request["id"],
            "Found a job!",
        )


def test_decline_and_withdraw(db):
    mentee, mentor_id, other = member(db), mentor(db), mentor(db)
    declined = mentoring_requests.decline(
        db, mentor_id, ask(db, mentee, mentor_id)["id"], "no_capacity", reply="Try again in spring "
    )
    assert (declined["status"], declined["decline_reason"], declined["reply"]) == (
        "declined",
        "no_capacity",
        "Try again in spring",
    )
    assert [
        h["note"] for h in mentoring_requests.request_history(db, mentee, declined["id"])["items"]
    ] == ["", "Try again in spring"]
    with pytest.raises(InvalidInput):
        mentoring_requests.decline(db, other, ask(db, mentee, other)["id"], "because")
    request = mentoring_requests.list_requests(db, mentee, "sent", "pending")["items"][0]
    assert mentoring_requests.withdraw(db, mentee, request["id"])["status"] == "withdrawn"
    with pytest.raises(Conflict):
        mentoring_requests.accept(db, other, request["id"])
    assert [r["status"] for r in mentoring_requests.list_requests(db, mentee, "sent")["items"]] == [
        "withdrawn",
        "declined",
    ]


def test_an_unknown_status_is_refused_naming_every_status(db):
    with pytest.raises(InvalidInput) as refused:
        mentoring_requests.list_requests(db, member(db), "sent", "answered")
    assert refused.value.fields == {
        "status": ["Use pending, accepted, declined, withdrawn or expired."]
    }


def test_every_verified_member_may_ask_by_default(db):
    for role in ("student", "alumnus", "staff"):  # the guide: all are eligible to be both
        assert ask(db, member(db, role=role), mentor(db))["status"] == "pending"


@pytest.mark.parametrize(
    "case",
    [
        "self",
        "unavailable",
        "activity",
        "twice",
        "too_many",
        "not_onboarded",
        "role",
        "no_message",
        "full",
        "already",
    ],
)
def test_each_refusal_has_a_clear_reason(db, case, monkeypatch):
    if case == "role":  # every verified member may ask by default; a university may narrow it
        monkeypatch.setenv("MENTEE_ROLES", "student,alumnus")
    mentee, mentor_id = member(db), mentor(db, max_mentees=1)
    expected = {
        "self": (InvalidInput, "own_request"),
        "unavailable": (Conflict, "mentor_unavailable"),
        "activity": (InvalidInput, "activity_not_offered"),
        "twice": (Conflict, "request_open"),
        "too_many": (Conflict, "too_many_open_requests"),
        "not_onboarded": (Forbidden, "onboarding_incomplete"),
        "role": (Forbidden, "not_eligible_as_mentee"),
        "no_message": (InvalidInput, "invalid_input"),
        "full": (Conflict, "mentor_full"),
        "already": (Conflict, "already_mentored"),
    }[case]
    with pytest.raises(expected[0]) as error:
        if case == "self":
            ask(db, mentor_id, mentor_id)
        elif case == "unavailable":
            ask(db, mentee, mentor(db, available=False))
        elif case == "activity":
            ask(db, mentee, mentor_id, ["astrology"])
        elif case == "twice":
            ask(db, mentee, mentor_id)
            ask(db, mentee, mentor_id)
        elif case == "too_many":
            for _ in range(3):
                ask(db, mentee, mentor(db))
            ask(db, mentee, mentor_id)
        elif case == "not_onboarded":
            ask(db, member(db, onboarded=False), mentor_id)
        elif case == "role":
            ask(db, member(db, role="staff"), mentor_id)
        elif case == "no_message":
            mentoring_requests.request_mentoring(db, mentee, mentor_id, ["cv_review"], "  ")
        elif case == "full":
            mentoring_requests.accept(db, mentor_id, ask(db, member(db), mentor_id)["id"])
            ask(db, mentee, mentor_id)
        elif case == "already":  # a second relationship for the same pair, once accepted
            mentoring_requests.accept(db, mentor_id, ask(db, mentee, mentor_id)["id"])
            ask(db, mentee, mentor_id)
    assert error.value.code == expected[1]
    assert error.value.message


def test_two_accepts_racing_for_the_last_place_give_one_relationship(db):
    mentor_id = mentor(db, max_mentees=1)
    pending = [ask(db, member(db), mentor_id)["id"] for _ in range(8)]
    outcomes, barrier = [], threading.Barrier(len(pending))

    def accept(request_id):
        barrier.wait()
        try:
            mentoring_requests.accept(db, mentor_id, request_id)
            outcomes.append("accepted")
        except Conflict as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=accept, args=(r,)) for r in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["mentor_full"] * 7
    assert len(relationships.list_relationships(db, mentor_id)["items"]) == 1


def test_unanswered_requests_remind_the_mentor_then_expire(db):
    mentee, mentor_id = member(db), mentor(db)
    request = ask(db, mentee, mentor_id, now=NOW)
    assert mentoring_requests.expire_due(db, now=NOW + timedelta(days=10))["reminded"] == 0
    assert mentoring_requests.expire_due(db, now=NOW + timedelta(days=12))["reminded"] >= 1
    assert mentoring_requests.expire_due(db, now=NOW + timedelta(days=12, hours=1))["reminded"] == 0
    assert mentoring_requests.list_requests(db, mentee, "sent")["items"][0]["status"] == "pending"
    mentoring_requests.expire_due(db, now=NOW + timedelta(days=14, seconds=1))
    assert mentoring_requests.list_requests(db, mentee, "sent")["items"][0]["status"] == "expired"
    with pytest.raises(Conflict):
        mentoring_requests.accept(db, mentor_id, request["id"], now=NOW + timedelta(days=15))


def test_nobody_acts_on_or_reads_another_members_requests(db):
    mentee, mentor_id, stranger = member(db), mentor(db), member(db)
    request = ask(db, mentee, mentor_id)
    for attempt in (
        lambda: mentoring_requests.accept(db, stranger, request["id"]),
        lambda: mentoring_requests.accept(db, mentee, request["id"]),  # the mentee cannot accept
        lambda: mentoring_requests.decline(db, stranger, request["id"], "other"),
        lambda: mentoring_requests.withdraw(db, mentor_id, request["id"]),
        lambda: mentoring_requests.request_history(db, stranger, request["id"]),
        lambda: mentoring_requests.get_request(db, stranger, request["id"]),
    ):
        with pytest.raises(NotFound):
            attempt()
    relationship = mentoring_requests.accept(db, mentor_id, request["id"])["relationship"]
    for attempt in (
        lambda: relationships.end_relationship(db, stranger, relationship["id"], "completed"),
        lambda: relationships.get_relationship(db, stranger, relationship["id"]),
    ):
        with pytest.raises(NotFound) as refused:
            attempt()
        assert refused.value.code == "relationship_not_found"
    # Another's and one that does not exist are refused alike: nothing to tell them apart.
    with pytest.raises(NotFound) as missing:
        relationships.get_relationship(db, stranger, relationship["id"] + 10_000)
    assert missing.value.code == "relationship_not_found"
    assert mentoring_requests.list_requests(db, stranger, "received")["items"] == []


def test_an_older_offer_arriving_late_does_not_win(db):
    mentor_id = mentor(db, activities=("cv_review",))
    offer(db, mentor_id, ("mock_interview",), at=datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidInput):
        ask(db, member(db), mentor_id, ["mock_interview"])


def test_a_member_who_leaves_frees_the_place_and_closes_their_requests(db):
    mentee, mentor_id, waiting = member(db), mentor(db, max_mentees=1), member(db)
    relationship = mentoring_requests.accept(db, mentor_id, ask(db, mentee, mentor_id)["id"])[
        "relationship"
    ]
    other_mentor = mentor(db)
    ask(db, mentee, other_mentor)  # left pending: it closes when the mentee leaves
    box = Inbox(db.engine, {"deleted": members.forget}, {"deleted": "identity"})
    box.apply(
        "deleted",
        "identity",
        _event("account_deleted", {"user_id": mentee, "deleted_at": NOW.isoformat()}),
    )
    assert relationships.list_relationships(db, mentor_id)["items"] == []
    assert (
        relationships.list_relationships(db, mentor_id, current=False)["items"][0]["id"]
        == relationship["id"]
    )
    assert mentoring_requests.list_requests(db, other_mentor)["items"][0]["status"] == "withdrawn"
    assert ask(db, waiting, mentor_id)["status"] == "pending"  # the place is free again


def test_the_overview_shows_only_the_members_own_relationships_and_requests(db):
    mentee, mentor_id, bystander = member(db), mentor(db), member(db)
    first = ask(db, mentee, mentor_id)
    mentoring_requests.accept(db, mentor_id, first["id"], now=NOW)
    other_mentor = mentor(db)
    pending = ask(db, mentee, other_mentor)

    mine = mentoring_requests.overview(db, mentee)
    assert [r["mentor_id"] for r in mine["relationships"]] == [mentor_id]
    assert [(r["id"], r["status"]) for r in mine["requests"]["sent"]] == [
        (pending["id"], "pending"),
        (first["id"], "accepted"),
    ]
    assert mine["requests"]["received"] == []
    theirs = mentoring_requests.overview(db, mentor_id)
    assert theirs["relationships"][0]["my_role"] == "mentor"
    assert [r["id"] for r in theirs["requests"]["received"]] == [first["id"]]
    assert mentoring_requests.overview(db, bystander) == {
        "relationships": [],
        "requests": {"sent": [], "received": []},
    }


def test_the_database_holds_one_current_relationship_per_pair(db):
    mentee, mentor_id = member(db), mentor(db)
    mentoring_requests.accept(db, mentor_id, ask(db, mentee, mentor_id)["id"], now=NOW)
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(
                Relationship(
                    mentor_id=mentor_id,
                    mentee_id=mentee,
                    activities=["cv_review"],
                    request_id=0,
                    started_at=NOW,
                )
            )
    # A request that slipped in beside the relationship (a race, or from before
    # migration 0004) cannot make a second one: a clear refusal, not a 500.
    with db.transaction() as session:
        slipped = MentoringRequest(
            mentee_id=mentee,
            mentor_id=mentor_id,
            activities=["cv_review"],
            message="Again?",
            created_at=NOW,
            expires_at=NOW + timedelta(days=14),
        )
        session.add(slipped)
    with pytest.raises(Conflict) as refused:
        mentoring_requests.accept(db, mentor_id, slipped.id, now=NOW)
    assert refused.value.code == "already_mentored"
    mentoring_requests.withdraw(db, mentee, slipped.id, now=NOW)
    relationship = relationships.list_relationships(db, mentee)["items"][0]
    relationships.end_relationship(db, mentee, relationship["id"], "completed")
    mentoring_requests.accept(
        db, mentor_id, ask(db, mentee, mentor_id)["id"], now=NOW
    )  # a new one, later
    assert len(relationships.list_relationships(db, mentee)["items"]) == 1


def test_the_timer_entrypoint_expires_what_is_due_by_the_real_clock(db):
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
    from nameko.testing.services import worker_factory
    from nameko.timer import Timer

    from mentoring.service import MentoringService

    [timer] = getattr(MentoringService.expire_requests, ENTRYPOINT_EXTENSIONS_ATTR)
    assert isinstance(timer, Timer) and timer.interval == 60
    mentee, mentor_id = member(db), mentor(db)
    long_ago = datetime.now(UTC) - timedelta(days=15)
    request = ask(db, mentee, mentor_id, now=long_ago)
    worker_factory(MentoringService, db=db).expire_requests()
    [sent] = [
        r
        for r in mentoring_requests.list_requests(db, mentee, "sent")["items"]
        if r["id"] == request["id"]
    ]
    assert sent["status"] == "expired"


def test_late_events_for_a_deleted_member_bring_nothing_back(db, service_database):
    user_id = mentor(db)
    box = Inbox(
        db.engine,
        {
            "deleted": members.forget,
            "registered": members.enrol,
            "onboarded": members.mark_onboarded,
            "offer": members.record_offer,
        },
        {
            "deleted": "identity",
            "registered": "identity",
            "onboarded": "identity",
            "offer": "profiles",
        },
    )
    box.apply(
        "deleted",
        "identity",
        _event("account_deleted", {"user_id": user_id, "deleted_at": NOW.isoformat()}),
    )
    events_before = service_database.scalar("SELECT count(*) FROM outbox_events")
    # the same member's earlier events, delivered late under new event ids
    box.apply(
        "registered",
        "identity",
        _event(
            "account_registered",
            {
                "user_id": user_id,
                "username": "late",
                "email": "late@example.org",
                "first_name": "A",
                "middle_names": "",
                "last_name": "B",
                "language": "en",
                "registered_at": NOW.isoformat(),
            },
        ),
    )
    box.apply(
        "onboarded",
        "identity",
        _event(
            "onboarding_completed",
            {"user_id": user_id, "role": "alumnus", "completed_at": NOW.isoformat()},
        ),
    )
    box.apply(
        "offer",
        "profiles",
        _event(
            "mentor_settings_changed",
            {
                "user_id": user_id,
                "available": True,
                "activities": ["cv_review"],
                "max_mentees": 2,
                "changed_at": datetime.now(UTC).isoformat(),
            },
        ),
    )
    for table in ("members", "mentor_offers"):
        assert (
            service_database.scalar(
                f"SELECT count(*) FROM {table} WHERE user_id = :u", {"u": user_id}
            )
            == 0
        )
    assert service_database.scalar("SELECT count(*) FROM outbox_events") == events_before


@pytest.mark.parametrize("bad", ["x" * 5001, 42])
def test_texts_that_are_too_long_or_not_text_are_named(db, bad):
    from mentoring import config

    assert config.MESSAGE_MAX < 5001
    mentee, mentor_id = member(db), mentor(db, max_mentees=3)
    attempts = [  # accepting and declining name the mentor's words the same: reply
        (
            "message",
            lambda: mentoring_requests.request_mentoring(db, mentee, mentor_id, ["cv_review"], bad),
        ),
        (
            "reply",
            lambda: mentoring_requests.accept(db, mentor_id, ask(db, mentee, mentor_id)["id"], bad),
        ),
        (
            "reply",
            lambda: mentoring_requests.decline(
                db, mentor_id, ask(db, member(db), mentor_id)["id"], "other", bad
            ),
        ),
        ("reason", lambda: relationships.end_relationship(db, mentor_id, 1, "completed", bad)),
    ]
    for field, attempt in attempts:
        with pytest.raises(InvalidInput) as refused:
            attempt()
        assert list(refused.value.fields) == [field]


def test_erasing_a_member_keeps_the_other_partys_records_without_their_words(db):
    """The erasure saga's mentoring step, delivered twice (as a retried or
    duplicated event would be): the request and relationship stay for the
    mentor, the mentee's words go, and mentoring confirms each time."""
    from sqlalchemy import text

    from mentoring import data_rights

    mentee, mentor_id = member(db), mentor(db, max_mentees=1)
    asked = ask(db, mentee, mentor_id)
    relationship = mentoring_requests.accept(db, mentor_id, asked["id"], "Gladly")["relationship"]
    box = Inbox(db.engine, {"on_account_deleted": data_rights.erase}, {})
    for _ in range(2):
        box.apply(
            "on_account_deleted",
            "identity",
            _event("account_deleted", {"user_id": mentee, "deleted_at": NOW.isoformat()}),
        )
    kept = mentoring_requests.get_request(db, mentor_id, asked["id"])
    assert (kept["message"], kept["reply"]) == ("", "Gladly")
    ended = relationships.get_relationship(db, mentor_id, relationship["id"])
    assert (ended["ended_by"], ended["end_reason"]) == (mentee, "The member left the network.")
    with db.engine.connect() as connection:
        confirmations = connection.execute(
            text(
                "SELECT count(*) FROM outbox_events WHERE event_type = 'mentoring_member_erased'"
                " AND envelope->'data'->>'user_id' = :id"
            ),
            {"id": mentee},
        ).scalar()
    assert confirmations == 2  # identity records the first and ignores the second
