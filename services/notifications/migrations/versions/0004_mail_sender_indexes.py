"""mail sender indexes

The sender claims pending mail and expires stuck sends every poll (half a
second); sent mail is kept, so both looked through the whole table.  Partial
indexes keep each poll to the few rows in flight.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_email_messages_pending", "email_messages", ["id"],
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_index("ix_email_messages_sending", "email_messages", ["claimed_at"],
                    postgresql_where=sa.text("status = 'sending'"))


def downgrade():
    op.drop_index("ix_email_messages_sending", table_name="email_messages")
    op.drop_index("ix_email_messages_pending", table_name="email_messages")
