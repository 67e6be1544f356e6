"""Mentoring's tables (its own database).  Requests and relationships arrive
with their issue; the messaging tables are here from the start."""
from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

from mentornet_platform.tables import add_messaging_tables

metadata = MetaData()
Base = declarative_base(metadata=metadata)
add_messaging_tables(metadata)
