"""The console's mentor figures (profiles' ``mentor_statistics``) against a
database of their own, so every figure is known: who offers mentoring (only
verified, not suspended mentors count), who has room, and the places."""

import pytest
from sqlalchemy import text

from mentornet_testing import ThrowawayDatabase
from profiles import statistics
from services.profiles.tests.test_profiles import account_registered, inbox


@pytest.fixture(scope="module")
def own_db():
    database = ThrowawayDatabase("profiles")
    yield database.database
    database.close()


def add_member(db, available=False, verified=True, suspended=False, places=1, mentees=0):
    envelope = account_registered()
    inbox(db).apply("on_account_registered", "identity", envelope)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE profiles SET mentor_available = :available, verified = :verified,"
                " suspended = :suspended, mentor_max_mentees = :places,"
                " current_mentees = :mentees WHERE user_id = :id"
            ),
            {
                "available": available,
                "verified": verified,
                "suspended": suspended,
                "places": places,
                "mentees": mentees,
                "id": envelope["data"]["user_id"],
            },
        )


def test_mentors_available_and_their_free_places(own_db):
    add_member(own_db)  # a member who does not mentor
    add_member(own_db, available=True, places=3, mentees=1)  # 2 free
    add_member(own_db, available=True, places=2, mentees=2)  # full
    add_member(own_db, available=True, places=1)  # 1 free
    add_member(own_db, available=True, verified=False, places=4)  # not counted
    add_member(own_db, available=True, suspended=True, places=4)  # not counted

    assert statistics.mentor_statistics(own_db) == {
        "mentors_available": 3,
        "mentors_with_room": 2,
        "places": 6,
        "places_taken": 3,
        "free_places": 3,
    }
