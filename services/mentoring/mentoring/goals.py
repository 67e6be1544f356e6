"""A relationship's goals: either member adds one, the mentee ticks it off;
every change is kept (what, who, when) for the relationship's history."""

from sqlalchemy import select

from mentoring import checks, exceptions, nudges
from mentoring.models import Goal, GoalHistory
from mentoring.relationships import own_relationship

TITLE_MAX = 200


def goal_view(goal):
    return {
        "id": goal.id,
        "title": goal.title,
        "added_by": goal.added_by,
        "added_at": goal.added_at.isoformat(),
        "done": goal.done_at is not None,
        "done_by": goal.done_by,
        "done_at": goal.done_at.isoformat() if goal.done_at else None,
    }


def add_goal(db, user_id, relationship_id, title, now=None):
    at = checks.now(now)
    checks.text(title, "title", required="Say what the goal is.")
    if len(title.strip()) > TITLE_MAX:
        raise exceptions.invalid("title", f"Keep the title under {TITLE_MAX} characters.")
    with db.transaction() as session:
        relationship = own_relationship(session, user_id, relationship_id, current=True)
        goal = Goal(
            relationship_id=relationship.id, title=title.strip(), added_by=user_id, added_at=at
        )
        session.add(goal)
        session.flush()
        _history(session, goal, "added", user_id, at)
        nudges.record_activity(session, relationship, at)
        return goal_view(goal)


def complete_goal(db, user_id, relationship_id, goal_id, now=None):
    """The mentee ticks a goal off (it is theirs to reach)."""
    at = checks.now(now)
    with db.transaction() as session:
        relationship = own_relationship(session, user_id, relationship_id, current=True)
        goal = _own_goal(session, relationship, goal_id)
        if user_id != relationship.mentee_id:
            raise exceptions.Forbidden("mentee_only", "Only the mentee ticks a goal off.")
        if goal.done_at is not None:
            raise exceptions.Conflict("goal_done", "This goal is already ticked off.")
        goal.done_at, goal.done_by = at, user_id
        _history(session, goal, "done", user_id, at)
        nudges.record_activity(session, relationship, at)
        return goal_view(goal)


def _own_goal(session, relationship, goal_id):
    try:
        goal = session.get(Goal, int(goal_id), with_for_update=True)
    except (TypeError, ValueError):
        goal = None
    if goal is None or goal.relationship_id != relationship.id:
        raise exceptions.NotFound("goal_not_found", "No such goal.")
    return goal


def _history(session, goal, change, actor_id, at):
    session.add(
        GoalHistory(
            goal_id=goal.id,
            relationship_id=goal.relationship_id,
            change=change,
            actor_id=actor_id,
            at=at,
        )
    )


def goals_of(session, relationship_id):
    rows = session.execute(
        select(Goal).where(Goal.relationship_id == relationship_id).order_by(Goal.id)
    ).scalars()
    return [goal_view(goal) for goal in rows]


def history_of(session, relationship_id):
    """Every change of the relationship's goals, oldest first, with the goal's title."""
    rows = session.execute(
        select(GoalHistory, Goal.title)
        .join(Goal, Goal.id == GoalHistory.goal_id)
        .where(GoalHistory.relationship_id == relationship_id)
        .order_by(GoalHistory.at, GoalHistory.id)
    ).all()
    return [
        {
            "goal_id": change.goal_id,
            "title": title,
            "change": change.change,
            "actor_id": change.actor_id,
            "at": change.at.isoformat(),
        }
        for change, title in rows
    ]
