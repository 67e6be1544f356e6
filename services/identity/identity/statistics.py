"""The operators' figures of identity (the console's statistics page):
members by role and affiliation, and sign-ups per week.  Aggregates only,
each computed in SQL; only an operator (or key) with the ``statistics`` area
may read them."""

from sqlalchemy import text

from identity import audit

SIGNUP_WEEKS = 12


def member_statistics(db, credentials, weeks=SIGNUP_WEEKS):
    """Members (accounts) by role (None: not verified yet) and affiliation
    status, how many are suspended, and sign-ups in each of the last ``weeks``
    ISO weeks (Monday first, this week last; weeks without any are there, as 0)."""
    with db.transaction() as session:
        audit.actor(session, credentials, "statistics")
        groups = session.execute(
            text(
                "SELECT role, affiliation_status, count(*) AS members FROM accounts"
                " GROUP BY role, affiliation_status ORDER BY role NULLS LAST, affiliation_status"
            )
        ).all()
        suspended = session.execute(
            text("SELECT count(*) FROM accounts WHERE suspended_at IS NOT NULL")
        ).scalar_one()
        signups = session.execute(
            text(
                "SELECT week::date AS week, count(accounts.id) AS members"
                " FROM generate_series(date_trunc('week', now()) - make_interval(weeks => :back),"
                " date_trunc('week', now()), interval '1 week') AS week"
                " LEFT JOIN accounts ON accounts.created_at >= week"
                " AND accounts.created_at < week + interval '1 week'"
                " GROUP BY week ORDER BY week"
            ),
            {"back": weeks - 1},
        ).all()
    return {
        "members": sum(row.members for row in groups),
        "suspended": suspended,
        "by_role_and_affiliation": [
            {"role": row.role, "affiliation_status": row.affiliation_status, "members": row.members}
            for row in groups
        ],
        "signups_per_week": [
            {"week": row.week.isoformat(), "members": row.members} for row in signups
        ],
    }
