"""Identity's tables (its own database; no other service reads them)."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import declarative_base

from mentornet_contracts.statuses import AffiliationStatus, ReviewStatus
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
    email_confirmed_at = Column(DateTime(timezone=True))
    # Onboarding progress (the guide's steps 5 to 9) and the registration saga.
    profile_ready_at = Column(DateTime(timezone=True))
    mentoring_ready_at = Column(DateTime(timezone=True))
    notifications_ready_at = Column(DateTime(timezone=True))
    affiliation_status = Column(
        String(20), nullable=False, server_default=AffiliationStatus.NONE.value
    )
    role = Column(String(10))  # a Role
    affiliation_record_number = Column(String(40))
    affiliation_failures = Column(Integer, nullable=False, server_default="0")
    affiliation_verified_at = Column(DateTime(timezone=True))
    institution = Column(String(200))
    programme = Column(String(200))
    faculty = Column(String(200))
    year_started = Column(Integer)
    year_graduated = Column(Integer)
    study_details_verified = Column(Boolean, nullable=False, server_default="false")
    study_details_at = Column(DateTime(timezone=True))
    guidelines_version = Column(String(20))
    guidelines_agreed_at = Column(DateTime(timezone=True))
    introduction_completed_at = Column(DateTime(timezone=True))
    # Suspended by an operator (a message report): no login, no session, and
    # hidden from search (profiles hears account_suspended).
    suspended_at = Column(DateTime(timezone=True))

    __table_args__ = (
        # Unique regardless of case.
        Index("uq_accounts_username_lower", func.lower(username), unique=True),
        # An address is one account's once confirmed (migration 0004): until
        # then several accounts may give it, so a sign-up reveals nothing.
        Index(
            "uq_accounts_confirmed_email_lower",
            func.lower(email),
            unique=True,
            postgresql_where=email_confirmed_at.is_not(None),
        ),
        Index("ix_accounts_email_lower", func.lower(email)),
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
    account_id = Column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
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


class UniversityRecord(Base):
    """The university's own record of a student, alumnus or staff member,
    loaded by an operator from CSV (``make import-records``)."""

    __tablename__ = "university_records"

    record_number = Column(String(40), primary_key=True)
    role = Column(String(10), primary_key=True)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    date_of_birth = Column(Date, nullable=False)
    programme = Column(String(200), nullable=False, server_default="")
    faculty = Column(String(200), nullable=False, server_default="")
    year_started = Column(Integer)
    year_graduated = Column(Integer)
    email = Column(String(254), nullable=False, server_default="")
    imported_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class AffiliationReview(Base):
    """A member's request for a manual check when no record matched."""

    __tablename__ = "affiliation_reviews"

    id = Column(Integer, primary_key=True, autoincrement=True)
    account_id = Column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role = Column(String(10), nullable=False)
    record_number = Column(String(40), nullable=False)
    note = Column(Text, nullable=False, server_default="")
    status = Column(String(10), nullable=False, server_default=ReviewStatus.PENDING.value)
    reason = Column(Text, nullable=False, server_default="")
    decided_by = Column(String(100))
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    decided_at = Column(DateTime(timezone=True))


class EmailToken(Base):
    """A single-use, time-limited secret sent by e-mail; only its hash is kept."""

    __tablename__ = "email_tokens"

    token_hash = Column(String(64), primary_key=True)
    account_id = Column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # confirm_email, reset_password, reset_grant
    purpose = Column(String(20), nullable=False)
    email = Column(String(254))
    attempts = Column(Integer, nullable=False, server_default="0")
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at = Column(DateTime(timezone=True), nullable=False)
    used_at = Column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Failed logins per account, or per typed name no account has (throttling.py)."""

    __tablename__ = "login_throttles"

    login_key = Column(String(300), primary_key=True)
    failures = Column(Integer, nullable=False, server_default="0")
    locked_until = Column(DateTime(timezone=True))
    last_failure_at = Column(DateTime(timezone=True))


class ClientAllowance(Base):
    """What one client (an IP address, an IPv6 /64) has used of its allowance
    for one kind of attempt (throttling.py): used up until ``spent_until``."""

    __tablename__ = "client_allowances"

    client = Column(String(100), primary_key=True)
    action = Column(String(40), primary_key=True)
    spent_until = Column(DateTime(timezone=True), nullable=False)


class LinkedInIdentity(Base):
    """A LinkedIn member (their OpenID Connect ``sub``) linked to one account.
    Linked only by the logged-in member (Connect) or while signing up, never
    by e-mail address: an address LinkedIn gives is no proof of the account."""

    __tablename__ = "linkedin_identities"

    sub = Column(String(255), primary_key=True)
    account_id = Column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    linked_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class DataExport(Base):
    """A member's request for their data (the export saga): the parts the other
    services sent (``parts``, by service, until the archive is made), then
    the archive itself until it is downloaded once or expires.  Only the
    SHA-256 of the single-use link's token is kept."""

    __tablename__ = "data_exports"

    id = Column(String(36), primary_key=True)
    account_id = Column(
        String(36), ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    requested_at = Column(DateTime(timezone=True), nullable=False)
    parts = Column(JSONB, nullable=False, server_default="{}")
    archive = Column(LargeBinary)
    ready_at = Column(DateTime(timezone=True))
    token_hash = Column(String(64), unique=True)
    expires_at = Column(DateTime(timezone=True))
    downloaded_at = Column(DateTime(timezone=True))


class AccountErasure(Base):
    """The erasure saga of one account: asked for (by the member, or by the
    retention of unfinished sign-ups), each service's confirmation, and when
    identity forgot the account.  Holds the id and times only, and stays."""

    __tablename__ = "account_erasures"

    user_id = Column(String(36), primary_key=True)
    reason = Column(String(20), nullable=False)  # member, retention
    requested_at = Column(DateTime(timezone=True), nullable=False)
    profiles_erased_at = Column(DateTime(timezone=True))
    mentoring_erased_at = Column(DateTime(timezone=True))
    notifications_erased_at = Column(DateTime(timezone=True))
    completed_at = Column(DateTime(timezone=True))


class Operator(Base):
    """A member of the university's staff who runs the network: not a member
    (no profile, no mentoring), kept apart from ``accounts``."""

    __tablename__ = "operators"

    id = Column(String(36), primary_key=True)
    username = Column(String(40), nullable=False)
    role = Column(String(20), nullable=False)  # administrator, reviewer, editor
    password_hash = Column(String(255), nullable=False)
    # The TOTP secret (base32); enrolled once a code made from it was given.
    totp_secret = Column(String(64))
    totp_enrolled_at = Column(DateTime(timezone=True))
    # The last time step whose code was accepted: a code works once.
    totp_last_step = Column(Integer)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    created_by = Column(String(100), nullable=False, server_default="")
    disabled_at = Column(DateTime(timezone=True))

    __table_args__ = (Index("uq_operators_username_lower", func.lower(username), unique=True),)


class OperatorSession(Base):
    """An operator's console session; only the token's SHA-256 is stored.  It
    counts only once the second factor was given (``second_factor_at``); until
    then it lasts minutes and allows nothing but giving it."""

    __tablename__ = "operator_sessions"

    token_hash = Column(String(64), primary_key=True)
    operator_id = Column(
        String(36), ForeignKey("operators.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    last_seen_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at = Column(DateTime(timezone=True), nullable=False)
    second_factor_at = Column(DateTime(timezone=True))
    second_factor_failures = Column(Integer, nullable=False, server_default="0")
    revoked_at = Column(DateTime(timezone=True))


class ApiKey(Base):
    """A named key for automation, with the areas it may act in (``scopes``);
    only its SHA-256 is kept, and ``prefix`` to recognise it in a list."""

    __tablename__ = "api_keys"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(100), nullable=False)
    prefix = Column(String(20), nullable=False)
    key_hash = Column(String(64), nullable=False, unique=True)
    scopes = Column(ARRAY(String(40)), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    created_by = Column(String(100), nullable=False)
    last_used_at = Column(DateTime(timezone=True))
    revoked_at = Column(DateTime(timezone=True))


class AuditEntry(Base):
    """One operator action: who, what, when, from where.  Written only by
    inserting; the database refuses to change or delete a row (migration 0007)."""

    __tablename__ = "audit_entries"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime(timezone=True), nullable=False, server_default=func.now(), index=True)
    actor_kind = Column(String(10), nullable=False)  # operator, api_key, command
    actor_id = Column(String(36), nullable=False, server_default="")
    actor_name = Column(String(100), nullable=False)
    action = Column(String(40), nullable=False)
    subject = Column(String(100), nullable=False, server_default="")
    details = Column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    client = Column(String(100), nullable=False, server_default="")


class RecordsUpload(Base):
    """A CSV file of university records an operator uploaded in the console,
    staged here (under its id, with its SHA-256) until it is confirmed, so the
    confirmation loads exactly the file that was previewed, whichever gateway
    process shows the preview.  The file is dropped once loaded or expired."""

    __tablename__ = "records_uploads"

    id = Column(String(36), primary_key=True)
    file_name = Column(String(200), nullable=False)
    checksum = Column(String(64), nullable=False)
    content = Column(LargeBinary)  # None once loaded or expired
    row_count = Column(Integer, nullable=False)
    # Against the records at staging; once loaded, what the load did.
    added = Column(Integer, nullable=False)
    updated = Column(Integer, nullable=False)
    # {"sample": first rows, "problems": [{line, code, params}], "problem_count"}
    preview = Column(JSONB, nullable=False)
    staged_by = Column(String(100), nullable=False)
    staged_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at = Column(DateTime(timezone=True), nullable=False)
    loaded_by = Column(String(100))
    loaded_at = Column(DateTime(timezone=True))


class DocumentVersion(Base):
    """A published version of a policy (privacy policy, terms, cookie policy)
    or of the guidelines, in English and Dutch.  The newest of a document is
    its current one; none is ever changed or deleted (migration 0009's
    triggers).  A document with no row yet is the university's settings' text
    (data/university.yaml), written here as its first row when an operator
    publishes the next."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document", "version", name="uq_document_versions"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    document = Column(String(40), nullable=False)
    version = Column(String(20), nullable=False)
    title_en = Column(String(200), nullable=False)
    body_en = Column(Text, nullable=False)
    title_nl = Column(String(200), nullable=False)
    body_nl = Column(Text, nullable=False)
    published_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    published_by = Column(String(100), nullable=False)  # the audit log's actor name
