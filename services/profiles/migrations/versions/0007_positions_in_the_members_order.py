"""positions.rank: the member's own order of their professional history

Until now positions were listed newest first by their months; the profile page
lets a member move an entry up or down, so the order is kept as a number.
Existing positions keep the order they were shown in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("positions", sa.Column("rank", sa.Integer(), nullable=False, server_default="0"))
    op.execute("""
        UPDATE positions SET rank = ordered.rank FROM (
            SELECT id, row_number() OVER (PARTITION BY user_id
                                          ORDER BY current DESC, start_month DESC, id) - 1 AS rank
            FROM positions) AS ordered
        WHERE positions.id = ordered.id""")


def downgrade():
    op.drop_column("positions", "rank")
