"""The console's records upload against identity's own database: a file is
staged with its preview, and only a good, unexpired one is loaded, whole, by
its confirmation, once."""

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from identity import audit, records
from identity.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from identity.models import RecordsUpload
from services.identity.tests.test_operators import logged_in, new_operator

HEADER = (
    "record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
    "year_started,year_graduated,email\n"
)


def number():
    return "U" + uuid.uuid4().hex[:7].upper()


def csv_file(*lines):
    return base64.b64encode((HEADER + "".join(line + "\n" for line in lines)).encode()).decode()


def record_count(db, numbers):
    with db.transaction() as session:
        return session.execute(
            text("SELECT count(*) FROM university_records WHERE record_number = ANY(:numbers)"),
            {"numbers": list(numbers)},
        ).scalar()


@pytest.fixture
def administrator(db):
    token, _ = logged_in(db, new_operator(db))
    return {"operator_token": token}


def test_a_bad_file_is_staged_with_every_bad_line_and_cannot_be_confirmed(db, administrator):
    good, bad = number(), number()
    staged = records.stage(
        db,
        administrator,
        "C:\\exports\\records.csv",
        csv_file(
            f"{good},student,Ann,Bos,2001-02-03,Law,Law,2020,,",
            f"{bad},wizard,Ann,Bos,2001-02-03,Law,Law,2020,,",
            f"{bad},alumnus,Ann,Bos,2001-02-30,Law,Law,2010,2014,",
        ),
        "10.1.1.1",
    )
    assert staged["file_name"] == "records.csv"
    assert [(p["line"], p["code"]) for p in staged["problems"]] == [
        (3, "not_a_role"),
        (4, "not_a_date"),
    ]
    assert staged["problem_count"] == 2
    with pytest.raises(Conflict) as refused:
        records.confirm(db, administrator, staged["id"], staged["checksum"], "10.1.1.1")
    assert refused.value.code == "upload_has_problems"
    assert record_count(db, [good, bad]) == 0
    with db.transaction() as session:  # a bad file's content is not even kept
        assert session.get(RecordsUpload, staged["id"]).content is None


def test_a_confirmation_loads_the_previewed_file_whole_and_once(db, administrator):
    known, new_ones = number(), [number() for _ in range(3)]
    records.load(
        db, records.read(base64.b64decode(csv_file(f"{known},staff,Old,Name,1970-01-01,,,,,")))[0]
    )
    lines = [f"{known},staff,New,Name,1970-01-01,Physics,Science,,,"] + [
        f"{n},alumnus,Eva,De Wit,1990-01-31,Biology,Science,2008,2012," for n in new_ones
    ]
    staged = records.stage(db, administrator, "register.csv", csv_file(*lines))
    assert (staged["rows"], staged["added"], staged["updated"]) == (4, 3, 1)
    assert staged["problems"] == [] and not staged["expired"]
    assert [row["record_number"] for row in staged["sample"]] == [known, *new_ones]
    assert staged["sample"][1]["date_of_birth"] == "1990-01-31"
    # Another process shows the same preview by its id.
    assert records.preview(db, administrator, staged["id"]) == staged

    with pytest.raises(Conflict) as refused:  # not the checksum that was shown
        records.confirm(db, administrator, staged["id"], "0" * 64, "10.2.2.2")
    assert refused.value.code == "upload_changed"
    assert record_count(db, new_ones) == 0

    loaded = records.confirm(db, administrator, staged["id"], staged["checksum"], "10.2.2.2")
    assert loaded["loaded"] is True
    assert (loaded["added"], loaded["updated"]) == (3, 1)
    assert loaded["loaded_by"] == loaded["staged_by"]
    assert record_count(db, [known, *new_ones]) == 4
    with db.transaction() as session:
        assert (
            session.execute(
                text("SELECT first_name FROM university_records WHERE record_number = :n"),
                {"n": known},
            ).scalar()
            == "New"
        )

    again = records.confirm(db, administrator, staged["id"], staged["checksum"], "10.2.2.2")
    assert again["loaded"] is False and again["loaded_at"] == loaded["loaded_at"]
    assert again["sample"] == []  # loaded: the preview's people are not kept
    with pytest.raises(Conflict):  # a wrong checksum is wrong after loading too
        records.confirm(db, administrator, staged["id"], "0" * 64, "10.2.2.2")
    entries = [
        entry
        for entry in audit.entries(db, administrator)["items"]
        if entry["action"] == "records_imported" and entry["details"].get("upload") == staged["id"]
    ]
    assert len(entries) == 1  # the second confirmation did nothing, not even a log entry
    assert entries[0]["subject"] == "register.csv"
    assert entries[0]["client"] == "10.2.2.2"
    assert entries[0]["details"]["rows"] == 4
    assert (entries[0]["details"]["added"], entries[0]["details"]["updated"]) == (3, 1)


def test_a_load_that_fails_half_way_leaves_nothing_loaded(db, administrator, monkeypatch):
    first, second = number(), number()
    staged = records.stage(
        db,
        administrator,
        "two.csv",
        csv_file(
            f"{first},student,A,B,2000-01-01,,,,,",
            f"{second},student,A,B,2000-01-01,,,,,",
        ),
    )
    monkeypatch.setattr(records, "BATCH", 1)  # one statement per row
    calls = []
    upsert = records._upsert

    def fails_at_the_second_statement(session, rows):
        original = session.execute

        def execute(statement, *args, **kwargs):
            if "INSERT INTO university_records" in str(statement):
                calls.append(statement)
                if len(calls) == 2:
                    raise RuntimeError("the database went away")
            return original(statement, *args, **kwargs)

        monkeypatch.setattr(session, "execute", execute)
        return upsert(session, rows)

    monkeypatch.setattr(records, "_upsert", fails_at_the_second_statement)
    with pytest.raises(RuntimeError):
        records.confirm(db, administrator, staged["id"], staged["checksum"])
    assert len(calls) == 2
    assert record_count(db, [first, second]) == 0
    assert records.preview(db, administrator, staged["id"])["loaded_at"] is None


def test_an_expired_staging_is_refused_and_forgets_its_file(db, administrator):
    staged = records.stage(
        db, administrator, "late.csv", csv_file(f"{number()},student,A,B,2000-01-01,,,,,")
    )
    with db.transaction() as session:
        session.get(RecordsUpload, staged["id"]).expires_at = datetime.now(UTC) - timedelta(
            seconds=1
        )
    assert records.preview(db, administrator, staged["id"])["expired"] is True
    with pytest.raises(Conflict) as refused:
        records.confirm(db, administrator, staged["id"], staged["checksum"])
    assert refused.value.code == "upload_expired"
    assert records.forget_expired(db) >= 1
    with db.transaction() as session:
        expired = session.get(RecordsUpload, staged["id"])
        # Neither the file nor the people its preview showed are kept.
        assert expired.content is None and expired.preview["sample"] == []
    with pytest.raises(Conflict):
        records.confirm(db, administrator, staged["id"], staged["checksum"])


def test_only_a_role_with_the_area_stages_and_a_file_must_be_given(db, administrator):
    reviewer, _ = logged_in(db, new_operator(db, "reviewer"))
    with pytest.raises(Forbidden):
        records.stage(db, {"operator_token": reviewer}, "x.csv", csv_file())
    with pytest.raises(InvalidInput) as refused:
        records.stage(db, administrator, "x.csv", "")
    assert list(refused.value.fields) == ["file"]
    too_big = base64.b64encode(b"x" * (records.RECORDS_FILE_MAX_BYTES + 1)).decode()
    with pytest.raises(InvalidInput):
        records.stage(db, administrator, "x.csv", too_big)
    empty = records.stage(db, administrator, "empty.csv", csv_file())
    assert [p["code"] for p in empty["problems"]] == ["no_rows"]
    with pytest.raises(NotFound):
        records.preview(db, administrator, str(uuid.uuid4()))
    with pytest.raises(NotFound):
        records.confirm(db, administrator, "not an id", "")
