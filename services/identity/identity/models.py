"""Identity's tables (its own database; no other service reads them)."""
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, func, text
from sqlalchemy.orm import declarative_base

from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)


class Account(Base):
    __tablename__ = "accounts"

    id = Column(String(36), primary_key=True)  # the member's user_id everywhere
    username = Column(String(40), nullable=False)
    email = Column(String(254), nullable=False)
    first_name = Column(String(100), nullable=False)
    middle_names = Column(String(100), nullable=False, server_default="")
    last_name = Column(String(100), nullable=False)
    maiden_name = Column(String(100), nullable=False, server_default="")
    date_of_birth = Column(Date)
    password_hash = Column(String(255), nullable=False)
    security_question = Column(String(200))
    security_answer_hash = Column(String(255))
    language = Column(String(2), nullable=False, server_default="en")
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    # Onboarding progress (the guide's steps 5 to 9) and the registration saga.
    profile_ready_at = Column(DateTime(timezone=True))
    affiliation_verified_at = Column(DateTime(timezone=True))
    study_details_at = Column(DateTime(timezone=True))
    guidelines_version = Column(String(20))
    guidelines_agreed_at = Column(DateTime(timezone=True))
    introduction_completed_at = Column(DateTime(timezone=True))

    __table_args__ = (
        # Unique regardless of case.
        Index("uq_accounts_username_lower", func.lower(username), unique=True),
        Index("uq_accounts_email_lower", func.lower(email), unique=True),
    )


class Consent(Base):
    """Which version of a policy a member accepted, and when."""
    __tablename__ = "consents"

    id = Column(Integer, primary_key=True, autoincrement=True)
    account_id = Column(String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    document = Column(String(40), nullable=False)  # privacy_policy, terms, guidelines
    version = Column(String(20), nullable=False)
    accepted_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Session(Base):
    """A server-side login session; only the token's SHA-256 is stored."""
    __tablename__ = "sessions"

    token_hash = Column(String(64), primary_key=True)
    account_id = Column(String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    last_seen_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at = Column(DateTime(timezone=True), nullable=False)
    revoked_at = Column(DateTime(timezone=True))


class RegistrationKey(Base):
    """Idempotency keys of sign-ups, so a retried POST creates one account."""
    __tablename__ = "registration_keys"

    key = Column(String(100), primary_key=True)
    account_id = Column(String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=text("now()"))
