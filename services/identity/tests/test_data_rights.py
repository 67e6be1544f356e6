"""Identity's side of the members' data rights against its real database:
the export saga (parts arrive by event, in any order and twice; one archive;
a link that works once, for its member only, until it expires), the erasure
saga (the account goes only when every service has confirmed; a confirmation
delivered twice is harmless) and the retention of unfinished sign-ups, on a
clock the test controls."""

import base64
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from identity import accounts, data_exports, erasure
from identity.exceptions import InvalidInput, NotAuthenticated, NotFound


@pytest.fixture
def form(sign_up_form):
    """A sign-up form whose member has a surname of their own."""

    def make(**overrides):
        suffix = uuid.uuid4().hex[:8]
        surname = "Verwijder" + "".join(chr(97 + int(c, 16)) for c in suffix)
        return sign_up_form(**{"last_name": surname, **overrides})

    return make


def _deliver(db, handler, data):
    envelope = {"event_id": str(uuid.uuid4()), "type": "test", "data": data}
    with db.transaction() as session:
        handler(session, data, envelope)


def _part(export, content):
    return {"export_id": export["id"], "user_id": export["user_id"], "part": content}


def _export_of(db, user_id):
    export = data_exports.request_export(db, user_id)
    return {**export, "user_id": user_id}


def test_the_archive_is_made_once_every_part_is_in_and_downloads_once(db, form, outbox_for):
    user_id = accounts.register(db, form(first_name="Ilse"))["account"]["user_id"]
    export = _export_of(db, user_id)
    assert export["state"] == "pending"
    assert data_exports.request_export(db, user_id)["id"] == export["id"]  # one at a time
    [requested] = outbox_for(user_id, "data_export_requested")
    assert requested["data"]["export_id"] == export["id"]

    photo = base64.b64encode(b"\xff\xd8 a photo").decode()
    _deliver(db, data_exports.receive_profiles_part, _part(export, {"files": {"photo.jpg": photo}}))
    _deliver(db, data_exports.receive_profiles_part, _part(export, {"headline": "twice"}))
    _deliver(db, data_exports.receive_mentoring_part, _part(export, {"requests": []}))
    assert data_exports.status(db, user_id)["export"]["state"] == "pending"
    assert outbox_for(user_id, "data_export_ready") == []
    _deliver(db, data_exports.receive_notifications_part, _part(export, {"notifications": []}))

    assert data_exports.status(db, user_id)["export"]["state"] == "ready"
    [ready] = outbox_for(user_id, "data_export_ready")
    token = ready["data"]["download_url"].split("token=")[1]
    with pytest.raises(NotFound):
        data_exports.download(db, str(uuid.uuid4()), token)  # someone else's session
    result = data_exports.download(db, user_id, token)
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(result["archive"])))
    assert sorted(archive.namelist()) == [
        "identity.json",
        "mentoring.json",
        "notifications.json",
        "profiles.json",
        "profiles/photo.jpg",
    ]
    assert archive.read("profiles/photo.jpg") == b"\xff\xd8 a photo"
    identity = json.loads(archive.read("identity.json"))
    assert identity["account"]["first_name"] == "Ilse"
    assert "password_hash" not in identity["account"]
    assert "security_answer_hash" not in identity["account"]
    with pytest.raises(NotFound) as spent:
        data_exports.download(db, user_id, token)
    assert spent.value.code == "download_link_invalid"
    assert data_exports.status(db, user_id)["export"]["state"] == "downloaded"


def test_an_archive_expires_on_the_configured_clock(db, monkeypatch, form, outbox_for):
    monkeypatch.setenv("DATA_EXPORT_HOURS", "2")
    user_id = accounts.register(db, form())["account"]["user_id"]
    export = _export_of(db, user_id)
    for handler in (
        data_exports.receive_profiles_part,
        data_exports.receive_mentoring_part,
        data_exports.receive_notifications_part,
    ):
        _deliver(db, handler, _part(export, {}))
    [ready] = outbox_for(user_id, "data_export_ready")
    token = ready["data"]["download_url"].split("token=")[1]
    later = datetime.now(UTC) + timedelta(hours=2, minutes=1)
    with pytest.raises(NotFound):
        data_exports.download(db, user_id, token, now=later)
    assert data_exports.delete_expired(db, now=later) >= 1
    assert data_exports.status(db, user_id, now=later)["export"]["state"] == "expired"
    with pytest.raises(NotFound):
        data_exports.download(db, user_id, token)  # the archive itself is gone


def _confirm(db, handler, user_id):
    _deliver(db, handler, {"user_id": user_id, "erased_at": datetime.now(UTC)})


def test_the_account_goes_only_once_every_service_has_erased_the_member(db, form, outbox_for):
    data = form()
    user_id = accounts.register(db, data)["account"]["user_id"]
    with pytest.raises(InvalidInput):
        accounts.delete_account(db, user_id, "not the password at all")
    accounts.delete_account(db, user_id, data["password"])
    # A second press finds the erasure under way.
    with db.transaction() as session:
        assert accounts.begin_erasure(session, user_id, "member") is False
    assert len(outbox_for(user_id, "account_deleted")) == 1
    with pytest.raises(NotAuthenticated):  # no name of theirs logs in any more
        accounts.login(db, data["username"], data["password"])
    # The relay has published these: history that must not keep the member.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE outbox_events SET published_at = now()"))

    _confirm(db, erasure.confirm_profiles, user_id)
    _confirm(db, erasure.confirm_profiles, user_id)  # delivered twice
    _confirm(db, erasure.confirm_mentoring, user_id)
    assert db_scalar(db, "SELECT count(*) FROM accounts WHERE id = :id", user_id) == 1
    _confirm(db, erasure.confirm_notifications, user_id)
    assert db_scalar(db, "SELECT count(*) FROM accounts WHERE id = :id", user_id) == 0
    assert db_scalar(
        db, "SELECT completed_at IS NOT NULL FROM account_erasures WHERE user_id = :id", user_id
    )
    for word in (data["username"], data["email"], data["last_name"]):
        assert (
            db_scalar(
                db, "SELECT count(*) FROM outbox_events WHERE envelope::text ILIKE :id", f"%{word}%"
            )
            == 0
        )
    _confirm(db, erasure.confirm_notifications, user_id)  # late and twice: harmless


def db_scalar(db, statement, value):
    with db.engine.connect() as connection:
        return connection.execute(text(statement), {"id": value}).scalar()


def test_unfinished_sign_ups_are_erased_after_the_configured_days(
    db, monkeypatch, form, outbox_for
):
    monkeypatch.setenv("UNFINISHED_SIGN_UP_DAYS", "10")
    unfinished = accounts.register(db, form())["account"]["user_id"]
    finished = accounts.register(db, form())["account"]["user_id"]
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE accounts SET introduction_completed_at = now() WHERE id = :id"),
            {"id": finished},
        )

    def erasing(user_id):
        return db_scalar(db, "SELECT reason FROM account_erasures WHERE user_id = :id", user_id)

    now = datetime.now(UTC)
    erasure.erase_unfinished_sign_ups(db, now=now + timedelta(days=9, hours=23))
    assert erasing(unfinished) is None
    erasure.erase_unfinished_sign_ups(db, now=now + timedelta(days=10, minutes=1))
    assert erasing(unfinished) == "retention"
    assert erasing(finished) is None
    assert len(outbox_for(unfinished, "account_deleted")) == 1
    erasure.erase_unfinished_sign_ups(db, now=now + timedelta(days=11))
    assert len(outbox_for(unfinished, "account_deleted")) == 1  # started once
