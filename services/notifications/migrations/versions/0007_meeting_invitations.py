"""meeting invitations: an e-mail may carry a calendar part

A meeting's mail carries its invitation (an iCalendar text, METHOD REQUEST or
CANCEL), kept with the mail in the mail outbox so the sender attaches it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("email_messages", sa.Column("calendar", sa.Text, nullable=True))


def downgrade():
    op.drop_column("email_messages", "calendar")
