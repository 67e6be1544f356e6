"""`make demo-data` (python -m profiles.demo): refused unless asked for
(DEMO_DATA=yes), and never into a database that already has a real member."""

import uuid
from datetime import UTC, datetime

import pytest

from mentornet_testing import ThrowawayDatabase
from profiles import demo, member_profiles


@pytest.fixture
def empty_database():
    database = ThrowawayDatabase("profiles")
    yield database
    database.close()


def run(monkeypatch, database, asked):
    monkeypatch.setenv("PROFILES_DATABASE_URL", database.url)
    if asked:
        monkeypatch.setenv("DEMO_DATA", "yes")
    else:
        monkeypatch.delenv("DEMO_DATA", raising=False)
    return demo.main(["3"])


def test_refused_unless_asked_for(monkeypatch, empty_database, capsys):
    assert run(monkeypatch, empty_database, asked=False) == 3
    assert "set DEMO_DATA=yes" in capsys.readouterr().err
    assert empty_database.scalar("SELECT count(*) FROM profiles") == 0


def test_asked_for_into_an_empty_database(monkeypatch, empty_database):
    assert run(monkeypatch, empty_database, asked=True) == 0
    assert empty_database.scalar("SELECT count(*) FROM profiles") == 3
    # Only demo members there: a second run is allowed (and adds nothing twice).
    assert run(monkeypatch, empty_database, asked=True) == 0
    assert empty_database.scalar("SELECT count(*) FROM profiles") == 3


def test_never_into_a_database_with_a_real_member(monkeypatch, empty_database, capsys):
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": "account_registered",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    with empty_database.database.transaction() as session:
        member_profiles.create_for_account(
            session,
            {
                "user_id": str(uuid.uuid4()),
                "username": "real.member",
                "first_name": "Real",
                "middle_names": "",
                "last_name": "Member",
                "email": "real.member@uni.nl",
            },
            envelope,
        )
    assert run(monkeypatch, empty_database, asked=True) == 3
    assert "already has 1 real member" in capsys.readouterr().err
    assert empty_database.scalar("SELECT count(*) FROM profiles") == 1
