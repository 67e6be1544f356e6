"""Usernames: suggested as firstname.lastname in lower-case ASCII."""

import re
import unicodedata

from sqlalchemy import func, select

from identity.models import Account


def fold(text):
    """'Zoë van der Berg' -> 'zoevanderberg': accents dropped, ASCII letters and digits kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", ascii_only)


def base_username(first_name, last_name):
    first, last = fold(first_name or ""), fold(last_name or "")
    candidate = ".".join(part for part in (first, last) if part) or "member"
    if not candidate[0].isalpha():
        candidate = "m" + candidate
    candidate = candidate[:36]
    return candidate if len(candidate) >= 3 else (candidate + "000")[:3]


def is_taken(session, username):
    return (
        session.execute(
            select(Account.id).where(func.lower(Account.username) == username.lower())
        ).first()
        is not None
    )


def suggest(session, first_name, last_name):
    base = base_username(first_name, last_name)
    taken = {
        row[0]
        for row in session.execute(
            select(func.lower(Account.username)).where(
                func.lower(Account.username).like(base.replace("_", r"\_") + "%")
            )
        )
    }
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"
