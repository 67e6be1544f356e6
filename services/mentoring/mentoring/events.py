"""Events mentoring publishes; payload contracts in mentornet_contracts.events."""

from mentoring.config import DEFAULT_TIME_ZONE
from mentoring.models import Member
from mentornet_platform.outbox import record_event

SOURCE = "mentoring"


def mentoring_member_created(session, member):
    return record_event(
        session,
        SOURCE,
        "mentoring_member_created",
        {"user_id": member.user_id, "created_at": member.created_at},
    )


def request_changed(session, request, change, actor_id, at, reason=None):
    """``change``: created, accepted, declined, withdrawn, expired or expiring."""
    return record_event(
        session,
        SOURCE,
        f"mentoring_request_{change}",
        {
            "request_id": request.id,
            "mentee_id": request.mentee_id,
            "mentor_id": request.mentor_id,
            "activities": list(request.activities),
            "actor_id": actor_id,
            "at": at,
            "relationship_id": request.relationship_id,
            "reason": reason,
            "expires_at": request.expires_at,
        },
    )


def relationship_ended(session, relationship):
    return record_event(
        session,
        SOURCE,
        "relationship_ended",
        {
            "relationship_id": relationship.id,
            "mentor_id": relationship.mentor_id,
            "mentee_id": relationship.mentee_id,
            "ended_by": relationship.ended_by,
            "reason": relationship.end_reason,
            "at": relationship.ended_at,
            "outcome": relationship.outcome,
        },
    )


def relationship_quiet(session, relationship, quiet_weeks):
    return record_event(
        session,
        SOURCE,
        "relationship_quiet",
        {
            "relationship_id": relationship.id,
            "mentor_id": relationship.mentor_id,
            "mentee_id": relationship.mentee_id,
            "last_activity_at": relationship.last_activity_at,
            "quiet_weeks": quiet_weeks,
        },
    )


def mentor_suggestion_due(session, member, days):
    return record_event(
        session,
        SOURCE,
        "mentor_suggestion_due",
        {"user_id": member.user_id, "onboarded_at": member.onboarded_at, "days": days},
    )


def meeting_changed(session, change, meeting, relationship, actor_id, at, times=()):
    """``change``: proposed, scheduled, moved, cancelled or reminder.  Carries what
    a calendar invitation needs (uid, sequence, start in UTC, length, link or
    place) and each member's time zone, so each mail says the time in theirs."""
    zones = {
        user_id: getattr(session.get(Member, user_id), "time_zone", None) or DEFAULT_TIME_ZONE
        for user_id in (relationship.mentor_id, relationship.mentee_id)
    }
    return record_event(
        session,
        SOURCE,
        f"meeting_{change}",
        {
            "meeting_id": meeting.id,
            "relationship_id": relationship.id,
            "mentor_id": relationship.mentor_id,
            "mentee_id": relationship.mentee_id,
            "actor_id": actor_id,
            "uid": meeting.uid,
            "sequence": meeting.sequence,
            "starts_at": meeting.starts_at,
            "duration_minutes": meeting.duration_minutes,
            "times": list(times),
            "link": meeting.link,
            "place": meeting.place,
            "time_zones": zones,
            "at": at,
        },
    )
