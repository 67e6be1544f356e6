"""Mentoring relationships: reading them and ending them.  A relationship the
caller is not part of answers NotFound, exactly like one that does not exist."""

from sqlalchemy import or_, select

from mentoring import checks, config, events, exceptions
from mentoring.models import Relationship
from mentornet_contracts.api import RelationshipsQuery
from mentornet_contracts.inputs import parameters


def relationship_view(relationship, user_id):
    return {
        "id": relationship.id,
        "mentor_id": relationship.mentor_id,
        "mentee_id": relationship.mentee_id,
        "my_role": "mentor" if relationship.mentor_id == user_id else "mentee",
        "activities": list(relationship.activities),
        "started_at": relationship.started_at.isoformat(),
        "ended_at": relationship.ended_at.isoformat() if relationship.ended_at else None,
        "ended_by": relationship.ended_by,
        "end_reason": relationship.end_reason,
        "outcome": relationship.outcome,
        "request_id": relationship.request_id,
    }


def get_relationship(db, user_id, relationship_id):
    """One relationship of the member's, current or ended."""
    with db.transaction() as session:
        relationship = session.get(Relationship, int(relationship_id))
        if relationship is None or user_id not in (relationship.mentor_id, relationship.mentee_id):
            raise exceptions.NotFound("relationship_not_found", "No such relationship.")
        return relationship_view(relationship, user_id)


def list_relationships(db, user_id, current=True):
    current = parameters(RelationshipsQuery(), {"current": current})["current"]
    with db.transaction() as session:
        return {"items": relationships_in(session, user_id, current)}


def relationships_in(session, user_id, current=True):
    query = select(Relationship).where(
        or_(Relationship.mentor_id == user_id, Relationship.mentee_id == user_id)
    )
    if current:
        query = query.where(Relationship.ended_at.is_(None))
    rows = session.execute(query.order_by(Relationship.started_at.desc())).scalars()
    return [relationship_view(row, user_id) for row in rows]


def end_relationship(db, user_id, relationship_id, outcome, reason="", now=None):
    """Either party ends it, at any time, saying why: ``completed`` (its goals
    met) or ``ended_early`` (with an optional reason).  The place is free again,
    and both are asked for feedback (notifications, on relationship_ended)."""
    at = checks.now(now)
    if outcome not in config.RELATIONSHIP_OUTCOMES:
        raise exceptions.invalid(
            "outcome",
            "Say whether the relationship is completed or ended early.",
            code="outcome_required",
        )
    checks.text(reason, "reason")
    with db.transaction() as session:
        relationship = session.get(Relationship, int(relationship_id), with_for_update=True)
        if relationship is None or user_id not in (relationship.mentor_id, relationship.mentee_id):
            raise exceptions.NotFound("relationship_not_found", "No such relationship.")
        if relationship.ended_at is not None:
            raise exceptions.Conflict("relationship_ended", "This relationship has already ended.")
        relationship.ended_at, relationship.ended_by = at, user_id
        relationship.end_reason, relationship.outcome = reason.strip(), outcome
        # Here, not at the top: meetings builds on this module's own_relationship.
        from mentoring.meetings import cancel_upcoming

        cancel_upcoming(session, relationship, user_id, at)
        events.relationship_ended(session, relationship)
        return relationship_view(relationship, user_id)


def own_relationship(session, user_id, relationship_id, for_update=False, current=False):
    """The relationship, if ``user_id`` is one of its two members: for anyone
    else NotFound, exactly as for one that does not exist.  ``current``: a
    change to an ended relationship's workspace is refused."""
    try:
        key = int(relationship_id)
    except (TypeError, ValueError):
        raise exceptions.NotFound("relationship_not_found", "No such relationship.") from None
    relationship = session.get(Relationship, key, with_for_update=for_update)
    if relationship is None or user_id not in (relationship.mentor_id, relationship.mentee_id):
        raise exceptions.NotFound("relationship_not_found", "No such relationship.")
    if current and relationship.ended_at is not None:
        raise exceptions.Conflict("relationship_ended", "This relationship has already ended.")
    return relationship
