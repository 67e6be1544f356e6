"""Suspended members: out of mentor search and the directory

``profiles.suspended`` follows identity's account_suspended and
account_unsuspended.  An open mentor (open_mentors and the sector counts,
kept by 0004's trigger function) is now also not suspended: the function is
replaced with that test (profiles.search.OPEN_MENTOR is the same), and since
nobody is suspended yet, the rows it keeps stay as they are.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 13:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

MENTOR_COLUMNS = ("user_id", "first_name", "last_name", "headline", "role", "country",
                  "sectors", "activities", "languages", "room_left", "search_vector")
MENTOR_VALUES = ("user_id", "first_name", "last_name", "headline", "role", "country",
                 "mentor_sectors", "mentor_activities", "mentor_languages",
                 "mentor_max_mentees - current_mentees", "search_vector")


def _function(open_test):
    def moves(rows, sign):
        return (f"SELECT sector, {sign} AS delta FROM {rows}, unnest({rows}.mentor_sectors)"
                f" AS sector WHERE {open_test}")

    def count(found):
        return f"""
            INSERT INTO mentor_sector_counts AS c (sector, mentors)
            SELECT sector, sum(delta) FROM ({found}) AS moves
            GROUP BY sector HAVING sum(delta) <> 0 ORDER BY sector
            ON CONFLICT (sector) DO UPDATE SET mentors = c.mentors + EXCLUDED.mentors;"""

    def open_mentors(rows):
        return (f"INSERT INTO open_mentors ({', '.join(MENTOR_COLUMNS)}) "
                f"SELECT {', '.join(MENTOR_VALUES)} FROM {rows} WHERE {open_test};")

    return f"""
        CREATE OR REPLACE FUNCTION profiles_keep_mentor_search() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM open_mentors;
                DELETE FROM mentor_sector_counts;
            ELSIF TG_OP = 'INSERT' THEN
                {open_mentors("new_rows")}
                {count(moves("new_rows", 1))}
            ELSIF TG_OP = 'DELETE' THEN
                DELETE FROM open_mentors WHERE user_id IN (SELECT user_id FROM old_rows);
                {count(moves("old_rows", -1))}
            ELSE
                DELETE FROM open_mentors WHERE user_id IN (SELECT user_id FROM old_rows);
                {open_mentors("new_rows")}
                {count(moves("old_rows", -1) + " UNION ALL " + moves("new_rows", 1))}
            END IF;
            RETURN NULL;
        END $$"""


OPEN_BEFORE = "mentor_available AND verified AND current_mentees < mentor_max_mentees"
OPEN = ("mentor_available AND verified AND NOT suspended"
        " AND current_mentees < mentor_max_mentees")


def upgrade():
    op.add_column("profiles", sa.Column("suspended", sa.Boolean(), nullable=False,
                                        server_default="false"))
    op.add_column("profiles", sa.Column("suspension_changed_at", sa.DateTime(timezone=True)))
    op.execute(_function(OPEN))


def downgrade():
    op.execute(_function(OPEN_BEFORE))
    op.drop_column("profiles", "suspension_changed_at")
    op.drop_column("profiles", "suspended")
