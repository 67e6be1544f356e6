"""The university's records: loaded from a CSV file, by the command line
(``make import-records CSV=file``) or in the operators' console (upload,
preview, confirm).  Both read the file with ``read``: the rules are here once.

    python -m identity.records FILE.csv

Columns: record_number, role, first_name, last_name, date_of_birth,
programme, faculty, year_started, year_graduated, email (UTF-8).  A
re-import updates the rows it names.  The whole file is checked first and
loaded in one transaction: a file with a bad line loads nothing, and every bad
line is named with its number.

A problem is ``{"line", "code", "params"}``: the console words it in the
operator's language (the gateway's catalogue), the command line in English
(``english``).

The console's upload is staged (``stage``): the file, its SHA-256 and its
preview are kept in ``records_uploads`` under a new id until an operator
confirms that id (``confirm``), so the load is exactly the file previewed,
whichever gateway process showed it.  A staging expires after
``RECORDS_UPLOAD_MINUTES``; a file with a problem cannot be confirmed; a
second confirmation does nothing.  Every load is in the audit log.
"""

import base64
import binascii
import csv
import hashlib
import io
import sys
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, literal_column, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from identity import audit, config, exceptions
from identity.models import RecordsUpload, UniversityRecord
from mentornet_contracts.operators import RECORDS_FILE_MAX_BYTES
from mentornet_contracts.statuses import Role
from mentornet_platform import settings
from mentornet_platform.database import Database, make_engine

COLUMNS = (
    "record_number",
    "role",
    "first_name",
    "last_name",
    "date_of_birth",
    "programme",
    "faculty",
    "year_started",
    "year_graduated",
    "email",
)
# The longest value each text column holds (models.UniversityRecord).
LONGEST = {
    "record_number": 40,
    "first_name": 100,
    "last_name": 100,
    "programme": 200,
    "faculty": 200,
    "email": 254,
}
SAMPLE_ROWS = 10  # the preview's first rows
PROBLEMS_KEPT = 200  # a preview names this many bad lines, and counts them all
BATCH = 500  # rows per INSERT statement

# The command line's words for each problem.
ENGLISH = {
    "not_utf8": "the file is not UTF-8 text",
    "missing_columns": "missing column(s) {columns}",
    "column_count": "{found} values where the header has {expected}",
    "required": "{column} is required",
    "too_long": "{column} is longer than {limit} characters",
    "not_a_role": "role '{value}' is not one of {roles}",
    "not_a_date": "{column} '{value}' is not a YYYY-MM-DD date",
    "not_a_year": "{column} '{value}' is not a year",
    "alumni_need_year_graduated": "year_graduated is required for an alumnus",
    "repeated": "record {record_number} ({role}) is already on line {first_line}",
    "no_rows": "the file has no records",
}


class _Problem(Exception):
    def __init__(self, code, **params):
        super().__init__(code)
        # A value is quoted from the file: a line's first 40 characters are enough.
        self.code = code
        self.params = {k: v[:40] if isinstance(v, str) else v for k, v in params.items()}


def problem(line, code, **params):
    return {"line": line, "code": code, "params": params}


def english(found):
    """A problem in the command line's words: ``line 3: role 'x' is not ...``."""
    params = {
        name: ", ".join(map(str, value)) if isinstance(value, list) else value
        for name, value in found["params"].items()
    }
    text = ENGLISH[found["code"]].format(**params)
    return f"line {found['line']}: {text}" if found["line"] else text


def read(data):
    """(rows, problems) of a file's bytes: UTF-8 (a byte-order mark is allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [problem(data.count(b"\n", 0, exc.start) + 1, "not_utf8")]
    return parse(io.StringIO(text, newline=""))


def parse(lines):
    """(rows, problems) of a CSV file's lines; each row is checked whole, and
    the first problem of a bad line names it."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [problem(1, "missing_columns", columns=missing)]
    rows, problems, first_lines = [], [], {}
    for raw in reader:
        number = reader.line_num
        try:
            row = _row(raw, len(reader.fieldnames or ()))
            key = (row["record_number"], row["role"])
            if key in first_lines:
                raise _Problem(
                    "repeated", record_number=key[0], role=key[1], first_line=first_lines[key]
                )
        except _Problem as found:
            problems.append(problem(number, found.code, **found.params))
            continue
        first_lines[key] = number
        rows.append(row)
    return rows, problems


def _text(raw, column, required=False):
    value = (raw[column] or "").strip()
    if required and not value:
        raise _Problem("required", column=column)
    if column in LONGEST and len(value) > LONGEST[column]:
        raise _Problem("too_long", column=column, limit=LONGEST[column])
    return value


def _year(raw, column):
    value = (raw[column] or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2100:
        raise _Problem("not_a_year", column=column, value=value)
    return int(value)


def _row(raw, width):
    found = width + len(raw.get(None) or ()) - sum(1 for c in raw if raw[c] is None)
    if found != width:  # DictReader puts extra values under None, fills missing ones with None
        raise _Problem("column_count", expected=width, found=found)
    record_number = _text(raw, "record_number", required=True).upper()
    role = _text(raw, "role").lower()
    if role not in tuple(Role):
        raise _Problem("not_a_role", value=role, roles=list(Role))
    first, last = _text(raw, "first_name"), _text(raw, "last_name", required=True)
    written = _text(raw, "date_of_birth", required=True)
    try:
        born = date.fromisoformat(written)
    except ValueError:
        raise _Problem("not_a_date", column="date_of_birth", value=written)
    started, graduated = _year(raw, "year_started"), _year(raw, "year_graduated")
    if graduated is None and role == Role.ALUMNUS:
        raise _Problem("alumni_need_year_graduated")
    return {
        "record_number": record_number,
        "role": role,
        "first_name": first,
        "last_name": last,
        "date_of_birth": born,
        "programme": _text(raw, "programme"),
        "faculty": _text(raw, "faculty"),
        "year_started": started,
        "year_graduated": graduated,
        "email": _text(raw, "email"),
    }


def _upsert(session, rows):
    """Insert or update the rows in the caller's transaction: (added, updated)."""
    added = 0
    for start in range(0, len(rows), BATCH):
        statement = insert(UniversityRecord).values(rows[start : start + BATCH])
        statement = statement.on_conflict_do_update(
            index_elements=["record_number", "role"],
            set_={c: statement.excluded[c] for c in COLUMNS if c not in ("record_number", "role")}
            | {"imported_at": statement.excluded.imported_at},
        ).returning(literal_column("xmax = 0"))  # a new row has no deleting transaction
        added += sum(1 for (inserted,) in session.execute(statement) if inserted)
    return added, len(rows) - added


def load(db, rows):
    """Insert or update the rows in one transaction; returns how many."""
    with db.transaction() as session:
        _upsert(session, rows)
    return len(rows)


def load_by_command(db, rows, file_name):
    """The command line's load, in the audit log as the command line's."""
    with db.transaction() as session:
        added, updated = _upsert(session, rows)
        audit.record(
            session,
            audit.COMMAND,
            "records_imported",
            file_name,
            {"rows": len(rows), "added": added, "updated": updated},
        )
    return added, updated


# -- the console's upload: stage, preview, confirm --


def _now():
    return datetime.now(UTC)


def _lifetime():
    return timedelta(minutes=config.number("RECORDS_UPLOAD_MINUTES", 60))


def _plain(row):
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def _existing(session, rows):
    """How many of the rows the records hold already."""
    keys = [(row["record_number"], row["role"]) for row in rows]
    return sum(
        session.execute(
            select(func.count())
            .select_from(UniversityRecord)
            .where(
                tuple_(UniversityRecord.record_number, UniversityRecord.role).in_(
                    keys[start : start + BATCH]
                )
            )
        ).scalar()
        for start in range(0, len(keys), BATCH)
    )


def _file(file_name, content):
    """(name, bytes) of the uploaded file, or InvalidInput naming ``file``."""
    name = (
        file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if isinstance(file_name, str)
        else ""
    )
    try:
        data = base64.b64decode(content, validate=True) if isinstance(content, str) else b""
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        raise exceptions.invalid("file", "Choose a CSV file to upload.")
    if len(data) > RECORDS_FILE_MAX_BYTES:
        raise exceptions.invalid("file", "The file is larger than 1 MB: split it into several.")
    return (name or "records.csv")[:200], data


def _view(upload, now):
    return {
        "id": upload.id,
        "file_name": upload.file_name,
        "checksum": upload.checksum,
        "rows": upload.row_count,
        "added": upload.added,
        "updated": upload.updated,
        "sample": upload.preview["sample"],
        "problems": upload.preview["problems"],
        "problem_count": upload.preview["problem_count"],
        "staged_by": upload.staged_by,
        "staged_at": upload.staged_at.isoformat(),
        "expires_at": upload.expires_at.isoformat(),
        "expired": upload.loaded_at is None and upload.expires_at <= now,
        "loaded_by": upload.loaded_by,
        "loaded_at": upload.loaded_at.isoformat() if upload.loaded_at else None,
    }


def stage(db, credentials, file_name, content, client=""):
    """Check an uploaded file (``content``: its bytes in base64) and keep it
    under a new id until it is confirmed; returns its preview."""
    name, data = _file(file_name, content)
    rows, problems = read(data)
    if not rows and not problems:
        problems = [problem(None, "no_rows")]
    with db.transaction() as session:
        operator = audit.actor(session, credentials, "university_records")
        existing = _existing(session, rows) if not problems else 0
        upload = RecordsUpload(
            id=str(uuid.uuid4()),
            file_name=name,
            checksum=hashlib.sha256(data).hexdigest(),
            content=data if not problems else None,  # a bad file is never loaded
            row_count=len(rows),
            added=len(rows) - existing,
            updated=existing,
            preview={
                "sample": [_plain(row) for row in rows[:SAMPLE_ROWS]],
                "problems": problems[:PROBLEMS_KEPT],
                "problem_count": len(problems),
            },
            staged_by=operator.name,
            staged_at=_now(),
            expires_at=_now() + _lifetime(),
        )
        session.add(upload)
        session.flush()
        return _view(upload, _now())


def preview(db, credentials, upload_id):
    with db.transaction() as session:
        audit.actor(session, credentials, "university_records")
        upload = _found(session, upload_id)
        return _view(upload, _now())


def _found(session, upload_id, lock=False):
    try:
        uuid.UUID(str(upload_id))
    except ValueError:
        upload = None
    else:
        upload = session.get(RecordsUpload, str(upload_id), with_for_update=lock)
    if upload is None:
        raise exceptions.NotFound("upload_not_found", "No such upload.")
    return upload


def confirm(db, credentials, upload_id, checksum, client=""):
    """Load a staged upload, whole, in one transaction with its audit entry;
    ``loaded`` says whether this call loaded it (False: it was loaded before)."""
    with db.transaction() as session:
        operator = audit.actor(session, credentials, "university_records")
        upload = _found(session, upload_id, lock=True)
        now = _now()
        if upload.checksum != checksum:
            raise exceptions.Conflict(
                "upload_changed", "This is not the file that was previewed; upload it again."
            )
        if upload.loaded_at is not None:
            return {**_view(upload, now), "loaded": False}
        if upload.preview["problem_count"]:
            raise exceptions.Conflict(
                "upload_has_problems", "A file with a bad line cannot be loaded; correct it first."
            )
        if upload.content is None or upload.expires_at <= now:
            raise exceptions.Conflict(
                "upload_expired", "This upload has expired; upload the file again."
            )
        rows, problems = read(upload.content)
        if problems or hashlib.sha256(upload.content).hexdigest() != upload.checksum:
            raise exceptions.Conflict(
                "upload_changed", "This is not the file that was previewed; upload it again."
            )
        upload.added, upload.updated = _upsert(session, rows)
        upload.loaded_at, upload.loaded_by, upload.content = now, operator.name, None
        upload.preview = _without_rows(upload.preview)
        audit.record(
            session,
            operator,
            "records_imported",
            upload.file_name,
            {
                "rows": len(rows),
                "added": upload.added,
                "updated": upload.updated,
                "upload": upload.id,
                "sha256": upload.checksum,
            },
            client,
        )
        return {**_view(upload, now), "loaded": True}


def _without_rows(preview):
    """The preview without the people in it (the first rows, the values its
    problems quote): kept only while the file waits, like the file itself."""
    return {**preview, "sample": [], "problems": []}


def forget_expired(db):
    """Expired stagings lose their file and the rows of their preview (the row
    stays, with its counts, saying it expired)."""
    with db.transaction() as session:
        expired = session.execute(
            select(RecordsUpload)
            .where(
                RecordsUpload.content.is_not(None),
                RecordsUpload.loaded_at.is_(None),
                RecordsUpload.expires_at <= _now(),
            )
            .with_for_update(skip_locked=True)
        ).scalars()
        forgotten = 0
        for upload in expired:
            upload.content, upload.preview = None, _without_rows(upload.preview)
            forgotten += 1
        return forgotten


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m identity.records FILE.csv", file=sys.stderr)
        return 2
    try:
        with open(argv[0], "rb") as source:
            rows, problems = read(source.read())
    except OSError as exc:
        print(f"cannot read {argv[0]}: {exc}", file=sys.stderr)
        return 1
    if problems:
        print(f"{argv[0]}: nothing imported, {len(problems)} problem(s):", file=sys.stderr)
        for found in problems:
            print(f"  {english(found)}", file=sys.stderr)
        return 1
    db = Database(make_engine(settings.database_url("identity")))
    added, updated = load_by_command(db, rows, argv[0].replace("\\", "/").rsplit("/", 1)[-1])
    print(f"imported {added + updated} record(s) from {argv[0]} ({added} new, {updated} updated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
