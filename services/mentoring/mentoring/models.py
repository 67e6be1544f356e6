"""Mentoring's tables (its own database)."""

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
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import declarative_base

from mentornet_contracts.statuses import MeetingStatus, RequestStatus
from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)


class Member(Base):
    """A member as mentoring knows them (from identity's events)."""

    __tablename__ = "members"

    user_id = Column(String(36), primary_key=True)
    role = Column(String(10))
    onboarded = Column(Boolean, nullable=False, server_default="false")
    # The time zone the member last chose for a meeting (an IANA name): their
    # meetings are shown, and mailed, in it.
    time_zone = Column(String(64))
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    onboarded_at = Column(DateTime(timezone=True))  # identity's completed_at
    # When mentors were suggested to them for asking nobody (nudges.py): once.
    mentors_suggested_at = Column(DateTime(timezone=True))


class MentorOffer(Base):
    """What a mentor offers (from profiles' mentor_settings_changed); the row
    also serialises accepts: capacity is checked under its lock."""

    __tablename__ = "mentor_offers"

    user_id = Column(String(36), primary_key=True)
    available = Column(Boolean, nullable=False)
    activities = Column(ARRAY(String(40)), nullable=False)
    max_mentees = Column(Integer, nullable=False)
    changed_at = Column(DateTime(timezone=True), nullable=False)


class MentoringRequest(Base):
    __tablename__ = "mentoring_requests"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    mentee_id = Column(String(36), nullable=False)
    mentor_id = Column(String(36), nullable=False)
    activities = Column(ARRAY(String(40)), nullable=False)
    message = Column(Text, nullable=False)
    status = Column(String(10), nullable=False, server_default=RequestStatus.PENDING.value)
    reply = Column(Text, nullable=False, server_default="")
    decline_reason = Column(String(30))
    created_at = Column(DateTime(timezone=True), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    reminded_at = Column(DateTime(timezone=True))
    decided_at = Column(DateTime(timezone=True))
    relationship_id = Column(BigInteger)

    __table_args__ = (
        Index("ix_requests_mentee", "mentee_id", "created_at"),
        Index("ix_requests_mentor", "mentor_id", "created_at"),
        Index(
            "ix_requests_pending_expiry",
            "expires_at",
            postgresql_where=text(f"status = '{RequestStatus.PENDING}'"),
        ),
        # One open request per mentee and mentor.
        Index(
            "uq_requests_open_pair",
            "mentee_id",
            "mentor_id",
            unique=True,
            postgresql_where=text(f"status = '{RequestStatus.PENDING}'"),
        ),
    )


class RequestHistory(Base):
    """Every state change of a request: what, who and when."""

    __tablename__ = "request_history"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    request_id = Column(
        BigInteger,
        ForeignKey("mentoring_requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    status = Column(String(10), nullable=False)  # a RequestStatus
    actor_id = Column(String(36))  # None: the system (expiry)
    note = Column(Text, nullable=False, server_default="")
    at = Column(DateTime(timezone=True), nullable=False)


class Relationship(Base):
    __tablename__ = "relationships"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    mentor_id = Column(String(36), nullable=False)
    mentee_id = Column(String(36), nullable=False)
    activities = Column(ARRAY(String(40)), nullable=False)
    request_id = Column(BigInteger, nullable=False)
    started_at = Column(DateTime(timezone=True), nullable=False)
    ended_at = Column(DateTime(timezone=True))
    ended_by = Column(String(36))
    end_reason = Column(Text, nullable=False, server_default="")
    outcome = Column(String(12))  # completed or ended_early, once ended
    # The newest meeting, message or goal activity (the start to begin with);
    # nudges.record_activity moves it, only ever forward.
    last_activity_at = Column(DateTime(timezone=True), nullable=False)
    # When both were nudged for the quiet spell that last_activity_at began.
    nudged_at = Column(DateTime(timezone=True))

    __table_args__ = (
        # One current relationship per pair (migration 0004); also the mentor's current ones.
        Index(
            "uq_relationships_current_pair",
            "mentor_id",
            "mentee_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index(
            "ix_relationships_mentee_current",
            "mentee_id",
            postgresql_where=text("ended_at IS NULL"),
        ),
        # The nudge timer's scan: current relationships by their last activity.
        Index(
            "ix_relationships_quiet",
            "last_activity_at",
            postgresql_where=text("ended_at IS NULL"),
        ),
    )


class Feedback(Base):
    """A member's feedback on a relationship after its end: for the operators'
    statistics in aggregate only, never shown to the partner (feedback.py)."""

    __tablename__ = "relationship_feedback"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    relationship_id = Column(
        BigInteger, ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False
    )
    member_id = Column(String(36), nullable=False)
    rating = Column(Integer, nullable=False)  # 1 to 5
    comment = Column(Text, nullable=False, server_default="")
    given_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        Index("uq_feedback_member", "relationship_id", "member_id", unique=True),
        Index("ix_feedback_member", "member_id"),
    )


class ForgottenMember(Base):
    """Ids of deleted accounts (nothing else), so late events do not recreate them."""

    __tablename__ = "forgotten_members"

    user_id = Column(String(36), primary_key=True)
    forgotten_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


# -- the relationship's workspace (migration 0007) ---------------------------------
class Goal(Base):
    """A goal of a relationship: either member adds it, the mentee ticks it off."""

    __tablename__ = "goals"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    relationship_id = Column(
        BigInteger, ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = Column(Text, nullable=False)
    added_by = Column(String(36), nullable=False)
    added_at = Column(DateTime(timezone=True), nullable=False)
    done_at = Column(DateTime(timezone=True))
    done_by = Column(String(36))


class GoalHistory(Base):
    """Every change of a goal: what (added, done), who and when."""

    __tablename__ = "goal_history"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    goal_id = Column(BigInteger, ForeignKey("goals.id", ondelete="CASCADE"), nullable=False)
    relationship_id = Column(BigInteger, nullable=False, index=True)
    change = Column(String(10), nullable=False)
    actor_id = Column(String(36), nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)


class Meeting(Base):
    """A meeting of the two members: proposed with one or more times, scheduled
    when the other picks one, then maybe moved or cancelled.  ``uid`` and
    ``sequence`` are its calendar invitation's (each change sends sequence + 1)."""

    __tablename__ = "meetings"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    relationship_id = Column(
        BigInteger, ForeignKey("relationships.id", ondelete="CASCADE"), nullable=False, index=True
    )
    uid = Column(String(80), nullable=False, unique=True)
    sequence = Column(Integer, nullable=False, server_default="0")
    # proposed, scheduled, cancelled
    status = Column(String(10), nullable=False, server_default=MeetingStatus.PROPOSED.value)
    proposed_by = Column(String(36), nullable=False)
    proposed_at = Column(DateTime(timezone=True), nullable=False)
    duration_minutes = Column(Integer, nullable=False)
    # Online: the link the members pasted (https); in person: where.  Never ours.
    link = Column(String(500), nullable=False, server_default="")
    place = Column(String(200), nullable=False, server_default="")
    starts_at = Column(DateTime(timezone=True))  # UTC, once a time is picked
    changed_by = Column(String(36))
    changed_at = Column(DateTime(timezone=True))
    # The start the day-before reminder was sent for (a moved meeting is reminded again).
    reminded_for = Column(DateTime(timezone=True))

    __table_args__ = (
        Index(
            "ix_meetings_scheduled_start",
            "starts_at",
            postgresql_where=text("status = 'scheduled'"),
        ),
    )


class MeetingTime(Base):
    """One of the times proposed for a meeting (UTC)."""

    __tablename__ = "meeting_times"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    meeting_id = Column(
        BigInteger, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    starts_at = Column(DateTime(timezone=True), nullable=False)


class MeetingNote(Base):
    """A member's note after a meeting: private to the writer, or shared with the partner."""

    __tablename__ = "meeting_notes"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    meeting_id = Column(
        BigInteger, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id = Column(String(36), nullable=False)
    body = Column(Text, nullable=False)
    shared = Column(Boolean, nullable=False)
    written_at = Column(DateTime(timezone=True), nullable=False)
