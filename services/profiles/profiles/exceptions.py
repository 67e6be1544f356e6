"""Errors profiles raises across the wire (the shared remote error types)."""
from mentornet_contracts.errors import Forbidden, InvalidInput, NotFound  # noqa: F401  (re-exported)


def profile_not_found():
    return NotFound("profile_not_found", "No such profile.")
