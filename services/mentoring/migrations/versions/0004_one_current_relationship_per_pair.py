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
    # Pairs that already hold two current relationships cannot get the index;
    # which one ends is the members' choice, so say which pairs and stop.
    pairs = op.get_bind().execute(sa.text(
        "SELECT mentor_id, mentee_id, array_agg(id ORDER BY id) FROM relationships"
        " WHERE ended_at IS NULL GROUP BY mentor_id, mentee_id HAVING count(*) > 1")).all()
    if pairs:
        raise RuntimeError(
            "These pairs hold more than one current relationship; end all but one of each "
            "(POST /api/v1/mentoring/relationships/{id}/end) and migrate again: "
            + "; ".join(f"mentor {m}, mentee {e}: relationships {ids}" for m, e, ids in pairs))
    op.create_index("uq_relationships_current_pair", "relationships", ["mentor_id", "mentee_id"],
                    unique=True, postgresql_where=sa.text("ended_at IS NULL"))
    op.drop_index("ix_relationships_mentor_current", table_name="relationships")


def downgrade():
    op.create_index("ix_relationships_mentor_current", "relationships", ["mentor_id"],
                    postgresql_where=sa.text("ended_at IS NULL"))
    op.drop_index("uq_relationships_current_pair", table_name="relationships")
