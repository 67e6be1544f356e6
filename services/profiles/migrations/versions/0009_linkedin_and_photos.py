"""LinkedIn: connected and last-imported times, what came from LinkedIn; photos

``positions.source`` says where a position came from (``member`` or
``linkedin``), as ``educations.source`` already does (``linkedin`` joins
``registration`` and ``member``).  A member's photo is one row of re-encoded
JPEG bytes (never what was uploaded), with a digest for caching.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("profiles", sa.Column("linkedin_connected_at", sa.DateTime(timezone=True)))
    op.add_column("profiles", sa.Column("linkedin_link_changed_at", sa.DateTime(timezone=True)))
    op.add_column("profiles", sa.Column("linkedin_imported_at", sa.DateTime(timezone=True)))
    op.add_column("positions", sa.Column("source", sa.String(20), nullable=False,
                                         server_default="member"))
    op.create_table(
        "photos",
        # No foreign key: a photo from LinkedIn at sign-up may arrive before the
        # profile (made by the registration saga); forgetting a member deletes it.
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.String(20), nullable=False, server_default="member"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("photos")
    op.drop_column("positions", "source")
    op.drop_column("profiles", "linkedin_imported_at")
    op.drop_column("profiles", "linkedin_link_changed_at")
    op.drop_column("profiles", "linkedin_connected_at")
