"""Errors notifications raises across the wire (the shared remote error types)."""

from mentornet_contracts.errors import (  # noqa: F401  (re-exported)
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Throttled,
    invalid,
    invalid_input,
)
