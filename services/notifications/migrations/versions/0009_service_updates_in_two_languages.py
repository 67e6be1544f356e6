"""service updates in English and Dutch, and withdrawn by an operator

An update has its title and text in both languages (members read it in
theirs); the texts published before hold English only and show as they were
in both.  An operator may withdraw an update: it is kept, no longer shown.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:45:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("service_updates", "title", new_column_name="title_en")
    op.alter_column("service_updates", "body", new_column_name="body_en")
    op.add_column("service_updates", sa.Column("title_nl", sa.String(200)))
    op.add_column("service_updates", sa.Column("body_nl", sa.Text))
    op.execute("UPDATE service_updates SET title_nl = title_en, body_nl = body_en")
    op.alter_column("service_updates", "title_nl", nullable=False)
    op.alter_column("service_updates", "body_nl", nullable=False)
    op.add_column(
        "service_updates", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    op.drop_column("service_updates", "withdrawn_at")
    op.drop_column("service_updates", "body_nl")
    op.drop_column("service_updates", "title_nl")
    op.alter_column("service_updates", "body_en", new_column_name="body")
    op.alter_column("service_updates", "title_en", new_column_name="title")
