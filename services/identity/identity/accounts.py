"""Accounts, sign-up, login and sessions: plain functions over a Database."""
import hashlib
import logging
import secrets
import uuid
from datetime import datetime, timedelta, timezone

from marshmallow import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from identity import events, exceptions, onboarding, passwords, usernames
from identity.models import Account, Consent, RegistrationKey, Session
from identity.schemas import AccountSchema, RegistrationSchema

log = logging.getLogger(__name__)

POLICY_VERSIONS = {"privacy_policy": "2026-01", "terms": "2026-01"}
SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)
# last_seen_at is written at most this often, not on every request.
SESSION_TOUCH_EVERY = timedelta(seconds=60)


def _now():
    return datetime.now(timezone.utc)


def _token_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _open_session(session, account_id):
    token = secrets.token_urlsafe(32)
    now = _now()
    session.add(Session(token_hash=_token_hash(token), account_id=account_id, created_at=now,
                        last_seen_at=now, expires_at=now + SESSION_ABSOLUTE))
    return token


def register(db, registration, idempotency_key=None):
    """Create an account from the sign-up form; returns account, token and onboarding.

    The account, its consents and the ``account_registered`` event are written
    in one transaction: the saga that provisions the member elsewhere starts
    only for an account that exists.
    """
    if not isinstance(registration, dict):
        raise exceptions.InvalidInput("invalid_input", "The registration must be an object.")
    try:
        form = RegistrationSchema().load(registration)
    except ValidationError as exc:
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.",
                                      exc.normalized_messages())

    if idempotency_key:
        replay = _replay_registration(db, idempotency_key)
        if replay is not None:
            return replay

    # Hash outside the transaction: it is the slow part.
    password_hash = passwords.hash_password(form.pop("password"))
    answer_hash = passwords.hash_password(passwords.normalise_answer(form.pop("security_answer")))
    form.pop("accept_privacy_policy")
    form.pop("accept_terms")

    try:
        with db.transaction() as session:
            _refuse_duplicates(session, form)
            account = Account(id=str(uuid.uuid4()), password_hash=password_hash,
                              security_answer_hash=answer_hash, created_at=_now(), **form)
            session.add(account)
            session.flush()
            for document, version in POLICY_VERSIONS.items():
                session.add(Consent(account_id=account.id, document=document, version=version))
            if idempotency_key:
                session.add(RegistrationKey(key=idempotency_key, account_id=account.id))
            events.account_registered(session, account)
            token = _open_session(session, account.id)
            result = {"account": AccountSchema().dump(account), "token": token,
                      "onboarding": onboarding.status(account)}
    except IntegrityError as exc:
        # Two sign-ups raced for the same username, e-mail or key.
        replay = _replay_registration(db, idempotency_key) if idempotency_key else None
        if replay is not None:
            return replay
        text = str(exc.orig)
        if "username" in text:
            raise exceptions.username_taken(form["username"])
        if "email" in text:
            raise exceptions.email_taken()
        raise
    log.info("account %s registered", result["account"]["user_id"])
    return result


def _refuse_duplicates(session, form):
    if usernames.is_taken(session, form["username"]):
        raise exceptions.username_taken(form["username"])
    if session.execute(select(Account.id).where(
            func.lower(Account.email) == form["email"].lower())).first():
        raise exceptions.email_taken()


def _replay_registration(db, key):
    with db.transaction() as session:
        row = session.get(RegistrationKey, key)
        if row is None:
            return None
        account = session.get(Account, row.account_id)
        token = _open_session(session, account.id)
        return {"account": AccountSchema().dump(account), "token": token,
                "onboarding": onboarding.status(account)}


def login(db, username, password):
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise exceptions.InvalidInput("invalid_input", "Enter your username and password.",
                                      {k: ["This field is required."] for k, v in
                                       (("username", username), ("password", password))
                                       if not isinstance(v, str) or not v})
    with db.transaction() as session:
        account = session.execute(select(Account).where(or_(
            func.lower(Account.username) == username.strip().lower(),
            func.lower(Account.email) == username.strip().lower()))).scalars().first()
    stored = account.password_hash if account else passwords.DUMMY_HASH
    if not passwords.verify_password(stored, password) or account is None:
        raise exceptions.invalid_credentials()
    with db.transaction() as session:
        token = _open_session(session, account.id)
        return {"token": token, "user_id": account.id, "onboarding": onboarding.status(account)}


def logout(db, token):
    with db.transaction() as session:
        row = session.get(Session, _token_hash(token or ""))
        if row is not None and row.revoked_at is None:
            row.revoked_at = _now()


def authenticate(db, token):
    """The member a session token belongs to, or NotAuthenticated."""
    if not isinstance(token, str) or not token:
        raise exceptions.session_invalid()
    now = _now()
    with db.transaction() as session:
        row = session.get(Session, _token_hash(token))
        if (row is None or row.revoked_at is not None or row.expires_at <= now
                or row.last_seen_at + SESSION_IDLE <= now):
            raise exceptions.session_invalid()
        if now - row.last_seen_at >= SESSION_TOUCH_EVERY:
            row.last_seen_at = now
        account = session.get(Account, row.account_id)
        return {"user_id": account.id, "username": account.username,
                "language": account.language}


def get_onboarding(db, user_id):
    with db.transaction() as session:
        account = session.get(Account, user_id)
        if account is None:
            raise exceptions.NotFound("account_not_found", "No such account.")
        return onboarding.status(account)
