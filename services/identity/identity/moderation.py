"""Suspending a member after a message report (an operator's decision).

A suspended member cannot log in (``accounts`` refuses to open a session for
them) and every session they hold ends at once (``session_ended``, reason
``suspended``, so no gateway keeps trusting one); profiles hears
``account_suspended`` and hides them from search until
``account_unsuspended``.  Both are audited in the same transaction.
"""

from datetime import UTC, datetime

from sqlalchemy import select

from identity import accounts, audit, events, exceptions
from identity.models import Account

MAX_REASON = 2000


def _now():
    return datetime.now(UTC)


def _reason(reason):
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > MAX_REASON:
        raise exceptions.invalid(
            "reason", f"Say why, in 1 to {MAX_REASON} characters: it is kept in the audit log."
        )
    return reason


def _member(session, user_id):
    account = (
        session.get(Account, user_id, with_for_update=True) if isinstance(user_id, str) else None
    )
    if account is None:
        raise exceptions.NotFound("account_not_found", "No such account.")
    return account


def suspend(db, actor, user_id, reason, client=""):
    reason = _reason(reason)
    with db.transaction() as session:
        acting = audit.actor(session, actor, "message_reports")
        account = _member(session, user_id)
        if account.suspended_at is None:
            account.suspended_at = _now()
            accounts.end_sessions(session, account.id, "suspended")
            events.account_suspended(session, account)
            audit.record(
                session, acting, "member_suspended", account.id, {"reason": reason}, client
            )
        return {"user_id": account.id, "suspended": True}


def unsuspend(db, actor, user_id, reason, client=""):
    reason = _reason(reason)
    with db.transaction() as session:
        acting = audit.actor(session, actor, "message_reports")
        account = _member(session, user_id)
        if account.suspended_at is not None:
            account.suspended_at = None
            events.account_unsuspended(session, account)
            audit.record(
                session, acting, "member_unsuspended", account.id, {"reason": reason}, client
            )
        return {"user_id": account.id, "suspended": False}


def standing(db, actor, user_ids):
    """{user_id: {username, suspended}} of the members an operator is looking at."""
    if not isinstance(user_ids, list) or len(user_ids) > 200:
        raise exceptions.invalid("user_ids", "Give a list of at most 200 member ids.")
    with db.transaction() as session:
        audit.actor(session, actor, "message_reports")
        found = session.execute(
            select(Account.id, Account.username, Account.suspended_at).where(
                Account.id.in_([u for u in user_ids if isinstance(u, str)])
            )
        ).all()
        return {
            user_id: {"username": username, "suspended": suspended_at is not None}
            for user_id, username, suspended_at in found
        }
