"""Errors identity raises across the wire.

They are the shared remote error types (see mentornet_contracts.errors), so
the gateway maps them to HTTP; the ``code`` says which rule was broken.
"""

from mentornet_contracts.errors import (  # noqa: F401  (re-exported)
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    Throttled,
    invalid,
    invalid_input,
)

INVALID_CREDENTIALS = "The username or password is incorrect."


def username_taken(username):
    return Conflict(
        "username_taken",
        f"The username '{username}' is already taken.",
        {"username": ["This username is already taken."]},
    )


def email_taken():
    return Conflict(
        "email_taken",
        "An account with this e-mail address already exists.",
        {"email": ["An account with this e-mail address already exists."]},
    )


def email_confirmed_elsewhere():
    return Conflict(
        "email_taken",
        "Another account has confirmed this e-mail address; "
        "log in to that account, or give another address.",
        {"email": ["Another account has confirmed this e-mail address."]},
    )


def invalid_credentials():
    return NotAuthenticated("invalid_credentials", INVALID_CREDENTIALS)


def session_invalid():
    return NotAuthenticated("session_invalid", "Your session has ended; please log in again.")


def account_suspended():
    return NotAuthenticated(
        "account_suspended",
        "This account is suspended after a report; contact the helpdesk if you think this is a mistake.",
    )
