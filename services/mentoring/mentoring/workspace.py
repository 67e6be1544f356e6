"""A relationship's workspace as one read (the relationship, its goals and their
history, its meetings with the notes the member may see, the member's time
zone); the operators' aggregates; and each member's rows in the workspace's
tables, for the members' data rights (export and erasure)."""

from sqlalchemy import func, or_, select

from mentoring import checks, goals, meetings
from mentoring.models import Goal, GoalHistory, Meeting, MeetingNote, MeetingTime, Relationship
from mentoring.relationships import own_relationship, relationship_view
from mentornet_contracts.statuses import MeetingStatus


def get_workspace(db, user_id, relationship_id, now=None):
    at = checks.now(now)
    with db.transaction() as session:
        relationship = own_relationship(session, user_id, relationship_id)
        return {
            "relationship": relationship_view(relationship, user_id),
            "goals": goals.goals_of(session, relationship.id),
            "goal_history": goals.history_of(session, relationship.id),
            "meetings": meetings.meetings_of(session, relationship.id, user_id, at),
            "time_zone": meetings.time_zone_of(session, user_id),
        }


def statistics(db):
    """For the operators: counts only, never a goal, a time or a note."""
    with db.transaction() as session:

        def count(model, *where):
            return session.execute(select(func.count()).select_from(model).where(*where)).scalar()

        return {
            "goals": count(Goal),
            "goals_done": count(Goal, Goal.done_at.is_not(None)),
            "meetings_proposed": count(Meeting),
            "meetings_scheduled": count(Meeting, Meeting.status == MeetingStatus.SCHEDULED),
            "meetings_cancelled": count(Meeting, Meeting.status == MeetingStatus.CANCELLED),
            "notes_private": count(MeetingNote, MeetingNote.shared.is_(False)),
            "notes_shared": count(MeetingNote, MeetingNote.shared.is_(True)),
        }


# -- data rights -------------------------------------------------------------------
def _rows(session, model, *where):
    rows = session.execute(select(model).where(*where).order_by(model.id)).scalars()
    return [
        {
            column.name: (value.isoformat() if hasattr(value, "isoformat") else value)
            for column in model.__table__.columns
            for value in [getattr(row, column.key)]
        }
        for row in rows
    ]


def member_rows(session, user_id):
    """What the workspace holds about ``user_id``: the goals, meetings (with
    their proposed times) of their relationships, the goal changes they made,
    and the notes they wrote (the partner's private notes are not theirs)."""
    mine = select(Relationship.id).where(
        or_(Relationship.mentor_id == user_id, Relationship.mentee_id == user_id)
    )
    meeting_ids = select(Meeting.id).where(Meeting.relationship_id.in_(mine))
    return {
        "goals": _rows(session, Goal, Goal.relationship_id.in_(mine)),
        "goal_history": _rows(session, GoalHistory, GoalHistory.actor_id == user_id),
        "meetings": _rows(session, Meeting, Meeting.relationship_id.in_(mine)),
        "meeting_times": _rows(session, MeetingTime, MeetingTime.meeting_id.in_(meeting_ids)),
        "meeting_notes": _rows(session, MeetingNote, MeetingNote.author_id == user_id),
        "notes_shared_with_them": _rows(
            session,
            MeetingNote,
            MeetingNote.meeting_id.in_(meeting_ids),
            MeetingNote.author_id != user_id,
            MeetingNote.shared.is_(True),
        ),
    }


def erase_member(session, user_id):
    """Erase what ``user_id`` wrote in the workspace: their notes go, the goals
    they added lose their words (the partner keeps that a goal was there, and
    its ticks).  Meetings stay for the partner; the id names nobody once
    every service has forgotten it.  Returns how many rows changed."""
    notes = session.query(MeetingNote).filter(MeetingNote.author_id == user_id).delete()
    titled = (
        session.query(Goal)
        .filter(Goal.added_by == user_id)
        .update({Goal.title: ""}, synchronize_session=False)
    )
    return notes + titled
