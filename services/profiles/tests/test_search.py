"""Mentor search, the sector cloud and the member directory against profiles' real
database (migration 0004's open_mentors, counts and triggers included), the
demo data's bulk path, and names found however they are typed (profiles.names,
migration 0008).

The database is shared by the whole session, so every test makes its own members
around a word nobody else has (``token()``) and searches for that word, or
compares counts before and after.  No timings here: see benchmarks/profile_search.py.
"""

import importlib.util
import os
import unicodedata
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text

from profiles import demo, member_profiles, overview, search
from profiles.exceptions import Forbidden, InvalidInput, NotFound
from profiles.models import Profile
from profiles.names import fold, name_forms
from profiles.service import ProfilesService


def token():
    """A made-up word, letters only, that no other test uses."""
    return "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:10])


def envelope(kind):
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
    }


def member(
    db,
    first="Mila",
    last="Jansen",
    role="alumnus",
    verified=True,
    programme="Archaeology",
    graduated=2015,
    mentor=None,
    mentees=0,
    **changes,
):
    """A member made through profiles' own code paths; ``mentor`` are settings
    (available, with one activity, unless they say otherwise)."""
    user_id = str(uuid.uuid4())
    with db.transaction() as session:
        member_profiles.create_for_account(
            session,
            {
                "user_id": user_id,
                "username": f"m.{user_id[:8]}",
                "first_name": first,
                "middle_names": "",
                "last_name": last,
                "email": f"m.{user_id[:8]}@example.org",
            },
            envelope("account_registered"),
        )
        if verified:
            member_profiles.record_study_details(
                session,
                {
                    "user_id": user_id,
                    "role": role,
                    "institution": "Example University",
                    "programme": programme,
                    "faculty": "",
                    "year_started": graduated - 4,
                    "year_graduated": graduated,
                    "verified": True,
                },
                envelope("study_details_submitted"),
            )
    if changes:
        member_profiles.update_profile(db, user_id, changes)
    if mentor is not None:
        member_profiles.set_mentor_settings(
            db,
            user_id,
            {"available": True, "activities": ["career_advice"], "max_mentees": 2, **mentor},
        )
    for _ in range(mentees):
        start_relationship(db, user_id)
    return user_id


def start_relationship(db, mentor_id):
    """What mentoring's mentoring_request_accepted does to the mentor's profile."""
    with db.transaction() as session:
        member_profiles.relationship_started(
            session,
            {
                "relationship_id": uuid.uuid4().int % 10**12,
                "mentor_id": mentor_id,
                "mentee_id": str(uuid.uuid4()),
            },
            envelope("mentoring_request_accepted"),
        )


@pytest.fixture
def viewer(db):
    """A verified student (a student may search, not mentor), named after a word of its own."""
    return member(db, first="Vera", last=token().capitalize(), role="student", graduated=2026)


def found(result):
    return [item["user_id"] for item in result["items"]]


# -- who is found ------------------------------------------------------------------
def test_only_open_mentors_other_than_the_viewer_are_found(db):
    word = token()
    open_mentor = member(db, headline=f"Curator {word}", mentor={"max_mentees": 2}, mentees=1)
    switched_off = member(db, headline=f"Curator {word}", mentor={"available": False})
    full = member(db, headline=f"Curator {word}", mentor={"max_mentees": 1}, mentees=1)
    not_a_mentor = member(db, headline=f"Curator {word}")
    viewer = member(db, headline=f"Curator {word}", mentor={})  # an open mentor too
    result = search.search_mentors(db, viewer, q=word)
    assert found(result) == [open_mentor] and result["total"] == 1
    assert {switched_off, full, not_a_mentor}.isdisjoint(found(result))
    assert open_mentor in found(search.search_mentors(db, not_a_mentor, q=word))
    assert viewer in found(search.search_mentors(db, open_mentor, q=word))


def test_a_mentor_leaves_the_results_when_full_or_off_and_comes_back(db, viewer):
    word = token()
    mentor = member(db, bio=f"Ask me about {word}.", mentor={"max_mentees": 1})
    assert found(search.search_mentors(db, viewer, q=word)) == [mentor]
    start_relationship(db, mentor)
    assert found(search.search_mentors(db, viewer, q=word)) == []
    member_profiles.set_mentor_settings(
        db, mentor, {"available": True, "activities": ["cv_review"], "max_mentees": 3}
    )
    assert found(search.search_mentors(db, viewer, q=word)) == [mentor]
    member_profiles.set_mentor_settings(
        db, mentor, {"available": False, "activities": [], "max_mentees": 3}
    )
    assert found(search.search_mentors(db, viewer, q=word)) == []


def test_the_results_follow_profile_edits_and_deleted_accounts(db, viewer):
    word, later = token(), token()
    mentor = member(db, headline=f"Curator {word}", mentor={})
    assert found(search.search_mentors(db, viewer, q=word)) == [mentor]
    member_profiles.update_profile(db, mentor, {"headline": f"Director {later}"})
    assert found(search.search_mentors(db, viewer, q=word)) == []
    (item,) = search.search_mentors(db, viewer, q=later)["items"]
    assert item["headline"] == f"Director {later}"
    with db.transaction() as session:
        member_profiles.forget_member(session, {"user_id": mentor}, envelope("account_deleted"))
    assert search.search_mentors(db, viewer, q=later)["total"] == 0


def test_an_item_shows_the_card_and_no_contact_details(db, viewer):
    word = token()
    mentor = member(
        db,
        first="Zoë",
        last="van der Berg",
        programme="Archaeology",
        graduated=2012,
        headline=f"Curator {word}",
        skype="zoe.leiden",
        website="https://zoe.example.org",
        address={"city": "Leiden", "country": "NL"},
        positions=[
            {
                "organisation": "Rijksmuseum",
                "title": "Intern",
                "start_month": "2012-01",
                "end_month": "2013-01",
            },
            {
                "organisation": "Museum Volkenkunde",
                "title": "Curator",
                "sector": "arts_culture",
                "start_month": "2013-02",
                "current": True,
            },
        ],
        mentor={
            "activities": ["mock_interview", "cv_review"],
            "max_mentees": 3,
            "sectors": ["arts_culture", "education"],
            "languages": ["nl", "en"],
        },
        mentees=1,
    )
    (item,) = search.search_mentors(db, viewer, q=word)["items"]
    assert item == {
        "user_id": mentor,
        "first_name": "Zoë",
        "last_name": "van der Berg",
        "headline": f"Curator {word}",
        "role": "alumnus",
        "current_position": {"title": "Curator", "organisation": "Museum Volkenkunde"},
        "study": {"programme": "Archaeology", "year_graduated": 2012},
        "sectors": ["arts_culture", "education"],
        "activities": ["cv_review", "mock_interview"],
        "languages": ["en", "nl"],
        "room_left": 2,
    }


# -- free text -----------------------------------------------------------------------
@pytest.mark.parametrize("query", ["zoe olund", "ZOË ÖLUND", "Olund", "économiste"])
def test_accents_and_case_are_ignored(db, viewer, query):
    word = token()
    mentor = member(db, first="Zoë", last="Ölund", headline=f"Economiste {word}", mentor={})
    assert mentor in found(search.search_mentors(db, viewer, q=f"{query} {word}"))


@pytest.mark.parametrize(
    "written,searched",
    [
        ("Advocaat bij een groot kantoor", "advocaten"),  # Dutch plural -> singular
        ("Wij zoeken advocaten", "advocaat"),  # and back
        ("Docent Nederlands", "docenten"),
        ("Ingenieur duurzame energie", "ingenieurs"),
        ("Software engineering lead", "engineers"),  # English stems
        ("Corporate lawyer", "lawyers"),
        ("Mentoring students", "student"),
    ],
)
def test_dutch_and_english_word_forms_find_each_other(db, viewer, written, searched):
    word = token()
    mentor = member(db, headline=f"{written} {word}", mentor={})
    assert found(search.search_mentors(db, viewer, q=f"{searched} {word}")) == [mentor]


def test_positions_studies_and_bio_are_searched_too(db, viewer):
    word = token()
    mentor = member(
        db,
        programme=f"Assyriology {word}",
        bio="Ask me about cuneiform tablets.",
        positions=[
            {
                "organisation": f"Museum {word}a",
                "title": "Keeper",
                "start_month": "2015-01",
                "current": True,
            }
        ],
        mentor={},
    )
    for query in (word, f"{word}a", f"cuneiform {word}", f"keeper {word}"):
        assert found(search.search_mentors(db, viewer, q=query)) == [mentor], query


def test_every_word_must_match_and_web_search_syntax_works(db, viewer):
    word = token()
    both = member(db, headline=f"Data engineer {word}", mentor={})
    data_only = member(db, headline=f"Data scientist {word}", mentor={})
    assert found(search.search_mentors(db, viewer, q=f"engineer {word}")) == [both]
    assert set(found(search.search_mentors(db, viewer, q=f"data {word}"))) == {both, data_only}
    assert found(search.search_mentors(db, viewer, q=f"{word} -engineer")) == [data_only]
    assert found(search.search_mentors(db, viewer, q=f'"data engineer" {word}')) == [both]
    assert search.search_mentors(db, viewer, q=f"{word} nonsensical")["total"] == 0


def test_more_relevant_mentors_come_first(db, viewer):
    word = token()
    once = member(db, first="Anna", headline=f"Curator {word}", mentor={})
    thrice = member(
        db,
        first="Bert",
        headline=f"{word} curator",
        bio=f"{word} is what I do; ask me about {word}.",
        mentor={},
    )
    assert found(search.search_mentors(db, viewer, q=word)) == [thrice, once]


def test_a_query_without_words_searches_nothing_and_lists_all(db, viewer):
    everyone = search.search_mentors(db, viewer)["total"]
    assert search.search_mentors(db, viewer, q="  !? ")["total"] == everyone


# -- filters ---------------------------------------------------------------------------
@pytest.fixture
def cohort(db):
    """Five open mentors sharing a made-up programme, so filters can be tried on them alone."""
    programme = f"Zythology {token()}"
    people = {
        "legal_nl": member(
            db,
            last="Aalders",
            programme=programme,
            graduated=1999,
            address={"country": "NL"},
            mentor={
                "sectors": ["legal"],
                "languages": ["nl"],
                "activities": ["cv_review"],
                "max_mentees": 1,
            },
        ),
        "legal_de": member(
            db,
            last="Brandt",
            programme=programme,
            graduated=2005,
            address={"country": "DE"},
            mentor={
                "sectors": ["legal", "finance"],
                "languages": ["de", "en"],
                "activities": ["mock_interview"],
                "max_mentees": 3,
            },
        ),
        "finance_nl": member(
            db,
            last="Claes",
            programme=programme,
            graduated=2010,
            address={"country": "NL"},
            mentor={
                "sectors": ["finance"],
                "languages": ["nl", "en"],
                "activities": ["cv_review", "mock_interview"],
                "max_mentees": 3,
            },
        ),
        "media_gb": member(
            db,
            last="Dawson",
            programme=programme,
            graduated=2018,
            address={"country": "GB"},
            mentor={
                "sectors": ["media"],
                "languages": ["en"],
                "activities": ["career_advice"],
                "max_mentees": 2,
            },
        ),
        "no_sector": member(
            db, last="Evers", programme=programme, graduated=2021, mentor={"max_mentees": 2}
        ),
    }
    return programme, people


def names(result, people):
    ids = {user_id: name for name, user_id in people.items()}
    return [ids[user_id] for user_id in found(result)]


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({}, ["legal_de", "finance_nl", "media_gb", "no_sector", "legal_nl"]),
        ({"sector": "legal"}, ["legal_de", "legal_nl"]),
        ({"activity": "mock_interview"}, ["legal_de", "finance_nl"]),
        ({"language": "NL"}, ["finance_nl", "legal_nl"]),
        ({"country": "nl"}, ["finance_nl", "legal_nl"]),
        ({"graduated_from": "2005", "graduated_to": "2010"}, ["legal_de", "finance_nl"]),
        ({"graduated_from": "2011"}, ["media_gb", "no_sector"]),
        ({"graduated_to": "1999"}, ["legal_nl"]),
        ({"sector": "finance", "language": "en"}, ["legal_de", "finance_nl"]),
        ({"sector": "finance", "language": "en", "country": "NL"}, ["finance_nl"]),
        ({"sector": "legal", "activity": "career_advice"}, []),
    ],
)
def test_filters_combine_and_without_words_most_room_comes_first(
    db, viewer, cohort, filters, expected
):
    programme, people = cohort
    result = search.search_mentors(db, viewer, programme=programme, **filters)
    assert names(result, people) == expected and result["total"] == len(expected)


def test_the_programme_matches_folded_and_by_its_start(db, viewer, cohort):
    programme, people = cohort
    assert search.search_mentors(db, viewer, programme=programme.upper())["total"] == 5
    accented = f"Économie {token()}"
    mentor = member(db, programme=accented, mentor={})
    for asked in (accented, accented.lower(), "economie " + accented.split()[1], accented[:12]):
        assert mentor in found(search.search_mentors(db, viewer, programme=asked)), asked
    assert search.search_mentors(db, viewer, programme=programme[:-1] + "%")["total"] == 0


def test_programme_and_years_hold_for_the_same_study(db, viewer):
    programme = f"Egyptology {token()}"
    mentor = member(
        db,
        programme=programme,
        graduated=2000,
        education=[
            {
                "institution": "KU Leuven",
                "programme": "Law",
                "year_started": 2001,
                "year_graduated": 2003,
            }
        ],
        mentor={},
    )
    assert found(
        search.search_mentors(
            db, viewer, programme=programme, graduated_from="1999", graduated_to="2000"
        )
    ) == [mentor]
    assert (
        found(search.search_mentors(db, viewer, programme=programme, graduated_from="2003")) == []
    )


def test_pages_cover_every_match_once_with_the_exact_total(db, viewer, cohort):
    programme, people = cohort
    pages = [
        search.search_mentors(db, viewer, programme=programme, page=page, per_page=2)
        for page in (1, 2, 3, 4)
    ]
    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    assert {p["total"] for p in pages} == {5}
    assert [p["page"] for p in pages] == [1, 2, 3, 4] and {p["per_page"] for p in pages} == {2}
    every = [user_id for p in pages for user_id in found(p)]
    assert sorted(every) == sorted(people.values())
    word_pages = [
        search.search_mentors(db, viewer, q="zythology", programme=programme, page=page, per_page=3)
        for page in (1, 2, 3)
    ]
    assert [len(p["items"]) for p in word_pages] == [3, 2, 0]
    assert {p["total"] for p in word_pages} == {5}


# -- parameters and who may search -------------------------------------------------------
@pytest.mark.parametrize(
    "filters,field",
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "51"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1001"}, "page"),
        ({"sector": "astrology"}, "sector"),
        ({"activity": "coffee"}, "activity"),
        ({"graduated_from": "19x0"}, "graduated_from"),
        ({"graduated_to": "3000"}, "graduated_to"),
        ({"graduated_from": "2010", "graduated_to": "2000"}, "graduated_to"),
        ({"country": "NLD"}, "country"),
        ({"country": "XX"}, "country"),
        ({"language": "dutch"}, "language"),
        ({"language": "qq"}, "language"),
        ({"q": "x" * 201}, "q"),
        ({"programme": "x"}, "programme"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_parameters_are_named(db, viewer, filters, field):
    with pytest.raises(InvalidInput) as error:
        search.search_mentors_with(db, viewer, filters)
    assert error.value.code == "invalid_input"
    assert list(error.value.fields) == [field]


def test_every_bad_parameter_is_named_at_once(db, viewer):
    with pytest.raises(InvalidInput) as error:
        search.search_mentors_with(db, viewer, {"page": "0", "sector": "x", "colour": "red"})
    assert set(error.value.fields) == {"page", "sector", "colour"}
    with pytest.raises(InvalidInput) as error:
        search.directory(db, viewer, per_page="100")
    assert set(error.value.fields) == {"per_page"}


def test_only_verified_members_may_search(db):
    unverified = member(db, verified=False)
    for viewer in (unverified, str(uuid.uuid4()), None):
        for call in (
            lambda: search.search_mentors(db, viewer),
            lambda: search.directory(db, viewer),
        ):
            with pytest.raises(Forbidden) as error:
                call()
            assert error.value.code == "not_verified"


# -- the sector cloud -------------------------------------------------------------------
def cloud(db):
    return {item["sector"]: item["count"] for item in search.sector_cloud(db)}


def recounted(db):
    """The cloud worked out from scratch: what the counts must always equal."""
    with db.engine.connect() as connection:
        return dict(
            connection.execute(
                text(
                    f"SELECT sector, count(*) FROM profiles, unnest(mentor_sectors) AS sector "
                    f"WHERE {search.OPEN_MENTOR} GROUP BY sector"
                )
            ).all()
        )


def test_the_sector_cloud_counts_open_mentors_per_sector(db):
    before = cloud(db)

    def change():
        now = cloud(db)
        assert now == recounted(db)
        return {
            sector: now.get(sector, 0) - before.get(sector, 0)
            for sector in set(now) | set(before)
            if now.get(sector, 0) != before.get(sector, 0)
        }

    first = member(db, mentor={"sectors": ["legal", "media"], "max_mentees": 1})
    second = member(db, mentor={"sectors": ["legal"], "max_mentees": 2})
    member(db, mentor={"sectors": ["legal"], "available": False})
    assert change() == {"legal": 2, "media": 1}
    start_relationship(db, first)  # full now
    assert change() == {"legal": 1}
    member_profiles.set_mentor_settings(
        db,
        second,
        {"available": True, "activities": ["cv_review"], "max_mentees": 2, "sectors": ["energy"]},
    )
    assert change() == {"energy": 1}
    with db.transaction() as session:
        member_profiles.forget_member(session, {"user_id": second}, envelope("account_deleted"))
    assert change() == {}


def test_the_cloud_is_biggest_first_with_labels(db):
    member(db, mentor={"sectors": ["transport"]})
    items = search.sector_cloud(db)
    assert [i["count"] for i in items] == sorted((i["count"] for i in items), reverse=True)
    assert all(i["count"] > 0 for i in items)
    (transport,) = [i for i in items if i["sector"] == "transport"]
    assert transport["label"] == "Transport and logistics"
    assert {i["sector"]: i["label"] for i in search.sector_cloud(db, "nl")}[
        "transport"
    ] == "Transport en logistiek"


# -- the directory ------------------------------------------------------------------------
def test_the_directory_lists_verified_members_not_only_mentors(db, viewer):
    word = token()
    mentor = member(db, headline=f"Curator {word}", mentor={})
    student = member(db, role="student", headline=f"Student {word}")
    full = member(db, headline=f"Curator {word}", mentor={"max_mentees": 1}, mentees=1)
    unverified = member(db, verified=False, headline=f"Newcomer {word}")
    result = search.directory(db, viewer, q=word)
    assert set(found(result)) == {mentor, student, full} and result["total"] == 3
    assert unverified not in found(result)
    flags = {item["user_id"]: item["available_as_mentor"] for item in result["items"]}
    assert flags == {mentor: True, student: False, full: False}


def test_the_directory_without_words_is_by_name_with_the_exact_total(db, viewer):
    result = search.directory(db, viewer, per_page=50)
    with db.engine.connect() as connection:
        assert (
            result["total"]
            == connection.execute(text("SELECT count(*) FROM profiles WHERE verified")).scalar()
        )
        by_name = (
            connection.execute(
                text(
                    "SELECT user_id FROM profiles WHERE verified "
                    "ORDER BY last_name, first_name, user_id LIMIT 50"
                )
            )
            .scalars()
            .all()
        )
    assert found(result) == by_name
    last_name = member_profiles.get_profile(db, viewer, viewer)["last_name"]
    assert found(search.directory(db, viewer, q=f"vera {last_name}")) == [viewer]


# -- the entrypoints ----------------------------------------------------------------------
def test_the_entrypoints_take_the_query_string_as_it_comes(db, viewer):
    word = token()
    mentor = member(db, headline=f"Curator {word}", mentor={"sectors": ["arts_culture"]})
    service = worker_factory(ProfilesService, db=db)
    result = service.search_mentors(
        viewer, {"q": word, "sector": "arts_culture", "page": "1", "per_page": "5"}
    )
    assert found(result) == [mentor] and result["per_page"] == 5
    assert found(service.directory(viewer, word, "1", "5")) == [mentor]
    assert any(item["sector"] == "arts_culture" for item in service.sector_cloud())


# -- SQL's fold and the demo data ---------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "Zoë Ölund",
        "ÉCONOMIE",
        "Łukasz Żółć",
        "Søren Ærø",
        "İstanbul",
        "Ďurčo Ŗiņķis",
        "Müller-Lüdenscheidt",
        "Straße",
        "GROẞ",
    ],
)
def test_profiles_fold_in_sql_folds_as_python_does(db, value):
    with db.engine.connect() as connection:
        assert connection.execute(
            text("SELECT profiles_fold(:v)"), {"v": value}
        ).scalar() == member_profiles.fold(value)


def test_demo_members_are_the_same_for_the_same_seed():
    assert demo.make_member(7, 3) == demo.make_member(7, 3)
    assert demo.make_member(7, 3)["user_id"] != demo.make_member(8, 3)["user_id"]
    specs = [demo.make_member(1, i) for i in range(500)]
    open_mentors = [
        s
        for s in specs
        if s["settings"]
        and s["settings"]["available"]
        and s["current_mentees"] < s["settings"]["max_mentees"]
    ]
    assert len(open_mentors) == 100  # one in five; the others who offer are off or full
    assert all(s["study"] and s["study"]["role"] in ("alumnus", "staff") for s in open_mentors)


def test_bulk_demo_members_equal_those_made_one_by_one(db):
    seed = int(uuid.uuid4().int % 10**6) + 1000
    assert demo.load(db, 40, seed, bulk=False) == 40
    assert demo.load(db, 40, seed + 1, bulk=True, batch=15, workers=2) == 40
    assert demo.load(db, 40, seed + 1, bulk=True) == 0  # a rerun adds nothing twice
    columns = [c for c in demo.PROFILE_COLUMNS if c not in ("user_id", "created_at", "updated_at")]

    def rows(seed):
        ids = [demo.member_id(seed, i) for i in range(40)]
        with db.engine.connect() as connection:
            return [
                connection.execute(
                    text(
                        f"SELECT {', '.join(columns)}, "
                        f"(SELECT count(*) FROM positions WHERE user_id = p.user_id), "
                        f"(SELECT array_agg(programme ORDER BY id) FROM educations e "
                        f" WHERE e.user_id = p.user_id) "
                        f"FROM profiles p WHERE user_id = :id"
                    ),
                    {"id": i},
                ).one()
                for i in ids
            ]

    slow = rows(seed)
    # Same members by both paths, apart from who they are: remake the slow seed's in bulk.
    with db.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM profiles WHERE user_id = ANY(:ids)"),
            {"ids": [demo.member_id(seed, i) for i in range(40)]},
        )
    demo.load(db, 40, seed, bulk=True)
    assert rows(seed) == slow
    # And search_text is what refresh_search_text writes.
    with db.transaction() as session:
        for i in range(40):
            profile = session.get(Profile, demo.member_id(seed + 1, i))
            stored = profile.search_text
            member_profiles.refresh_search_text(session, profile)
            assert profile.search_text == stored
        session.rollback()


# -- the dashboard's part ------------------------------------------------------------------
def test_the_overview_recommends_mentors_with_their_reasons_best_first(db):
    programme = f"Egyptology {token()}"
    me = member(
        db,
        programme=programme,
        headline="Looking for advice",
        mentor={"available": False, "sectors": ["legal"]},
    )
    both = member(db, programme=programme, mentor={"sectors": ["legal"], "max_mentees": 3})
    programme_only = member(db, programme=programme, mentor={"sectors": ["energy"]})
    member(db, programme=programme, mentor={"available": False})  # switched off: never shown

    part = overview.overview(db, me)
    assert part["me"]["user_id"] == me and part["me"]["first_name"] == "Mila"
    assert part["me"]["completeness"] == member_profiles.get_profile(db, me, me)["completeness"]
    assert part["me"]["mentor"]["available"] is False
    assert part["sector_cloud"] == search.sector_cloud(db)
    recommended = part["recommended_mentors"]
    assert len(recommended) <= 5 and me not in found({"items": recommended})
    assert found({"items": recommended[:2]}) == [both, programme_only]
    assert recommended[0]["reasons"] == [
        {"reason": "shared_programme", "programme": programme},
        {"reason": "sector_of_interest", "sectors": ["legal"]},
        {"reason": "offers", "activities": ["career_advice"]},
        {"reason": "room_left", "room_left": 3},
    ]
    assert recommended[1]["reasons"][0] == {"reason": "shared_programme", "programme": programme}
    assert [r["reason"] for r in recommended[1]["reasons"]] == [
        "shared_programme",
        "offers",
        "room_left",
    ]


def test_the_overview_names_sectors_and_activities_in_the_members_language(db):
    programme = f"Assyriology {token()}"
    me = member(db, programme=programme, mentor={"available": False, "sectors": ["legal"]})
    mentor = member(db, programme=programme, mentor={"sectors": ["legal"], "max_mentees": 2})

    dutch, english = overview.overview(db, me, language="nl"), overview.overview(db, me)
    assert {"sector": "legal", "label": "Juridisch"} == {
        k: v
        for k, v in next(i for i in dutch["sector_cloud"] if i["sector"] == "legal").items()
        if k != "count"
    }
    assert dutch["sector_cloud"] == search.sector_cloud(db, "nl")
    [first] = [m for m in dutch["recommended_mentors"] if m["user_id"] == mentor]
    assert first["labels"] == {
        "sectors": {"legal": "Juridisch"},
        "activities": {"career_advice": "Loopbaanadvies"},
    }
    [first] = [m for m in english["recommended_mentors"] if m["user_id"] == mentor]
    assert first["labels"] == {
        "sectors": {"legal": "Legal"},
        "activities": {"career_advice": "Career advice"},
    }


def test_the_overview_of_an_unknown_member_is_not_found(db):
    with pytest.raises(NotFound):
        overview.overview(db, str(uuid.uuid4()))


# == names found however they are typed (profiles.names, migration 0008) ==================
# -- the rule ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed, folded",
    [
        ("Maaßen", "maassen"),
        ("MAASSEN", "maassen"),
        ("GROẞ", "gross"),
        ("Zoë Ölund", "zoe olund"),
        ("Ángel Núñez", "angel nunez"),
        ("İlkay", "ilkay"),
        ("ÇELİK", "celik"),
    ],
)
def test_fold_drops_case_and_accents_and_spells_out_sharp_s(typed, folded):
    assert fold(typed) == folded


@pytest.mark.parametrize(
    "first, middle, last, forms",
    [
        ("Jan", "", "van den Berg", ["vandenberg"]),
        ("Jan", "", "Van Den Berg", ["vandenberg"]),
        ("Piet", "van der", "Meer", ["vandermeer"]),  # the tussenvoegsel as a middle name
        ("Piet", "Johannes van", "Dijk", ["vandijk"]),  # other middle names stay apart
        ("Anne-Marie", "", "Maaßen", ["annemarie"]),
        ("Sean", "", "O'Brien", ["obrien"]),
        ("Ana", "", "de la Fuente Rivas", ["delafuenterivas", "fuenterivas"]),
        ("Zoë", "", "Ölund", []),  # one word: nothing to add
    ],
)
def test_name_forms_write_each_name_together_with_and_without_particles(first, middle, last, forms):
    assert name_forms(first, middle, last) == forms


# -- search and the directory ------------------------------------------------------------
@pytest.mark.parametrize("typed", ["maassen", "Maassen", "MAASSEN", "Maaßen", "maaßen", "MAAẞEN"])
def test_maassen_finds_maassen_however_typed(db, viewer, typed):
    word = token()
    maassen = member(db, first="Jürgen", last="Maaßen", headline=f"Archivist {word}", mentor={})
    # The word keeps other tests' Maaßens out; the name is what is searched.
    assert found(search.directory(db, viewer, f"{typed} {word}")) == [maassen]
    assert found(search.search_mentors(db, viewer, q=f"{typed} {word}")) == [maassen]


@pytest.mark.parametrize(
    "typed", ["berg", "Berg", "vandenberg", "VanDenBerg", "van den berg", "Van den Berg"]
)
def test_van_den_berg_is_found_by_berg_and_written_together(db, viewer, typed):
    word = token()
    berg = member(db, first="Eva", last="van den Berg", headline=f"Notaris {word}", mentor={})
    assert found(search.directory(db, viewer, f"{typed} {word}")) == [berg]
    assert found(search.search_mentors(db, viewer, q=f"{typed} {word}")) == [berg]


def test_a_tussenvoegsel_in_the_middle_names_is_found_with_the_surname(db, viewer):
    word = token()
    meer = member(db, first="Joost", last="Meer", headline=f"Vertaler {word}")
    member_profiles.update_profile(db, meer, {"middle_names": "van der"})
    assert found(search.directory(db, viewer, f"vandermeer {word}")) == [meer]
    assert found(search.directory(db, viewer, f"meer {word}")) == [meer]


@pytest.mark.parametrize("typed", ["zoe", "ZOË", "Zoe Olund", "zoë ölund", "ÖLUND"])
def test_accents_and_case_never_matter(db, viewer, typed):
    word = token()
    zoe = member(db, first="Zoë", last="Ölund", headline=f"Curator {word}")
    assert found(search.directory(db, viewer, f"{typed} {word}")) == [zoe]


def test_a_renamed_member_is_found_by_the_new_name_only(db, viewer):
    word = token()
    renamed = member(db, first="Lotte", last="Smit", headline=f"Curator {word}")
    member_profiles.update_profile(db, renamed, {"last_name": "ter Horst"})
    assert found(search.directory(db, viewer, f"terhorst {word}")) == [renamed]
    assert found(search.directory(db, viewer, f"smit {word}")) == []


def test_the_directory_narrows_to_a_programme_and_graduation_years(db, viewer):
    word = token()
    law_2010 = member(
        db, first="Ada", last=word.capitalize(), programme="Rechtsgeleerdheid", graduated=2010
    )
    law_2020 = member(
        db, first="Bo", last=word.capitalize(), programme="Rechtsgeleerdheid", graduated=2020
    )
    member(db, first="Cas", last=word.capitalize(), programme="Geschiedenis", graduated=2010)
    assert found(search.directory(db, viewer, word, programme="rechts")) == [law_2010, law_2020]
    assert found(
        search.directory(
            db, viewer, word, programme="rechts", graduated_from="2015", graduated_to="2025"
        )
    ) == [law_2020]
    with pytest.raises(search.exceptions.InvalidInput) as refused:
        search.directory(db, viewer, word, graduated_from="2020", graduated_to="2010")
    assert refused.value.args[2] == {"graduated_to": ["Must not come before graduated_from."]}


# -- migration 0008 ---------------------------------------------------------------------
def _old_fold(text):
    """The fold before 0008: lower case, accents removed, ß left as it was."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _migration():
    path = os.path.join(
        os.path.dirname(__file__),
        "..",
        "migrations",
        "versions",
        "0008_names_found_however_typed.py",
    )
    spec = importlib.util.spec_from_file_location("migration_0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_refill_gives_old_rows_the_search_text_new_rows_get(db):
    """What 0008 writes into a row written before it (folded the old way, no
    forms) is what search_text_of writes now."""
    migration = _migration()
    assert migration.with_name_forms is member_profiles.with_name_forms and migration.fold is fold
    person = SimpleNamespace(
        first_name="Anne-Marie",
        middle_names="van der",
        last_name="Maaßen-GROẞ",
        headline="Straßenbau ingenieur",
        bio="Zoë",
    )
    positions = [
        SimpleNamespace(
            title="Ingenieur", organisation="Brücken GmbH", sector="", location="Düsseldorf"
        )
    ]
    educations = [
        SimpleNamespace(programme="Bauingenieurwesen", institution="TU Straße", faculty="")
    ]
    now = member_profiles.search_text_of(person, positions, educations)
    parts = [
        person.first_name,
        person.middle_names,
        person.last_name,
        person.headline,
        person.bio,
        "Ingenieur Brücken GmbH  Düsseldorf",
        "Bauingenieurwesen TU Straße ",
    ]
    before = _old_fold(" ".join(parts))
    assert "ß" in before and "ß" not in now
    assert member_profiles.with_name_forms(fold(before), person) == now


def test_a_member_who_asked_nobody_is_suggested_mentors_with_reasons_in_every_language(
    db, service_database
):
    from mentornet_contracts.events import validate_payload
    from mentornet_platform.event_inbox import Inbox
    from profiles.handlers import HANDLERS

    programme = f"Sumerology {token()}"
    me = member(db, programme=programme, mentor={"available": False, "sectors": ["legal"]})
    mentor = member(db, programme=programme, mentor={"sectors": ["legal"], "max_mentees": 2})
    source, handler = HANDLERS["on_mentor_suggestion_due"]
    box = Inbox(db.engine, {"due": handler}, {"due": source})
    due = {
        "event_id": str(uuid.uuid4()),
        "type": "mentor_suggestion_due",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {"user_id": me, "onboarded_at": datetime.now(UTC).isoformat(), "days": 7},
    }
    box.apply("due", source, due)
    box.apply("due", source, due)  # delivered twice: suggested once
    sent = service_database.scalar(
        "SELECT json_agg(envelope) FROM outbox_events WHERE event_type = 'mentors_suggested'"
        " AND envelope->'data'->>'user_id' = :id",
        {"id": me},
    )
    [envelope] = sent
    data = validate_payload("profiles", "mentors_suggested", 1, envelope["data"])
    assert 1 <= len(data["mentors"]) <= 3
    [first] = [m for m in data["mentors"] if str(m["user_id"]) == mentor]
    assert first["reasons"][0] == {"reason": "shared_programme", "programme": programme}
    assert first["labels"] == {
        "en": {"sectors": {"legal": "Legal"}, "activities": {"career_advice": "Career advice"}},
        "nl": {
            "sectors": {"legal": "Juridisch"},
            "activities": {"career_advice": "Loopbaanadvies"},
        },
    }
    # A member who left meanwhile: nothing to suggest, nothing sent.
    gone = dict(due, event_id=str(uuid.uuid4()))
    gone["data"] = dict(due["data"], user_id=str(uuid.uuid4()))
    box.apply("due", source, gone)
    assert (
        service_database.scalar(
            "SELECT count(*) FROM outbox_events WHERE event_type = 'mentors_suggested'"
            " AND envelope->'data'->>'user_id' = :id",
            {"id": gone["data"]["user_id"]},
        )
        == 0
    )
