"""Profiles' domain and entrypoints against its real database, and its side of
the account_registered / profile_created contracts."""

import uuid
from datetime import UTC, datetime

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text

from mentornet_contracts.events import validate_payload
from mentornet_platform.event_inbox import Inbox
from profiles import member_profiles
from profiles.exceptions import Forbidden, InvalidInput, NotFound
from profiles.service import ProfilesService


def account_registered(user_id=None, **data):
    """An event exactly as the contract describes it (the consumer's side)."""
    user_id = user_id or str(uuid.uuid4())
    payload = {
        "user_id": user_id,
        "username": f"m.{user_id[:8]}",
        "email": f"m.{user_id[:8]}@example.org",
        "first_name": "Mila",
        "middle_names": "",
        "last_name": "Jansen",
        "language": "en",
        "registered_at": datetime.now(UTC).isoformat(),
    }
    payload.update(data)
    return {
        "event_id": str(uuid.uuid4()),
        "type": "account_registered",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": payload,
    }


def inbox(db):
    return Inbox(
        db.engine,
        {"on_account_registered": member_profiles.create_for_account},
        {"on_account_registered": "identity"},
    )


def test_account_registered_creates_the_profile_and_announces_it(db, service_database):
    envelope = account_registered()
    assert inbox(db).apply("on_account_registered", "identity", envelope) == "applied"
    user_id = envelope["data"]["user_id"]
    profile = member_profiles.get_profile(db, user_id, user_id)
    assert (profile["first_name"], profile["last_name"]) == ("Mila", "Jansen")
    with db.engine.connect() as connection:
        announced = (
            connection.execute(
                text("SELECT envelope FROM outbox_events WHERE envelope->'data'->>'user_id' = :id"),
                {"id": user_id},
            )
            .scalars()
            .all()
        )
    assert len(announced) == 1 and announced[0]["type"] == "profile_created"
    validate_payload("profiles", "profile_created", 1, announced[0]["data"])  # producer's side


def test_the_same_event_twice_has_one_effect(db, service_database):
    envelope = account_registered()
    box = inbox(db)
    assert box.apply("on_account_registered", "identity", envelope) == "applied"
    assert box.apply("on_account_registered", "identity", envelope) == "duplicate"
    assert (
        service_database.scalar(
            "SELECT count(*) FROM outbox_events WHERE envelope->'data'->>'user_id' = :id",
            {"id": envelope["data"]["user_id"]},
        )
        == 1
    )


def test_an_event_breaking_its_contract_is_parked_not_retried(db, service_database):
    envelope = account_registered()
    del envelope["data"]["email"]
    assert inbox(db).handle("on_account_registered", "identity", envelope) == "failed"
    status = service_database.scalar(
        "SELECT status FROM failed_events WHERE event_id = :id", {"id": envelope["event_id"]}
    )
    assert status == "dead"


def test_unknown_profiles_are_not_found(db):
    with pytest.raises(NotFound):
        member_profiles.get_profile(db, str(uuid.uuid4()), None)


def member(db, role="alumnus", verified=True, **data):
    envelope = account_registered(**data)
    inbox(db).apply("on_account_registered", "identity", envelope)
    user_id = envelope["data"]["user_id"]
    if verified:
        with db.transaction() as session:
            member_profiles.record_study_details(
                session,
                {
                    "user_id": user_id,
                    "institution": "Example University",
                    "programme": "History",
                    "faculty": "Humanities",
                    "year_started": 2010,
                    "year_graduated": 2014,
                    "role": role,
                    "verified": True,
                },
                {},
            )
    return user_id


def relationship(db, change, mentor_id, mentee_id, relationship_id=None):
    """Mentoring's mentoring_request_accepted ("started") or relationship_ended, as
    profiles' handlers apply them; returns the relationship's id."""
    relationship_id = relationship_id or uuid.uuid4().int % 10**12
    handler = {
        "started": member_profiles.relationship_started,
        "ended": member_profiles.relationship_ended,
    }
    with db.transaction() as session:
        handler[change](
            session,
            {"relationship_id": relationship_id, "mentor_id": mentor_id, "mentee_id": mentee_id},
            {},
        )
    return relationship_id


def test_verified_members_see_public_sections_partners_and_owner_see_contact_details(db):
    owner = member(db)
    member_profiles.update_profile(
        db,
        owner,
        {"website": "https://mila.example.org", "address": {"city": "Leiden", "country": "nl"}},
    )
    stranger, partner, unverified = member(db), member(db), member(db, verified=False)
    relationship(db, "started", owner, partner)

    own = member_profiles.get_profile(db, owner, owner)
    seen_by_stranger = member_profiles.get_profile(db, owner, stranger)
    seen_by_partner = member_profiles.get_profile(db, owner, partner)
    assert own["address"]["country"] == "NL" and own["website"] == "https://mila.example.org"
    assert own["completeness"]["missing"] == ["headline", "bio", "professional_history"]
    for hidden in (
        "email",
        "website",
        "skype",
        "linkedin_url",
        "address",
        "username",
        "completeness",
    ):
        assert hidden not in seen_by_stranger
    assert seen_by_stranger["education"][0]["verified"] is True
    assert seen_by_partner["address"]["city"] == "Leiden" and "completeness" not in seen_by_partner
    with pytest.raises(Forbidden):
        member_profiles.get_profile(db, owner, unverified)
    with pytest.raises(NotFound):  # an unverified member's profile is not shown to others
        member_profiles.get_profile(db, unverified, stranger)


def test_the_owner_sees_their_profile_as_another_member_does(db):
    owner, stranger = member(db), member(db)
    member_profiles.update_profile(
        db,
        owner,
        {
            "headline": "Curator",
            "website": "https://example.org",
            "address": {"city": "Leiden", "country": "NL"},
        },
    )
    preview = member_profiles.get_profile(db, owner, owner, as_member=True)
    assert preview == member_profiles.get_profile(db, owner, stranger)
    assert (
        preview["headline"] == "Curator" and "website" not in preview and "address" not in preview
    )
    unverified = member(db, verified=False)
    with pytest.raises(NotFound):  # nobody else sees it yet
        member_profiles.get_profile(db, unverified, unverified, as_member=True)


def test_a_complete_profile_scores_100(db):
    user_id = member(db)
    view = member_profiles.update_profile(
        db,
        user_id,
        {
            "headline": "Archaeologist turned data analyst",
            "bio": "I dig, then I count.",
            "positions": [
                {
                    "organisation": "Museum",
                    "title": "Curator",
                    "sector": "arts_culture",
                    "start_month": "2015-01",
                    "end_month": "2019-06",
                },
                {
                    "organisation": "Stats Office",
                    "title": "Analyst",
                    "sector": "government",
                    "start_month": "2019-07",
                    "current": True,
                },
            ],
            "address": {
                "line1": "Rapenburg 1",
                "city": "Leiden",
                "postcode": "2311 EZ",
                "country": "NL",
            },
            "linkedin_url": "https://www.linkedin.com/in/mila",
        },
    )
    assert view["completeness"] == {"score": 100, "missing": []}
    assert view["positions"][0]["end_month"] == "2019-06"


def test_positions_keep_the_members_order_and_get_new_ids_when_saved(db):
    user_id = member(db)
    curator = {
        "organisation": "Museum",
        "title": "Curator",
        "start_month": "2015-01",
        "end_month": "2019-06",
    }
    analyst = {
        "organisation": "Stats Office",
        "title": "Analyst",
        "start_month": "2019-07",
        "current": True,
    }
    intern = {
        "organisation": "Archive",
        "title": "Intern",
        "start_month": "2014-01",
        "end_month": "2014-06",
    }
    first = member_profiles.update_profile(db, user_id, {"positions": [curator, analyst, intern]})
    assert [p["title"] for p in first["positions"]] == ["Curator", "Analyst", "Intern"]
    # Moved: the analyst first, as the profile page's "move up" sends it.
    moved = member_profiles.update_profile(db, user_id, {"positions": [analyst, curator, intern]})
    assert [p["title"] for p in moved["positions"]] == ["Analyst", "Curator", "Intern"]
    assert [p["title"] for p in member_profiles.get_profile(db, user_id, user_id)["positions"]] == [
        "Analyst",
        "Curator",
        "Intern",
    ]
    # Each entry shows an id, and a saved list has new ones (a stale form names none of them).
    assert not {p["id"] for p in first["positions"]} & {p["id"] for p in moved["positions"]}
    # What the page shows can be sent back without its id.
    again = [{k: v for k, v in p.items() if k != "id"} for p in moved["positions"]]
    assert (
        member_profiles.update_profile(db, user_id, {"positions": again})["positions"][0]["title"]
        == "Analyst"
    )
    with pytest.raises(InvalidInput):  # an id is never taken from the caller
        member_profiles.update_profile(db, user_id, {"positions": moved["positions"]})


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"headline": "x" * 126}, "headline"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"linkedin_url": "https://evil.example.org/in/me"}, "linkedin_url"),
        ({"address": {"country": "XX"}}, "address.country"),
        ({"address": {"planet": "Mars"}}, "address.planet"),
        (
            {"positions": [{"organisation": "A", "title": "B", "start_month": "2020-13"}]},
            "positions.0.start_month",
        ),
        (
            {
                "positions": [
                    {
                        "organisation": "A",
                        "title": "B",
                        "start_month": "2020-05",
                        "end_month": "2019-01",
                    }
                ]
            },
            "positions.0.end_month",
        ),
        (
            {"positions": [{"organisation": "A", "title": "B", "start_month": "2020-05"}]},
            "positions.0.end_month",
        ),
        (
            {
                "positions": [
                    {
                        "organisation": "A",
                        "title": "B",
                        "start_month": "2020-05",
                        "current": True,
                        "sector": "piracy",
                    }
                ]
            },
            "positions.0.sector",
        ),
        ({"education": [{"institution": "X", "programme": "Law"}]}, "education.0.institution"),
        ({"skype": "no spaces allowed"}, "skype"),
        ({"first_name": "R2D2"}, "first_name"),
        ({"bio": "hello\u0000"}, "bio"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_every_bad_field_is_named_and_nothing_changes(db, changes, field):
    user_id = member(db)
    before = member_profiles.get_profile(db, user_id, user_id)
    with pytest.raises(InvalidInput) as error:
        member_profiles.update_profile(db, user_id, changes)
    assert field in error.value.fields, error.value.fields
    assert member_profiles.get_profile(db, user_id, user_id) == before


def test_line_breaks_from_a_form_are_kept_as_from_the_api(db):
    user_id = member(db)
    view = member_profiles.update_profile(db, user_id, {"bio": "I dig.\r\nThen I count.\r\n"})
    assert view["bio"] == "I dig.\nThen I count."
    with pytest.raises(InvalidInput):  # a lone carriage return is still a control character
        member_profiles.update_profile(db, user_id, {"bio": "I dig.\rThen I count."})


@pytest.mark.parametrize("control", ["\u0007", "\u0085", "\u202e", "\u2066", "\u200e", "\ufeff"])
def test_profile_texts_refuse_control_and_bidirectional_characters(db, control):
    user_id = member(db)
    with pytest.raises(InvalidInput) as error:
        member_profiles.update_profile(db, user_id, {"headline": f"Data {control}analyst"})
    assert error.value.fields == {"headline": ["Must not contain control characters."]}


def test_profile_texts_keep_emoji_joined_with_zero_width_joiners(db):
    user_id = member(db)
    # A woman, a skin tone, a joiner and a laptop; a heart with its emoji
    # variation selector; a Persian word with a zero-width non-joiner.
    headline = "Developer \U0001f469\U0001f3fd\u200d\U0001f4bb and \u2764\ufe0f"
    view = member_profiles.update_profile(
        db,
        user_id,
        {"headline": headline, "bio": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"},
    )
    assert view["headline"] == headline
    assert view["bio"] == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert member_profiles.get_profile(db, user_id, user_id)["headline"] == headline


def test_the_registration_study_stays_when_the_member_edits_their_education(db):
    user_id = member(db)
    view = member_profiles.update_profile(
        db,
        user_id,
        {
            "education": [
                {
                    "institution": "Sorbonne",
                    "programme": "French",
                    "year_started": 2015,
                    "year_graduated": 2016,
                }
            ]
        },
    )
    assert [(e["programme"], e["verified"], e["source"]) for e in view["education"]] == [
        ("History", True, "registration"),
        ("French", False, "member"),
    ]


def test_every_verified_member_may_become_available_and_changes_are_announced(db, service_database):
    offer = {
        "available": True,
        "activities": ["cv_review", "career_advice", "cv_review"],
        "max_mentees": 3,
        "sectors": ["legal"],
        "languages": ["NL", "en"],
    }
    for role in ("student", "alumnus", "staff"):  # the guide: all are eligible to be both
        user_id = member(db, role=role)
        assert member_profiles.get_profile(db, user_id, user_id)["mentor"]["eligible"] is True
        settings = member_profiles.set_mentor_settings(db, user_id, offer)
        assert settings["activities"] == ["career_advice", "cv_review"]
        assert settings["languages"] == ["en", "nl"] and settings["room_left"] == 3
    announced = service_database.scalar(
        "SELECT envelope FROM outbox_events WHERE event_type = 'mentor_settings_changed'"
        " AND envelope->'data'->>'user_id' = :id",
        {"id": user_id},
    )
    assert (
        validate_payload("profiles", "mentor_settings_changed", 1, announced["data"])["max_mentees"]
        == 3
    )
    unverified = member(db, verified=False)
    assert member_profiles.get_profile(db, unverified, unverified)["mentor"]["eligible"] is False
    with pytest.raises(Forbidden):
        member_profiles.set_mentor_settings(db, unverified, offer)


def test_a_university_may_narrow_who_mentors(db, monkeypatch):
    monkeypatch.setenv("MENTOR_ROLES", "alumnus,staff")
    offer = {"available": True, "activities": ["cv_review"], "max_mentees": 1}
    student = member(db, role="student")
    assert member_profiles.get_profile(db, student, student)["mentor"]["eligible"] is False
    with pytest.raises(Forbidden) as refused:
        member_profiles.set_mentor_settings(db, student, offer)
    assert refused.value.code == "not_eligible_as_mentor"
    assert refused.value.fields == {"available": ["You cannot switch availability on."]}
    alumna = member(db, role="alumnus")
    assert member_profiles.get_profile(db, alumna, alumna)["mentor"]["eligible"] is True
    assert member_profiles.set_mentor_settings(db, alumna, offer)["available"] is True
    # The student may still keep settings with availability off.
    assert (
        member_profiles.set_mentor_settings(db, student, dict(offer, available=False))["available"]
        is False
    )
    # Others never learn whether someone may mentor: only the member sees it.
    assert "eligible" not in member_profiles.get_profile(db, student, alumna)["mentor"]


@pytest.mark.parametrize(
    "settings,field",
    [
        ({"available": True, "activities": [], "max_mentees": 1}, "activities"),
        ({"available": True, "activities": ["astrology"], "max_mentees": 1}, "activities.0"),
        ({"available": True, "activities": ["cv_review"], "max_mentees": 0}, "max_mentees"),
        ({"available": True, "activities": ["cv_review"], "max_mentees": 99}, "max_mentees"),
        (
            {"available": True, "activities": ["cv_review"], "max_mentees": 1, "languages": ["xx"]},
            "languages.0",
        ),
        (
            {
                "available": True,
                "activities": ["cv_review"],
                "max_mentees": 1,
                "sectors": ["piracy"],
            },
            "sectors.0",
        ),
        ({"activities": ["cv_review"], "max_mentees": 1}, "available"),
    ],
)
def test_mentor_settings_are_checked(db, settings, field):
    with pytest.raises(InvalidInput) as error:
        member_profiles.set_mentor_settings(db, member(db), settings)
    assert field in error.value.fields, error.value.fields


def test_entrypoints_are_thin_over_the_domain(db):
    service = worker_factory(ProfilesService, db=db)
    assert service.health() == {"service": "profiles", "status": "ok"}
    envelope = account_registered()
    inbox(db).apply("on_account_registered", "identity", envelope)
    user_id = envelope["data"]["user_id"]
    assert service.get_profile(user_id, user_id)["user_id"] == user_id


def sees_contact_details(db, owner, viewer):
    return "email" in member_profiles.get_profile(db, owner, viewer)


def room_left(db, mentor_id):
    return member_profiles.get_profile(db, mentor_id, mentor_id)["mentor"]["room_left"]


def test_relationships_in_any_order_leave_partners_and_room_right(db):
    offer = {"available": True, "activities": ["cv_review"], "max_mentees": 3}
    mentor, mentee, later = member(db), member(db, role="student"), member(db, role="student")
    member_profiles.set_mentor_settings(db, mentor, offer)

    first = relationship(db, "started", mentor, mentee)
    relationship(db, "started", mentor, mentee, first)  # delivered twice: counted once
    assert sees_contact_details(db, mentor, mentee) and sees_contact_details(db, mentee, mentor)
    assert room_left(db, mentor) == 2
    relationship(db, "ended", mentor, mentee, first)
    second = relationship(db, "started", mentor, mentee)  # the pair, again, later
    relationship(db, "ended", mentor, mentee, first)  # the old end, redelivered
    assert sees_contact_details(db, mentee, mentor) and room_left(db, mentor) == 2

    # An end applied before its start: the late start changes nothing.
    early = uuid.uuid4().int % 10**12
    relationship(db, "ended", mentor, later, early)
    relationship(db, "started", mentor, later, early)
    assert not sees_contact_details(db, mentor, later) and room_left(db, mentor) == 2
    relationship(db, "ended", mentor, mentee, second)
    assert not sees_contact_details(db, mentor, mentee) and room_left(db, mentor) == 3


def test_a_partnership_from_before_relationship_ids_ends_with_its_relationship(db):
    offer = {"available": True, "activities": ["cv_review"], "max_mentees": 2}
    mentor, mentee = member(db), member(db, role="student")
    member_profiles.set_mentor_settings(db, mentor, offer)
    with db.transaction() as session:  # what migration 0005 made of an old partnership
        session.execute(
            text(
                "INSERT INTO mentoring_relationships VALUES "
                "(-(SELECT count(*) + 1 FROM mentoring_relationships), :a, :b, true, false)"
            ),
            {"a": mentee, "b": mentor},
        )
        session.execute(
            text("UPDATE profiles SET current_mentees = 1 WHERE user_id = :m"), {"m": mentor}
        )
    assert sees_contact_details(db, mentor, mentee) and room_left(db, mentor) == 1
    relationship(db, "ended", mentor, mentee)
    assert not sees_contact_details(db, mentor, mentee) and room_left(db, mentor) == 2


def test_late_events_for_a_deleted_member_bring_nothing_back(db, service_database):
    user_id = member(db)
    with db.transaction() as session:
        member_profiles.forget_member(session, {"user_id": user_id}, {})
    events_before = service_database.scalar("SELECT count(*) FROM outbox_events")
    inbox(db).apply("on_account_registered", "identity", account_registered(user_id))  # late
    with db.transaction() as session:
        member_profiles.record_study_details(
            session,
            {
                "user_id": user_id,
                "institution": "Example University",
                "programme": "History",
                "faculty": "",
                "year_started": 2010,
                "year_graduated": 2014,
                "role": "alumnus",
                "verified": True,
            },
            {},
        )
    with pytest.raises(NotFound):
        member_profiles.get_profile(db, user_id, user_id)
    assert (
        service_database.scalar(
            "SELECT count(*) FROM educations WHERE user_id = :u", {"u": user_id}
        )
        == 0
    )
    assert service_database.scalar("SELECT count(*) FROM outbox_events") == events_before
