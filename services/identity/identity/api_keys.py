"""Named API keys for automation, in place of one shared admin token.

An administrator makes one in the console (or ``python -m identity.operators
api-key``) with a name and the areas it may act in (its scopes, from
mentornet_contracts.operators.API_KEY_SCOPES); the key is shown once and only
its SHA-256 is kept (it is 32 random bytes: a slow hash would add nothing).
A revoked key stops at once.  Every use of a key is an Actor like an
operator's, so what a key does is in the audit log under its name.
"""

import secrets
from datetime import UTC, datetime

from sqlalchemy import select

from identity import audit, exceptions, throttling, tokens
from identity.models import ApiKey
from mentornet_contracts.operators import API_KEY_SCOPES

KEY_PREFIX = "mnk_"


def _now():
    return datetime.now(UTC)


def _checked(name, scopes):
    problems = {}
    name = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(name) <= 100:
        problems["name"] = ["Give the key a name of 1 to 100 characters."]
    if (
        not isinstance(scopes, list)
        or not scopes
        or any(scope not in API_KEY_SCOPES for scope in scopes)
    ):
        problems["scopes"] = ["Choose at least one area the key may act in."]
    if problems:
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.", problems)
    return name, sorted(set(scopes), key=API_KEY_SCOPES.index)


def _make(session, name, scopes, creator, client):
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        prefix=raw[:10],
        key_hash=tokens.digest(raw),
        scopes=scopes,
        created_at=_now(),
        created_by=creator.name,
    )
    session.add(key)
    session.flush()
    audit.record(
        session, creator, "api_key_created", name, {"scopes": scopes, "id": key.id}, client
    )
    return {"id": key.id, "name": name, "scopes": scopes, "prefix": key.prefix, "key": raw}


def create(db, credentials, name, scopes, client=""):
    name, scopes = _checked(name, scopes)
    with db.transaction() as session:
        creator = audit.actor(session, credentials, "api_keys")
        return _make(session, name, scopes, creator, client)


def create_by_command(db, name, scopes):
    name, scopes = _checked(name, list(scopes))
    with db.transaction() as session:
        return _make(session, name, scopes, audit.COMMAND, "")


def revoke(db, credentials, key_id, client=""):
    with db.transaction() as session:
        revoker = audit.actor(session, credentials, "api_keys")
        key = session.get(ApiKey, key_id, with_for_update=True) if isinstance(key_id, int) else None
        if key is None:
            raise exceptions.NotFound("api_key_not_found", "No such API key.")
        if key.revoked_at is None:
            key.revoked_at = _now()
            audit.record(session, revoker, "api_key_revoked", key.name, {"id": key.id}, client)
        return {"id": key.id, "revoked": True}


def listed(db, credentials):
    with db.transaction() as session:
        audit.actor(session, credentials, "api_keys")
        keys = session.execute(select(ApiKey).order_by(ApiKey.id.desc())).scalars().all()
        return {
            "items": [
                {
                    "id": key.id,
                    "name": key.name,
                    "prefix": key.prefix,
                    "scopes": list(key.scopes),
                    "created_at": key.created_at.isoformat(),
                    "created_by": key.created_by,
                    "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
                    "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
                }
                for key in keys
            ]
        }


def actor_for_key(session, raw):
    """The Actor of a live key, or NotAuthenticated."""
    if not isinstance(raw, str) or not raw.startswith(KEY_PREFIX):
        raise exceptions.NotAuthenticated("not_authenticated", "This API key is not valid.")
    key = session.execute(select(ApiKey).where(ApiKey.key_hash == tokens.digest(raw))).scalar()
    if key is None or key.revoked_at is not None:
        raise exceptions.NotAuthenticated("not_authenticated", "This API key is not valid.")
    return audit.Actor("api_key", str(key.id), f"API key: {key.name}", tuple(key.scopes))


def authenticate(db, key, area, client=""):
    """The gateway's check of a bearer key for ``area``: a wrong key uses one of
    the client's attempts (a right one gives it back), so guessing runs out."""
    throttling.use_allowance(db, client, "api_key")
    with db.transaction() as session:
        acting = audit.actor(session, {"api_key": key}, area)
        row = session.get(ApiKey, int(acting.id))
        now = _now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() >= 60:
            row.last_used_at = now
        if client:
            throttling.give_back(session, client, "api_key")
        return {"name": acting.name, "scopes": list(acting.areas)}
