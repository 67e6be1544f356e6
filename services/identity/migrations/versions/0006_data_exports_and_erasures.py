"""Members' data rights: data exports and the erasure saga's record

``data_exports``: a member's request for their data, the parts the other
services sent, the assembled archive (until downloaded once or expired) and
the hash of its single-use link.  ``account_erasures``: when a member asked
to be erased and when each service confirmed; kept after the account is gone
(the id and the times only).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:30:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_exports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parts", JSONB, nullable=False, server_default="{}"),
        sa.Column("archive", sa.LargeBinary),
        sa.Column("ready_at", sa.DateTime(timezone=True)),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("downloaded_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "account_erasures",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("profiles_erased_at", sa.DateTime(timezone=True)),
        sa.Column("mentoring_erased_at", sa.DateTime(timezone=True)),
        sa.Column("notifications_erased_at", sa.DateTime(timezone=True)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
    )


def downgrade():
    op.drop_table("account_erasures")
    op.drop_table("data_exports")
