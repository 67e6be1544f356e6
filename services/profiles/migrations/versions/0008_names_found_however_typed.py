"""names found however they are typed: ß folds to ss, names' compact forms

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:15:00

Search compares folded text (``profiles.names``).  Folding now case folds, so
``ß`` (and ``ẞ``) become ``ss``: "maassen" finds Maaßen.  And a member's
search text now ends with their names' compact forms: "vandenberg" finds
van den Berg, "annemarie" Anne-Marie.

* ``profiles_fold()`` (SQL's fold, migration 0004) turns ``ß`` and ``ẞ`` into
  ``ss`` like the Python fold; the folded programme index is rebuilt for it.
* Every profile's ``search_text`` is refilled: the old text folded again (the
  old fold was the new one without ``ß`` -> ``ss``, so folding it again gives
  what the new fold gives the original) and the name forms appended, by
  profiles' own ``with_name_forms``: one rule, in ``profiles.names``.  The
  generated ``search_vector`` follows, and with it its GIN index and, through
  0004's triggers, ``open_mentors``.  That index is what keeps the new forms
  fast to find: they are words of the vector like any other.

Batches of 2,000 members in user_id order, only the rows that change.
"""
from alembic import op
import sqlalchemy as sa

from profiles.names import fold
from profiles.member_profiles import with_name_forms

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# As in 0004: each letter of U+00C0..U+017F that fold() turns into one other letter.
FOLD_FROM = ('ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ'
             'ćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŁŃńŅņŇňŊŌōŎŏŐő'
             'ŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ')
FOLD_TO = ('aaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaac'
           'cccccccddđeeeeeeeeeegggggggghhħiiiiiiiiijjkkllllllłnnnnnnŋoooooo'
           'œrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzs')
BATCH = 2000


def _fold_function(body):
    op.execute(f"""
        CREATE OR REPLACE FUNCTION profiles_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT {body} $$""")
    op.execute("REINDEX INDEX ix_educations_programme_folded")


def upgrade():
    _fold_function(f"replace(replace(lower(translate(value, '{FOLD_FROM}', '{FOLD_TO}')), "
                   "'ẞ', 'ss'), 'ß', 'ss')")
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(sa.text(
            "SELECT user_id, first_name, middle_names, last_name, search_text FROM profiles "
            "WHERE user_id > :after ORDER BY user_id LIMIT :batch"),
            {"after": after, "batch": BATCH}).all()
        if not rows:
            break
        after = rows[-1].user_id
        changed = [(row.user_id, text) for row in rows
                   if (text := with_name_forms(fold(row.search_text), row)) != row.search_text]
        if changed:
            # One statement per batch: 0004's statement triggers then refresh
            # open_mentors once for the batch.
            connection.execute(sa.text(
                "UPDATE profiles AS p SET search_text = refilled.search_text "
                "FROM unnest(CAST(:ids AS varchar[]), CAST(:texts AS text[])) "
                "AS refilled(user_id, search_text) WHERE p.user_id = refilled.user_id"),
                {"ids": [user_id for user_id, _ in changed],
                 "texts": [text for _, text in changed]})


def downgrade():
    # The search texts keep their forms (harmless words); the SQL fold goes back.
    _fold_function(f"lower(translate(value, '{FOLD_FROM}', '{FOLD_TO}'))")
