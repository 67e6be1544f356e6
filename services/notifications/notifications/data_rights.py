"""Notifications' part of the members' data rights (docs/architecture.md,
"Members' data rights"): its part of a member's data export, and erasing the
member.  A table that holds something about a member is named in both.

Erasing: the member's own notifications, preferences, e-mails (sent ones
too), the messages they wrote, their contacts, blocks and reports go; a
conversation stays for the other member, with that member's own messages,
and shows "a former member".  Other members' notifications and e-mails that
named the member (made when it happened, in the recipient's language) say
"a former member" instead."""

import html
from urllib.parse import urlsplit

from sqlalchemy import delete, func, or_, select, text

from mentornet_platform.data_rights import (
    confirm_erased,
    erase_from_messaging_tables,
    row_data,
    rows_data,
    send_export_part,
)
from notifications import centre, members, preferences, texts
from notifications.mail import queue_email
from notifications.models import (
    Block,
    Contact,
    Conversation,
    EmailMessage,
    HelpdeskRequest,
    Member,
    Message,
    MessageReport,
    Notification,
)

SOURCE = "notifications"
FORMER_MEMBER = {"en": "A former member", "nl": "Een voormalig lid"}


def export_part(session, data, envelope):
    """identity.data_export_requested: the member as notifications knows them,
    their notifications and preferences, the messages they wrote (by
    conversation), their blocks and reports, the e-mails sent to them
    (without the bodies, which may have held single-use links) and their
    helpdesk requests."""
    user_id = str(data["user_id"])
    member = session.get(Member, user_id)
    conversations = []
    for conversation in session.execute(
        select(Conversation)
        .where(or_(Conversation.member_a == user_id, Conversation.member_b == user_id))
        .order_by(Conversation.id)
    ).scalars():
        other = conversation.member_b if conversation.member_a == user_id else conversation.member_a
        conversations.append(
            {
                "id": conversation.id,
                "with_member": other,
                "created_at": conversation.created_at.isoformat(),
                "messages_written": rows_data(
                    session,
                    Message,
                    (Message.conversation_id == conversation.id) & (Message.sender_id == user_id),
                    ("conversation_id", "sender_id"),
                    Message.id,
                ),
            }
        )
    email = (member.email or "").lower() if member else ""
    part = {
        "member": row_data(member) if member else None,
        "preferences": [
            {
                "event_type": kind,
                **dict(zip(("in_app", "email"), preferences.wants(session, user_id, kind))),
            }
            for kind in preferences.DEFAULTS
        ],
        "notifications": rows_data(
            session, Notification, Notification.user_id == user_id, ("dedupe_key",), Notification.id
        ),
        "conversations": conversations,
        "blocks": rows_data(session, Block, Block.blocker_id == user_id),
        "message_reports": rows_data(session, MessageReport, MessageReport.reporter_id == user_id),
        "emails": rows_data(
            session,
            EmailMessage,
            EmailMessage.user_id == user_id,
            ("body", "html", "dedupe_key", "last_error", "claimed_at"),
            EmailMessage.id,
        ),
        "helpdesk_requests": rows_data(
            session,
            HelpdeskRequest,
            func.lower(HelpdeskRequest.email) == email if email else False,
            ("client",),
            HelpdeskRequest.id,
        ),
    }
    send_export_part(session, SOURCE, data, part)


def erase(session, data, envelope):
    """identity.account_deleted: erase the member (see the module's note), then
    tell identity."""
    user_id = str(data["user_id"])
    # Locked: a text naming them that is being made meanwhile (mentoring_updates)
    # is made first, then unnamed here, or is made after and names nobody.
    member = session.get(Member, user_id, with_for_update=True)
    name = f"{member.first_name} {member.last_name}" if member else None
    email = member.email if member else None
    members.forget(session, data, envelope)  # the member, their notifications, preferences
    mentions = [EmailMessage.user_id == user_id, EmailMessage.body.contains(user_id)]
    if email:
        mentions += [
            func.lower(EmailMessage.to_address) == email.lower(),
            EmailMessage.body.ilike(f"%{email}%"),
        ]
    session.execute(delete(EmailMessage).where(or_(*mentions)))
    session.execute(delete(MessageReport).where(MessageReport.reporter_id == user_id))
    # Reports of their messages go with the messages (ON DELETE CASCADE), and
    # so do the notifications and mails that told of them (a mail quotes one).
    written = [
        f"new_message:{message_id}"
        for message_id in session.execute(
            delete(Message).where(Message.sender_id == user_id).returning(Message.id)
        ).scalars()
    ]
    if written:
        session.execute(delete(Notification).where(Notification.dedupe_key.in_(written)))
        session.execute(delete(EmailMessage).where(EmailMessage.dedupe_key.in_(written)))
    session.execute(
        delete(Contact).where(or_(Contact.user_id == user_id, Contact.other_id == user_id))
    )
    session.execute(
        delete(Block).where(or_(Block.blocker_id == user_id, Block.blocked_id == user_id))
    )
    if email:
        session.execute(
            delete(HelpdeskRequest).where(func.lower(HelpdeskRequest.email) == email.lower())
        )
    if name:
        _unname(session, name)
    erase_from_messaging_tables(session, user_id, email, name)
    confirm_erased(session, SOURCE, "notification_recipient_erased", user_id)


def _unname(session, name):
    """Other members' notifications and e-mails say "a former member" where
    they named the erased member (the HTML part escaped it)."""
    params = {"name": name, "escaped": html.escape(name), **_former_params()}
    session.execute(
        text(
            "UPDATE notifications n SET summary = replace(n.summary, :name,"
            " CASE WHEN m.language = 'nl' THEN :former_nl ELSE :former_en END)"
            " FROM members m WHERE m.user_id = n.user_id AND strpos(n.summary, :name) > 0"
        ),
        params,
    )
    session.execute(
        text(
            "UPDATE email_messages SET"
            " subject = replace(subject, :name, CASE WHEN language = 'nl' THEN :former_nl"
            " ELSE :former_en END),"
            " body = replace(body, :name, CASE WHEN language = 'nl' THEN :former_nl"
            " ELSE :former_en END),"
            " html = replace(replace(html, :escaped, CASE WHEN language = 'nl' THEN :former_nl"
            " ELSE :former_en END), :name, CASE WHEN language = 'nl' THEN :former_nl"
            " ELSE :former_en END)"
            " WHERE strpos(subject, :name) > 0 OR strpos(body, :name) > 0"
            " OR strpos(coalesce(html, ''), :escaped) > 0 OR strpos(coalesce(html, ''), :name) > 0"
        ),
        params,
    )


def _former_params():
    return {"former_en": FORMER_MEMBER["en"], "former_nl": FORMER_MEMBER["nl"]}


def export_ready(session, data, envelope):
    """identity.data_export_ready: the member is told in the notification
    centre and by e-mail (always: they asked for it), both with the
    single-use link, which works only for them, logged in."""
    user_id = str(data["user_id"])
    member = session.get(Member, user_id)
    if member is None:
        return  # left the network meanwhile
    expires_at = data["expires_at"].strftime("%Y-%m-%d %H:%M UTC")
    url = data["download_url"]
    key = f"data_export_ready:{data['export_id']}"
    centre.add(
        session,
        user_id,
        "data_export_ready",
        key,
        texts.render("data_export_ready", member.language, expires_at=expires_at),
        "{0.path}?{0.query}".format(urlsplit(url)),  # the page's own address, on this site
    )
    if member.email:
        queue_email(
            session,
            key,
            user_id,
            member.email,
            "data_export_ready",
            member.language,
            {"first_name": member.first_name, "download_url": url, "expires_at": expires_at},
        )
