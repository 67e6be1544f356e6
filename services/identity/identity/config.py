"""Identity's settings: the environment (DESIGN.md section 3) and the
university's deployment file (UNIVERSITY_CONFIG, default data/university.yaml)."""
import functools
import os

import yaml

from mentornet_platform import settings

_DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "data", "university.yaml")


@functools.lru_cache(maxsize=None)
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
