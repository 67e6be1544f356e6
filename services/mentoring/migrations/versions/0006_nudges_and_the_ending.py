"""nudges and the ending

A relationship ends with an outcome (completed or ended early) and each member
may leave feedback (a rating and a comment) for the operators' statistics.
``last_activity_at`` (the newest meeting, message or goal activity) and
``nudged_at`` let the timer nudge a quiet relationship once per quiet spell;
``onboarded_at`` and ``mentors_suggested_at`` let it suggest mentors, once, to
a member who has asked nobody.

Existing relationships count from their start, existing members from their
registration: after the upgrade a relationship that is quiet already is
nudged once, and a member who never asked gets one suggestion.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 13:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("relationships", sa.Column("outcome", sa.String(12), nullable=True))
    op.add_column("relationships", sa.Column("last_activity_at", sa.DateTime(timezone=True),
                                             nullable=True))
    op.add_column("relationships", sa.Column("nudged_at", sa.DateTime(timezone=True),
                                             nullable=True))
    op.execute("UPDATE relationships SET last_activity_at = started_at")
    op.execute("UPDATE relationships SET outcome = 'ended_early' WHERE ended_at IS NOT NULL")
    op.alter_column("relationships", "last_activity_at", nullable=False)
    op.create_index("ix_relationships_quiet", "relationships", ["last_activity_at"],
                    postgresql_where=sa.text("ended_at IS NULL"))
    op.add_column("members", sa.Column("onboarded_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("members", sa.Column("mentors_suggested_at", sa.DateTime(timezone=True),
                                       nullable=True))
    op.execute("UPDATE members SET onboarded_at = created_at WHERE onboarded")
    op.create_table(
        "relationship_feedback",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("relationship_id", sa.BigInteger,
                  sa.ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_feedback_rating"),
    )
    op.create_index("uq_feedback_member", "relationship_feedback",
                    ["relationship_id", "member_id"], unique=True)
    op.create_index("ix_feedback_member", "relationship_feedback", ["member_id"])


def downgrade():
    op.drop_table("relationship_feedback")
    op.drop_column("members", "mentors_suggested_at")
    op.drop_column("members", "onboarded_at")
    op.drop_index("ix_relationships_quiet", table_name="relationships")
    op.drop_column("relationships", "nudged_at")
    op.drop_column("relationships", "last_activity_at")
    op.drop_column("relationships", "outcome")
