"""the relationship's workspace: goals, meetings and notes

Goals (with their history), meetings (the times proposed, the one picked, the
calendar invitation's uid and sequence, the reminder sent) and the members'
notes after a meeting; and the time zone each member last chose.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.add_column("members", sa.Column("time_zone", sa.String(64)))
    op.create_table(
        "goals",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("relationship_id", sa.BigInteger,
                  sa.ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("added_by", sa.String(36), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
        sa.Column("done_at", TZ),
        sa.Column("done_by", sa.String(36)),
    )
    op.create_index("ix_goals_relationship_id", "goals", ["relationship_id"])
    op.create_table(
        "goal_history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("goal_id", sa.BigInteger, sa.ForeignKey("goals.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("relationship_id", sa.BigInteger, nullable=False),
        sa.Column("change", sa.String(10), nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_goal_history_relationship_id", "goal_history", ["relationship_id"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("relationship_id", sa.BigInteger,
                  sa.ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False),
        sa.Column("uid", sa.String(80), nullable=False, unique=True),
        sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.String(10), nullable=False, server_default="proposed"),
        sa.Column("proposed_by", sa.String(36), nullable=False),
        sa.Column("proposed_at", TZ, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("link", sa.String(500), nullable=False, server_default=""),
        sa.Column("place", sa.String(200), nullable=False, server_default=""),
        sa.Column("starts_at", TZ),
        sa.Column("changed_by", sa.String(36)),
        sa.Column("changed_at", TZ),
        sa.Column("reminded_for", TZ),
    )
    op.create_index("ix_meetings_relationship_id", "meetings", ["relationship_id"])
    op.create_index("ix_meetings_scheduled_start", "meetings", ["starts_at"],
                    postgresql_where=sa.text("status = 'scheduled'"))
    op.create_table(
        "meeting_times",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.BigInteger, sa.ForeignKey("meetings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
    )
    op.create_index("ix_meeting_times_meeting_id", "meeting_times", ["meeting_id"])
    op.create_table(
        "meeting_notes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.BigInteger, sa.ForeignKey("meetings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("author_id", sa.String(36), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False),
        sa.Column("written_at", TZ, nullable=False),
    )
    op.create_index("ix_meeting_notes_meeting_id", "meeting_notes", ["meeting_id"])


def downgrade():
    for table in ("meeting_notes", "meeting_times", "meetings", "goal_history", "goals"):
        op.drop_table(table)
    op.drop_column("members", "time_zone")
