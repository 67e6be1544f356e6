"""document versions: the policies and the guidelines, published by operators

Each published version of the privacy policy, the terms, the cookie policy
and the guidelines, in English and Dutch, with who published it.  The newest
of a document is its current one; the university's settings' text is the
first version until an operator publishes another.  Rows are only ever
inserted: triggers refuse UPDATE, DELETE and TRUNCATE.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:50:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("document", sa.String(40), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("title_nl", sa.String(200), nullable=False),
        sa.Column("body_nl", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("document", "version", name="uq_document_versions"),
    )
    op.execute(
        """
        CREATE FUNCTION document_versions_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'published versions are kept as written: % refused', TG_OP;
        END $$;
        CREATE TRIGGER document_versions_no_update_or_delete
            BEFORE UPDATE OR DELETE ON document_versions
            FOR EACH ROW EXECUTE FUNCTION document_versions_are_kept();
        CREATE TRIGGER document_versions_no_truncate
            BEFORE TRUNCATE ON document_versions
            FOR EACH STATEMENT EXECUTE FUNCTION document_versions_are_kept();
        """
    )


def downgrade():
    op.execute("DROP TABLE document_versions")
    op.execute("DROP FUNCTION document_versions_are_kept()")
