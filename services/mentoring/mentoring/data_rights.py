"""Mentoring's part of the members' data rights (docs/architecture.md,
"Members' data rights"): its part of a member's data export, and erasing the
member.  A table that holds something about a member is named in both
(``export_part`` and ``erase``); the relationship workspace's tables join
them the same way.

Erasing anonymises rather than deletes what the other party shares: a
request or relationship stays for the other member (who sees "a former
member"), with the erased member's id, which names nobody once every service
has forgotten it; the words the erased member wrote there (a request's
message, a reply, a reason) go."""

from sqlalchemy import or_, select, update

from mentoring import feedback, members, workspace
from mentoring.models import (
    Member,
    MentoringRequest,
    MentorOffer,
    Relationship,
    RequestHistory,
)
from mentornet_contracts.statuses import LEFT_THE_NETWORK
from mentornet_platform.data_rights import (
    confirm_erased,
    erase_from_messaging_tables,
    row_data,
    rows_data,
    send_export_part,
)

SOURCE = "mentoring"
# What replaces the words an erased member wrote.
REMOVED = ""


def export_part(session, data, envelope):
    """identity.data_export_requested: the member as mentoring knows them, their
    offer, every request they sent or received (with its history) and every
    relationship they are or were in."""
    user_id = str(data["user_id"])
    member = session.get(Member, user_id)
    offer = session.get(MentorOffer, user_id)
    requests = []
    for request in session.execute(
        select(MentoringRequest)
        .where(or_(MentoringRequest.mentee_id == user_id, MentoringRequest.mentor_id == user_id))
        .order_by(MentoringRequest.id)
    ).scalars():
        requests.append(
            {
                **row_data(request),
                "history": rows_data(
                    session,
                    RequestHistory,
                    RequestHistory.request_id == request.id,
                    ("request_id",),
                    RequestHistory.id,
                ),
            }
        )
    part = {
        "member": row_data(member) if member else None,
        "mentor_offer": row_data(offer) if offer else None,
        "requests": requests,
        "relationships": rows_data(
            session,
            Relationship,
            or_(Relationship.mentor_id == user_id, Relationship.mentee_id == user_id),
            (),
            Relationship.id,
        ),
        "feedback_given": feedback.member_feedback(session, user_id),
        # The relationships' workspaces: goals, meetings, the member's own notes
        # and the notes their partners shared with them.
        "workspace": workspace.member_rows(session, user_id),
    }
    send_export_part(session, SOURCE, data, part)


def erase(session, data, envelope):
    """identity.account_deleted: current relationships end and open requests
    close (members.forget: mentors' places are freed, partners told), then
    the words the member wrote go, and identity is told."""
    user_id = str(data["user_id"])
    members.forget(session, data, envelope)
    session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.mentee_id == user_id)
        .values(message=REMOVED)
    )
    session.execute(
        update(MentoringRequest).where(MentoringRequest.mentor_id == user_id).values(reply=REMOVED)
    )
    session.execute(
        update(RequestHistory).where(RequestHistory.actor_id == user_id).values(note=REMOVED)
    )
    session.execute(
        update(Relationship)
        .where(Relationship.ended_by == user_id)
        .values(end_reason=LEFT_THE_NETWORK)
    )
    feedback.erase_member_feedback(session, user_id)
    workspace.erase_member(session, user_id)  # their notes, and their goals' words
    erase_from_messaging_tables(session, user_id)
    confirm_erased(session, SOURCE, "mentoring_member_erased", user_id)
