"""Members as notifications knows them: joining, changing address, leaving,
and the e-mails identity asks to be sent to them."""

from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update

from mentornet_platform import settings
from notifications import centre, events, texts
from notifications.mail import queue_email
from notifications.models import (
    EmailMessage,
    EmailStatus,
    ForgottenMember,
    Member,
    Notification,
    Preference,
    UnreadCounter,
)


def _forgotten(session, user_id):
    return session.get(ForgottenMember, user_id) is not None


def _known_member(session, user_id):
    """The member an identity event is about; None if they were deleted (the
    event is late and changes nothing); raises while account_registered, which
    comes first, has not arrived yet, so the inbox retries the event."""
    member = session.get(Member, user_id)
    if member is None and not _forgotten(session, user_id):
        raise LookupError("member not known yet; retry")
    return member


def welcome_new_member(session, data, envelope):
    """identity.account_registered: remember the member, queue the welcome e-mail,
    and tell the registration saga that notifications can reach them."""
    user_id = str(data["user_id"])
    if _forgotten(session, user_id):
        return
    email = _unowned(session, user_id, data["email"])
    member = session.get(Member, user_id)
    created = member is None
    if created:
        member = Member(user_id=user_id, created_at=datetime.now(UTC))
        session.add(member)
    if member.email_confirmed_at is None:  # a confirmed address (a later event) stands
        member.email = email
    member.first_name = data["first_name"]
    member.last_name = data["last_name"]
    if member.language_changed_at is None:  # a later change of language stands
        member.language = data["language"]
    if member.email:  # none while identity withholds it: the welcome stays in-app
        queue_email(
            session,
            f"welcome:{user_id}",
            user_id,
            member.email,
            "welcome",
            member.language,
            {
                "first_name": data["first_name"],
                "username": data["username"],
                "base_url": settings.public_base_url(),
            },
        )
    centre.notify(
        session,
        user_id,
        "welcome",
        f"welcome:{user_id}",
        texts.render("welcome", member.language, first_name=member.first_name),
        "/onboarding",
    )
    if created:
        session.flush()
        events.notification_recipient_created(session, member)


def _unowned(session, user_id, email):
    """``email``, or None when another member has confirmed it meanwhile (their
    confirmation may be handled before this member's older sign-up)."""
    if email is None:
        return None
    owner = session.execute(
        select(Member.user_id).where(
            Member.user_id != user_id,
            func.lower(Member.email) == email.lower(),
            Member.email_confirmed_at.is_not(None),
        )
    ).first()
    return None if owner else email


def warn_of_sign_up_attempt(session, data, envelope):
    """identity.address_sign_up_attempted: the address's owner learns that someone
    signed up with it.  One such mail an hour at most, however often it is tried."""
    user_id = str(data["user_id"])
    if _forgotten(session, user_id):
        return
    queue_email(
        session,
        f"sign_up_attempted:{user_id}:{data['attempted_at']:%Y-%m-%dT%H}",
        user_id,
        data["email"],
        "sign_up_attempted",
        data["language"],
        {
            "first_name": data["first_name"],
            "email": data["email"],
            "username": data["username"],
            "base_url": settings.public_base_url(),
        },
    )


def send_email_confirmation(session, data, envelope):
    """identity.email_confirmation_requested: the single-use link, to the address to confirm."""
    user_id = str(data["user_id"])
    if _forgotten(session, user_id):
        return
    queue_email(
        session,
        f"confirm_email:{envelope['event_id']}",
        user_id,
        data["email"],
        "confirm_email",
        data["language"],
        {"first_name": data["first_name"], "confirmation_url": data["confirmation_url"]},
    )


def send_password_reset(session, data, envelope):
    """identity.password_reset_requested."""
    user_id = str(data["user_id"])
    if _forgotten(session, user_id):
        return
    queue_email(
        session,
        f"password_reset:{envelope['event_id']}",
        user_id,
        data["email"],
        "password_reset",
        data["language"],
        {
            "first_name": data["first_name"],
            "reset_url": data["reset_url"],
            "expires_at": data["expires_at"].strftime("%H:%M UTC"),
        },
    )


def _confirmed(session, member, email):
    """``email`` is ``member``'s confirmed address now.  identity lets one account
    confirm an address; any other member still holding it here has not confirmed
    it, and mail meant for them must not reach its owner."""
    member.email, member.email_confirmed_at = email, datetime.now(UTC)
    session.execute(
        update(Member)
        .where(Member.user_id != member.user_id, func.lower(Member.email) == email.lower())
        .values(email=None, email_confirmed_at=None)
    )


def update_email(session, data, envelope):
    """identity.account_email_changed: a new address, confirmed by the member."""
    member = session.get(Member, str(data["user_id"]))
    if member is not None:
        _confirmed(session, member, data["email"])


def update_language(session, data, envelope):
    """identity.account_language_changed: mails and notifications made from now
    on are written in the new language (those already made stay as they are)."""
    user_id = str(data["user_id"])
    member = _known_member(session, user_id)
    if member is None:
        return
    if member.language_changed_at is None or member.language_changed_at < data["changed_at"]:
        member.language = data["language"]
        member.language_changed_at = data["changed_at"]


def forget(session, data, envelope):
    """identity.account_deleted: the member and any mail not yet sent to them go."""
    user_id = str(data["user_id"])
    session.execute(
        delete(EmailMessage).where(
            EmailMessage.user_id == user_id, EmailMessage.status != EmailStatus.SENT
        )
    )
    session.execute(delete(Notification).where(Notification.user_id == user_id))
    session.execute(delete(UnreadCounter).where(UnreadCounter.user_id == user_id))
    session.execute(delete(Preference).where(Preference.user_id == user_id))
    session.execute(delete(Member).where(Member.user_id == user_id))
    if not _forgotten(session, user_id):
        session.add(ForgottenMember(user_id=user_id))


def mark_verified(session, data, envelope):
    """identity.affiliation_verified: verified members may write to others."""
    user_id = str(data["user_id"])
    member = _known_member(session, user_id)
    if member is None:
        return
    member.verified = True


def affiliation_reviewed(session, data, envelope):
    """identity.affiliation_reviewed: tell the member what the operator decided."""
    user_id = str(data["user_id"])
    member = _known_member(session, user_id)
    if member is None:
        return
    key = "affiliation_reviewed_" + ("approved" if data["approved"] else "rejected")
    centre.tell(
        session,
        member,
        "affiliation_reviewed",
        f"affiliation_reviewed:{envelope['event_id']}",
        texts.render(key, member.language, reason=data.get("reason", "")),
        "/onboarding",
        "affiliation_reviewed",
        {
            "first_name": member.first_name,
            "approved": data["approved"],
            "reason": data.get("reason", ""),
            "base_url": settings.public_base_url(),
        },
    )


def email_confirmed(session, data, envelope):
    """identity.account_email_confirmed."""
    user_id = str(data["user_id"])
    member = _known_member(session, user_id)
    if member is None:
        return
    _confirmed(session, member, data["email"])
    centre.notify(
        session,
        user_id,
        "email_confirmed",
        f"email_confirmed:{envelope['event_id']}",
        texts.render("email_confirmed", member.language, email=data["email"]),
        "/settings",
    )
