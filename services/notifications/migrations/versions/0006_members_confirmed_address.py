"""members' confirmed address

Notifications mails a member's address only as far as identity vouches for it:
``email_confirmed_at`` is set when the member confirmed it (the helpdesk sends
a receipt only there), and ``email`` is empty (NULL) while identity withholds
an address another account has confirmed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 05:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("members", sa.Column("email_confirmed_at", sa.DateTime(timezone=True),
                                       nullable=True))
    op.alter_column("members", "email", existing_type=sa.String(254), nullable=True)


def downgrade():
    op.execute("DELETE FROM members WHERE email IS NULL")
    op.alter_column("members", "email", existing_type=sa.String(254), nullable=False)
    op.drop_column("members", "email_confirmed_at")
