"""Retention of read notifications (READ_NOTIFICATIONS_MONTHS), against
notifications' real database on a clock the test controls: read ones older
than the setting go, newer read ones and every unread one stay."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from notifications import centre


def _notification(db, user_id, read_at, created_at):
    with db.engine.begin() as connection:
        return connection.execute(
            text(
                "INSERT INTO notifications (user_id, type, summary, dedupe_key, read_at, created_at)"
                " VALUES (:user_id, 'welcome', 'Hello', :key, :read_at, :created_at) RETURNING id"
            ),
            {
                "user_id": user_id,
                "key": str(uuid.uuid4()),
                "read_at": read_at,
                "created_at": created_at,
            },
        ).scalar()


def _kept(db, user_id):
    with db.engine.connect() as connection:
        return set(
            connection.execute(
                text("SELECT id FROM notifications WHERE user_id = :u"), {"u": user_id}
            ).scalars()
        )


def test_read_notifications_go_after_the_configured_months(db, monkeypatch):
    monkeypatch.setenv("READ_NOTIFICATIONS_MONTHS", "3")
    user_id = str(uuid.uuid4())
    now = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
    old_read = _notification(db, user_id, now - timedelta(days=93), now - timedelta(days=100))
    recent_read = _notification(db, user_id, now - timedelta(days=80), now - timedelta(days=100))
    old_unread = _notification(db, user_id, None, now - timedelta(days=800))
    assert centre.delete_old_read(db, now=now) >= 1
    assert _kept(db, user_id) == {recent_read, old_unread}
    assert old_read not in _kept(db, user_id)
    # A month later, by the calendar, the other read one goes too.
    centre.delete_old_read(db, now=now + timedelta(days=31))
    assert _kept(db, user_id) == {old_unread}
