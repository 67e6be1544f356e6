"""A member's "Download my data" (the export saga, docs/architecture.md,
"Members' data rights").

The member asks (``request_export``): identity records the request and
publishes ``data_export_requested``; profiles, mentoring and notifications each
answer with their part by event; when the last part is in, identity adds its
own, assembles one zip (a JSON file per service, the photo as a file), keeps
it, and publishes ``data_export_ready`` with a single-use link (only the
token's hash is kept).  The gateway never calls four services for it.

The link works once (``download``, for the logged-in member it belongs to)
and until ``DATA_EXPORT_HOURS`` have passed; then the archive is deleted."""

import base64
import io
import json
import logging
import secrets
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from identity import config, events, exceptions, tokens
from identity.models import (
    Account,
    AffiliationReview,
    Consent,
    DataExport,
    LinkedInIdentity,
    Session,
)
from mentornet_contracts.events import DATA_HOLDERS

log = logging.getLogger(__name__)

# The columns of an account that are secrets, not data about the member.
NOT_EXPORTED = {"password_hash", "security_answer_hash"}


def _now(now=None):
    return now or datetime.now(UTC)


def _lifetime():
    return timedelta(hours=config.number("DATA_EXPORT_HOURS", 48))


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _row(row, leave_out=()):
    return {
        column.name: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.name not in leave_out
    }


def _view(export, now=None):
    now = _now(now)
    if export.downloaded_at is not None:
        state = "downloaded"
    elif export.ready_at is None:
        state = "pending"
    elif export.expires_at <= now or export.archive is None:
        state = "expired"
    else:
        state = "ready"
    return {
        "id": export.id,
        "state": state,
        "requested_at": export.requested_at.isoformat(),
        "ready_at": _plain(export.ready_at),
        "expires_at": _plain(export.expires_at),
        "downloaded_at": _plain(export.downloaded_at),
    }


def _latest(session, user_id, lock=False):
    query = (
        select(DataExport)
        .where(DataExport.account_id == user_id)
        .order_by(DataExport.requested_at.desc())
        .limit(1)
    )
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalars().first()


def request_export(db, user_id, now=None):
    """Start an export; while one is being assembled, asking again returns it."""
    now = _now(now)
    with db.transaction() as session:
        account = session.get(Account, user_id, with_for_update=True)
        if account is None:
            raise exceptions.NotFound("account_not_found", "No such account.")
        latest = _latest(session, user_id)
        if latest is not None and latest.ready_at is None:
            return _view(latest, now)
        export = DataExport(id=str(uuid.uuid4()), account_id=user_id, requested_at=now, parts={})
        session.add(export)
        session.flush()
        events.data_export_requested(session, export)
        return _view(export, now)


def status(db, user_id, now=None):
    """The member's latest export, or None."""
    with db.transaction() as session:
        latest = _latest(session, user_id)
        return {"export": _view(latest, now) if latest else None}


def identity_part(session, user_id):
    """What identity holds about the member: the account (no password or
    answer hashes), consents, sessions (times only), affiliation reviews and
    the LinkedIn link."""
    account = session.get(Account, user_id)

    def rows(model, column, leave_out=()):
        found = session.execute(select(model).where(column == user_id)).scalars()
        return [_row(row, leave_out) for row in found]

    return {
        "account": _row(account, NOT_EXPORTED),
        "consents": rows(Consent, Consent.account_id, {"account_id"}),
        "sessions": rows(Session, Session.account_id, {"account_id", "token_hash"}),
        "affiliation_reviews": rows(AffiliationReview, AffiliationReview.account_id),
        "linkedin": rows(LinkedInIdentity, LinkedInIdentity.account_id, {"account_id"}),
    }


def _archive(parts):
    """The zip: ``<service>.json`` per service; each part's ``files``
    ({name: base64}) as ``<service>/<name>``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for service, part in sorted(parts.items()):
            files = part.pop("files", {}) or {}
            archive.writestr(
                f"{service}.json", json.dumps(part, ensure_ascii=False, indent=2, default=str)
            )
            for name, content in sorted(files.items()):
                archive.writestr(f"{service}/{name}", base64.b64decode(content))
    return buffer.getvalue()


def _receive(service):
    def handler(session, data, envelope):
        export = session.get(DataExport, str(data["export_id"]), with_for_update=True)
        if export is None or export.ready_at is not None or service in export.parts:
            return  # the account is gone, or this part came twice (the first stands)
        export.parts = {**export.parts, service: data["part"]}
        if set(DATA_HOLDERS) <= set(export.parts):
            _assemble(session, export)

    handler.__name__ = f"receive_{service}_part"
    return handler


receive_profiles_part = _receive("profiles")
receive_mentoring_part = _receive("mentoring")
receive_notifications_part = _receive("notifications")


def _assemble(session, export):
    now = _now()
    parts = {**export.parts, "identity": identity_part(session, export.account_id)}
    export.archive = _archive(parts)
    export.parts = {}  # the archive holds them now; they need not be kept twice
    raw = secrets.token_urlsafe(32)
    export.token_hash = tokens.digest(raw)
    export.ready_at, export.expires_at = now, now + _lifetime()
    events.data_export_ready(
        session, export, f"{config.public_base_url()}/settings/data/download?token={raw}"
    )
    log.info("data export %s of %s assembled", export.id, export.account_id)


def download(db, user_id, token, now=None):
    """The archive, once: ``{"filename", "archive"}`` (base64).  A used,
    expired or someone else's link answers NotFound, like a wrong one."""
    now = _now(now)
    gone = exceptions.NotFound(
        "download_link_invalid", "This download link has been used or has expired."
    )
    if not isinstance(token, str) or not token:
        raise gone
    with db.transaction() as session:
        export = (
            session.execute(
                select(DataExport)
                .where(DataExport.token_hash == tokens.digest(token))
                .with_for_update()
            )
            .scalars()
            .first()
        )
        if (
            export is None
            or export.account_id != user_id
            or export.downloaded_at is not None
            or export.archive is None
            or export.expires_at <= now
        ):
            raise gone
        archive = export.archive
        export.archive, export.downloaded_at = None, now
        return {
            "filename": f"mentor-network-data-{export.requested_at:%Y-%m-%d}.zip",
            "archive": base64.b64encode(archive).decode("ascii"),
        }


def delete_expired(db, now=None):
    """Archives past their time go (the row stays, saying it expired)."""
    with db.transaction() as session:
        return session.execute(
            update(DataExport)
            .where(DataExport.archive.is_not(None), DataExport.expires_at <= _now(now))
            .values(archive=None)
        ).rowcount
