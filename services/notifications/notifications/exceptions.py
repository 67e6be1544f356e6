"""Errors notifications raises across the wire (the shared remote error types)."""
from mentornet_contracts.errors import Forbidden, InvalidInput, NotFound  # noqa: F401
