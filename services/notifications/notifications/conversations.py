"""The message inbox: conversations between two members.

Who may write to whom: members with a mentoring request or relationship
between them (``contacts``), and any verified member to another who allows
messages from members.  A member who blocked the sender never receives their
messages.  Bodies are stored as written and returned both as text and as
HTML-escaped text, so no client can be tricked into rendering markup.
"""

from datetime import UTC, datetime

from sqlalchemy import func, or_, select, update

from mentornet_contracts.api import MessageReportsQuery, MessagesQuery
from mentornet_contracts.inputs import Paging, member_id, parameters
from mentornet_platform import settings
from notifications import centre, events, exceptions, texts
from notifications.models import Block, Contact, Conversation, Member, Message, MessageReport

MAX_BODY = 5000


def _now():
    return datetime.now(UTC)


def _body(body):
    if not isinstance(body, str) or not body.strip():
        raise exceptions.invalid("body", "Write a message.")
    # A browser's form sends line breaks as CRLF, an API client usually as LF: one
    # message reads the same whichever way it was written.
    body = body.strip().replace("\r\n", "\n")
    if len(body) > MAX_BODY:
        raise exceptions.invalid("body", f"Keep a message under {MAX_BODY} characters.")
    if any(ord(ch) < 32 and ch not in "\n\t\r" for ch in body):
        raise exceptions.invalid("body", "The message contains control characters.")
    return body


def _pair(a, b):
    return (a, b) if a < b else (b, a)


def _member(session, user_id):
    member = session.get(Member, user_id)
    if member is None:
        raise exceptions.NotFound("member_not_found", "No such member.")
    return member


def _may_write(session, sender, recipient):
    if session.get(Block, (recipient.user_id, sender.user_id)) is not None:
        raise exceptions.Forbidden("blocked", "This member does not accept your messages.")
    if session.get(Contact, (sender.user_id, recipient.user_id)) is not None:
        return
    if not sender.verified:
        raise exceptions.Forbidden(
            "not_verified", "Verify your affiliation before writing to other members."
        )
    if not recipient.allow_messages:
        raise exceptions.Forbidden(
            "messages_not_accepted",
            "This member only accepts messages from their mentoring contacts.",
        )


def _conversation_of(session, user_id, conversation_id, lock=False):
    conversation = session.get(Conversation, int(conversation_id), with_for_update=lock)
    if conversation is None or user_id not in (conversation.member_a, conversation.member_b):
        # Someone else's conversation looks exactly like a missing one.
        raise exceptions.NotFound("conversation_not_found", "No such conversation.")
    return conversation


def _deliver(session, conversation, sender, recipient, body):
    message = Message(
        conversation_id=conversation.id,
        sender_id=sender.user_id,
        recipient_id=recipient.user_id,
        body=body,
        created_at=_now(),
    )
    session.add(message)
    conversation.last_message_at = message.created_at
    session.flush()
    events.conversation_message_sent(session, message)
    name = f"{sender.first_name} {sender.last_name}"
    link = f"/inbox/{conversation.id}"
    centre.tell(
        session,
        recipient,
        "new_message",
        f"new_message:{message.id}",
        texts.render("new_message", recipient.language, sender=name),
        link,
        "new_message",
        {
            "first_name": recipient.first_name,
            "sender": name,
            "preview": body[:300],
            "link": settings.public_base_url() + link,
        },
    )
    return message


def person_name(person):
    return f"{person.first_name} {person.last_name}" if person else None


def _other(conversation, user_id):
    return conversation.member_b if conversation.member_a == user_id else conversation.member_a


def _conversation_view(session, conversation, user_id, person=None, unread=0):
    """A conversation as its member ``user_id`` sees it (the list's item)."""
    other = _other(conversation, user_id)
    person = person if person is not None else session.get(Member, other)
    return {
        "id": conversation.id,
        "with": {"user_id": other, "name": person_name(person)},
        "last_message_at": conversation.last_message_at.isoformat(),
        "unread_count": unread,
    }


def message_view(message):
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "sender_id": message.sender_id,
        "recipient_id": message.recipient_id,
        "body": message.body,
        "body_html": texts.as_html(message.body),
        "created_at": message.created_at.isoformat(),
        "read": message.read_at is not None,
    }


def start_conversation(db, user_id, recipient_id, body):
    body = _body(body)
    recipient_id = member_id(recipient_id, "recipient_id")
    if recipient_id == user_id:
        raise exceptions.invalid("recipient_id", "Choose another member to write to.")
    with db.transaction() as session:
        sender = _member(session, user_id)
        recipient = session.get(Member, recipient_id)
        if recipient is None:
            raise exceptions.invalid(
                "recipient_id", "There is no such member.", code="recipient_not_found"
            )
        _may_write(session, sender, recipient)
        a, b = _pair(user_id, recipient_id)
        conversation = session.execute(
            select(Conversation)
            .where(Conversation.member_a == a, Conversation.member_b == b)
            .with_for_update()
        ).scalar_one_or_none()
        if conversation is None:
            conversation = Conversation(member_a=a, member_b=b)
            session.add(conversation)
            session.flush()
        message = _deliver(session, conversation, sender, recipient, body)
        # The created resource is the conversation (with its id, as the list gives
        # it), and the message that started or continued it.
        unread = session.execute(
            select(func.count())
            .select_from(Message)
            .where(
                Message.conversation_id == conversation.id,
                Message.recipient_id == user_id,
                Message.read_at.is_(None),
            )
        ).scalar()
        return {
            **_conversation_view(session, conversation, user_id, recipient, unread),
            "message": message_view(message),
        }


def send_message(db, user_id, conversation_id, body):
    body = _body(body)
    with db.transaction() as session:
        conversation = _conversation_of(session, user_id, conversation_id, lock=True)
        other = _other(conversation, user_id)
        sender, recipient = _member(session, user_id), session.get(Member, other)
        if recipient is None:
            raise exceptions.Conflict("member_left", "This member has left the network.")
        _may_write(session, sender, recipient)
        return message_view(_deliver(session, conversation, sender, recipient, body))


def list_conversations(db, user_id, page=1, per_page=20):
    asked = parameters(Paging(), {"page": page, "per_page": per_page})
    page, per_page = asked["page"], asked["per_page"]
    with db.transaction() as session:
        mine = or_(Conversation.member_a == user_id, Conversation.member_b == user_id)
        conversations = (
            session.execute(
                select(Conversation)
                .where(mine)
                .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            .scalars()
            .all()
        )
        total = session.execute(select(func.count()).select_from(Conversation).where(mine)).scalar()
        ids = [c.id for c in conversations]
        unread = (
            dict(
                session.execute(
                    select(Message.conversation_id, func.count())
                    .where(
                        Message.recipient_id == user_id,
                        Message.read_at.is_(None),
                        Message.conversation_id.in_(ids),
                    )
                    .group_by(Message.conversation_id)
                ).all()
            )
            if ids
            else {}
        )
        others = [_other(c, user_id) for c in conversations]
        people = (
            {
                m.user_id: m
                for m in session.execute(select(Member).where(Member.user_id.in_(others))).scalars()
            }
            if others
            else {}
        )
        items = [
            _conversation_view(
                session, conversation, user_id, people.get(other), unread.get(conversation.id, 0)
            )
            for conversation, other in zip(conversations, others)
        ]
        return {"items": items, "total": total, "page": page, "per_page": per_page}


def list_messages(db, user_id, conversation_id, page=1, per_page=50):
    """Newest first; reading the conversation marks the member's received messages read,
    and the notifications about them.
    ``conversation`` says who it is with and whether the reader blocked them (what a
    thread's page shows above the messages)."""
    asked = parameters(MessagesQuery(), {"page": page, "per_page": per_page})
    page, per_page = asked["page"], asked["per_page"]
    with db.transaction() as session:
        conversation = _conversation_of(session, user_id, conversation_id)
        rows = (
            session.execute(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            .scalars()
            .all()
        )
        total = session.execute(
            select(func.count())
            .select_from(Message)
            .where(Message.conversation_id == conversation.id)
        ).scalar()
        items = [message_view(row) for row in rows]
        now_read = (
            session.execute(
                update(Message)
                .where(
                    Message.conversation_id == conversation.id,
                    Message.recipient_id == user_id,
                    Message.read_at.is_(None),
                )
                .values(read_at=_now())
                .returning(Message.id)
            )
            .scalars()
            .all()
        )
        # Their "sent you a message" notifications are read too: the toolbar's count
        # drops as the thread is read, not only when the notification is opened.
        centre.mark_read_by_cause(session, user_id, [f"new_message:{id_}" for id_ in now_read])
        about = _conversation_view(session, conversation, user_id)
        about["with"]["blocked_by_you"] = (
            session.get(Block, (user_id, about["with"]["user_id"])) is not None
        )
        return {
            "conversation": about,
            "items": items,
            "total": total,
            "page": page,
            "per_page": per_page,
        }


def get_message(db, user_id, message_id):
    """One message, to its sender or recipient only (what a report is about)."""
    with db.transaction() as session:
        message = session.get(Message, int(message_id))
        if message is None or user_id not in (message.sender_id, message.recipient_id):
            raise exceptions.NotFound("message_not_found", "No such message.")
        sender = session.get(Member, message.sender_id)
        return {**message_view(message), "sender_name": person_name(sender)}


def block(db, user_id, other_id):
    if other_id == user_id:
        raise exceptions.invalid("user_id", "You cannot block yourself.")
    with db.transaction() as session:
        _member(session, other_id)
        if session.get(Block, (user_id, other_id)) is None:
            session.add(Block(blocker_id=user_id, blocked_id=other_id))
    return {"blocked": other_id}


def unblock(db, user_id, other_id):
    with db.transaction() as session:
        row = session.get(Block, (user_id, other_id))
        if row is not None:
            session.delete(row)
    return {"unblocked": other_id}


def report(db, user_id, message_id, reason):
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 1000:
        raise exceptions.invalid("reason", "Say briefly (under 1000 characters) what is wrong.")
    with db.transaction() as session:
        message = session.get(Message, int(message_id))
        if message is None or user_id not in (message.sender_id, message.recipient_id):
            raise exceptions.NotFound("message_not_found", "No such message.")
        row = MessageReport(message_id=message.id, reporter_id=user_id, reason=reason.strip())
        session.add(row)
        session.flush()
        return {"id": row.id, "status": row.status}


def list_reports(db, status="open"):
    status = parameters(MessageReportsQuery(), {"status": status})["status"]
    with db.transaction() as session:
        rows = session.execute(
            select(MessageReport, Message)
            .join(Message, Message.id == MessageReport.message_id)
            .where(MessageReport.status == status)
            .order_by(MessageReport.id)
        ).all()
        return {
            "items": [
                {
                    "id": r.id,
                    "message_id": m.id,
                    "reporter_id": r.reporter_id,
                    "reason": r.reason,
                    "sender_id": m.sender_id,
                    "body": m.body,
                    "created_at": r.created_at.isoformat(),
                }
                for r, m in rows
            ]
        }


def add_contact(session, a, b):
    """Mentoring's events make two members contacts (requests, relationships)."""
    for user_id, other_id in ((a, b), (b, a)):
        if session.get(Contact, (user_id, other_id)) is None:
            session.add(Contact(user_id=user_id, other_id=other_id))
