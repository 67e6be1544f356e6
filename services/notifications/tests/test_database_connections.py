"""The platform's database handle as every service uses it (here on notifications'
own database): a pooled connection the server has closed is never lent, and
reads without a transaction leave their connection fit for the next transaction."""

import time

import psycopg2
import pytest
from sqlalchemy import text

from mentornet_testing import PG_ADMIN_DSN


def backend_of(db):
    with db.transaction() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_pooled_connection_whose_server_ended_is_replaced_before_it_is_lent(db):
    ended = backend_of(db)
    admin = psycopg2.connect(PG_ADMIN_DSN)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (ended,))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # the backend's exit is asynchronous
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (ended,))
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
    finally:
        admin.close()
    # Neither a transaction nor a read fails on the dead connection.
    with db.reading() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
    assert backend_of(db) != ended


def test_a_read_sees_what_was_committed_and_leaves_transactions_whole(db):
    user_id = "c0ffee00-0000-4000-8000-00000000d8b1"
    with db.transaction() as session:
        session.execute(
            text("INSERT INTO unread_counters (user_id, unread) VALUES (:u, 3)"), {"u": user_id}
        )
    for _ in range(3):  # the pool's connections take turns
        with db.reading() as session:
            assert (
                session.execute(
                    text("SELECT unread FROM unread_counters WHERE user_id = :u"), {"u": user_id}
                ).scalar()
                == 3
            )
        # a transaction after a read is still all or nothing
        with pytest.raises(RuntimeError), db.transaction() as session:
            session.execute(
                text("UPDATE unread_counters SET unread = 99 WHERE user_id = :u"), {"u": user_id}
            )
            raise RuntimeError("half-way")
    with db.reading() as session:
        assert (
            session.execute(
                text("SELECT unread FROM unread_counters WHERE user_id = :u"), {"u": user_id}
            ).scalar()
            == 3
        )
