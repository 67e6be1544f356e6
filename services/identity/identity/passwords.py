"""Password rules and hashing (docs/architecture.md, section 6).

argon2id with 19 MiB, t=2, p=1 (OWASP's minimum).  Hashing takes tens of
milliseconds of CPU, so the service runs it in eventlet's thread pool: a login
in progress does not stall every other request of the service.
"""

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 15
MAX_LENGTH = 128

hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

_BLOCKLIST_FILE = os.path.join(os.path.dirname(__file__), "data", "common-passwords.txt")


def _load_blocklist():
    with open(_BLOCKLIST_FILE, encoding="utf-8") as lines:
        return {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}


BLOCKLIST = _load_blocklist()


def password_problem(password):
    """Why ``password`` is refused, or None.  No composition rules, by design."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters; a few unrelated words make a good password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in BLOCKLIST or len(set(password)) <= 2:
        return "This password is too common; choose another."
    return None


PERSONAL_PASSWORD = "Do not use your username, e-mail address or name as your password."


def _folded(value):
    """Case and spacing do not make a password differ from a name."""
    return "".join((value or "").split()).casefold()


def personal_problem(
    password, username="", email="", first_name="", middle_names="", last_name="", maiden_name=""
):
    """Why ``password`` is refused for being the account's own words (NIST SP
    800-63B's context-specific words: an attacker who knows the member tries
    these first), or None.  Each name alone and the whole name count."""
    names = [first_name, middle_names, last_name, maiden_name]
    words = {
        username,
        email,
        (email or "").rpartition("@")[0],
        *names,
        " ".join([first_name, last_name]),
        " ".join([first_name, middle_names, last_name]),
        " ".join([last_name, first_name]),
    }
    folded = _folded(password)
    if any(folded == _folded(word) for word in words if _folded(word)):
        return PERSONAL_PASSWORD
    return None


def _off_loop(function, *args):
    try:
        from eventlet import patcher, tpool
    except ImportError:  # pragma: no cover
        return function(*args)
    if patcher.is_monkey_patched("thread"):
        return tpool.execute(function, *args)
    return function(*args)


def hash_password(password):
    return _off_loop(hasher.hash, password)


def verify_password(password_hash, password):
    def verify():
        try:
            return hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return _off_loop(verify)


# Verified against when the username is unknown, so an unknown user costs the
# same as a wrong password and logins do not reveal which usernames exist.
DUMMY_HASH = hasher.hash("this is not anybody's password at all")


def normalise_answer(answer):
    """Security answers match regardless of case and spacing."""
    return " ".join(answer.split()).casefold()
