"""The messaging tables every service keeps in its own database.

- ``outbox_events``: events written in the same transaction as the change
  they announce, published later by the relay (transactional outbox).
- ``processed_events``: one row per (event, handler) already applied, written
  in the same transaction as the handler's effect (idempotent consumer).
- ``failed_events``: events whose handler failed, waiting for a retry or, once
  out of attempts, parked for an operator (dead-letter store).
"""

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID


def add_messaging_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    outbox = Table(
        "outbox_events",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("version", Integer, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("correlation_id", String(100)),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column(
            "next_attempt_at", DateTime(timezone=True), nullable=False, server_default=text("now()")
        ),
        Column("last_error", Text),
    )
    Index(
        "ix_outbox_events_unpublished",
        outbox.c.id,
        postgresql_where=outbox.c.published_at.is_(None),
    )
    processed = Table(
        "processed_events",
        metadata,
        Column("event_id", UUID(as_uuid=False), primary_key=True),
        Column("handler", String(200), primary_key=True),
        Column(
            "processed_at", DateTime(timezone=True), nullable=False, server_default=text("now()")
        ),
    )
    failed = Table(
        "failed_events",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=False), nullable=False),
        Column("handler", String(200), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("correlation_id", String(100)),
        # retrying: waits for next_attempt_at; dead: out of attempts, waits for
        # an operator's replay; done: a retry succeeded.
        Column("status", String(20), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", DateTime(timezone=True)),
        Column("last_error", Text),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    )
    Index(
        "ix_failed_events_due",
        failed.c.next_attempt_at,
        postgresql_where=failed.c.status == "retrying",
    )
    Index("uq_failed_events_event_handler", failed.c.event_id, failed.c.handler, unique=True)
    return outbox, processed, failed
