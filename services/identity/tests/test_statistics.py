"""The console's member figures (identity's ``member_statistics``) against a
database of their own, so every figure is known: members by role and
affiliation, suspended members, sign-ups per ISO week with empty weeks as 0;
only an operator whose role has the statistics area may read them."""

import uuid

import pytest
from sqlalchemy import text

from identity import statistics
from identity.exceptions import Forbidden, NotAuthenticated
from mentornet_testing import ThrowawayDatabase
from services.identity.tests.test_operators import logged_in, new_operator


@pytest.fixture(scope="module")
def own_db():
    database = ThrowawayDatabase("identity")
    yield database.database
    database.close()


def add_account(db, role, affiliation, weeks_ago=0, suspended=False):
    user_id = str(uuid.uuid4())
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (id, username, email, first_name, last_name, password_hash,"
                " role, affiliation_status, created_at, suspended_at) VALUES (:id, :username,"
                " :email, 'A', 'B', 'x', :role, :affiliation,"
                " date_trunc('week', now()) - make_interval(weeks => :weeks) + interval '1 day',"
                " CASE WHEN :suspended THEN now() END)"
            ),
            {
                "id": user_id,
                "username": f"u.{user_id[:8]}",
                "email": f"{user_id[:8]}@example.org",
                "role": role,
                "affiliation": affiliation,
                "weeks": weeks_ago,
                "suspended": suspended,
            },
        )


def test_members_by_role_and_affiliation_and_signups_per_week(own_db):
    for _ in range(3):
        add_account(own_db, "student", "verified")
    add_account(own_db, "alumnus", "verified", weeks_ago=2)
    add_account(own_db, "staff", "verified", weeks_ago=2, suspended=True)
    add_account(own_db, None, "pending_review", weeks_ago=11)
    add_account(own_db, None, "none", weeks_ago=12)  # before the twelve weeks shown
    actor = {"operator_token": logged_in(own_db, new_operator(own_db))[0]}

    figures = statistics.member_statistics(own_db, actor)

    assert figures["members"] == 7
    assert figures["suspended"] == 1
    assert figures["by_role_and_affiliation"] == [
        {"role": "alumnus", "affiliation_status": "verified", "members": 1},
        {"role": "staff", "affiliation_status": "verified", "members": 1},
        {"role": "student", "affiliation_status": "verified", "members": 3},
        {"role": None, "affiliation_status": "none", "members": 1},
        {"role": None, "affiliation_status": "pending_review", "members": 1},
    ]
    weeks = figures["signups_per_week"]
    assert len(weeks) == 12
    assert [week["members"] for week in weeks] == [1] + [0] * 8 + [2, 0, 3]
    assert weeks == sorted(weeks, key=lambda week: week["week"])


def test_only_an_operator_with_the_statistics_area_reads_them(own_db):
    reviewer = {"operator_token": logged_in(own_db, new_operator(own_db, "reviewer"))[0]}
    with pytest.raises(Forbidden):
        statistics.member_statistics(own_db, reviewer)
    with pytest.raises(NotAuthenticated):
        statistics.member_statistics(own_db, {"operator_token": "made-up"})
