"""Operator accounts: the university's staff who run the network, kept apart
from members.  Each has a role (mentornet_contracts.operators), a password
held to the members' rules (argon2id, at least 15 characters, not a common
one, not the username) and a second factor, TOTP (RFC 6238, pyotp): a login
gives the password first, which opens a session that allows nothing but the
second step for a few minutes; the code (or, the first time, enrolment: a
new secret, shown as a QR code, confirmed by a code made from it) completes
it under a new token.  Each code works once.  Complete sessions keep the
members' rules: 30 minutes idle, 12 hours at most (accounts.SESSION_*).

The first administrator is made on the command line (no operator exists yet
to make one)::

    python -m identity.operators create --username NAME --role administrator

It asks for the password twice (or reads it from OPERATOR_PASSWORD, for
scripts), and ``api-key`` makes a key for automation the same way.
"""

import argparse
import getpass
import os
import secrets
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import func, select, update

from identity import accounts, audit, exceptions, passwords, throttling, tokens
from identity.models import Operator, OperatorSession
from mentornet_contracts.operators import AREAS_BY_ROLE, ROLES

SECOND_STEP = timedelta(minutes=5)  # a half-open session (password given) lasts this long
SECOND_FACTOR_ATTEMPTS = 5  # wrong codes before the half-open session ends
ISSUER = "Mentor Network"


def _now():
    return datetime.now(UTC)


def _operator_key(operator_id):
    return f"operator:{operator_id}"


def _operator_name_key(username):
    return "operator-name:" + username.strip().lower()[:280]


# -- making operators ------------------------------------------------------------
def create(db, username, role, password, created_by=audit.COMMAND, client=""):
    """A new operator (second factor still to enrol at the first login), made
    by the command line (the first administrator) or, with ``created_by`` the
    credentials of an administrator's session, in the console."""
    if not isinstance(created_by, audit.Actor):
        with db.transaction() as session:  # who asks, before any work on their input
            audit.actor(session, created_by, "operators")
    problems = {}
    username = (username or "").strip() if isinstance(username, str) else ""
    if not 3 <= len(username) <= 40 or not all(c.isalnum() or c in "._-" for c in username):
        problems["username"] = ["Use 3 to 40 letters, digits, dots, dashes or underscores."]
    if role not in ROLES:
        problems["role"] = ["Choose a role."]
    if not isinstance(password, str):
        password = ""
    problem = passwords.password_problem(password) or passwords.personal_problem(
        password, username=username
    )
    if problem:
        problems["password"] = [problem]
    if problems:
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.", problems)
    password_hash = passwords.hash_password(password)
    with db.transaction() as session:
        if not isinstance(created_by, audit.Actor):
            created_by = audit.actor(session, created_by, "operators")
        taken = session.execute(
            select(Operator).where(func.lower(Operator.username) == username.lower())
        ).first()
        if taken is not None:
            raise exceptions.Conflict(
                "username_taken",
                f"The username '{username}' is already taken.",
                {"username": ["This username is already taken."]},
            )
        operator = Operator(
            id=str(uuid.uuid4()),
            username=username,
            role=role,
            password_hash=password_hash,
            created_at=_now(),
            created_by=created_by.name,
        )
        session.add(operator)
        audit.record(session, created_by, "operator_created", username, {"role": role}, client)
        return {"operator_id": operator.id, "username": username, "role": role}


# -- the administrators' management of operators -------------------------------
def listed(db, credentials):
    """Every operator, newest first, for the console's operators page."""
    with db.transaction() as session:
        audit.actor(session, credentials, "operators")
        found = session.execute(select(Operator).order_by(Operator.created_at.desc())).scalars()
        return {
            "items": [
                {
                    "operator_id": operator.id,
                    "username": operator.username,
                    "role": operator.role,
                    "second_factor": operator.totp_enrolled_at is not None,
                    "created_at": operator.created_at.isoformat(),
                    "created_by": operator.created_by,
                    "disabled_at": operator.disabled_at.isoformat()
                    if operator.disabled_at
                    else None,
                }
                for operator in found
            ]
        }


def _managed(session, credentials, operator_id):
    """(the acting administrator, the operator they change, locked)."""
    acting = audit.actor(session, credentials, "operators")
    operator = (
        session.get(Operator, operator_id, with_for_update=True)
        if isinstance(operator_id, str)
        else None
    )
    if operator is None:
        raise exceptions.NotFound("operator_not_found", "No such operator.")
    return acting, operator


def change(db, credentials, operator_id, change, role=None, client=""):
    """An administrator changes another operator: ``role`` (with ``role``),
    ``disable`` (their console sessions end at once: every check refuses a
    disabled operator), ``enable``, or ``reset_second_factor`` (a lost phone:
    they enrol a new one at their next login, and their sessions end)."""
    if change not in ("role", "disable", "enable", "reset_second_factor"):
        raise exceptions.NotFound("operator_not_found", "No such operator.")
    if change == "role" and role not in ROLES:
        raise exceptions.InvalidInput(
            "invalid_input", "Some fields need your attention.", {"role": ["Choose a role."]}
        )
    with db.transaction() as session:
        # Administrators change operators one at a time: two disabling each
        # other at once would otherwise leave the network with none.  The one
        # who waited is then checked as they are after the other's change.
        session.execute(
            select(Operator.id)
            .where(Operator.role == "administrator")
            .order_by(Operator.id)
            .with_for_update()
        ).all()
        acting, operator = _managed(session, credentials, operator_id)
        # Only an administrator's session acts here (no API key has this area),
        # and never on itself: so an administrator who can log in always remains.
        if acting.id == operator.id:
            raise exceptions.Conflict(
                "own_operator_account",
                "Another administrator changes your own account, so that nobody locks themselves out.",
            )
        details = None
        if change == "role":
            if role != operator.role:
                details = {"from": operator.role, "to": role}
                operator.role = role
        elif change == "disable":
            if operator.disabled_at is None:
                operator.disabled_at = _now()
                _end_sessions(session, operator)  # enabled again, they log in anew
                details = {}
        elif change == "enable":
            if operator.disabled_at is not None:
                operator.disabled_at = None
                details = {}
        else:
            operator.totp_secret = operator.totp_enrolled_at = operator.totp_last_step = None
            _end_sessions(session, operator)
            details = {}
        if details is not None:  # a change that changed nothing is not an action
            audit.record(
                session,
                acting,
                f"operator_{OPERATOR_CHANGES[change]}",
                operator.username,
                details or None,
                client,
            )
        return {
            "operator_id": operator.id,
            "username": operator.username,
            "role": operator.role,
            "disabled": operator.disabled_at is not None,
        }


def _end_sessions(session, operator):
    session.execute(
        update(OperatorSession)
        .where(OperatorSession.operator_id == operator.id, OperatorSession.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


# The audit log's action for each change (operator_<word>).
OPERATOR_CHANGES = {
    "role": "role_changed",
    "disable": "disabled",
    "enable": "enabled",
    "reset_second_factor": "second_factor_reset",
}


# -- logging in ----------------------------------------------------------------
def _open(session, operator_id, complete):
    token = secrets.token_urlsafe(32)
    now = _now()
    session.add(
        OperatorSession(
            token_hash=tokens.digest(token),
            operator_id=operator_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + (accounts.SESSION_ABSOLUTE if complete else SECOND_STEP),
            second_factor_at=now if complete else None,
        )
    )
    return token


def login(db, username, password, client=None):
    """The password step: a half-open session whose token allows only the
    second step (``second_factor``); says whether to enrol or give a code."""
    accounts.require_credentials(username, password)
    with db.transaction() as session:
        throttling.spend_login(session, client)
        operator = session.execute(
            select(Operator).where(func.lower(Operator.username) == username.strip().lower())
        ).scalar()
        counter = _operator_key(operator.id) if operator else _operator_name_key(username)
        wait = throttling.admit(session, counter)
    stored = operator.password_hash if operator else passwords.DUMMY_HASH
    correct = (
        passwords.verify_password(stored, password)
        and operator is not None
        and operator.disabled_at is None
    )
    if wait:
        raise exceptions.Throttled(
            "too_many_attempts",
            f"Too many failed attempts. Try again in {wait} seconds.",
            retry_after=wait,
        )
    if not correct:
        raise exceptions.invalid_credentials()
    with db.transaction() as session:
        throttling.clear(session, counter)
        throttling.login_succeeded(session, client)
        operator = session.get(Operator, operator.id, with_for_update=True)
        if operator.totp_enrolled_at is None and not operator.totp_secret:
            operator.totp_secret = pyotp.random_base32()
        return {
            "token": _open(session, operator.id, complete=False),
            "second_factor": "code" if operator.totp_enrolled_at else "enrol",
        }


def _half_open(session, token, lock=False):
    """The half-open session of ``token`` and its operator, or NotAuthenticated."""
    if not isinstance(token, str) or not token:
        raise exceptions.session_invalid()
    row = session.get(OperatorSession, tokens.digest(token), with_for_update=lock)
    if (
        row is None
        or row.revoked_at is not None
        or row.second_factor_at is not None
        or row.expires_at <= _now()
    ):
        raise exceptions.session_invalid()
    operator = session.get(Operator, row.operator_id, with_for_update=lock)
    if operator.disabled_at is not None:
        raise exceptions.session_invalid()
    return row, operator


def enrolment(db, token):
    """What the second step shows: for an operator still to enrol, the new
    secret and its otpauth:// address (the gateway draws it as a QR code)."""
    with db.transaction() as session:
        _, operator = _half_open(session, token)
        if operator.totp_enrolled_at is not None:
            return {"username": operator.username, "enrol": False}
        return {
            "username": operator.username,
            "enrol": True,
            "secret": operator.totp_secret,
            "uri": pyotp.TOTP(operator.totp_secret).provisioning_uri(
                name=operator.username, issuer_name=ISSUER
            ),
        }


def _accepted_step(secret, code, last_step, at=None):
    """The time step ``code`` belongs to (this one, or one either side for a
    clock a little off), if it is later than the last one accepted; else None."""
    if not isinstance(code, str):
        return None
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = int(now // totp.interval)
    for step in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code) and step > (last_step or -1):
            return step
    return None


def second_factor(db, token, code, client=None):
    """The second step: a right code (made from the secret being enrolled, the
    first time) ends the half-open session and opens a complete one under a
    new token.  Wrong codes are counted; too many end the half-open session."""
    with db.transaction() as session:
        throttling.spend_login(session, client)
        row, operator = _half_open(session, token, lock=True)
        step = _accepted_step(operator.totp_secret, code, operator.totp_last_step)
        if step is None:
            row.second_factor_failures += 1
            if row.second_factor_failures >= SECOND_FACTOR_ATTEMPTS:
                row.revoked_at = _now()
                error = exceptions.NotAuthenticated(
                    "too_many_attempts", "Too many wrong codes; log in again."
                )
            else:
                error = exceptions.InvalidInput(
                    "wrong_code",
                    "That code is not right; enter the 6 digits your app shows now.",
                    {"code": ["That code is not right; enter the 6 digits your app shows now."]},
                )
        else:
            error = None
            throttling.login_succeeded(session, client)
            operator.totp_last_step = step
            acting = _actor(operator)
            if operator.totp_enrolled_at is None:
                operator.totp_enrolled_at = _now()
                audit.record(
                    session, acting, "second_factor_enrolled", operator.username, None, client
                )
            row.revoked_at = _now()
            audit.record(session, acting, "operator_logged_in", operator.username, None, client)
            result = {"token": _open(session, operator.id, complete=True)}
    if error is not None:
        raise error
    return result


# -- sessions ------------------------------------------------------------------
def _actor(operator):
    return audit.Actor("operator", operator.id, operator.username, AREAS_BY_ROLE[operator.role])


def _complete(session, token):
    """The complete, live session of ``token`` and its operator (the idle clock
    restarted), or NotAuthenticated."""
    if not isinstance(token, str) or not token:
        raise exceptions.session_invalid()
    now = _now()
    found = session.execute(
        select(OperatorSession, Operator)
        .join(Operator, Operator.id == OperatorSession.operator_id)
        .where(OperatorSession.token_hash == tokens.digest(token))
    ).first()
    if found is None:
        raise exceptions.session_invalid()
    row, operator = found
    if (
        row.revoked_at is not None
        or row.second_factor_at is None
        or row.expires_at <= now
        or row.last_seen_at + accounts.SESSION_IDLE <= now
        or operator.disabled_at is not None
    ):
        raise exceptions.session_invalid()
    if now - row.last_seen_at >= accounts.SESSION_TOUCH_EVERY:
        row.last_seen_at = now
    return row, operator


def actor_for_session(session, token):
    _, operator = _complete(session, token)
    return _actor(operator)


def authenticate(db, token):
    """Who is behind a console session: id, username, role and the areas the
    role may act in."""
    with db.transaction() as session:
        row, operator = _complete(session, token)
        now = _now()
        return {
            "operator_id": operator.id,
            "username": operator.username,
            "role": operator.role,
            "areas": list(AREAS_BY_ROLE[operator.role]),
            "session": {
                "idle_seconds_left": (
                    row.last_seen_at + accounts.SESSION_IDLE - now
                ).total_seconds(),
                "seconds_left": (row.expires_at - now).total_seconds(),
            },
        }


def logout(db, token, client=None):
    with db.transaction() as session:
        if not isinstance(token, str) or not token:
            return
        row = session.get(OperatorSession, tokens.digest(token), with_for_update=True)
        if row is None or row.revoked_at is not None:
            return
        row.revoked_at = _now()
        if row.second_factor_at is not None:
            operator = session.get(Operator, row.operator_id)
            audit.record(
                session, _actor(operator), "operator_logged_out", operator.username, None, client
            )


def end_expired_sessions(db):
    """Console sessions past their limits are marked ended (tidiness: nothing
    relies on it, ``_complete`` checks the limits itself)."""
    with db.transaction() as session:
        return session.execute(
            update(OperatorSession)
            .where(
                OperatorSession.revoked_at.is_(None),
                (OperatorSession.expires_at <= func.now())
                | (OperatorSession.last_seen_at + accounts.SESSION_IDLE <= func.now()),
            )
            .values(revoked_at=func.now())
        ).rowcount


# -- the command line ------------------------------------------------------------
def _password_from_terminal():
    given = os.environ.get("OPERATOR_PASSWORD")
    if given:
        return given
    first = getpass.getpass("Password (at least 15 characters): ")
    if first != getpass.getpass("The same password again: "):
        print("The two passwords differ; nothing was made.", file=sys.stderr)
        raise SystemExit(1)
    return first


def main(argv=None):
    from identity import api_keys
    from mentornet_contracts.operators import API_KEY_SCOPES
    from mentornet_platform import settings
    from mentornet_platform.database import Database, make_engine

    parser = argparse.ArgumentParser(prog="python -m identity.operators")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create", help="make an operator (the first administrator)")
    make.add_argument("--username", required=True)
    make.add_argument("--role", required=True, choices=ROLES)
    key = commands.add_parser("api-key", help="make a named API key for automation")
    key.add_argument("--name", required=True)
    key.add_argument("--scope", action="append", required=True, choices=API_KEY_SCOPES)
    args = parser.parse_args(argv)

    db = Database(make_engine(settings.database_url("identity")))
    try:
        if args.command == "create":
            made = create(db, args.username, args.role, _password_from_terminal())
            print(
                f"operator {made['username']} ({made['role']}) made; at the first login "
                "the console asks them to set up their second factor"
            )
        else:
            made = api_keys.create_by_command(db, args.name, args.scope)
            print(made["key"])
            print(
                f"API key {made['name']} ({', '.join(made['scopes'])}) made: the line above is "
                "the key, shown this once",
                file=sys.stderr,
            )
    except exceptions.DomainError as exc:
        problems = exc.args[2] if len(exc.args) > 2 and isinstance(exc.args[2], dict) else {}
        print(f"nothing was made: {exc.args[1]}", file=sys.stderr)
        for name, texts in problems.items():
            print(f"  {name}: {' '.join(texts)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
