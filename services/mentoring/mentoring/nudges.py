"""Nudges: a quiet relationship, and a member who has asked nobody.

Activity is a meeting, a message or a goal: the goals' and meetings' code calls
``record_activity`` in its own transaction, and a message counts through
notifications' ``conversation_message_sent`` event.  A timer (service.py)
runs ``nudge_quiet_relationships`` and ``suggest_mentors``; each marks what it
did (``nudged_at``, ``mentors_suggested_at``) in the transaction that records
its event, so a second run, a second instance or a retry sends nothing twice.
Notifications turns the events into mails and notifications in each member's
language.  ``now`` can be given, so tests control the clock.
"""

from datetime import timedelta

from sqlalchemy import exists, or_, select

from mentoring import checks, config, events
from mentoring.models import Member, MentoringRequest, Relationship

BATCH = 500


def record_activity(session, relationship, at):
    """A meeting, message or goal happened in ``relationship`` at ``at``.  Only
    ever forward, so an old event arriving late changes nothing."""
    if relationship.ended_at is None and at > relationship.last_activity_at:
        relationship.last_activity_at = at


def message_sent(session, data, envelope):
    """notifications.conversation_message_sent: a message between the two members
    of a current relationship is activity of that relationship."""
    sender_id, recipient_id = str(data["sender_id"]), str(data["recipient_id"])
    relationship = session.execute(
        select(Relationship)
        .where(
            Relationship.ended_at.is_(None),
            or_(
                (Relationship.mentor_id == sender_id) & (Relationship.mentee_id == recipient_id),
                (Relationship.mentor_id == recipient_id) & (Relationship.mentee_id == sender_id),
            ),
        )
        .with_for_update()
    ).scalar_one_or_none()
    if relationship is not None:
        record_activity(session, relationship, data["sent_at"])


def nudge_quiet_relationships(db, now=None, weeks=None):
    """Current relationships without activity for ``weeks`` (NUDGE_AFTER_WEEKS)
    and not nudged since that activity: one relationship_quiet event each."""
    at = checks.now(now)
    weeks = config.NUDGE_AFTER_WEEKS if weeks is None else weeks
    quiet_since = at - timedelta(weeks=weeks)
    nudged = 0
    with db.transaction() as session:
        for relationship in session.execute(
            select(Relationship)
            .where(
                Relationship.ended_at.is_(None),
                Relationship.last_activity_at <= quiet_since,
                or_(
                    Relationship.nudged_at.is_(None),
                    Relationship.nudged_at < Relationship.last_activity_at,
                ),
            )
            .order_by(Relationship.last_activity_at)
            .with_for_update(skip_locked=True)
            .limit(BATCH)
        ).scalars():
            relationship.nudged_at = at
            events.relationship_quiet(session, relationship, weeks)
            nudged += 1
    return {"nudged": nudged}


def suggest_mentors(db, now=None, days=None):
    """Members who may ask for mentoring, finished onboarding ``days``
    (SUGGEST_MENTORS_AFTER_DAYS) ago and have asked nobody: one
    mentor_suggestion_due event each, once (profiles picks the mentors)."""
    at = checks.now(now)
    days = config.SUGGEST_MENTORS_AFTER_DAYS if days is None else days
    asked = exists().where(MentoringRequest.mentee_id == Member.user_id)
    suggested = 0
    with db.transaction() as session:
        for member in session.execute(
            select(Member)
            .where(
                Member.onboarded,
                Member.onboarded_at <= at - timedelta(days=days),
                Member.mentors_suggested_at.is_(None),
                Member.role.in_(config.mentee_roles()),
                ~asked,
            )
            .order_by(Member.onboarded_at)
            .with_for_update(skip_locked=True)
            .limit(BATCH)
        ).scalars():
            member.mentors_suggested_at = at
            events.mentor_suggestion_due(session, member, days)
            suggested += 1
    return {"suggested": suggested}
