"""Identity's settings: the environment (docs/architecture.md, section 5) and the
university's deployment file (UNIVERSITY_CONFIG, default data/university.yaml)."""

import functools
import os
import re

import yaml

from mentornet_platform import settings

_DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "data", "university.yaml")


@functools.cache
def university():
    with open(settings.get("UNIVERSITY_CONFIG", _DEFAULT_FILE), encoding="utf-8") as source:
        return yaml.safe_load(source)


public_base_url = settings.public_base_url


def number(name, default):
    return float(settings.get(name, str(default)))


# Login throttling: after LOGIN_FREE_FAILURES failures in a row a login name is
# locked, for LOGIN_LOCK_SECONDS doubling with each further failure, capped.
LOGIN_FREE_FAILURES = int(number("LOGIN_FREE_FAILURES", 5))
LOGIN_LOCK_SECONDS = number("LOGIN_LOCK_SECONDS", 60)
LOGIN_LOCK_MAX_SECONDS = number("LOGIN_LOCK_MAX_SECONDS", 900)
# Failed record matches an account may make before only a manual review is left.
AFFILIATION_MAX_FAILURES = int(number("AFFILIATION_MAX_FAILURES", 5))
EMAIL_CONFIRMATION_HOURS = number("EMAIL_CONFIRMATION_HOURS", 48)
PASSWORD_RESET_MINUTES = number("PASSWORD_RESET_MINUTES", 30)
# Wrong security answers one reset link allows before it is spent.
RESET_ANSWER_ATTEMPTS = int(number("RESET_ANSWER_ATTEMPTS", 3))


# Per-client allowances (throttling.py, README "Limits per client"): each
# written "N per [M] unit", e.g. "50 per 15 minutes".
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def allowance(name, default):
    """(attempts, seconds) of the setting ``name``; a bad one stops the service
    at start rather than leaving a limit off."""
    written = settings.get(name, default)
    match = re.fullmatch(
        r"\s*(\d+)\s+per\s+(?:(\d+)\s+)?(second|minute|hour|day)s?\s*", written, re.IGNORECASE
    )
    if match is None or int(match[1]) < 1 or int(match[2] or 1) < 1:
        raise ValueError(f"{name}: write it as '50 per 15 minutes', not {written!r}")
    return int(match[1]), int(match[2] or 1) * _UNITS[match[3].lower()]


CLIENT_LIMITS = {
    # Failed logins; a successful one uses LOGIN_SUCCESS_COST of an attempt.
    "login": allowance("CLIENT_LIMIT_LOGIN", "50 per 15 minutes"),
    # Sign-ups with a well-formed form (each pays two argon2 hashes).
    "sign_up": allowance("CLIENT_LIMIT_SIGN_UP", "60 per hour"),
    # Reset requests (each mails), completions (each hashes), wrong security
    # answers and unknown reset links.
    "password_reset": allowance("CLIENT_LIMIT_PASSWORD_RESET", "30 per hour"),
    # Confirmation links that are unknown, used or expired.
    "email_confirmation": allowance("CLIENT_LIMIT_EMAIL_CONFIRMATION", "30 per hour"),
    # Wrong API keys at the gateway's admin API (api_keys.py).
    "api_key": allowance("CLIENT_LIMIT_API_KEY", "10 per hour"),
}
# A room of students logging in behind one address should not use up the
# allowance that typos and attackers draw on: a success costs a tenth.
LOGIN_SUCCESS_COST = 0.1
