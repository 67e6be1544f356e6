"""Every ending of a session is announced (session_ended, for the gateways'
caches), and activity the gateways report moves the idle clock of live
sessions only."""

import uuid

from sqlalchemy import text

from identity import accounts, tokens
from mentornet_contracts.events import validate_payload


def form():
    suffix = uuid.uuid4().hex[:8]
    return {
        "first_name": "Anouk",
        "last_name": "Jansen",
        "date_of_birth": "1992-05-17",
        "username": f"anouk.{suffix}",
        "password": "tulip canal bicycle",
        "password_confirmation": "tulip canal bicycle",
        "email": f"anouk.{suffix}@example.org",
        "email_confirmation": f"anouk.{suffix}@example.org",
        "security_question": "First pet's name?",
        "security_answer": "Rex",
        "accept_privacy_policy": True,
        "accept_terms": True,
        "language": "en",
    }


def endings(db, user_id):
    """(reason, ended session digests) of each session_ended event about the member."""
    with db.engine.connect() as connection:
        envelopes = (
            connection.execute(
                text(
                    "SELECT envelope FROM outbox_events WHERE event_type = 'session_ended'"
                    " AND envelope->'data'->>'user_id' = :id ORDER BY id"
                ),
                {"id": user_id},
            )
            .scalars()
            .all()
        )
    found = []
    for envelope in envelopes:
        data = validate_payload("identity", "session_ended", 1, envelope["data"])
        found.append((data["reason"], sorted(data["sessions"])))
    return found


def set_session(db, token, **columns):
    assignments = ", ".join(f"{name} = {value}" for name, value in columns.items())
    with db.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE sessions SET {assignments} WHERE token_hash = :h"),
            {"h": tokens.digest(token)},
        )


def seen_ago(db, token):
    with db.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT extract(epoch FROM now() - last_seen_at) FROM sessions WHERE token_hash = :h"
            ),
            {"h": tokens.digest(token)},
        ).scalar()


def test_logout_password_change_and_deletion_each_announce_the_sessions_they_end(db):
    data = form()
    first = accounts.register(db, data)
    user_id, token = first["account"]["user_id"], first["token"]
    accounts.logout(db, token)
    accounts.logout(db, token)  # a second logout ends nothing more: no second event
    assert endings(db, user_id) == [("logout", [tokens.digest(token)])]

    one = accounts.login(db, data["username"], data["password"])["token"]
    two = accounts.login(db, data["username"], data["password"])["token"]
    new = accounts.change_password(
        db, user_id, data["password"], "lantern tulip canal road", "lantern tulip canal road"
    )["token"]
    assert endings(db, user_id)[-1] == ("password_changed", sorted(map(tokens.digest, (one, two))))

    accounts.delete_account(db, user_id, "lantern tulip canal road")
    assert endings(db, user_id)[-1] == ("account_deleted", [tokens.digest(new)])


def test_sessions_past_their_limits_are_ended_and_announced_once(db):
    data = form()
    registered = accounts.register(db, data)
    user_id = registered["account"]["user_id"]
    idle, old, live = (
        registered["token"],
        accounts.login(db, data["username"], data["password"])["token"],
        accounts.login(db, data["username"], data["password"])["token"],
    )
    set_session(db, idle, last_seen_at="now() - interval '31 minutes'")
    set_session(db, old, expires_at="now() - interval '1 second'")

    while accounts.end_expired_sessions(db):
        pass
    assert sorted(endings(db, user_id)) == [
        ("expired", [tokens.digest(old)]),
        ("idle", [tokens.digest(idle)]),
    ]
    assert accounts.authenticate(db, live)["user_id"] == user_id
    accounts.end_expired_sessions(db)
    assert len(endings(db, user_id)) == 2  # announced once


def test_reported_activity_restarts_the_idle_clock_of_live_sessions_only(db):
    data = form()
    registered = accounts.register(db, data)
    live, ended = (
        registered["token"],
        accounts.login(db, data["username"], data["password"])["token"],
    )
    set_session(db, live, last_seen_at="now() - interval '20 minutes'")
    set_session(db, ended, last_seen_at="now() - interval '20 minutes'")
    accounts.logout(db, ended)

    result = accounts.record_activity(
        db,
        {
            tokens.digest(live): 5,
            tokens.digest(ended): 5,
            "not a digest": 1,
            tokens.digest("unknown"): 1,
            tokens.digest(data["email"]): -3,
        },
    )
    assert result == {"recorded": 1}
    assert 4 < seen_ago(db, live) < 60
    assert seen_ago(db, ended) > 19 * 60

    # An older report never moves the clock back.
    accounts.record_activity(db, {tokens.digest(live): 600})
    assert seen_ago(db, live) < 60
