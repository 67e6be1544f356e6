"""message report handling: when the writer was warned, when it was closed

An operator may warn the member who wrote a reported message (once per
report) and close the report (status ``closed``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:50:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("message_reports", sa.Column("warned_at", sa.DateTime(timezone=True)))
    op.add_column("message_reports", sa.Column("closed_at", sa.DateTime(timezone=True)))


def downgrade():
    op.drop_column("message_reports", "closed_at")
    op.drop_column("message_reports", "warned_at")
