"""Mentoring's tables (its own database)."""
from sqlalchemy import Column, DateTime, MetaData, String, func
from sqlalchemy.orm import declarative_base

from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)


class Member(Base):
    """A member as mentoring knows them: who may ask for and give mentoring."""
    __tablename__ = "members"

    user_id = Column(String(36), primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ForgottenMember(Base):
    """Ids of deleted accounts (nothing else), so late events do not recreate them."""
    __tablename__ = "forgotten_members"

    user_id = Column(String(36), primary_key=True)
    forgotten_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
