"""A service's dead-letter store (``failed_events`` parked as ``dead``), for
operators: the console's RPCs and a command-line tool.

Every service's class inherits :class:`DeadLetterEntrypoints` (its RPCs:
list, show one, replay), so the console reads and replays each service's
store the same way.  The command-line tool does the same on the database::

    python -m mentornet_platform.deadletters SERVICE list [--all]
    python -m mentornet_platform.deadletters SERVICE show ID
    python -m mentornet_platform.deadletters SERVICE replay ID [ID ...] | --all-dead

SERVICE picks the database from ``<SERVICE>_DATABASE_URL``.  Replaying puts a
parked event back in the retry queue with a fresh set of attempts; the running
service applies it (once: the handler stays idempotent).
"""

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, create_engine, text

from mentornet_contracts.errors import NotFound
from mentornet_contracts.events import without_secrets
from mentornet_platform import settings
from mentornet_platform.rpc import rpc


def list_failed(connection: Connection, include_all: bool = False) -> Sequence[Row]:
    where = "" if include_all else "WHERE status <> 'done'"
    return connection.execute(
        text(
            "SELECT id, event_id, handler, status, attempts, next_attempt_at, updated_at, last_error"
            f" FROM failed_events {where} ORDER BY id"
        )
    ).all()


def replay(connection: Connection, ids: Iterable[int] = (), all_dead: bool = False) -> list[int]:
    if all_dead:
        result = connection.execute(
            text(
                "UPDATE failed_events SET status = 'retrying', attempts = 0, next_attempt_at = now(),"
                " updated_at = now() WHERE status = 'dead' RETURNING id"
            )
        )
    else:
        result = connection.execute(
            text(
                "UPDATE failed_events SET status = 'retrying', attempts = 0, next_attempt_at = now(),"
                " updated_at = now() WHERE id = ANY(:ids) AND status = 'dead' RETURNING id"
            ),
            {"ids": list(ids)},
        )
    return [row.id for row in result]


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _summary(row: Any) -> dict[str, Any]:
    envelope = row.envelope if isinstance(row.envelope, dict) else {}
    return {
        "id": row.id,
        "event_id": str(row.event_id),
        "event_type": envelope.get("type") or "",
        "handler": row.handler,
        "status": row.status,
        "attempts": row.attempts,
        "error": row.last_error or "",
        "parked_at": _when(row.updated_at),
        "first_failed_at": _when(row.created_at),
    }


def dead_letters(connection: Connection) -> dict[str, Any]:
    """The parked events, latest first, and how many failures still wait for a retry."""
    rows = connection.execute(
        text(
            "SELECT id, event_id, handler, envelope, status, attempts, last_error, created_at,"
            " updated_at FROM failed_events WHERE status = 'dead' ORDER BY updated_at DESC, id DESC"
        )
    ).all()
    retrying = connection.execute(
        text("SELECT count(*) FROM failed_events WHERE status = 'retrying'")
    ).scalar_one()
    return {"items": [_summary(row) for row in rows], "retrying": retrying}


NOT_SHOWN = "(not shown: no handler of this service knows this event)"


def dead_letter(connection: Connection, dead_letter_id: int, source: str) -> dict[str, Any]:
    """One stored failure with its payload (a single-use link it carries is
    not shown: the operator needs the event, not the member's secret)."""
    row = connection.execute(
        text(
            "SELECT id, event_id, handler, envelope, status, attempts, last_error, created_at,"
            " updated_at, correlation_id FROM failed_events WHERE id = :id"
        ),
        {"id": dead_letter_id},
    ).first()
    if row is None:
        raise NotFound("dead_letter_not_found", f"no stored failure {dead_letter_id}")
    envelope = row.envelope if isinstance(row.envelope, dict) else {"body": row.envelope}
    if source == "-":
        # No handler of this service knows it: which of its fields are secret
        # cannot be said, so none is shown.
        envelope = {**envelope, "data": NOT_SHOWN}
    else:
        envelope = (without_secrets(source, envelope) if "type" in envelope else None) or envelope
    return {
        **_summary(row),
        "source": source,
        "version": envelope.get("version"),
        "occurred_at": envelope.get("occurred_at"),
        "correlation_id": row.correlation_id,
        "payload": envelope.get("data", envelope),
    }


class DeadLetterEntrypoints:
    """The dead-letter RPCs every service has (its class inherits this; nameko
    finds inherited entrypoints).  Uses the service's ``db`` and its
    ``event_inbox`` (which knows each handler's source).  The gateway's
    console checks that the operator may act in ``dead_letters`` (these RPCs
    are for the gateway only) and records each replay in the audit log."""

    db: Any
    event_inbox: Any

    @rpc
    def list_dead_letters(self) -> dict[str, Any]:
        with self.db.transaction() as session:
            return dead_letters(session.connection())

    @rpc
    def get_dead_letter(self, dead_letter_id: int) -> dict[str, Any]:
        with self.db.transaction() as session:
            row = session.execute(
                text("SELECT handler FROM failed_events WHERE id = :id"), {"id": dead_letter_id}
            ).first()
            source = self.event_inbox.sources.get(row.handler, "-") if row else "-"
            return dead_letter(session.connection(), dead_letter_id, source)

    @rpc
    def replay_dead_letters(
        self, dead_letter_ids: list[int] | None = None, every_dead: bool = False
    ) -> dict[str, Any]:
        """Back to the retry queue: the ids given (if still waiting) or every
        parked one; answers the ids replayed."""
        with self.db.transaction() as session:
            ids = replay(session.connection(), dead_letter_ids or (), all_dead=every_dead)
        return {"replayed": ids}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="deadletters",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("service", choices=["identity", "profiles", "mentoring", "notifications"])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="failed events still waiting (or --all)")
    listing.add_argument("--all", action="store_true", help="include events a retry has fixed")
    show = commands.add_parser("show", help="one failed event with its envelope")
    show.add_argument("id", type=int)
    again = commands.add_parser("replay", help="retry parked events")
    again.add_argument("ids", type=int, nargs="*")
    again.add_argument("--all-dead", action="store_true")
    args = parser.parse_args(argv)

    engine = create_engine(settings.database_url(args.service))
    with engine.begin() as connection:
        if args.command == "list":
            rows = list_failed(connection, args.all)
            print(f"{'id':>5}  {'status':9} {'attempts':>8}  {'handler':32} event_id / last error")
            for row in rows:
                print(
                    f"{row.id:>5}  {row.status:9} {row.attempts:>8}  {row.handler:32} {row.event_id}"
                )
                print(f"{'':58}{(row.last_error or '')[:120]}")
            print(f"{len(rows)} failed event(s)")
        elif args.command == "show":
            found = (
                connection.execute(
                    text("SELECT * FROM failed_events WHERE id = :id"), {"id": args.id}
                )
                .mappings()
                .first()
            )
            if found is None:
                print(f"no failed event {args.id}", file=sys.stderr)
                return 1
            print(json.dumps(dict(found), indent=2, default=str))
        elif args.command == "replay":
            if not args.ids and not args.all_dead:
                parser.error("replay needs IDs or --all-dead")
            replayed = replay(connection, args.ids, args.all_dead)
            print(f"replaying {len(replayed)} event(s): {', '.join(map(str, replayed)) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
