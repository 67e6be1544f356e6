"""Notifications' tables (its own database)."""
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Text, func
from sqlalchemy.orm import declarative_base

from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)


class Member(Base):
    """Who a notification or e-mail goes to, kept from identity's events."""
    __tablename__ = "members"

    user_id = Column(String(36), primary_key=True)
    email = Column(String(254), nullable=False)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    language = Column(String(2), nullable=False)
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
    status = Column(String(10), nullable=False, server_default="pending")  # pending, sent, failed
    attempts = Column(Integer, nullable=False, server_default="0")
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    last_error = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    sent_at = Column(DateTime(timezone=True))


class ForgottenMember(Base):
    """Ids of deleted accounts (nothing else), so late events do not recreate them."""
    __tablename__ = "forgotten_members"

    user_id = Column(String(36), primary_key=True)
    forgotten_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
