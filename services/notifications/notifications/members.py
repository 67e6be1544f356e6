"""Members as notifications knows them, and what happens when one joins."""
from mentornet_platform import settings
from notifications.mail import queue_email
from notifications.models import Member


def welcome_new_member(session, data, envelope):
    """identity.account_registered: remember the member, queue the welcome e-mail."""
    user_id = str(data["user_id"])
    member = session.get(Member, user_id)
    if member is None:
        member = Member(user_id=user_id)
        session.add(member)
    member.email = data["email"]
    member.first_name = data["first_name"]
    member.last_name = data["last_name"]
    member.language = data["language"]
    queue_email(session, f"welcome:{user_id}", user_id, data["email"], "welcome",
                data["language"], {"first_name": data["first_name"],
                                   "username": data["username"],
                                   "base_url": settings.get("PUBLIC_BASE_URL")})
