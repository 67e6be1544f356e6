"""The operators' audit log: every operator action, who took it (an operator,
an API key, or the command line), what, on what, when and from which client
address.  Entries are only ever inserted, in the same transaction as the
action they record; the database itself refuses to change or delete one
(triggers, migration 0007).  Actions other services carry out (a warning, a
closed report) are recorded through ``record_action`` once they succeeded.

An entry about a member names them by their account id, never by name or
address: the log cannot be changed, and a member's erasure must leave nothing
that names them.  Reading the log shows the member's current username beside
the id while the account exists.

Who acts is resolved here from the credentials the gateway passes on
(``{"operator_token": ...}`` or ``{"api_key": ...}``), so the gateway cannot
name someone else as the actor.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from identity import exceptions
from identity.models import Account, AuditEntry
from mentornet_contracts.operators import ACTIONS

PAGE_SIZE = 50


@dataclass(frozen=True)
class Actor:
    kind: str  # operator, api_key, command
    id: str
    name: str
    areas: tuple = ()


COMMAND = Actor("command", "", "command line")


def record(session, actor, action, subject="", details=None, client=""):
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEntry(
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name,
            action=action,
            subject=str(subject or "")[:100],
            details=details or {},
            client=(client or "")[:100],
        )
    )


def actor(session, credentials, area):
    """The Actor behind ``credentials``, allowed to act in ``area``; else
    NotAuthenticated (no such live session or key) or Forbidden."""
    from identity import api_keys, operators  # both build on this module

    if not isinstance(credentials, dict) or len(credentials) != 1:
        raise exceptions.NotAuthenticated("not_authenticated", "Operators only.")
    ((kind, secret),) = credentials.items()
    if kind == "operator_token":
        found = operators.actor_for_session(session, secret)
    elif kind == "api_key":
        found = api_keys.actor_for_key(session, secret)
    else:
        raise exceptions.NotAuthenticated("not_authenticated", "Operators only.")
    if area not in found.areas:
        raise exceptions.Forbidden("not_allowed", "Your role does not allow this.")
    return found


def record_action(db, credentials, area, action, subject="", details=None, client=""):
    """An action another service carried out for an operator, recorded after it."""
    if action not in ACTIONS:
        raise exceptions.invalid("action", "Unknown action.")
    if details is not None and not isinstance(details, dict):
        raise exceptions.invalid("details", "Give an object.")
    with db.transaction() as session:
        acting = actor(session, credentials, area)
        record(session, acting, action, subject, details, client)
    return {"recorded": True}


def entries(db, credentials, page=1):
    """The log, newest first, a page at a time: readable by every operator."""
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise exceptions.invalid("page", "Give a page number from 1.")
    with db.transaction() as session:
        actor(session, credentials, "audit_log")
        total = session.execute(select(func.count()).select_from(AuditEntry)).scalar()
        rows = (
            session.execute(
                select(AuditEntry)
                .order_by(AuditEntry.id.desc())
                .limit(PAGE_SIZE)
                .offset((page - 1) * PAGE_SIZE)
            )
            .scalars()
            .all()
        )
        members = dict(
            session.execute(
                select(Account.id, Account.username).where(
                    Account.id.in_({row.subject for row in rows})
                )
            ).all()
        )
        return {
            "items": [
                {
                    "id": row.id,
                    "at": row.at.isoformat(),
                    "actor_kind": row.actor_kind,
                    "actor_name": row.actor_name,
                    "action": row.action,
                    "subject": row.subject,
                    "member": members.get(row.subject),
                    "details": row.details,
                    "client": row.client,
                }
                for row in rows
            ],
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "total": total,
        }
