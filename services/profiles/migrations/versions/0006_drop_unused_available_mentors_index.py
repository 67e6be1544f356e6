"""drop ix_profiles_available_mentors

Search reads ``open_mentors`` (0004) and nothing queries this partial index any
more (its condition also left out ``verified``); it only cost every profile write.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 04:25:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_profiles_available_mentors", table_name="profiles")


def downgrade():
    op.create_index("ix_profiles_available_mentors", "profiles", ["user_id"],
                    postgresql_where=sa.text("mentor_available AND current_mentees < mentor_max_mentees"))
