"""Loading the university's records from CSV (``make import-records CSV=file``).

    python -m identity.records FILE.csv

Columns: record_number, role, first_name, last_name, date_of_birth,
programme, faculty, year_started, year_graduated, email.  A re-import updates
the rows it names.  The whole file is checked first and loaded in one
transaction: a file with a bad line loads nothing, and every bad line is
reported with its number.
"""

import csv
import sys
from datetime import date

from sqlalchemy.dialects.postgresql import insert

from identity.models import UniversityRecord
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


def parse(lines):
    """(rows, errors) of a CSV file's lines."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"header: missing column(s) {', '.join(missing)}"]
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):
        try:
            rows.append(_row(raw))
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
    return rows, errors


def _year(value, name, required):
    value = (value or "").strip()
    if not value:
        if required:
            raise ValueError(f"{name} is required")
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2100:
        raise ValueError(f"{name} '{value}' is not a year")
    return int(value)


def _row(raw):
    record_number = (raw["record_number"] or "").strip().upper()
    if not record_number or len(record_number) > 40:
        raise ValueError("record_number is required (at most 40 characters)")
    role = (raw["role"] or "").strip().lower()
    if role not in tuple(Role):
        raise ValueError(f"role '{role}' is not one of {', '.join(Role)}")
    try:
        born = date.fromisoformat((raw["date_of_birth"] or "").strip())
    except ValueError:
        raise ValueError(f"date_of_birth '{raw['date_of_birth']}' is not a YYYY-MM-DD date")
    first, last = (raw["first_name"] or "").strip(), (raw["last_name"] or "").strip()
    if not last:
        raise ValueError("last_name is required")
    return {
        "record_number": record_number,
        "role": role,
        "first_name": first,
        "last_name": last,
        "date_of_birth": born,
        "programme": (raw["programme"] or "").strip(),
        "faculty": (raw["faculty"] or "").strip(),
        "year_started": _year(raw["year_started"], "year_started", False),
        "year_graduated": _year(raw["year_graduated"], "year_graduated", role == Role.ALUMNUS),
        "email": (raw["email"] or "").strip(),
    }


def load(db, rows):
    """Insert or update the rows; returns how many."""
    with db.transaction() as session:
        for row in rows:
            statement = insert(UniversityRecord).values(**row)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["record_number", "role"],
                    set_={
                        k: statement.excluded[k] for k in row if k not in ("record_number", "role")
                    },
                )
            )
    return len(rows)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m identity.records FILE.csv", file=sys.stderr)
        return 2
    try:
        with open(argv[0], newline="", encoding="utf-8-sig") as source:
            rows, errors = parse(source)
    except OSError as exc:
        print(f"cannot read {argv[0]}: {exc}", file=sys.stderr)
        return 1
    if errors:
        print(f"{argv[0]}: nothing imported, {len(errors)} problem(s):", file=sys.stderr)
        for error in errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    db = Database(make_engine(settings.database_url("identity")))
    print(f"imported {load(db, rows)} record(s) from {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
