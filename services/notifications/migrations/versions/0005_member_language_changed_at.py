"""member language changed at

When identity last changed the member's language: a change delivered late
(retried after a newer one) must not put the old language back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 04:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("members", sa.Column("language_changed_at", sa.DateTime(timezone=True),
                                       nullable=True))


def downgrade():
    op.drop_column("members", "language_changed_at")
