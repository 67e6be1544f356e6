"""Login throttling per login name (DESIGN.md section 5).

Failures are counted per account when the typed name is one of an account's
(its username and its e-mail address share one count), and per typed name
otherwise, so an unknown name locks after as many failures as a known one and
the lock-out says nothing about which accounts exist.  After
LOGIN_FREE_FAILURES failures in a row the name is locked for a while, doubling
with each further failure up to a cap.  The lock applies to password login
only: a password reset still works, and completing one lifts the lock, so
nobody can lock a member out of their own account for good.
"""
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from identity import config
from identity.models import LoginThrottle


def account_key(account_id):
    """The count of logins to this account, by whichever of its names."""
    return f"account:{account_id}"


def name_key(login):
    """The count of a typed name no account has (prefixed: a typed name can
    never be taken for an account's key)."""
    return "name:" + login.strip().lower()[:295]


def password_check_key(account_id):
    """The count of wrong current passwords given in a member's own session
    (changing the password or address, leaving): apart from the login count,
    so someone locking a member's login does not also lock them out of these."""
    return f"password-check:{account_id}"


def admit(session, key):
    """Count this attempt before its password is checked, under the key's row
    lock, so concurrent guesses cannot all slip in before the lock-out; returns
    the seconds to wait (0: go ahead).  A success then ``clear``s the count."""
    row = None
    while row is None:
        session.execute(insert(LoginThrottle).values(login_key=key, failures=0)
                        .on_conflict_do_nothing())
        # None when a concurrent success cleared the row while we waited for its
        # lock: the count starts again from a new row.
        row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    now = datetime.now(timezone.utc)
    if row.locked_until is not None and row.locked_until > now:
        return max(1, int((row.locked_until - now).total_seconds() + 0.999))
    _count(row, now)
    return 0


def _count(row, now):
    row.failures += 1
    row.last_failure_at = now
    over = row.failures - config.LOGIN_FREE_FAILURES
    if over >= 0:
        seconds = min(config.LOGIN_LOCK_MAX_SECONDS, config.LOGIN_LOCK_SECONDS * (2 ** over))
        row.locked_until = now + timedelta(seconds=seconds)


def clear(session, *keys):
    # A query, not ORM deletes: a concurrent success may have cleared it already.
    session.execute(delete(LoginThrottle).where(LoginThrottle.login_key.in_(keys)),
        execution_options={"synchronize_session": False})
