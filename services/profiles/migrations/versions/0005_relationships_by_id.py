"""mentoring relationships by id (instead of partnerships by pair)

``partnerships`` knew pairs, not relationships: a ``relationship_ended``
applied before its ``mentoring_request_accepted`` (two queues, retries) left
the pair partners for good and the mentor a mentee short of room.
``mentoring_relationships`` keeps each relationship by mentoring's id with
whether it started and ended, so any order ends in the same state.

Existing partnerships are carried over as current relationships with ids
below zero (their real ids were never stored; ``relationship_ended`` for such
a pair ends them).  What the old table already had wrong (a pair left
partners by an end applied before its start) is carried over as it was:
only mentoring knows the truth, and nothing here asks it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 03:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mentoring_relationships",
        sa.Column("relationship_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("mentor_id", sa.String(length=36), nullable=False),
        sa.Column("mentee_id", sa.String(length=36), nullable=False),
        sa.Column("started", sa.Boolean(), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("relationship_id"))
    op.create_index("ix_mentoring_relationships_current_pair", "mentoring_relationships",
                    ["mentor_id", "mentee_id"], postgresql_where=sa.text("started AND NOT ended"))
    op.create_index("ix_mentoring_relationships_current_mentee", "mentoring_relationships",
                    ["mentee_id"], postgresql_where=sa.text("started AND NOT ended"))
    # Each pair was stored both ways and the mentor was not recorded: which of
    # the two is mentor does not matter for seeing contact details.
    op.execute("""
        INSERT INTO mentoring_relationships (relationship_id, mentor_id, mentee_id, started, ended)
        SELECT -row_number() OVER (ORDER BY one, other), one, other, true, false
        FROM (SELECT DISTINCT least(user_id, partner_id) AS one,
                              greatest(user_id, partner_id) AS other FROM partnerships) AS pairs
    """)
    op.drop_table("partnerships")


def downgrade():
    op.create_table(
        "partnerships",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "partner_id"))
    op.execute("""
        INSERT INTO partnerships (user_id, partner_id)
        SELECT DISTINCT mentor_id, mentee_id FROM mentoring_relationships WHERE started AND NOT ended
        UNION SELECT DISTINCT mentee_id, mentor_id FROM mentoring_relationships
        WHERE started AND NOT ended
    """)
    op.drop_table("mentoring_relationships")
