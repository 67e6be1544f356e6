"""Errors mentoring raises across the wire (the shared remote error types)."""

from mentornet_contracts.errors import (  # noqa: F401  (re-exported)
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    invalid,
)
