"""Members joining and leaving mentoring (the registration saga's mentoring step)."""

from datetime import UTC, datetime

from sqlalchemy import delete, or_, select

from mentoring import events, meetings
from mentoring.models import (
    ForgottenMember,
    Member,
    MentoringRequest,
    MentorOffer,
    Relationship,
    RequestHistory,
)
from mentornet_contracts.statuses import LEFT_THE_NETWORK, RequestStatus


def enrol(session, data, envelope):
    """identity.account_registered: the member can take part in mentoring."""
    user_id = str(data["user_id"])
    if (
        session.get(Member, user_id) is not None
        or session.get(ForgottenMember, user_id) is not None
    ):
        return
    member = Member(user_id=user_id, created_at=datetime.now(UTC))
    session.add(member)
    session.flush()
    events.mentoring_member_created(session, member)


def forget(session, data, envelope):
    """identity.account_deleted: their relationships end and their open requests
    close (so mentors' places are freed and partners told), then they go."""
    user_id = str(data["user_id"])
    now = datetime.now(UTC)
    for relationship in session.execute(
        select(Relationship)
        .where(
            or_(Relationship.mentor_id == user_id, Relationship.mentee_id == user_id),
            Relationship.ended_at.is_(None),
        )
        .with_for_update()
    ).scalars():
        relationship.ended_at, relationship.ended_by = now, user_id
        relationship.end_reason = LEFT_THE_NETWORK
        relationship.outcome = "ended_early"
        meetings.cancel_upcoming(session, relationship, user_id, now)
        events.relationship_ended(session, relationship)
    for request in session.execute(
        select(MentoringRequest)
        .where(
            or_(MentoringRequest.mentor_id == user_id, MentoringRequest.mentee_id == user_id),
            MentoringRequest.status == RequestStatus.PENDING,
        )
        .with_for_update()
    ).scalars():
        request.status, request.decided_at = RequestStatus.WITHDRAWN, now
        session.add(
            RequestHistory(
                request_id=request.id,
                status=RequestStatus.WITHDRAWN,
                actor_id=None,
                at=now,
                note=LEFT_THE_NETWORK,
            )
        )
        events.request_changed(session, request, RequestStatus.WITHDRAWN, None, now)
    session.execute(delete(Member).where(Member.user_id == user_id))
    session.execute(delete(MentorOffer).where(MentorOffer.user_id == user_id))
    if session.get(ForgottenMember, user_id) is None:
        session.add(ForgottenMember(user_id=user_id))


def mark_onboarded(session, data, envelope):
    """identity.onboarding_completed: the member may now ask for mentoring."""
    user_id = str(data["user_id"])
    if session.get(ForgottenMember, user_id) is not None:
        return
    member = session.get(Member, user_id, with_for_update=True)
    if member is None:
        raise LookupError("member not known yet; retry")  # account_registered comes first
    member.onboarded, member.role = True, data["role"]
    if member.onboarded_at is None:  # a duplicate keeps the first completion
        member.onboarded_at = data["completed_at"]


def record_offer(session, data, envelope):
    """profiles.mentor_settings_changed: what the mentor offers now (newest wins)."""
    user_id = str(data["user_id"])
    if session.get(ForgottenMember, user_id) is not None:
        return
    offer = session.get(MentorOffer, user_id, with_for_update=True)
    if offer is not None and offer.changed_at >= data["changed_at"]:
        return  # an older change arriving late
    if offer is None:
        offer = MentorOffer(user_id=user_id)
        session.add(offer)
    offer.available, offer.activities = data["available"], list(data["activities"])
    offer.max_mentees, offer.changed_at = data["max_mentees"], data["changed_at"]
