"""The operators' service updates: announcements in English and Dutch, shown
on the landing page and the dashboard in the reader's language until their
end (if they have one) or until an operator withdraws them.  Withdrawn and
ended updates are kept: the console lists them all."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select

from notifications import exceptions
from notifications.models import Member, ServiceUpdate

LANGUAGES = ("en", "nl")
TEXTS = {"title": 200, "body": 5000}
SHOWN = 10  # the newest current updates a page shows
LISTED = 100  # the newest updates the console lists


def _now():
    return datetime.now(UTC)


def _end(expires_at, problems):
    """The moment an update stops showing: an ISO date-time with a time zone,
    or a date (shown through that whole day, UTC); None for no end."""
    if expires_at in (None, ""):
        return None
    end = None
    if isinstance(expires_at, str):
        try:
            end = datetime.combine(date.fromisoformat(expires_at), time(), UTC) + timedelta(days=1)
        except ValueError:
            try:
                end = datetime.fromisoformat(expires_at)
            except ValueError:
                end = None
        except OverflowError:  # the last day there is: no day after it
            end = None
    if end is not None and end.tzinfo is not None:
        try:
            # Kept in UTC: Python reads offsets up to a day, PostgreSQL only to 15:59.
            end = end.astimezone(UTC)
        except OverflowError:  # before the first moment there is
            end = None
    if end is None or end.tzinfo is None:
        problems["expires_at"] = ["Use a date (YYYY-MM-DD) or an ISO date-time with a time zone."]
        return None
    if end <= _now():
        problems["expires_at"] = ["The end must be in the future."]
    return end


def _checked(update):
    if not isinstance(update, dict):
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.", {})
    problems = {}
    texts = {}
    for name, limit in TEXTS.items():
        for language in LANGUAGES:
            field = f"{name}_{language}"
            value = update.get(field)
            if not isinstance(value, str) or not value.strip():
                problems[field] = ["This field is required."]
            elif len(value.strip()) > limit:
                problems[field] = [f"Use at most {limit} characters."]
            else:
                texts[field] = value.strip()
    unknown = set(update) - set(texts) - set(problems) - {"expires_at"}
    for field in sorted(unknown):
        problems[field] = ["Unknown field."]
    end = _end(update.get("expires_at"), problems)
    if problems:
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.", problems)
    return texts, end


def publish(db, update):
    """Publish ``update`` {title_en, body_en, title_nl, body_nl, expires_at}:
    every text is required (a member reads the one in their language)."""
    texts, end = _checked(update)
    with db.transaction() as session:
        row = ServiceUpdate(**texts, expires_at=end)
        session.add(row)
        session.flush()
        return _full(row)


def withdraw(db, update_id):
    """Stop showing an update (it stays in the console's list); withdrawing
    it again changes nothing."""
    with db.transaction() as session:
        row = (
            session.get(ServiceUpdate, update_id, with_for_update=True)
            if isinstance(update_id, int) and not isinstance(update_id, bool)
            else None
        )
        if row is None:
            raise exceptions.NotFound("service_update_not_found", "No such service update.")
        if row.withdrawn_at is None:
            row.withdrawn_at = _now()
        return _full(row)


def listed(db):
    """The newest updates, whatever their state, for the console."""
    with db.transaction() as session:
        rows = (
            session.execute(select(ServiceUpdate).order_by(ServiceUpdate.id.desc()).limit(LISTED))
            .scalars()
            .all()
        )
        return {"items": [_full(row) for row in rows]}


def current(db, language="en"):
    with db.transaction() as session:
        return {"items": current_in(session, language)}


def current_in(session, language="en"):
    """The newest updates neither ended nor withdrawn, in ``language``."""
    language = language if language in LANGUAGES else "en"
    now = _now()
    rows = (
        session.execute(
            select(ServiceUpdate)
            .where(
                ServiceUpdate.withdrawn_at.is_(None),
                or_(ServiceUpdate.expires_at.is_(None), ServiceUpdate.expires_at > now),
            )
            .order_by(ServiceUpdate.published_at.desc(), ServiceUpdate.id.desc())
            .limit(SHOWN)
        )
        .scalars()
        .all()
    )
    return [_shown(row, language) for row in rows]


def members_language(session, user_id):
    member = session.get(Member, user_id)
    return member.language if member is not None and member.language in LANGUAGES else "en"


def _moment(value):
    return value.isoformat() if value else None


def _shown(row, language):
    return {
        "id": row.id,
        "language": language,
        "title": getattr(row, f"title_{language}"),
        "body": getattr(row, f"body_{language}"),
        "published_at": _moment(row.published_at),
        "expires_at": _moment(row.expires_at),
    }


def _full(row):
    now = _now()
    if row.withdrawn_at is not None:
        state = "withdrawn"
    elif row.expires_at is not None and row.expires_at <= now:
        state = "ended"
    else:
        state = "shown"
    return {
        "id": row.id,
        "title_en": row.title_en,
        "body_en": row.body_en,
        "title_nl": row.title_nl,
        "body_nl": row.body_nl,
        "published_at": _moment(row.published_at),
        "expires_at": _moment(row.expires_at),
        "withdrawn_at": _moment(row.withdrawn_at),
        "state": state,
    }
