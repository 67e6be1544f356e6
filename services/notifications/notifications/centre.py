"""The notification centre: in-app notifications and the unread count."""

from datetime import UTC, datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from mentornet_contracts.api import NotificationsQuery
from mentornet_contracts.inputs import parameters
from notifications import exceptions, preferences, texts
from notifications.mail import queue_email
from notifications.models import Notification, UnreadCounter


def _now():
    return datetime.now(UTC)


def notify(session, user_id, event_type, dedupe_key, summary, link=""):
    """Add a notification (if the member wants this type in-app and it is new)."""
    if not preferences.wants(session, user_id, event_type)[0]:
        return None
    return _add(session, user_id, event_type, dedupe_key, summary, link)


def tell(session, member, event_type, dedupe_key, summary, link, template, context, calendar=None):
    """A notification and an e-mail (``template`` with ``context``, and a
    calendar invitation if given) about one thing, each as far as the member's
    preferences (read once) allow."""
    in_app, by_email = preferences.wants(session, member.user_id, event_type)
    if in_app:
        _add(session, member.user_id, event_type, dedupe_key, summary, link)
    if by_email and member.email:  # no address while identity withholds it
        queue_email(
            session,
            dedupe_key,
            member.user_id,
            member.email,
            template,
            member.language,
            context,
            calendar,
        )


def add(session, user_id, event_type, dedupe_key, summary, link):
    """Add a notification whatever the member's preferences (one they asked for)."""
    return _add(session, user_id, event_type, dedupe_key, summary, link)


def _add(session, user_id, event_type, dedupe_key, summary, link):
    created = session.execute(
        insert(Notification)
        .values(user_id=user_id, type=event_type, summary=summary, link=link, dedupe_key=dedupe_key)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id)
    ).first()
    if created is None:
        return None
    session.execute(
        insert(UnreadCounter)
        .values(user_id=user_id, unread=1)
        .on_conflict_do_update(
            index_elements=["user_id"], set_={"unread": UnreadCounter.unread + 1}
        )
    )
    return created.id


def unread_count(db, user_id):
    with db.engine.connect() as connection:
        return {"unread_count": unread_in(connection, user_id)}


def unread_in(connection, user_id):
    """The counter kept in step with every notification (no count(*) over them)."""
    count = connection.execute(
        text("SELECT unread FROM unread_counters WHERE user_id = :u"), {"u": user_id}
    ).scalar()
    return count or 0


def _view(row):
    return {
        "id": row.id,
        "type": row.type,
        "text": row.summary,
        "text_html": texts.as_html(row.summary),
        "link": row.link,
        "read": row.read_at is not None,
        "created_at": row.created_at.isoformat(),
    }


def list_for(db, user_id, page=1, per_page=20, unread_only=False):
    asked = parameters(
        NotificationsQuery(), {"page": page, "per_page": per_page, "unread_only": unread_only}
    )
    page, per_page, unread_only = asked["page"], asked["per_page"], asked["unread_only"]
    with db.transaction() as session:
        query = select(Notification).where(Notification.user_id == user_id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        rows = (
            session.execute(
                query.order_by(Notification.id.desc()).offset((page - 1) * per_page).limit(per_page)
            )
            .scalars()
            .all()
        )
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar()
        unread = session.get(UnreadCounter, user_id)
        return {
            "items": [_view(row) for row in rows],
            "total": total,
            "page": page,
            "per_page": per_page,
            "unread_count": unread.unread if unread else 0,
        }


def mark_read(db, user_id, notification_id):
    """Only the member's own notification: another's answers 404, like a missing one."""
    with db.transaction() as session:
        row = session.get(Notification, int(notification_id), with_for_update=True)
        if row is None or row.user_id != user_id:
            raise exceptions.NotFound("notification_not_found", "No such notification.")
        if row.read_at is None:
            row.read_at = _now()
            session.execute(
                update(UnreadCounter)
                .where(UnreadCounter.user_id == user_id)
                .values(unread=func.greatest(UnreadCounter.unread - 1, 0))
            )
        counter = session.get(UnreadCounter, user_id)
        return {"id": row.id, "read": True, "unread_count": counter.unread if counter else 0}


def mark_read_by_cause(session, user_id, dedupe_keys):
    """The member's notifications about causes they have now seen some other way
    (a thread read in the inbox), marked read in the caller's transaction."""
    if not dedupe_keys:
        return 0
    # The counter's row lock first, as mark_all_read takes it.
    session.execute(
        select(UnreadCounter.user_id).where(UnreadCounter.user_id == user_id).with_for_update()
    )
    marked = session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.dedupe_key.in_(dedupe_keys),
            Notification.read_at.is_(None),
        )
        .values(read_at=_now())
    ).rowcount
    if marked:
        session.execute(
            update(UnreadCounter)
            .where(UnreadCounter.user_id == user_id)
            .values(unread=func.greatest(UnreadCounter.unread - marked, 0))
        )
    return marked


def mark_all_read(db, user_id):
    with db.transaction() as session:
        # The counter's row lock first: a notification being made now either
        # committed before (and is marked read here) or counts itself in after.
        session.execute(
            select(UnreadCounter.user_id).where(UnreadCounter.user_id == user_id).with_for_update()
        )
        session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=_now())
        )
        # Recount rather than zero: a notification made meanwhile stays counted.
        unread = session.execute(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        ).scalar()
        session.execute(
            update(UnreadCounter).where(UnreadCounter.user_id == user_id).values(unread=unread)
        )
    return {"unread_count": unread}


def read_notification_months():
    from mentornet_platform import settings

    return int(float(settings.get("READ_NOTIFICATIONS_MONTHS", "6")))


def delete_old_read(db, now=None, batch=5000):
    """Retention: notifications read more than ``READ_NOTIFICATIONS_MONTHS``
    calendar months ago go (unread ones stay, whatever their age); returns how
    many.  Read ones count for no unread counter, so none changes."""
    with db.transaction() as session:
        return session.execute(
            text(
                "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications"
                " WHERE read_at IS NOT NULL AND read_at < CAST(:now AS timestamptz)"
                " - make_interval(months => :months) LIMIT :batch)"
            ),
            {
                "now": _now() if now is None else now,
                "months": read_notification_months(),
                "batch": batch,
            },
        ).rowcount
