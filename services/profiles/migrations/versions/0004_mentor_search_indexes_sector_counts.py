"""mentor search: open_mentors, sector counts, profiles_fold(), indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 01:17:01.944835

What profiles.search reads:

* ``open_mentors``: one narrow row per *open* mentor (available, verified, room
  left) with what search filters, orders and shows, and a copy of the search
  vector.  Open mentors are a fifth of the members, spread over every page of
  ``profiles``: searching them there meant reading most of that (wide) table,
  here it is a small table that stays in memory.  GIN indexes on the vector and
  on the sector, activity and language arrays (``@>``), a btree in the default
  order (most room left, then name) and one on country.
* ``mentor_sector_counts``: open mentors per sector, for the sector cloud.
* Both are kept by statement triggers on ``profiles``, in the same transaction
  as any change that opens, closes or edits a mentor (settings, capacity,
  verification, profile edits, an account deleted, a bulk COPY), whichever code
  path makes it.  Counts are upserted in sector order, so concurrent changes
  take the count rows' locks in one order.
* ``profiles_fold(text)``: lower case without accents in SQL (the letters of
  U+00C0..U+017F fold as ``profiles.member_profiles.fold`` folds them), with an index
  on the folded programme of every education, and one on the graduation year.
* A btree for the member directory's order (verified members by name).
* ``toast_tuple_target``: rows keep their search vector inline up to a page
  instead of 2 kB (ranking read it out of line for a third of the members).

Changing ``profiles_fold`` later means rebuilding ix_educations_programme_folded.
Hand-written: autogenerate sees neither functions nor triggers.  The tables and
indexes belong in ``models.py`` too, or a later autogenerate proposes dropping them.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# An open mentor, one members can ask: who is in open_mentors and in the counts
# (profiles.search.OPEN_MENTOR is the same test).
OPEN = "mentor_available AND verified AND current_mentees < mentor_max_mentees"

# Each letter of U+00C0..U+017F that profiles.member_profiles.fold() folds to one
# other character, and what it becomes (the rest go through lower()).
FOLD_FROM = ('ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ'
             'ćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŁŃńŅņŇňŊŌōŎŏŐő'
             'ŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ')
FOLD_TO = ('aaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaac'
           'cccccccddđeeeeeeeeeegggggggghhħiiiiiiiiijjkkllllllłnnnnnnŋoooooo'
           'œrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzs')


MENTOR_COLUMNS = ("user_id", "first_name", "last_name", "headline", "role", "country",
                  "sectors", "activities", "languages", "room_left", "search_vector")
MENTOR_VALUES = ("user_id", "first_name", "last_name", "headline", "role", "country",
                 "mentor_sectors", "mentor_activities", "mentor_languages",
                 "mentor_max_mentees - current_mentees", "search_vector")


def _moves(rows, sign):
    """(sector, delta) of each open mentor in a transition table."""
    return (f"SELECT sector, {sign} AS delta FROM {rows}, unnest({rows}.mentor_sectors) AS sector"
            f" WHERE {OPEN}")


def _count(moves):
    return f"""
        INSERT INTO mentor_sector_counts AS c (sector, mentors)
        SELECT sector, sum(delta) FROM ({moves}) AS moves
        GROUP BY sector HAVING sum(delta) <> 0 ORDER BY sector
        ON CONFLICT (sector) DO UPDATE SET mentors = c.mentors + EXCLUDED.mentors;"""


def _open_mentors(rows):
    return (f"INSERT INTO open_mentors ({', '.join(MENTOR_COLUMNS)}) "
            f"SELECT {', '.join(MENTOR_VALUES)} FROM {rows} WHERE {OPEN};")


def upgrade():
    assert len(FOLD_FROM) == len(FOLD_TO)
    op.execute(f"""
        CREATE FUNCTION profiles_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT lower(translate(value, '{FOLD_FROM}', '{FOLD_TO}')) $$""")
    # INCLUDE: search reads user_id and the year from the index alone (and
    # programme, without which PostgreSQL will not plan an index-only scan).
    op.create_index("ix_educations_programme_folded", "educations",
                    [sa.text("profiles_fold(programme) text_pattern_ops")],
                    postgresql_include=["year_graduated", "user_id", "programme"])
    op.create_index("ix_educations_year_graduated", "educations", ["year_graduated"],
                    postgresql_include=["user_id"])
    op.create_index("ix_profiles_directory_order", "profiles",
                    ["last_name", "first_name", "user_id"], postgresql_where=sa.text("verified"))
    op.execute("ALTER TABLE profiles SET (toast_tuple_target = 8160)")

    op.create_table(
        "open_mentors",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("headline", sa.String(125), nullable=False),
        sa.Column("role", sa.String(10)),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("sectors", postgresql.ARRAY(sa.String(60)), nullable=False),
        sa.Column("activities", postgresql.ARRAY(sa.String(40)), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.String(2)), nullable=False),
        sa.Column("room_left", sa.Integer, nullable=False),
        sa.Column("search_vector", postgresql.TSVECTOR),
    )
    op.execute("ALTER TABLE open_mentors SET (toast_tuple_target = 8160)")
    for column in ("search_vector", "sectors", "activities", "languages"):
        op.create_index(f"ix_open_mentors_{column}", "open_mentors", [column],
                        postgresql_using="gin")
    op.create_index("ix_open_mentors_default_order", "open_mentors",
                    [sa.text("room_left DESC"), "last_name", "first_name", "user_id"])
    op.create_index("ix_open_mentors_country", "open_mentors", ["country"])
    op.create_table(
        "mentor_sector_counts",
        sa.Column("sector", sa.String(60), primary_key=True),
        sa.Column("mentors", sa.Integer, nullable=False, server_default="0"),
    )

    op.execute(f"""
        CREATE FUNCTION profiles_keep_mentor_search() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM open_mentors;
                DELETE FROM mentor_sector_counts;
            ELSIF TG_OP = 'INSERT' THEN
                {_open_mentors("new_rows")}
                {_count(_moves("new_rows", 1))}
            ELSIF TG_OP = 'DELETE' THEN
                DELETE FROM open_mentors WHERE user_id IN (SELECT user_id FROM old_rows);
                {_count(_moves("old_rows", -1))}
            ELSE
                DELETE FROM open_mentors WHERE user_id IN (SELECT user_id FROM old_rows);
                {_open_mentors("new_rows")}
                {_count(_moves("old_rows", -1) + " UNION ALL " + _moves("new_rows", 1))}
            END IF;
            RETURN NULL;
        END $$""")
    for event, transitions in (("insert", "NEW TABLE AS new_rows"),
                               ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                               ("delete", "OLD TABLE AS old_rows")):
        op.execute(f"""
            CREATE TRIGGER profiles_mentor_search_{event} AFTER {event.upper()} ON profiles
            REFERENCING {transitions}
            FOR EACH STATEMENT EXECUTE FUNCTION profiles_keep_mentor_search()""")
    op.execute("""
        CREATE TRIGGER profiles_mentor_search_truncate AFTER TRUNCATE ON profiles
        FOR EACH STATEMENT EXECUTE FUNCTION profiles_keep_mentor_search()""")
    # The members already there (writers wait: CREATE TRIGGER locked profiles
    # until this transaction commits).
    op.execute(_open_mentors("profiles"))
    op.execute(f"""
        INSERT INTO mentor_sector_counts (sector, mentors)
        SELECT sector, count(*) FROM profiles, unnest(mentor_sectors) AS sector
        WHERE {OPEN} GROUP BY sector""")


def downgrade():
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER profiles_mentor_search_{event} ON profiles")
    op.execute("DROP FUNCTION profiles_keep_mentor_search()")
    op.drop_table("mentor_sector_counts")
    op.drop_table("open_mentors")
    op.execute("ALTER TABLE profiles RESET (toast_tuple_target)")
    op.drop_index("ix_profiles_directory_order", table_name="profiles")
    op.drop_index("ix_educations_year_graduated", table_name="educations")
    op.drop_index("ix_educations_programme_folded", table_name="educations")
    op.execute("DROP FUNCTION profiles_fold(text)")
