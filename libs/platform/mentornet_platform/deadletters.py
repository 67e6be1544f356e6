"""Operator's tool for a service's dead-letter store.

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

from sqlalchemy import Connection, Row, create_engine, text

from mentornet_platform import settings


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
                " updated_at = now() WHERE id = ANY(:ids) AND status <> 'done' RETURNING id"
            ),
            {"ids": list(ids)},
        )
    return [row.id for row in result]


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
