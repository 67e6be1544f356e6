"""Recommended mentors for the dashboard, from the member's own data.

Candidates are open mentors (``open_mentors``, kept by migration 0004's
triggers): those who studied the member's programme, those working in the
sectors the member works in or cares about, and those with most room left.
Each is scored on those grounds and returned with the reasons, best first.
"""

from sqlalchemy import text

from mentornet_contracts.events import LANGUAGES
from profiles import config, events
from profiles.member_profiles import educations_of, fold, positions_of
from profiles.models import Profile

CANDIDATES = 200

# Scored and ordered in SQL, so only the few rows shown cross to Python.
_QUERY = text("""
WITH programme_matches AS (
    -- studies of the member's programmes (open mentors among them count); the
    -- limit stops the index scan early, however common the programme
    SELECT e.user_id, e.programme FROM educations e
    WHERE profiles_fold(e.programme) = ANY(:programmes) LIMIT :candidates
), shared_programme AS (
    SELECT DISTINCT ON (user_id) user_id, programme FROM programme_matches
    ORDER BY user_id, programme
), candidates AS (
    SELECT user_id FROM shared_programme
    UNION
    (SELECT user_id FROM open_mentors WHERE sectors && CAST(:sectors AS varchar[]) LIMIT :candidates)
    UNION
    (SELECT user_id FROM open_mentors ORDER BY room_left DESC, last_name, first_name, user_id
     LIMIT 20)
), scored AS (
    SELECT m.user_id, m.first_name, m.last_name, m.headline, m.role, m.sectors, m.activities,
           m.room_left, sp.programme AS shared_programme,
           ARRAY(SELECT unnest(m.sectors) INTERSECT SELECT unnest(CAST(:sectors AS varchar[]))
                 ORDER BY 1) AS shared_sectors
    FROM open_mentors m
    JOIN candidates c ON c.user_id = m.user_id
    LEFT JOIN shared_programme sp ON sp.user_id = m.user_id
    WHERE m.user_id <> :me
)
SELECT * FROM scored
ORDER BY (CASE WHEN shared_programme IS NULL THEN 0 ELSE 3 END
          + CASE WHEN cardinality(shared_sectors) > 0 THEN 2 ELSE 0 END) DESC,
         room_left DESC, last_name, user_id
LIMIT :limit
""")


def recommend_for(session, me, educations, positions, limit=5, language="en"):
    """Up to ``limit`` open mentors for ``me`` (whose educations and positions
    the caller has already read), best first, each with its reasons: a shared
    programme weighs 3, a sector of interest 2, then room left decides.  Each
    carries the catalogue's ``labels`` of its sectors and activities in
    ``language``, so a page shows the reasons in words without another call."""
    programmes = sorted({fold(e.programme) for e in educations})
    sectors = {p.sector for p in positions if p.sector} | set(me.mentor_sectors)
    rows = session.execute(
        _QUERY,
        {
            "programmes": programmes,
            "sectors": sorted(sectors),
            "candidates": CANDIDATES,
            "me": me.user_id,
            "limit": limit,
        },
    ).all()
    sector_labels = {item["id"]: item["label"] for item in config.labelled("sectors", language)}
    activity_labels = {
        item["id"]: item["label"] for item in config.labelled("activities", language)
    }
    recommended = []
    for row in rows:
        reasons = []
        if row.shared_programme:
            reasons.append({"reason": "shared_programme", "programme": row.shared_programme})
        if row.shared_sectors:
            reasons.append({"reason": "sector_of_interest", "sectors": list(row.shared_sectors)})
        reasons.append({"reason": "offers", "activities": list(row.activities)})
        reasons.append({"reason": "room_left", "room_left": row.room_left})
        recommended.append(
            {
                "user_id": row.user_id,
                "first_name": row.first_name,
                "last_name": row.last_name,
                "headline": row.headline,
                "role": row.role,
                "sectors": list(row.sectors),
                "activities": list(row.activities),
                "room_left": row.room_left,
                "reasons": reasons,
                "labels": {
                    "sectors": {s: sector_labels.get(s, s) for s in row.sectors},
                    "activities": {a: activity_labels.get(a, a) for a in row.activities},
                },
            }
        )
    return recommended


SUGGESTED = 3  # mentors in the mail to a member who has asked nobody


def suggest_to(session, data, envelope):
    """mentoring.mentor_suggestion_due: the member's recommended mentors, with
    the reasons and their labels in every language (notifications writes the
    mail in the member's), as mentors_suggested.  Once per member: the event
    comes once (mentoring marks it), and the inbox drops a duplicate."""
    me = session.get(Profile, str(data["user_id"]))
    if me is None:
        return  # left the network meanwhile
    mentors = recommend_for(
        session,
        me,
        educations_of(session, me.user_id),
        positions_of(session, me.user_id),
        SUGGESTED,
    )
    labels = {
        language: {
            "sectors": {i["id"]: i["label"] for i in config.labelled("sectors", language)},
            "activities": {i["id"]: i["label"] for i in config.labelled("activities", language)},
        }
        for language in LANGUAGES
    }
    events.mentors_suggested(
        session,
        me.user_id,
        [
            {
                "user_id": mentor["user_id"],
                "first_name": mentor["first_name"],
                "last_name": mentor["last_name"],
                "headline": mentor["headline"] or "",
                "reasons": mentor["reasons"],
                "labels": {
                    language: {
                        "sectors": {s: named["sectors"].get(s, s) for s in mentor["sectors"]},
                        "activities": {
                            a: named["activities"].get(a, a) for a in mentor["activities"]
                        },
                    }
                    for language, named in labels.items()
                },
            }
            for mentor in mentors
        ],
    )
