"""one current relationship per pair

A mentee asking a mentor who already mentors them was refused only while a
request was open; once accepted, a second request could make a second
relationship for the same pair.  The domain now refuses it, and this unique
index makes the database refuse it too.  It also serves the mentor's current
relationships (leading column), so the older mentor-only index goes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 03:25:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("uq_relationships_current_pair", "relationships", ["mentor_id", "mentee_id"],
                    unique=True, postgresql_where=sa.text("ended_at IS NULL"))
    op.drop_index("ix_relationships_mentor_current", table_name="relationships")


def downgrade():
    op.create_index("ix_relationships_mentor_current", "relationships", ["mentor_id"],
                    postgresql_where=sa.text("ended_at IS NULL"))
    op.drop_index("uq_relationships_current_pair", table_name="relationships")
