"""Accounts: sign-up, login, sessions, passwords, e-mail addresses and
deletion, as plain functions over a Database."""

import logging
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from identity import (
    config,
    documents,
    events,
    exceptions,
    onboarding,
    passwords,
    policies,
    throttling,
    tokens,
    usernames,
)
from identity.models import (
    Account,
    AccountErasure,
    Consent,
    LinkedInIdentity,
    RegistrationKey,
    Session,
)
from identity.schemas import (
    AccountSchema,
    LanguageSchema,
    NewEmailSchema,
    NewPasswordSchema,
    RegistrationSchema,
)
from mentornet_contracts.errors import load_input

log = logging.getLogger(__name__)

SESSION_IDLE = timedelta(seconds=config.number("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_ABSOLUTE = timedelta(seconds=config.number("SESSION_ABSOLUTE_SECONDS", 12 * 3600))
# last_seen_at is written at most this often, not on every request (a thirtieth
# of the idle limit when that is set shorter than an hour's half, as in tests).
SESSION_TOUCH_EVERY = min(timedelta(seconds=60), SESSION_IDLE / 30)
# Activity reports a gateway may send at once (record_activity).
ACTIVITY_REPORT_MAX = 10_000
# Ended sessions announced per transaction by the expiry sweep.
EXPIRY_BATCH = 1000


def _now():
    return datetime.now(UTC)


def _open_session(session, account_id):
    """A new session, unless an operator suspended the account."""
    suspended = session.execute(
        select(Account.suspended_at).where(Account.id == account_id)
    ).scalar()
    if suspended is not None:
        raise exceptions.account_suspended()
    token = secrets.token_urlsafe(32)
    now = _now()
    session.add(
        Session(
            token_hash=tokens.digest(token),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_ABSOLUTE,
        )
    )
    return token


def end_sessions(session, account_id, reason):
    """Every live session of the account ends now, and the gateways are told
    (``session_ended``), so none of them keeps trusting one it has cached."""
    ended = (
        session.execute(
            update(Session)
            .where(Session.account_id == account_id, Session.revoked_at.is_(None))
            .values(revoked_at=_now())
            .returning(Session.token_hash)
        )
        .scalars()
        .all()
    )
    if ended:
        events.session_ended(session, account_id, ended, reason)


def _account(session, user_id, lock=False):
    account = session.get(Account, user_id, with_for_update=lock)
    if account is None:
        raise exceptions.NotFound("account_not_found", "No such account.")
    return account


def _request_confirmation(session, account, email):
    raw = tokens.issue(
        session,
        account.id,
        "confirm_email",
        timedelta(hours=config.EMAIL_CONFIRMATION_HOURS),
        email=email,
    )
    events.email_confirmation_requested(
        session, account, email, f"{config.public_base_url()}/confirm-email?token={raw}"
    )


# -- sign-up ----------------------------------------------------------------
def register(db, registration, idempotency_key=None, client=None, linkedin=None):
    """Create an account from the sign-up form; returns account, token and onboarding.

    ``linkedin`` (the claims of the LinkedIn member signing up, as the gateway
    verified them) links the new account to that LinkedIn member in the same
    transaction; when LinkedIn verified the address and the form gives the
    same one, it is confirmed at once (no link is mailed), unless another
    account confirmed it first.

    The account, its consents, the ``account_registered`` event and the
    address confirmation are written in one transaction: the saga that
    provisions the member elsewhere starts only for an account that exists.

    The answer never says whether the address has an account elsewhere (a
    stranger could learn who is a member).  An address is one account's once
    that account confirmed it; a sign-up with an address another account has
    confirmed is made as usual, but the address is never mailed for it (no
    confirmation link, no welcome: ``account_registered`` carries no address)
    and its owner is told instead (``address_sign_up_attempted``).
    """
    form = load_input(RegistrationSchema(), registration, "The registration")
    if linkedin is not None:
        from identity import linkedin as linkedin_identities  # it builds on this module

        linkedin = linkedin_identities.claims(linkedin)
    # Every well-formed sign-up counts against the client (a replay checks a
    # password too), before any hash is paid for.
    throttling.use_allowance(db, client, "sign_up")

    if idempotency_key is not None and (
        not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= 100
    ):
        raise exceptions.invalid(
            "idempotency_key", "Use an Idempotency-Key of 1 to 100 characters."
        )
    if idempotency_key:
        replay = _replay_registration(db, idempotency_key, form)
        if replay is not None:
            return replay

    # A taken name is refused before the two slow hashes are paid for; a sign-up
    # racing this one for it is caught by the unique index below.
    with db.transaction() as session:
        if usernames.is_taken(session, form["username"]):
            raise exceptions.username_taken(form["username"])
    # Hash outside the transaction: it is the slow part.
    replay_form = {"username": form["username"], "password": form["password"]}
    password_hash = passwords.hash_password(form.pop("password"))
    answer_hash = passwords.hash_password(passwords.normalise_answer(form.pop("security_answer")))
    form.pop("accept_privacy_policy")
    form.pop("accept_terms")

    try:
        with db.transaction() as session:
            account = Account(
                id=str(uuid.uuid4()),
                password_hash=password_hash,
                security_answer_hash=answer_hash,
                created_at=_now(),
                **form,
            )
            session.add(account)
            session.flush()
            for document in policies.consented():
                version = documents.current_version(session, document)
                session.add(Consent(account_id=account.id, document=document, version=version))
            if idempotency_key:
                session.add(RegistrationKey(key=idempotency_key, account_id=account.id))
            owner = _owner_of(session, account.email, except_id=account.id)
            if linkedin is not None:
                if session.get(LinkedInIdentity, linkedin["sub"]) is not None:
                    raise linkedin_identities.linked_elsewhere()
                linkedin_identities.add_link(session, account, linkedin["sub"])
            if (
                owner is None
                and linkedin is not None
                and linkedin["email_verified"]
                and (linkedin["email"] or "").lower() == account.email.lower()
            ):
                account.email_confirmed_at = _now()  # LinkedIn verified this very address
                events.account_registered(session, account, account.email)
                events.account_email_confirmed(session, account)
            elif owner is None:
                events.account_registered(session, account, account.email)
                _request_confirmation(session, account, account.email)
            else:
                events.account_registered(session, account, None)
                events.address_sign_up_attempted(session, owner)
            token = _open_session(session, account.id)
            result = {
                "account": AccountSchema().dump(account),
                "token": token,
                "onboarding": onboarding.status(
                    account, documents.current_version(session, "guidelines")
                ),
            }
    except IntegrityError as exc:
        # Two sign-ups raced for the same username or key.
        replay = _replay_registration(db, idempotency_key, replay_form) if idempotency_key else None
        if replay is not None:
            return replay
        if "username" in str(exc.orig):
            raise exceptions.username_taken(form["username"])
        if "linkedin" in str(exc.orig):  # the same LinkedIn member signed up twice at once
            from identity.linkedin import linked_elsewhere

            raise linked_elsewhere()
        if "email" in str(exc.orig):  # another account confirmed the address meanwhile
            raise exceptions.email_confirmed_elsewhere()
        raise
    log.info("account %s registered", result["account"]["user_id"])
    return result


def _owner_of(session, email, except_id=None):
    """The account that confirmed ``email`` (any case), other than ``except_id``, or None."""
    query = select(Account).where(
        func.lower(Account.email) == email.lower(), Account.email_confirmed_at.is_not(None)
    )
    if except_id:
        query = query.where(Account.id != except_id)
    return session.execute(query).scalars().first()


def _mailable(session, account):
    """May identity ask for mail to ``account``'s address?  Not while another
    account has confirmed it: that mail would reach the address's owner."""
    return (
        account.email_confirmed_at is not None
        or _owner_of(session, account.email, except_id=account.id) is None
    )


IDEMPOTENCY_WINDOW = timedelta(hours=24)


def _replay_registration(db, key, form):
    """The same sign-up sent again: answer as the first time did.  Only for the
    same form (username and password), within a day: a key alone is no login."""
    with db.transaction() as session:
        row = session.get(RegistrationKey, key)
        if row is None:
            return None
        account = session.get(Account, row.account_id)
        password = form.get("password") if isinstance(form, dict) else None
        if (
            account is None
            or row.created_at + IDEMPOTENCY_WINDOW < _now()
            or account.username != form.get("username")
            or not isinstance(password, str)
            or not passwords.verify_password(account.password_hash, password)
        ):
            raise exceptions.Conflict(
                "idempotency_key_reused", "This Idempotency-Key belongs to another request."
            )
        token = _open_session(session, account.id)
        return {
            "account": AccountSchema().dump(account),
            "token": token,
            "onboarding": onboarding.status(
                account, documents.current_version(session, "guidelines")
            ),
        }


def confirm_email(db, token, client=None):
    """The single-use link of an address confirmation was followed; a wrong
    link uses one of the client's attempts (a right one gives it back).

    The first account to confirm an address owns it; a link for an address
    another account confirmed meanwhile is refused (and stays unspent)."""
    throttling.use_allowance(db, client, "email_confirmation")
    try:
        with db.transaction() as session:
            row = tokens.find(session, token, "confirm_email")
            if row is None:
                raise exceptions.NotFound(
                    "token_invalid", "This confirmation link is invalid, used or expired."
                )
            account = _account(session, row.account_id, lock=True)
            if _owner_of(session, row.email, except_id=account.id) is not None:
                raise exceptions.email_confirmed_elsewhere()
            tokens.spend(row)
            first_time = account.email_confirmed_at is None
            if row.email.lower() != account.email.lower() or first_time:
                # A new address, or the first confirmed one (sign-up's address
                # may have been withheld from the other services until now).
                account.email = row.email
                events.account_email_changed(session, account)
            account.email_confirmed_at = _now()
            events.account_email_confirmed(session, account)
            if client:
                throttling.give_back(session, client, "email_confirmation")
            result = {"user_id": account.id, "email": account.email, "confirmed": True}
    except IntegrityError as exc:
        if "email" in str(exc.orig):  # another account confirmed it at the same moment
            raise exceptions.email_confirmed_elsewhere()
        raise
    return result


# -- login and sessions -------------------------------------------------------
def _account_by_login(session, login):
    """The account whose username or e-mail address is ``login`` (any case), or
    None.  An address names the account that confirmed it, or else the only
    account that gave it (several accounts may give an unconfirmed address)."""
    folded = login.strip().lower()
    found = (
        session.execute(select(Account).where(func.lower(Account.username) == folded))
        .scalars()
        .first()
    )
    if found is not None:
        return None if _being_erased(session, found.id) else found
    holders = (
        session.execute(
            select(Account)
            .where(func.lower(Account.email) == folded)
            .order_by(Account.email_confirmed_at.is_(None))
            .limit(2)
        )
        .scalars()
        .all()
    )
    if holders and (holders[0].email_confirmed_at is not None or len(holders) == 1):
        return None if _being_erased(session, holders[0].id) else holders[0]
    return None


def require_credentials(username, password):
    """A login's username and password are both given (members' and operators'),
    or InvalidInput naming the one missing."""
    if (
        not isinstance(username, str)
        or not isinstance(password, str)
        or not username
        or not password
    ):
        raise exceptions.InvalidInput(
            "invalid_input",
            "Enter your username and password.",
            {
                k: ["This field is required."]
                for k, v in (("username", username), ("password", password))
                if not isinstance(v, str) or not v
            },
        )


def login(db, username, password, client=None):
    require_credentials(username, password)
    with db.transaction() as session:
        # The client's allowance first: a refused flood or spray pays no hash
        # and counts against no name.
        throttling.spend_login(session, client)
        account = _account_by_login(session, username)
        counter = (
            throttling.account_key(account.id)
            if account is not None
            else throttling.name_key(username)
        )
        wait = throttling.admit(session, counter)
    # Verify even when locked or unknown: every answer costs the same.
    stored = account.password_hash if account else passwords.DUMMY_HASH
    correct = passwords.verify_password(stored, password) and account is not None
    if wait:
        raise exceptions.Throttled(
            "too_many_attempts",
            f"Too many failed attempts. Try again in {wait} seconds or reset your password.",
            retry_after=wait,
        )
    if not correct:
        raise exceptions.invalid_credentials()  # the attempt was counted by admit()
    with db.transaction() as session:
        throttling.clear(session, counter)
        throttling.login_succeeded(session, client)
        token = _open_session(session, account.id)
        guidelines_version = documents.current_version(session, "guidelines")
    return {
        "token": token,
        "user_id": account.id,
        "onboarding": onboarding.status(account, guidelines_version),
    }


def logout(db, token):
    with db.transaction() as session:
        row = session.get(Session, tokens.digest(token or ""))
        if row is not None and row.revoked_at is None:
            row.revoked_at = _now()
            events.session_ended(session, row.account_id, [row.token_hash], "logout")


def authenticate(db, token):
    """The member a session token belongs to (id, username and language: the pages
    are shown in it), or NotAuthenticated.

    ``session`` says for how long the answer may be trusted without asking
    again: the seconds left before the idle limit (counted from the last
    activity identity knows of) and before the absolute one.  The gateway keeps
    an answer no longer than either (gateway/auth.py), and forgets it at once
    when ``session_ended`` says so."""
    if not isinstance(token, str) or not token:
        raise exceptions.session_invalid()
    now = _now()
    with db.transaction() as session:
        # Every gateway request asks this: one query for the session and the name.
        found = session.execute(
            select(Session, Account.username, Account.language)
            .join(Account, Account.id == Session.account_id)
            .where(Session.token_hash == tokens.digest(token), Account.suspended_at.is_(None))
        ).first()
        if found is None:
            raise exceptions.session_invalid()
        row, username, language = found
        if (
            row.revoked_at is not None
            or row.expires_at <= now
            or row.last_seen_at + SESSION_IDLE <= now
        ):
            raise exceptions.session_invalid()
        if now - row.last_seen_at >= SESSION_TOUCH_EVERY:
            row.last_seen_at = now
        return {
            "user_id": row.account_id,
            "username": username,
            "language": language,
            "session": {
                "idle_seconds_left": (row.last_seen_at + SESSION_IDLE - now).total_seconds(),
                "seconds_left": (row.expires_at - now).total_seconds(),
            },
        }


def record_activity(db, seen):
    """A gateway's batch of activity on sessions it answered from its cache:
    ``{token digest: seconds since that session's last request}``.  The idle
    clock restarts from then (never later than now, never earlier than it
    stood); a session that has already ended stays ended."""
    if not isinstance(seen, dict):
        raise exceptions.invalid("seen", "Give an object of session digests and seconds.")
    pairs = [
        (digest, float(ago))
        for digest, ago in list(seen.items())[:ACTIVITY_REPORT_MAX]
        if isinstance(digest, str)
        and len(digest) == 64
        and isinstance(ago, (int, float))
        and not isinstance(ago, bool)
        and 0 <= ago < 86400
    ]
    if not pairs:
        return {"recorded": 0}
    with db.transaction() as session:
        result = session.execute(
            text(
                "UPDATE sessions SET last_seen_at = greatest(last_seen_at,"
                " now() - make_interval(secs => seen.ago))"
                " FROM unnest(CAST(:digests AS text[]), CAST(:agos AS float8[])) AS seen(digest, ago)"
                " WHERE sessions.token_hash = seen.digest AND sessions.revoked_at IS NULL"
                " AND sessions.expires_at > now() AND sessions.last_seen_at + :idle > now()"
            ),
            {"digests": [d for d, _ in pairs], "agos": [a for _, a in pairs], "idle": SESSION_IDLE},
        )
        return {"recorded": result.rowcount}


def end_expired_sessions(db, batch=None):
    """Sessions past their idle or absolute limit are marked ended and announced
    (``session_ended``, reason ``idle`` or ``expired``), a batch at a time;
    returns how many.  Nothing depends on this for safety (authenticate and the
    gateway's cache both stop at the limits); it lets every ending be seen."""
    with db.transaction() as session:
        rows = session.execute(
            text(
                "WITH due AS (SELECT token_hash FROM sessions WHERE revoked_at IS NULL"
                " AND (expires_at <= now() OR last_seen_at + :idle <= now())"
                " LIMIT :batch FOR UPDATE SKIP LOCKED)"
                " UPDATE sessions SET revoked_at = now() FROM due"
                " WHERE sessions.token_hash = due.token_hash"
                " RETURNING sessions.account_id, sessions.token_hash, sessions.expires_at <= now()"
            ),
            {"idle": SESSION_IDLE, "batch": batch or EXPIRY_BATCH},
        ).all()
        ended = {}
        for account_id, digest, absolute in rows:
            ended.setdefault((account_id, "expired" if absolute else "idle"), []).append(digest)
        for (account_id, reason), digests in ended.items():
            events.session_ended(session, account_id, digests, reason)
        return len(rows)


# -- passwords and addresses --------------------------------------------------
def _check_password(db, account, password, field):
    """The member's password, for changes a stolen session must not make alone;
    throttled per account like logins.  A wrong one is named as ``field``."""
    with db.transaction() as session:
        wait = throttling.admit(session, throttling.password_check_key(account.id))
    if wait:
        raise exceptions.Throttled(
            "too_many_attempts",
            f"Too many wrong passwords. Try again in {wait} seconds.",
            retry_after=wait,
        )
    if not isinstance(password, str) or not passwords.verify_password(
        account.password_hash, password
    ):
        raise exceptions.InvalidInput(
            "wrong_password",
            "Your password is not correct.",
            {field: ["Your password is not correct."]},
        )
    with db.transaction() as session:
        throttling.clear(session, throttling.password_check_key(account.id))


def _refuse_personal_password(account, password):
    problem = passwords.personal_problem(
        password,
        account.username,
        account.email,
        account.first_name,
        account.middle_names,
        account.last_name,
        account.maiden_name,
    )
    if problem:
        raise exceptions.invalid("password", problem)


def change_password(db, user_id, current_password, password, password_confirmation):
    """Needs the current password; ends every session and opens a new one."""
    load_input(
        NewPasswordSchema(), {"password": password, "password_confirmation": password_confirmation}
    )
    with db.transaction() as session:
        account = _account(session, user_id)
    _check_password(db, account, current_password, "current_password")
    _refuse_personal_password(account, password)
    new_hash = passwords.hash_password(password)
    with db.transaction() as session:
        account = _account(session, user_id, lock=True)
        account.password_hash = new_hash
        end_sessions(session, user_id, "password_changed")
        return {"token": _open_session(session, user_id)}


def change_email(db, user_id, email, email_confirmation, password):
    """The new address takes effect once confirmed through the link sent to it."""
    new = load_input(NewEmailSchema(), {"email": email, "email_confirmation": email_confirmation})
    with db.transaction() as session:
        account = _account(session, user_id)
    _check_password(db, account, password, "password")
    with db.transaction() as session:
        account = _account(session, user_id, lock=True)
        # A member may learn that an address is another's (they are logged in and
        # gave their password); a stranger signing up may not.
        if _owner_of(session, new["email"], except_id=user_id) is not None:
            raise exceptions.email_taken()
        _request_confirmation(session, account, new["email"])
    return {"pending_email": new["email"], "confirmation_sent": True}


def change_language(db, user_id, language):
    """The language of the member's pages, mails and notifications from now on;
    notifications learns it by event (it writes the mails)."""
    language = load_input(LanguageSchema(), {"language": language})["language"]
    with db.transaction() as session:
        account = _account(session, user_id, lock=True)
        if account.language != language:
            account.language = language
            events.account_language_changed(session, account)
        return {"user_id": account.id, "language": account.language}


def delete_account(db, user_id, password):
    """The member leaves, whether or not they finished signing up: their
    sessions end at once and the erasure saga starts (erasure.py); the
    account itself goes once every service has confirmed its part."""
    with db.transaction() as session:
        account = _account(session, user_id)
    _check_password(db, account, password, "password")
    with db.transaction() as session:
        begin_erasure(session, user_id, "member")
    log.info("account %s: erasure started", user_id)


def begin_erasure(session, user_id, reason):
    """Start the erasure saga of an account (``reason``: member, retention);
    starting it twice changes nothing.  From now on the account cannot log in."""
    if session.get(AccountErasure, user_id) is not None:
        return False
    session.add(AccountErasure(user_id=user_id, reason=reason, requested_at=_now()))
    # Every session ends now, and the gateways are told.
    end_sessions(session, user_id, "account_deleted")
    events.account_deleted(session, user_id)
    return True


def _being_erased(session, account_id):
    return session.get(AccountErasure, account_id) is not None


# -- forgotten password ---------------------------------------------------------
RESET_REQUESTS_PER_HOUR = 5
RESET_ACCEPTED = {
    "accepted": True,
    "message": "If an account has this name or address, a reset link is on its way.",
}


def request_password_reset(db, login, client=None):
    """Always the same answer, so it reveals nothing about who has an account.
    Each request uses one of the client's attempts: it may send a mail."""
    if not isinstance(login, str) or not login.strip():
        raise exceptions.invalid("login", "Enter your username or e-mail address.")
    throttling.use_allowance(db, client, "password_reset")
    with db.transaction() as session:
        account = _account_by_login(session, login)
        if (
            account is not None
            and _mailable(session, account)
            and tokens.recent(session, account.id, "reset_password", timedelta(hours=1))
            < RESET_REQUESTS_PER_HOUR
        ):
            # Earlier links stay valid (each single-use, expiring): someone asking
            # for resets in the victim's name cannot kill the victim's link.
            lifetime = timedelta(minutes=config.PASSWORD_RESET_MINUTES)
            raw = tokens.issue(
                session, account.id, "reset_password", lifetime, replace_earlier=False
            )
            events.password_reset_requested(
                session,
                account,
                f"{config.public_base_url()}/reset-password?token={raw}",
                _now() + lifetime,
            )
    return RESET_ACCEPTED


def verify_password_reset(db, token, security_answer, client=None):
    """Step two: the link's token and the security answer give a short-lived reset grant.

    The security question is never enough alone: it is only asked of someone
    who holds the e-mailed link, and a few wrong answers spend the link.  A
    wrong answer or link uses one of the client's attempts; a right one gives
    it back.
    """
    throttling.use_allowance(db, client, "password_reset")
    with db.transaction() as session:
        row = tokens.find(session, token, "reset_password")
        if row is None:
            raise exceptions.NotFound(
                "token_invalid", "This reset link is invalid, used or expired."
            )
        account = _account(session, row.account_id)
        answer_hash, account_id = account.security_answer_hash, account.id
    answer = passwords.normalise_answer(security_answer if isinstance(security_answer, str) else "")
    correct = bool(answer) and passwords.verify_password(answer_hash, answer)
    with db.transaction() as session:
        row = tokens.find(session, token, "reset_password")
        if row is None:
            raise exceptions.NotFound(
                "token_invalid", "This reset link is invalid, used or expired."
            )
        if not correct:
            row.attempts += 1
            if row.attempts >= config.RESET_ANSWER_ATTEMPTS:
                tokens.spend(row)
            left = max(0, config.RESET_ANSWER_ATTEMPTS - row.attempts)
            error = exceptions.InvalidInput(
                "wrong_answer",
                "That answer is not correct."
                + (f" {left} attempt(s) left." if left else " Request a new reset link."),
                {"security_answer": ["That answer is not correct."]},
            )
        else:
            tokens.spend(row)
            grant = tokens.issue(session, account_id, "reset_grant", timedelta(minutes=10))
            if client:
                throttling.give_back(session, client, "password_reset")
    if not correct:
        raise error
    return {"reset_token": grant}


def complete_password_reset(db, reset_token, password, password_confirmation, client=None):
    """Sets the new password, ends every session and every other reset link or
    grant still open for the account: whoever else holds one is locked out.
    Each completion, right or wrong, uses one of the client's attempts."""
    load_input(
        NewPasswordSchema(), {"password": password, "password_confirmation": password_confirmation}
    )
    throttling.use_allowance(db, client, "password_reset")
    with db.transaction() as session:
        row = tokens.find(session, reset_token, "reset_grant", lock=False)
        if row is None:
            raise exceptions.NotFound("token_invalid", "This reset has expired; start again.")
        _refuse_personal_password(_account(session, row.account_id), password)
    new_hash = passwords.hash_password(password)
    with db.transaction() as session:
        row = tokens.find(session, reset_token, "reset_grant")
        if row is None:
            raise exceptions.NotFound("token_invalid", "This reset has expired; start again.")
        tokens.spend(row)
        account = _account(session, row.account_id, lock=True)
        account.password_hash = new_hash
        tokens.revoke(session, account.id, "reset_password", "reset_grant")
        end_sessions(session, account.id, "password_reset")
        throttling.clear(session, throttling.account_key(account.id))
        return {"token": _open_session(session, account.id), "user_id": account.id}


def security_question_for(db, token, client=None):
    """The question to show beside a valid reset link; an unknown link uses one
    of the client's attempts (a valid one gives it back)."""
    throttling.use_allowance(db, client, "password_reset")
    with db.transaction() as session:
        row = tokens.find(session, token, "reset_password", lock=False)
        if row is None:
            raise exceptions.NotFound(
                "token_invalid", "This reset link is invalid, used or expired."
            )
        if client:
            throttling.give_back(session, client, "password_reset")
        return {"security_question": _account(session, row.account_id).security_question}


def get_onboarding(db, user_id):
    with db.transaction() as session:
        return onboarding.progress(session, _account(session, user_id))
