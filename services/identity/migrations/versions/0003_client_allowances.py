"""client allowances: attempts per client address

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 04:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('client_allowances',
    sa.Column('client', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('spent_until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client', 'action')
    )


def downgrade():
    op.drop_table('client_allowances')
