"""Single-use, time-limited secrets sent by e-mail (address confirmation,
password reset).  Only a SHA-256 of each is stored."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from identity.models import EmailToken


def digest(raw):
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue(session, account_id, purpose, lifetime: timedelta, email=None, replace_earlier=True):
    """A new token for ``purpose``; earlier unused ones of that purpose end,
    unless ``replace_earlier`` is False."""
    now = datetime.now(UTC)
    if replace_earlier:
        revoke(session, account_id, purpose)
    raw = secrets.token_urlsafe(32)
    session.add(
        EmailToken(
            token_hash=digest(raw),
            account_id=account_id,
            purpose=purpose,
            email=email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return raw


def revoke(session, account_id, *purposes):
    """Every unused token of these purposes ends now."""
    session.execute(
        update(EmailToken)
        .where(
            EmailToken.account_id == account_id,
            EmailToken.purpose.in_(purposes),
            EmailToken.used_at.is_(None),
        )
        .values(used_at=datetime.now(UTC))
    )


def recent(session, account_id, purpose, within: timedelta):
    """How many tokens of ``purpose`` were issued to the account lately."""
    since = datetime.now(UTC) - within
    return session.execute(
        select(func.count())
        .select_from(EmailToken)
        .where(
            EmailToken.account_id == account_id,
            EmailToken.purpose == purpose,
            EmailToken.created_at > since,
        )
    ).scalar()


def find(session, raw, purpose, lock=True):
    """The live token row for ``raw``, or None (unknown, used, expired or another purpose)."""
    if not isinstance(raw, str) or not raw:
        return None
    query = session.query(EmailToken).filter(EmailToken.token_hash == digest(raw))
    if lock:
        query = query.with_for_update()
    token = query.first()
    if (
        token is None
        or token.purpose != purpose
        or token.used_at is not None
        or token.expires_at <= datetime.now(UTC)
    ):
        return None
    return token


def spend(token):
    token.used_at = datetime.now(UTC)
