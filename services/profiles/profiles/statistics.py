"""The operators' figures of profiles (the console's statistics page):
mentors and their places, computed in SQL, nothing that names a member."""

from sqlalchemy import text

from profiles.search import OPEN_MENTOR

# A mentor members can find: available, verified, not suspended (room or not).
OFFERING = "mentor_available AND verified AND NOT suspended"


def mentor_statistics(db):
    """Mentors offering mentoring, those with room left (what search shows),
    the places they offer, the places taken by current mentees and the free
    places (room left, summed over the mentors with room)."""
    with db.transaction() as session:
        row = session.execute(
            text(
                f"SELECT count(*) FILTER (WHERE {OFFERING}) AS mentors_available,"
                f" count(*) FILTER (WHERE {OPEN_MENTOR}) AS mentors_with_room,"
                f" coalesce(sum(mentor_max_mentees) FILTER (WHERE {OFFERING}), 0) AS places,"
                f" coalesce(sum(least(current_mentees, mentor_max_mentees))"
                f" FILTER (WHERE {OFFERING}), 0) AS places_taken,"
                f" coalesce(sum(mentor_max_mentees - current_mentees)"
                f" FILTER (WHERE {OPEN_MENTOR}), 0) AS free_places"
                " FROM profiles"
            )
        ).one()
    return {
        "mentors_available": row.mentors_available,
        "mentors_with_room": row.mentors_with_room,
        "places": int(row.places),
        "places_taken": int(row.places_taken),
        "free_places": int(row.free_places),
    }
