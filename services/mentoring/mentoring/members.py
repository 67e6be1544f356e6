"""Members joining and leaving mentoring (the registration saga's mentoring step)."""
from datetime import datetime, timezone

from sqlalchemy import delete

from mentoring import events
from mentoring.models import ForgottenMember, Member


def enrol(session, data, envelope):
    """identity.account_registered: the member can take part in mentoring."""
    user_id = str(data["user_id"])
    if session.get(Member, user_id) is not None or session.get(ForgottenMember, user_id) is not None:
        return
    member = Member(user_id=user_id, created_at=datetime.now(timezone.utc))
    session.add(member)
    session.flush()
    events.mentoring_member_created(session, member)


def forget(session, data, envelope):
    """identity.account_deleted."""
    user_id = str(data["user_id"])
    session.execute(delete(Member).where(Member.user_id == user_id))
    if session.get(ForgottenMember, user_id) is None:
        session.add(ForgottenMember(user_id=user_id))
