"""Operator accounts, their second factor, API keys, suspensions and the audit
log, against identity's own database."""

import time
import uuid

import psycopg2
import pyotp
import pytest
from sqlalchemy import text

from identity import accounts, api_keys, audit, moderation, operators
from identity.exceptions import Conflict, Forbidden, InvalidInput, NotAuthenticated

PASSWORD = "a very long operator passphrase"


def new_operator(db, role="administrator"):
    username = f"op.{uuid.uuid4().hex[:8]}"
    operators.create(db, username, role, PASSWORD)
    return username


def logged_in(db, username, client="10.9.9.9"):
    """(complete session token, TOTP) through both steps, enrolling on the way."""
    started = operators.login(db, username, PASSWORD, client)
    assert started["second_factor"] == "enrol"
    enrolment = operators.enrolment(db, started["token"])
    totp = pyotp.TOTP(enrolment["secret"])
    assert enrolment["uri"].startswith("otpauth://totp/")
    done = operators.second_factor(db, started["token"], totp.now(), client)
    return done["token"], totp


def test_operators_need_a_strong_password_and_a_unique_name(db):
    with pytest.raises(InvalidInput) as refused:
        operators.create(db, "shorty", "reviewer", "too short")
    assert "password" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        operators.create(db, "x", "boss", PASSWORD)
    assert set(refused.value.fields) == {"username", "role"}
    username = new_operator(db)
    with pytest.raises(Conflict):
        operators.create(db, username.upper(), "editor", PASSWORD)


def test_a_password_alone_opens_nothing_but_the_second_step(db):
    username = new_operator(db, "reviewer")
    started = operators.login(db, username, PASSWORD, "10.0.0.1")
    with pytest.raises(NotAuthenticated):
        operators.authenticate(db, started["token"])
    with pytest.raises(NotAuthenticated):
        operators.login(db, username, "a wrong but long passphrase", "10.0.0.1")
    enrolment = operators.enrolment(db, started["token"])
    with pytest.raises(InvalidInput):
        operators.second_factor(db, started["token"], "000000", "10.0.0.1")
    totp = pyotp.TOTP(enrolment["secret"])
    # One moment for every code below: a step boundary passing mid-test would
    # otherwise turn "the same code again" into the next step's code.
    moment = time.time()
    token = operators.second_factor(db, started["token"], totp.at(moment), "10.0.0.1")["token"]
    me = operators.authenticate(db, token)
    assert (me["username"], me["role"]) == (username, "reviewer")
    assert set(me["areas"]) == {"audit_log", "affiliation_reviews", "message_reports"}
    # The half-open token is spent; the code is spent too.
    with pytest.raises(NotAuthenticated):
        operators.enrolment(db, started["token"])
    again = operators.login(db, username, PASSWORD, "10.0.0.1")
    assert again["second_factor"] == "code"
    assert operators.enrolment(db, again["token"]) == {"username": username, "enrol": False}
    with pytest.raises(InvalidInput):
        operators.second_factor(db, again["token"], totp.at(moment), "10.0.0.1")
    following = totp.at(moment + totp.interval)  # the next step's code is accepted
    assert operators.second_factor(db, again["token"], following, "10.0.0.1")["token"]


def test_too_many_wrong_codes_end_the_half_open_session(db):
    username = new_operator(db)
    started = operators.login(db, username, PASSWORD, None)
    for _ in range(operators.SECOND_FACTOR_ATTEMPTS - 1):
        with pytest.raises(InvalidInput):
            operators.second_factor(db, started["token"], "123456", None)
    with pytest.raises(NotAuthenticated):
        operators.second_factor(db, started["token"], "123456", None)
    with pytest.raises(NotAuthenticated):
        operators.enrolment(db, started["token"])


def test_logout_ends_the_session_and_every_step_is_audited(db):
    username = new_operator(db)
    token, _ = logged_in(db, username, "192.0.2.7")
    operators.logout(db, token, "192.0.2.7")
    with pytest.raises(NotAuthenticated):
        operators.authenticate(db, token)
    other, _ = logged_in(db, new_operator(db))
    mine = [
        (e["action"], e["client"])
        for e in audit.entries(db, {"operator_token": other})["items"]
        if e["actor_name"] == username or e["subject"] == username
    ]
    assert mine == [
        ("operator_logged_out", "192.0.2.7"),
        ("operator_logged_in", "192.0.2.7"),
        ("second_factor_enrolled", "192.0.2.7"),
        ("operator_created", ""),
    ]


def test_the_audit_log_cannot_be_changed_or_emptied(db, service_database):
    token, _ = logged_in(db, new_operator(db))
    assert audit.entries(db, {"operator_token": token})["total"] >= 2
    for statement in (
        "UPDATE audit_entries SET actor_name = 'nobody'",
        "DELETE FROM audit_entries",
        "TRUNCATE audit_entries",
    ):
        with psycopg2.connect(service_database.url) as connection, connection.cursor() as cursor:
            with pytest.raises(psycopg2.Error, match="the audit log is kept as written"):
                cursor.execute(statement)
    with db.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM audit_entries")).scalar() >= 2


def test_roles_limit_what_an_operator_may_do(db):
    editor, _ = logged_in(db, new_operator(db, "editor"))
    with pytest.raises(Forbidden):
        api_keys.create(db, {"operator_token": editor}, "ci", ["service_updates"])
    with pytest.raises(Forbidden):
        moderation.suspend(db, {"operator_token": editor}, str(uuid.uuid4()), "spam")
    assert audit.entries(db, {"operator_token": editor})["items"]  # every operator reads it


def test_api_keys_are_shown_once_scoped_and_revocable(db):
    admin, _ = logged_in(db, new_operator(db))
    made = api_keys.create(db, {"operator_token": admin}, "nightly import", ["affiliation_reviews"])
    key = made["key"]
    listed = api_keys.listed(db, {"operator_token": admin})["items"]
    [row] = [k for k in listed if k["id"] == made["id"]]
    assert (
        "key" not in row and row["prefix"] == key[:10] and row["scopes"] == ["affiliation_reviews"]
    )
    assert (
        api_keys.authenticate(db, key, "affiliation_reviews")["name"] == "API key: nightly import"
    )
    with pytest.raises(Forbidden):
        api_keys.authenticate(db, key, "service_updates")
    api_keys.revoke(db, {"operator_token": admin}, made["id"], "10.1.1.1")
    with pytest.raises(NotAuthenticated):
        api_keys.authenticate(db, key, "affiliation_reviews")
    with pytest.raises(InvalidInput):
        api_keys.create(db, {"operator_token": admin}, "", ["operators"])


def test_a_suspended_member_cannot_log_in_until_unsuspended(db):
    suffix = uuid.uuid4().hex[:8]
    registered = accounts.register(
        db,
        {
            "first_name": "Sam",
            "last_name": "Jansen",
            "date_of_birth": "1995-05-05",
            "username": f"sam.{suffix}",
            "password": "canal bicycle tulip lantern",
            "password_confirmation": "canal bicycle tulip lantern",
            "email": f"sam.{suffix}@example.org",
            "email_confirmation": f"sam.{suffix}@example.org",
            "security_question": "What was the name of your first pet?",
            "security_answer": "Rex",
            "accept_privacy_policy": True,
            "accept_terms": True,
        },
    )
    user_id, session_token = registered["account"]["user_id"], registered["token"]
    reviewer, _ = logged_in(db, new_operator(db, "reviewer"))
    with pytest.raises(InvalidInput):
        moderation.suspend(db, {"operator_token": reviewer}, user_id, "  ")
    moderation.suspend(db, {"operator_token": reviewer}, user_id, "abusive messages")
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(db, session_token)
    with pytest.raises(NotAuthenticated) as refused:
        accounts.login(db, f"sam.{suffix}", "canal bicycle tulip lantern")
    assert refused.value.code == "account_suspended"
    standing = moderation.standing(db, {"operator_token": reviewer}, [user_id])
    assert standing[user_id]["suspended"] is True
    moderation.unsuspend(db, {"operator_token": reviewer}, user_id, "apologised")
    assert accounts.login(db, f"sam.{suffix}", "canal bicycle tulip lantern")["token"]
    with db.transaction() as session:
        types = (
            session.execute(
                text(
                    "SELECT event_type FROM outbox_events WHERE envelope->'data'->>'user_id' = :id"
                ),
                {"id": user_id},
            )
            .scalars()
            .all()
        )
    assert {"account_suspended", "account_unsuspended", "session_ended"} <= set(types)


def test_an_administrator_adds_changes_disables_and_resets_operators(db, service_database):
    admin = new_operator(db)
    token, _ = logged_in(db, admin)
    actor = {"operator_token": token}
    username = f"rita.{uuid.uuid4().hex[:8]}"
    made = operators.create(db, username, "reviewer", PASSWORD, actor, "10.1.1.1")
    listed = {o["username"]: o for o in operators.listed(db, actor)["items"]}
    assert listed[username]["role"] == "reviewer" and not listed[username]["second_factor"]
    assert listed[username]["created_by"] == admin
    theirs, _ = logged_in(db, username)
    assert "statistics" not in operators.authenticate(db, theirs)["areas"]

    operators.change(db, actor, made["operator_id"], "role", "editor", "10.1.1.1")
    assert set(operators.authenticate(db, theirs)["areas"]) == {
        "audit_log",
        "service_updates",
        "policies",
        "guidelines",
    }
    operators.change(db, actor, made["operator_id"], "disable", None, "10.1.1.1")
    with pytest.raises(NotAuthenticated):
        operators.authenticate(db, theirs)  # at once
    with pytest.raises(NotAuthenticated):
        operators.login(db, username, PASSWORD, None)
    operators.change(db, actor, made["operator_id"], "enable", None, "10.1.1.1")
    with pytest.raises(NotAuthenticated):
        operators.authenticate(db, theirs)  # the old session stays ended
    operators.change(db, actor, made["operator_id"], "reset_second_factor", None, "10.1.1.1")
    assert operators.login(db, username, PASSWORD, None)["second_factor"] == "enrol"

    # Nobody changes their own account; others' roles do not reach it.
    me = operators.authenticate(db, token)
    with pytest.raises(Conflict):
        operators.change(db, actor, me["operator_id"], "disable", None, "10.1.1.1")
    theirs, _ = logged_in(db, username)
    with pytest.raises(Forbidden):
        operators.listed(db, {"operator_token": theirs})
    with pytest.raises(Forbidden):
        operators.create(db, "mallory.x", "administrator", PASSWORD, {"operator_token": theirs})
    with pytest.raises(Forbidden):
        operators.change(
            db, {"operator_token": theirs}, me["operator_id"], "disable", None, "10.1.1.1"
        )
    with pytest.raises(InvalidInput):
        operators.change(db, actor, made["operator_id"], "role", "boss", "10.1.1.1")

    with service_database.engine.connect() as connection:
        logged = connection.execute(
            text("SELECT action, details FROM audit_entries WHERE subject = :u ORDER BY id"),
            {"u": username},
        ).all()
    actions = [action for action, _ in logged if not action.startswith("operator_log")]
    assert actions == [
        "operator_created",
        "second_factor_enrolled",
        "operator_role_changed",
        "operator_disabled",
        "operator_enabled",
        "operator_second_factor_reset",
        "second_factor_enrolled",
    ]
    assert {"from": "reviewer", "to": "editor"} in [details for _, details in logged]
