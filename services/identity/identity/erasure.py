"""Erasing a member (the erasure saga, docs/architecture.md, "Members' data
rights").

``accounts.begin_erasure`` starts it (the member's "Delete my account", or
the retention of unfinished sign-ups below): the sessions end at once and
``account_deleted`` goes out.  Profiles, mentoring and notifications each
erase or anonymise what they hold and confirm by event; identity records
each confirmation in ``account_erasures`` and, when all have confirmed, and
only then, forgets the account itself: the account and everything hanging
from it, the login counts kept under its names, and what its outbox and
failure store kept about it.  A confirmation delivered twice changes
nothing; the record (id and times only) stays."""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from identity import accounts, config, throttling
from identity.models import Account, AccountErasure, LoginThrottle
from mentornet_platform.data_rights import erase_from_messaging_tables

log = logging.getLogger(__name__)

CONFIRMATIONS = ("profiles_erased_at", "mentoring_erased_at", "notifications_erased_at")


def _now(now=None):
    return now or datetime.now(UTC)


def _confirm(column):
    def handler(session, data, envelope):
        erasure = session.get(AccountErasure, str(data["user_id"]), with_for_update=True)
        if erasure is None:
            return  # not an erasure identity started (cannot happen; nothing to record)
        if getattr(erasure, column) is None:
            setattr(erasure, column, data["erased_at"])
        if erasure.completed_at is None and all(
            getattr(erasure, name) is not None for name in CONFIRMATIONS
        ):
            _forget_account(session, erasure)

    handler.__name__ = f"confirm_{column}"
    return handler


confirm_profiles = _confirm("profiles_erased_at")
confirm_mentoring = _confirm("mentoring_erased_at")
confirm_notifications = _confirm("notifications_erased_at")


def _forget_account(session, erasure):
    user_id = erasure.user_id
    account = session.get(Account, user_id, with_for_update=True)
    words = []
    if account is not None:
        words = [
            account.username,
            account.email,
            f"{account.first_name} {account.last_name}",
        ]
        names = [account.username.lower(), account.email.lower()]
        session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.login_key.in_(
                    [
                        throttling.account_key(user_id),
                        throttling.password_check_key(user_id),
                        *[throttling.name_key(name) for name in names],
                    ]
                )
            )
        )
        # Consents, sessions, e-mailed tokens, reviews, the LinkedIn link and
        # data exports go with it (ON DELETE CASCADE).
        session.delete(account)
        session.flush()
    erase_from_messaging_tables(session, user_id, *words)
    erasure.completed_at = _now()
    log.info("account %s erased in every service", user_id)


# -- retention: unfinished sign-ups --------------------------------------------
def unfinished_sign_up_days():
    return config.number("UNFINISHED_SIGN_UP_DAYS", 30)


def erase_unfinished_sign_ups(db, now=None, batch=100):
    """Accounts that have not finished signing up (the introduction, the last
    step, not done) ``UNFINISHED_SIGN_UP_DAYS`` after they were made are
    erased like a member's own deletion; returns how many were started."""
    cutoff = _now(now) - timedelta(days=unfinished_sign_up_days())
    with db.transaction() as session:
        due = (
            session.execute(
                select(Account.id)
                .where(
                    Account.introduction_completed_at.is_(None),
                    Account.created_at < cutoff,
                    ~select(AccountErasure.user_id)
                    .where(AccountErasure.user_id == Account.id)
                    .exists(),
                )
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        for user_id in due:
            accounts.begin_erasure(session, user_id, "retention")
    if due:
        log.info("%d unfinished sign-ups past their time: erasure started", len(due))
    return len(due)
