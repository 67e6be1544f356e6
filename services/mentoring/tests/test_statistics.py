"""The console's mentoring figures (mentoring's ``network_statistics``)
against a database of their own, so every figure is known: requests by
state, the acceptance rate and median time to answer (of the requests
mentors answered), and relationships current and ended by outcome."""

from datetime import timedelta

import pytest

from mentoring import mentoring_requests, relationships, statistics
from mentornet_testing import ThrowawayDatabase
from services.mentoring.tests.test_requests import NOW, ask, member, mentor


@pytest.fixture(scope="module")
def own_db():
    database = ThrowawayDatabase("mentoring")
    yield database.database
    database.close()


def test_requests_by_state_answers_and_relationships(own_db):
    db = own_db
    mentor_id = mentor(db, max_mentees=5)
    mentees = [member(db) for _ in range(6)]
    asked = [ask(db, mentee, mentor_id)["id"] for mentee in mentees]
    # Answered after 2, 4 and 10 hours: the median is 4 hours.
    accepted = [
        mentoring_requests.accept(db, mentor_id, asked[0], now=NOW + timedelta(hours=2)),
        mentoring_requests.accept(db, mentor_id, asked[1], now=NOW + timedelta(hours=10)),
    ]
    mentoring_requests.decline(db, mentor_id, asked[2], "no_capacity", now=NOW + timedelta(hours=4))
    mentoring_requests.withdraw(db, mentees[3], asked[3], now=NOW + timedelta(hours=1))
    # asked[4] and asked[5] wait for an answer.
    relationships.end_relationship(
        db, mentees[0], accepted[0]["relationship"]["id"], "completed", ""
    )

    assert statistics.network_statistics(db) == {
        "requests_by_status": {
            "pending": 2,
            "accepted": 2,
            "declined": 1,
            "withdrawn": 1,
            "expired": 0,
        },
        "requests_answered": 3,
        "acceptance_rate": 0.6667,
        "median_answer_seconds": 4 * 3600,
        "relationships_current": 1,
        "relationships_ended": 1,
        "ended_by_outcome": {"completed": 1, "ended_early": 0},
    }


def test_before_any_answer_there_is_no_rate_and_no_median():
    database = ThrowawayDatabase("mentoring")
    try:
        ask(database.database, member(database.database), mentor(database.database))
        figures = statistics.network_statistics(database.database)
    finally:
        database.close()
    assert figures["requests_by_status"]["pending"] == 1
    assert figures["requests_answered"] == 0
    assert (figures["acceptance_rate"], figures["median_answer_seconds"]) == (None, None)
