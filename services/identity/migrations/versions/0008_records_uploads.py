"""University records uploaded in the console, staged until confirmed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:45:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "records_uploads",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary()),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("preview", postgresql.JSONB(), nullable=False),
        sa.Column("staged_by", sa.String(100), nullable=False),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(100)),
        sa.Column("loaded_at", sa.DateTime(timezone=True)),
    )


def downgrade():
    op.drop_table("records_uploads")
