"""an e-mail address is unique among confirmed addresses only

A sign-up must not tell a stranger whether an address has an account, so an
account may give an address another account uses; the first account to
confirm an address owns it.  Logins and resets look addresses up by
lower(email), hence the plain index beside the partial unique one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 05:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("uq_accounts_email_lower", table_name="accounts")
    op.create_index("uq_accounts_confirmed_email_lower", "accounts",
                    [sa.literal_column("lower(email)")], unique=True,
                    postgresql_where=sa.text("email_confirmed_at IS NOT NULL"))
    op.create_index("ix_accounts_email_lower", "accounts", [sa.literal_column("lower(email)")])


def downgrade():
    # Fails while two accounts give one address, as it must: say which stays.
    op.drop_index("ix_accounts_email_lower", table_name="accounts")
    op.drop_index("uq_accounts_confirmed_email_lower", table_name="accounts")
    op.create_index("uq_accounts_email_lower", "accounts", [sa.literal_column("lower(email)")],
                    unique=True)
