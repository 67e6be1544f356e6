"""Checks shared by requests and relationships: the clock (given in tests) and a
member's free text."""

from datetime import UTC, datetime

from mentoring import config, exceptions


def now(now=None):
    return now or datetime.now(UTC)


def text(value, field, required=None):
    """A member's free text (a message, reply or reason): a string of at most
    MESSAGE_MAX characters; ``required`` is what to say when it is blank."""
    if required and (not isinstance(value, str) or not value.strip()):
        raise exceptions.invalid(field, required)
    if not isinstance(value, str):
        raise exceptions.invalid(field, f"The {field} must be text.")
    if len(value) > config.MESSAGE_MAX:
        raise exceptions.invalid(field, f"Keep the {field} under {config.MESSAGE_MAX} characters.")
