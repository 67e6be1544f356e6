"""LinkedIn identities: a LinkedIn member's ``sub`` linked to one account

One LinkedIn member per account and one account per LinkedIn member (both
unique); deleting the account removes its link.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "linkedin_identities",
        sa.Column("sub", sa.String(255), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("linkedin_identities")
