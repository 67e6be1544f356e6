"""Profiles' tables (its own database)."""
from sqlalchemy import Column, DateTime, MetaData, String, Text, func
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
