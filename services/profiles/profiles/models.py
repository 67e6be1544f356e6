"""Profiles' tables (its own database)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import declarative_base

from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)


class Profile(Base):
    """The member's personal profile (step 10 of the guide) and mentor settings."""

    __tablename__ = "profiles"

    user_id = Column(String(36), primary_key=True)  # identity's account id
    username = Column(String(40), nullable=False)
    # personal details
    first_name = Column(String(100), nullable=False)
    middle_names = Column(String(100), nullable=False, server_default="")
    last_name = Column(String(100), nullable=False)
    headline = Column(String(125), nullable=False, server_default="")
    bio = Column(Text, nullable=False, server_default="")
    # e-mail and web (contact details: the member and their mentoring partners only)
    email = Column(String(254), nullable=False)
    website = Column(String(300), nullable=False, server_default="")
    skype = Column(String(100), nullable=False, server_default="")
    linkedin_url = Column(String(300), nullable=False, server_default="")
    # home address (the member and their mentoring partners only)
    address_line1 = Column(String(200), nullable=False, server_default="")
    address_line2 = Column(String(200), nullable=False, server_default="")
    city = Column(String(100), nullable=False, server_default="")
    region = Column(String(100), nullable=False, server_default="")
    postcode = Column(String(20), nullable=False, server_default="")
    country = Column(String(2), nullable=False, server_default="")  # ISO 3166-1 alpha-2
    # what identity told us: verified affiliation and role
    verified = Column(Boolean, nullable=False, server_default="false")
    role = Column(String(10))
    # Suspended by an operator (identity's account_suspended): out of search
    # until account_unsuspended; the later of the two by identity's clock wins.
    suspended = Column(Boolean, nullable=False, server_default="false")
    suspension_changed_at = Column(DateTime(timezone=True))
    # mentor settings
    mentor_available = Column(Boolean, nullable=False, server_default="false")
    mentor_activities = Column(ARRAY(String(40)), nullable=False, server_default="{}")
    mentor_max_mentees = Column(Integer, nullable=False, server_default="1")
    mentor_sectors = Column(ARRAY(String(60)), nullable=False, server_default="{}")
    mentor_languages = Column(ARRAY(String(2)), nullable=False, server_default="{}")
    mentor_note = Column(String(500), nullable=False, server_default="")
    # kept from mentoring's events: how many mentees the member mentors now
    current_mentees = Column(Integer, nullable=False, server_default="0")
    # Folded text (lower case, accents removed) of name, headline, bio,
    # positions and studies, written with every change; searched through the
    # generated tsvector below (simple + English + Dutch stems).
    search_text = Column(Text, nullable=False, server_default="")
    search_vector = Column(
        TSVECTOR,
        Computed(
            "to_tsvector('simple'::regconfig, search_text) || "
            "to_tsvector('english'::regconfig, search_text) || "
            "to_tsvector('dutch'::regconfig, search_text)",
            persisted=True,
        ),
    )
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    # LinkedIn: connected (from identity's linkedin_linked/unlinked events; the
    # time of the latest one applied, so a late older one changes nothing) and
    # the last import from it.
    linkedin_connected_at = Column(DateTime(timezone=True))
    linkedin_link_changed_at = Column(DateTime(timezone=True))
    linkedin_imported_at = Column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_profiles_search_vector", "search_vector", postgresql_using="gin"),
        Index(
            "ix_profiles_directory_order",
            "last_name",
            "first_name",
            "user_id",
            postgresql_where=text("verified"),
        ),
    )


class Position(Base):
    """A job in the member's professional history."""

    __tablename__ = "positions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    user_id = Column(
        String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation = Column(String(200), nullable=False)
    title = Column(String(200), nullable=False)
    sector = Column(String(60), nullable=False, server_default="")
    location = Column(String(200), nullable=False, server_default="")
    start_month = Column(Date, nullable=False)  # the first day of the month
    end_month = Column(Date)
    current = Column(Boolean, nullable=False, server_default="false")
    # Where the member put it in their list (0 first): they order it on the profile page.
    rank = Column(Integer, nullable=False, server_default="0")
    source = Column(String(20), nullable=False, server_default="member")  # member, linkedin


class Education(Base):
    """A study on the member's profile; the one from registration is marked
    verified when the university's records confirmed it."""

    __tablename__ = "educations"

    id = Column(Integer, primary_key=True, autoincrement=True)
    user_id = Column(
        String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"), nullable=False, index=True
    )
    source = Column(
        String(20), nullable=False, server_default="member"
    )  # registration, member, linkedin
    institution = Column(String(200), nullable=False)
    programme = Column(String(200), nullable=False)
    faculty = Column(String(200), nullable=False, server_default="")
    year_started = Column(Integer)
    year_graduated = Column(Integer)
    verified = Column(Boolean, nullable=False, server_default="false")

    __table_args__ = (
        # profiles_fold() is created by migration 0004.
        Index(
            "ix_educations_programme_folded",
            text("profiles_fold(programme) text_pattern_ops"),
            postgresql_include=["year_graduated", "user_id", "programme"],
        ),
        Index("ix_educations_year_graduated", "year_graduated", postgresql_include=["user_id"]),
    )


class OpenMentor(Base):
    """One narrow row per open mentor (available, verified, room left): what
    search and recommendations read.  Written only by migration 0004's triggers
    on ``profiles``, in the same transaction as the change."""

    __tablename__ = "open_mentors"

    user_id = Column(String(36), primary_key=True)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    headline = Column(String(125), nullable=False)
    role = Column(String(10))
    country = Column(String(2), nullable=False)
    sectors = Column(ARRAY(String(60)), nullable=False)
    activities = Column(ARRAY(String(40)), nullable=False)
    languages = Column(ARRAY(String(2)), nullable=False)
    room_left = Column(Integer, nullable=False)
    search_vector = Column(TSVECTOR)

    __table_args__ = (
        Index("ix_open_mentors_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_open_mentors_sectors", "sectors", postgresql_using="gin"),
        Index("ix_open_mentors_activities", "activities", postgresql_using="gin"),
        Index("ix_open_mentors_languages", "languages", postgresql_using="gin"),
        Index(
            "ix_open_mentors_default_order",
            text("room_left DESC"),
            "last_name",
            "first_name",
            "user_id",
        ),
        Index("ix_open_mentors_country", "country"),
    )


class MentorSectorCount(Base):
    """Open mentors per sector (the sector cloud), kept by the same triggers."""

    __tablename__ = "mentor_sector_counts"

    sector = Column(String(60), primary_key=True)
    mentors = Column(Integer, nullable=False, server_default="0")


class MentoringRelationship(Base):
    """Mentoring's relationships as profiles learns of them (by event), kept by
    id so that events applied in any order leave the right state: an end that
    arrives before its start is kept (ended, not started) and the late start
    then changes nothing.  A started, not ended one makes its two members
    partners (they may see each other's contact details) and counts against
    the mentor's room.  Ids below zero are partnerships carried over from
    before migration 0005, which did not know the relationship's id."""

    __tablename__ = "mentoring_relationships"

    relationship_id = Column(BigInteger, primary_key=True, autoincrement=False)
    mentor_id = Column(String(36), nullable=False)
    mentee_id = Column(String(36), nullable=False)
    started = Column(Boolean, nullable=False)
    ended = Column(Boolean, nullable=False)

    __table_args__ = (
        Index(
            "ix_mentoring_relationships_current_pair",
            "mentor_id",
            "mentee_id",
            postgresql_where=text("started AND NOT ended"),
        ),
        Index(
            "ix_mentoring_relationships_current_mentee",
            "mentee_id",
            postgresql_where=text("started AND NOT ended"),
        ),
    )


class ForgottenMember(Base):
    """Ids of deleted accounts (nothing else), so late events do not recreate them."""

    __tablename__ = "forgotten_members"

    user_id = Column(String(36), primary_key=True)
    forgotten_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Photo(Base):
    """A member's photo: JPEG bytes re-encoded by Pillow (metadata stripped),
    never the uploaded file; ``digest`` (SHA-256) is its ETag."""

    __tablename__ = "photos"

    # No foreign key: sign-up with LinkedIn stores the photo before the saga has
    # made the profile; forget_member deletes it with the profile.
    user_id = Column(String(36), primary_key=True)
    content_type = Column(String(40), nullable=False)
    data = Column(LargeBinary, nullable=False)
    digest = Column(String(64), nullable=False)
    source = Column(String(20), nullable=False, server_default="member")  # member, linkedin
    updated_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
