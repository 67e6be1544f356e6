"""What every service does with its messaging tables when a member is erased
(docs/architecture.md, "Members' data rights").

The outbox keeps published events as history, and the failure store keeps
events a handler could not apply; both may hold a member's name or address
(``account_registered``, a confirmation mail's event).  Once a service has
erased a member, neither may keep them:

- a published outbox row that mentions the member's id keeps its envelope's
  id, type and time, and an empty payload (it is history only, never sent
  again); a row not yet published is left to go out (its consumers need it,
  and it is emptied by the next erasure pass of the same member, if any);
- a stored failure about the member is deleted once it is done or dead, or at
  once when the event is about the member themselves (``user_id``): applying
  it to a forgotten member would change nothing.

``processed_events`` holds event ids and handler names only.
"""

import base64
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from mentornet_platform.outbox import record_event

ERASED_PAYLOAD = '{"erased": true}'


# -- the export saga: a service's part ------------------------------------------
def plain(value: Any) -> Any:
    """A column's value as JSON can carry it."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def row_data(row: Any, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """An ORM row as {column: value}, without the columns named in ``leave_out``."""
    return {
        column.name: plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.name not in leave_out
    }


def rows_data(
    session: Session,
    model: type[Any],
    condition: ColumnElement[bool],
    leave_out: Collection[str] = (),
    order_by: Any = None,
) -> list[dict[str, Any]]:
    """Every row of ``model`` matching ``condition``, as ``row_data``."""
    query = select(model).where(condition)
    if order_by is not None:
        query = query.order_by(order_by)
    return [row_data(row, leave_out) for row in session.execute(query).scalars()]


def send_export_part(
    session: Session, source: str, data: dict[str, Any], part: object
) -> dict[str, Any]:
    """Answer identity's ``data_export_requested`` (``data``) with this
    service's ``part``: ``<source>_data_exported``, through the outbox, which
    keeps the part only until the broker has it."""
    return record_event(
        session,
        source,
        f"{source}_data_exported",
        {"export_id": str(data["export_id"]), "user_id": str(data["user_id"]), "part": part},
    )


def confirm_erased(session: Session, source: str, event_type: str, user_id: str) -> dict[str, Any]:
    """The erasure saga's step of this service is done: identity is told."""
    return record_event(
        session, source, event_type, {"user_id": user_id, "erased_at": datetime.now(UTC)}
    )


def erase_from_messaging_tables(session: Session, user_id: str, *words: str | None) -> None:
    """Empty or delete, in ``session``'s transaction, what the outbox and the
    failure store keep about ``user_id`` or mention of any of ``words`` (the
    member's names, username and address, as this service knew them)."""
    patterns = [f"%{user_id}%"] + [f"%{word}%" for word in words if word]
    session.execute(
        text(
            "UPDATE outbox_events SET envelope = jsonb_set(envelope, '{data}',"
            " CAST(:erased AS jsonb)) WHERE published_at IS NOT NULL"
            " AND envelope::text ILIKE ANY(:patterns)"
        ),
        {"erased": ERASED_PAYLOAD, "patterns": patterns},
    )
    session.execute(
        text(
            "DELETE FROM failed_events WHERE envelope::text ILIKE ANY(:patterns)"
            " AND (status <> 'retrying' OR envelope->'data'->>'user_id' = :user_id)"
        ),
        {"patterns": patterns, "user_id": user_id},
    )
