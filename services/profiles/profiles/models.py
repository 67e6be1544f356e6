"""Profiles' tables (its own database)."""
from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Text,
                        func)
from sqlalchemy.orm import declarative_base

from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)


class Profile(Base):
    __tablename__ = "profiles"

    user_id = Column(String(36), primary_key=True)  # identity's account id
    username = Column(String(40), nullable=False)
    first_name = Column(String(100), nullable=False)
    middle_names = Column(String(100), nullable=False, server_default="")
    last_name = Column(String(100), nullable=False)
    email = Column(String(254), nullable=False)
    headline = Column(String(125), nullable=False, server_default="")
    bio = Column(Text, nullable=False, server_default="")
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Education(Base):
    """A study on the member's profile; the one from registration is marked
    verified when the university's records confirmed it."""
    __tablename__ = "educations"

    id = Column(Integer, primary_key=True, autoincrement=True)
    user_id = Column(String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"), nullable=False,
                     index=True)
    source = Column(String(20), nullable=False, server_default="member")  # registration, member
    institution = Column(String(200), nullable=False)
    programme = Column(String(200), nullable=False)
    faculty = Column(String(200), nullable=False, server_default="")
    year_started = Column(Integer)
    year_graduated = Column(Integer)
    verified = Column(Boolean, nullable=False, server_default="false")


class ForgottenMember(Base):
    """Ids of deleted accounts (nothing else), so late events do not recreate them."""
    __tablename__ = "forgotten_members"

    user_id = Column(String(36), primary_key=True)
    forgotten_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
