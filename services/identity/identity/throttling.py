"""Login throttling per login name (DESIGN.md section 5).

Failures are counted per name the caller typed, whether or not an account has
it, so the lock-out says nothing about which accounts exist.  After
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


def key(login):
    return login.strip().lower()[:300]


def admit(session, login):
    """Count this attempt before its password is checked, under the name's row
    lock, so concurrent guesses cannot all slip in before the lock-out; returns
    the seconds to wait (0: go ahead).  A success then ``clear``s the count."""
    row = None
    while row is None:
        session.execute(insert(LoginThrottle).values(login_key=key(login), failures=0)
                        .on_conflict_do_nothing())
        # None when a concurrent success cleared the row while we waited for its
        # lock: the count starts again from a new row.
        row = session.get(LoginThrottle, key(login), with_for_update=True, populate_existing=True)
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


def clear(session, *logins):
    # A query, not ORM deletes: a concurrent success may have cleared it already.
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.login_key.in_([key(login) for login in logins])),
        execution_options={"synchronize_session": False})
