"""Errors profiles raises across the wire (the shared remote error types)."""

from mentornet_contracts.errors import (  # noqa: F401  (re-exported)
    Forbidden,
    InvalidInput,
    NotFound,
    invalid_input,
)


def profile_not_found():
    return NotFound("profile_not_found", "No such profile.")
