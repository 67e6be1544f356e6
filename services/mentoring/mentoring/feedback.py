"""Feedback after a relationship's end: each member may rate it (1 to 5) with an
optional comment, once.

Who sees it: the member who gave it learns only that they did
(``feedback_status``); the partner never sees it, by any page or RPC; the
operators see only aggregates by outcome (``feedback_statistics``: counts,
averages, the ratings' spread and the comments without anyone's id or date).
``member_feedback`` and ``erase_member_feedback`` are a member's own rows,
for the export and erasure of their data.
"""

from sqlalchemy import delete, func, select

from mentoring import checks, config, exceptions
from mentoring.models import Feedback, Relationship

COMMENT_MAX = 2000
RATINGS = range(1, 6)


def _own_relationship(session, user_id, relationship_id, lock=False):
    relationship = session.get(Relationship, int(relationship_id), with_for_update=lock)
    if relationship is None or user_id not in (relationship.mentor_id, relationship.mentee_id):
        raise exceptions.NotFound("relationship_not_found", "No such relationship.")
    return relationship


def _given(session, user_id, relationship_id):
    return session.execute(
        select(Feedback).where(
            Feedback.relationship_id == relationship_id, Feedback.member_id == user_id
        )
    ).scalar_one_or_none()


def feedback_status(db, user_id, relationship_id):
    """Whether the member may give feedback on the relationship, or already did.
    Says nothing of the partner's."""
    with db.transaction() as session:
        relationship = _own_relationship(session, user_id, relationship_id)
        given = _given(session, user_id, relationship.id) is not None
        return {
            "relationship_id": relationship.id,
            "ended": relationship.ended_at is not None,
            "given": given,
            "can_give": relationship.ended_at is not None and not given,
        }


def give_feedback(db, user_id, relationship_id, rating, comment="", now=None):
    at = checks.now(now)
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating)  # a form's value
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise exceptions.invalid("rating", "Choose a rating from 1 to 5.", code="rating_required")
    checks.text(comment, "comment")
    with db.transaction() as session:
        # The row lock: two submits of one member give one row and one refusal.
        relationship = _own_relationship(session, user_id, relationship_id, lock=True)
        if relationship.ended_at is None:
            raise exceptions.Conflict(
                "relationship_current", "Feedback is asked for once the relationship has ended."
            )
        if _given(session, user_id, relationship.id) is not None:
            raise exceptions.Conflict(
                "feedback_given", "You have already given feedback on this relationship."
            )
        session.add(
            Feedback(
                relationship_id=relationship.id,
                member_id=user_id,
                rating=rating,
                comment=comment.strip(),
                given_at=at,
            )
        )
    return {"relationship_id": relationship.id, "given": True}


def feedback_statistics(db):
    """The operators' view: by outcome, how many relationships ended, how many
    members gave feedback, the average rating and each rating's count, and the
    comments (sorted by their text: no member, relationship or date with them)."""
    with db.transaction() as session:
        ended = dict(
            session.execute(
                select(Relationship.outcome, func.count())
                .where(Relationship.ended_at.is_not(None))
                .group_by(Relationship.outcome)
            ).all()
        )
        rows = session.execute(
            select(Relationship.outcome, Feedback.rating, Feedback.comment).join(
                Relationship, Relationship.id == Feedback.relationship_id
            )
        ).all()
    by_outcome = []
    for outcome in config.RELATIONSHIP_OUTCOMES:
        ratings = [row.rating for row in rows if row.outcome == outcome]
        by_outcome.append(
            {
                "outcome": outcome,
                "relationships_ended": ended.get(outcome, 0),
                "feedback_given": len(ratings),
                "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
                "ratings": {str(r): ratings.count(r) for r in RATINGS},
                "comments": sorted(
                    row.comment for row in rows if row.outcome == outcome and row.comment
                ),
            }
        )
    return {"by_outcome": by_outcome}


# -- a member's own data (export and erasure) -----------------------------------
def member_feedback(session, user_id):
    """Every feedback the member gave, as theirs to see (their data export)."""
    rows = session.execute(
        select(Feedback).where(Feedback.member_id == user_id).order_by(Feedback.id)
    ).scalars()
    return [
        {
            "relationship_id": row.relationship_id,
            "rating": row.rating,
            "comment": row.comment,
            "given_at": row.given_at.isoformat(),
        }
        for row in rows
    ]


def erase_member_feedback(session, user_id):
    """Delete every feedback the member gave; returns how many rows went."""
    return session.execute(delete(Feedback).where(Feedback.member_id == user_id)).rowcount
