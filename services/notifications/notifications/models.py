"""Notifications' tables (its own database)."""

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import declarative_base

from mentornet_contracts.statuses import ReportStatus
from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)


class EmailStatus(StrEnum):
    """An e-mail's way out: pending, then sending (claimed, committed before
    the SMTP conversation), then sent; failed after a permanent refusal or too
    many tries; unknown when a sender died mid-send (never resent
    automatically, so never sent twice)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


class Member(Base):
    """Who a notification or e-mail goes to, kept from identity's events."""

    __tablename__ = "members"

    user_id = Column(String(36), primary_key=True)
    # None while identity withholds the address (another account confirmed it).
    email = Column(String(254))
    # When the member confirmed ``email`` (identity's account_email_confirmed).
    email_confirmed_at = Column(DateTime(timezone=True))
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    language = Column(String(2), nullable=False)
    # identity's time of the member's last language change (None: the sign-up's
    # language): an older change delivered late is ignored.
    language_changed_at = Column(DateTime(timezone=True))
    # From identity's affiliation_verified: verified members may write to others.
    verified = Column(Boolean, nullable=False, server_default="false")
    # The member's preference: may verified members they have no contact with
    # write to them?
    allow_messages = Column(Boolean, nullable=False, server_default="true")
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class EmailMessage(Base):
    """An e-mail to send (a mail outbox): written in the same transaction as
    the event that caused it, sent by the mail sender, retried while the SMTP
    server is unreachable."""

    __tablename__ = "email_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    # One e-mail per reason, however often the cause is delivered.
    dedupe_key = Column(String(200), nullable=False, unique=True)
    user_id = Column(String(36))
    to_address = Column(String(254), nullable=False)
    template = Column(String(60), nullable=False)
    language = Column(String(2), nullable=False)
    subject = Column(String(300), nullable=False)
    body = Column(Text, nullable=False)
    html = Column(Text)
    # A meeting's calendar invitation (iCalendar text), attached as text/calendar.
    calendar = Column(Text)
    status = Column(String(10), nullable=False, server_default=EmailStatus.PENDING.value)
    claimed_at = Column(DateTime(timezone=True))
    attempts = Column(Integer, nullable=False, server_default="0")
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    last_error = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    sent_at = Column(DateTime(timezone=True))

    # The sender polls for these two every half second; sent mail is kept, so
    # without them each poll would read the whole table (migration 0004).
    __table_args__ = (
        Index(
            "ix_email_messages_pending",
            "id",
            postgresql_where=text(f"status = '{EmailStatus.PENDING}'"),
        ),
        Index(
            "ix_email_messages_sending",
            "claimed_at",
            postgresql_where=text(f"status = '{EmailStatus.SENDING}'"),
        ),
    )


class ForgottenMember(Base):
    """Ids of deleted accounts (nothing else), so late events do not recreate them."""

    __tablename__ = "forgotten_members"

    user_id = Column(String(36), primary_key=True)
    forgotten_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Notification(Base):
    """An in-app notification, written in the member's language when it is made."""

    __tablename__ = "notifications"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    user_id = Column(String(36), nullable=False)
    type = Column(String(40), nullable=False)
    summary = Column(String(500), nullable=False)  # the short text shown
    link = Column(String(300), nullable=False, server_default="")
    # One notification per cause, however often the cause is delivered.
    dedupe_key = Column(String(200), nullable=False, unique=True)
    read_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())

    __table_args__ = (Index("ix_notifications_user_newest", "user_id", text("id DESC")),)


class UnreadCounter(Base):
    """Unread notifications per member, kept in the same transactions that
    create and read them, so the toolbar's count is one primary-key read."""

    __tablename__ = "unread_counters"

    user_id = Column(String(36), primary_key=True)
    unread = Column(Integer, nullable=False, server_default="0")


class Preference(Base):
    """A member's choice for one event type; defaults live in preferences.py."""

    __tablename__ = "preferences"

    user_id = Column(String(36), primary_key=True)
    event_type = Column(String(40), primary_key=True)
    in_app = Column(Boolean, nullable=False)
    email = Column(Boolean, nullable=False)


class Contact(Base):
    """Two members with a mentoring request or relationship between them (fed by
    mentoring's events): they may always write to each other."""

    __tablename__ = "contacts"

    user_id = Column(String(36), primary_key=True)
    other_id = Column(String(36), primary_key=True)


class Conversation(Base):
    __tablename__ = "conversations"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    # The pair, smaller id first: one conversation per pair of members.
    member_a = Column(String(36), nullable=False)
    member_b = Column(String(36), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    last_message_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())

    __table_args__ = (
        UniqueConstraint("member_a", "member_b"),
        Index("ix_conversations_a", "member_a", "last_message_at"),
        Index("ix_conversations_b", "member_b", "last_message_at"),
    )


class Message(Base):
    __tablename__ = "messages"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    conversation_id = Column(
        BigInteger, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    sender_id = Column(String(36), nullable=False)
    recipient_id = Column(String(36), nullable=False)
    body = Column(Text, nullable=False)  # plain text as written; escaped on the way out
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    read_at = Column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_messages_conversation", "conversation_id", "id"),
        Index(
            "ix_messages_unread",
            "recipient_id",
            "conversation_id",
            postgresql_where=text("read_at IS NULL"),
        ),
    )


class Block(Base):
    __tablename__ = "blocks"

    blocker_id = Column(String(36), primary_key=True)
    blocked_id = Column(String(36), primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class MessageReport(Base):
    """A member reported a message to the operators."""

    __tablename__ = "message_reports"

    id = Column(Integer, primary_key=True, autoincrement=True)
    message_id = Column(BigInteger, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False)
    reporter_id = Column(String(36), nullable=False)
    reason = Column(String(1000), nullable=False)
    status = Column(String(10), nullable=False, server_default=ReportStatus.OPEN.value)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    # An operator's handling (reports.py): the writer warned once, the report closed.
    warned_at = Column(DateTime(timezone=True))
    closed_at = Column(DateTime(timezone=True))


class HelpdeskRequest(Base):
    __tablename__ = "helpdesk_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(200), nullable=False)
    email = Column(String(254), nullable=False)
    subject = Column(String(200), nullable=False)
    message = Column(Text, nullable=False)
    client = Column(String(100), nullable=False, server_default="")  # for throttling
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ServiceUpdate(Base):
    """An operator's announcement in English and Dutch, shown on the landing
    page and the dashboard (each reader's language) until it ends or an
    operator withdraws it."""

    __tablename__ = "service_updates"

    id = Column(Integer, primary_key=True, autoincrement=True)
    title_en = Column(String(200), nullable=False)
    body_en = Column(Text, nullable=False)
    title_nl = Column(String(200), nullable=False)
    body_nl = Column(Text, nullable=False)
    published_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at = Column(DateTime(timezone=True))
    withdrawn_at = Column(DateTime(timezone=True))
