"""Single-use, time-limited secrets sent by e-mail (address confirmation,
password reset).  Only a SHA-256 of each is stored."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from identity.models import EmailToken


def digest(raw):
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue(session, account_id, purpose, lifetime: timedelta, email=None):
    """A new token for ``purpose``; earlier unused ones of that purpose end."""
    now = datetime.now(timezone.utc)
    session.execute(update(EmailToken).where(
        EmailToken.account_id == account_id, EmailToken.purpose == purpose,
        EmailToken.used_at.is_(None)).values(used_at=now))
    raw = secrets.token_urlsafe(32)
    session.add(EmailToken(token_hash=digest(raw), account_id=account_id, purpose=purpose,
                           email=email, created_at=now, expires_at=now + lifetime))
    return raw


def find(session, raw, purpose, lock=True):
    """The live token row for ``raw``, or None (unknown, used, expired or another purpose)."""
    if not isinstance(raw, str) or not raw:
        return None
    query = session.query(EmailToken).filter(EmailToken.token_hash == digest(raw))
    if lock:
        query = query.with_for_update()
    token = query.first()
    if (token is None or token.purpose != purpose or token.used_at is not None
            or token.expires_at <= datetime.now(timezone.utc)):
        return None
    return token


def spend(token):
    token.used_at = datetime.now(timezone.utc)
