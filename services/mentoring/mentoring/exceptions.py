"""Errors mentoring raises across the wire (the shared remote error types)."""
from mentornet_contracts.errors import Conflict, Forbidden, InvalidInput, NotFound  # noqa: F401
