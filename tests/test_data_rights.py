"""Members' data rights through the gateway, on the real stack: a member uses
every feature, downloads their data (one archive, assembled by the export
saga, by a link that works once), then deletes their account (the erasure
saga); afterwards no service's database holds their name, username or
address anywhere, and the member they mentored with sees "a former member"."""

import base64
import io
import json
import random
import re
import string
import zipfile

from PIL import Image

from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member

SERVICES = ("identity", "profiles", "mentoring", "notifications")
# The university's own register, loaded by its operators (``make import-records``,
# or the console's upload, staged in ``records_uploads`` until confirmed), is not
# data the member gave the network: a person stays in it whatever they do here.
# Every other table of every service is searched.
NOT_THE_MEMBERS = {("identity", "university_records"), ("identity", "records_uploads")}


def _letters(n=8):
    return "".join(random.choices(string.ascii_lowercase, k=n))


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 80, 20)).save(buffer, "JPEG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def found_anywhere(system, words):
    """[(service, table, word)] for every row of every table, all columns cast
    to text, that contains one of ``words`` (any case)."""
    hits = []
    for service in SERVICES:
        tables = [
            row[0]
            for row in system.query(
                service,
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
        ]
        for table in tables:
            if (service, table) in NOT_THE_MEMBERS:
                continue
            for word in words:
                count = system.scalar(
                    service,
                    f'SELECT count(*) FROM "{table}" AS t WHERE t::text ILIKE %s',
                    (f"%{word}%",),
                )
                if count:
                    hits.append((service, table, word))
    return hits


def test_a_member_downloads_their_data_then_is_erased_from_every_service(
    system, mailbox, tmp_path, new_registration
):
    first, last = "Ysolde" + _letters(), "Quist" + _letters()
    suffix = _letters(10)
    leaving = onboarded_member(
        system,
        tmp_path,
        new_registration(
            first_name=first.capitalize(),
            last_name=last.capitalize(),
            username=f"leaver.{suffix}",
            email=f"leaver.{suffix}@example.org",
            email_confirmation=f"leaver.{suffix}@example.org",
            language="en",
        ),
        role="student",
    )
    staying = onboarded_member(system, tmp_path, new_registration(first_name="Marit"))
    name = f"{first.capitalize()} {last.capitalize()}"
    words = [first, last, f"leaver.{suffix}"]  # the address holds the username too

    # Every feature: profile, photo, preferences, a request and a relationship,
    # messages both ways, notifications read, the helpdesk.
    assert (
        leaving.patch(
            "/me/profile", {"headline": f"{name} studies law", "bio": f"I am {first}."}
        ).status_code
        == 200
    )
    system.rpc.call("profiles", "set_photo", kwargs={"user_id": leaving.user_id, "image": _jpeg()})
    # LinkedIn, linked as the gateway does once it has verified the ID token.
    linkedin_sub = f"li-{suffix}"
    system.rpc.call(
        "identity",
        "link_linkedin",
        kwargs={"user_id": leaving.user_id, "claims": {"sub": linkedin_sub}},
    )
    preferences = leaving.put(
        "/me/notification-preferences",
        {
            "items": [{"event_type": "new_message", "in_app": True, "email": False}],
            "allow_messages_from_members": False,
        },
    )
    assert preferences.status_code == 200, preferences.text
    become_mentor(staying)
    asked = ask(leaving, staying, message=f"Hello, I am {name}; could you review my CV?")
    assert asked.status_code == 201, asked.text
    accepted = staying.post(f"/mentoring/requests/{asked.json()['id']}/accept", {"reply": "Yes!"})
    relationship_id = accepted.json()["relationship"]["id"]
    started = leaving.post(
        "/conversations", {"recipient_id": staying.user_id, "body": f"Thanks! {first}"}
    )
    assert started.status_code == 201, started.text
    conversation_id = started.json()["id"]
    assert (
        staying.post(f"/conversations/{conversation_id}/messages", {"body": "See you Monday."})
    ).status_code == 201
    wait_until(lambda: leaving.get("/notifications").json()["items"], 15, 0.1, "a notification")
    assert leaving.post("/notifications/read-all").status_code == 200
    helpdesk = leaving.post(
        "/helpdesk",
        {"name": name, "email": leaving.form["email"], "subject": "Hi", "message": "A question"},
    )
    assert helpdesk.status_code == 202, helpdesk.text
    # The mentor was told about the request, by name.
    wait_until(
        lambda: any(name in n["text"] for n in staying.get("/notifications").json()["items"]),
        15,
        0.1,
        "the mentor's notification naming the mentee",
    )

    # -- Download my data --------------------------------------------------------
    asked_for = leaving.post("/me/data-exports")
    assert asked_for.status_code == 202 and asked_for.json()["state"] == "pending"
    mail = wait_until(
        lambda: mailbox.to(leaving.form["email"], "data is ready"), 30, 0.1, "the mail"
    )[-1]
    token = re.search(r"/settings/data/download\?token=([A-Za-z0-9_\-]+)", mail["body"]).group(1)
    assert leaving.get("/me/data-exports").json()["export"]["state"] == "ready"
    # Another member cannot use the link, and it is not spent by their try.
    assert staying.post("/me/data-exports/download", {"token": token}).status_code == 404
    download = leaving.post("/me/data-exports/download", {"token": token})
    assert download.status_code == 200, download.text
    assert download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == [
        "identity.json",
        "mentoring.json",
        "notifications.json",
        "profiles.json",
        "profiles/photo.jpg",
    ]
    parts = {n[:-5]: json.loads(archive.read(n)) for n in archive.namelist() if n.endswith(".json")}
    assert parts["identity"]["account"]["username"] == f"leaver.{suffix}"
    assert "password_hash" not in parts["identity"]["account"]
    assert {c["document"] for c in parts["identity"]["consents"]} >= {"privacy_policy", "terms"}
    assert parts["identity"]["linkedin"][0]["sub"] == linkedin_sub
    assert parts["profiles"]["profile"]["headline"] == f"{name} studies law"
    assert Image.open(io.BytesIO(archive.read("profiles/photo.jpg"))).format == "JPEG"
    assert parts["mentoring"]["requests"][0]["message"].startswith(f"Hello, I am {name}")
    assert parts["mentoring"]["relationships"][0]["id"] == relationship_id
    [conversation] = parts["notifications"]["conversations"]
    assert [m["body"] for m in conversation["messages_written"]] == [f"Thanks! {first}"]
    assert parts["notifications"]["member"]["allow_messages"] is False
    assert parts["notifications"]["notifications"] and parts["notifications"]["helpdesk_requests"]
    # The link works once.
    again = leaving.post("/me/data-exports/download", {"token": token})
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "download_link_invalid"

    # -- Delete my account ---------------------------------------------------------
    assert leaving.delete("/me/account", {"password": "wrong wrong wrong"}).status_code == 422
    assert leaving.delete("/me/account", {"password": leaving.form["password"]}).status_code == 204
    assert leaving.get("/me/profile").status_code == 401  # its sessions ended at once
    assert leaving.login().status_code == 401
    wait_until(
        lambda: system.scalar(
            "identity",
            "SELECT completed_at IS NOT NULL FROM account_erasures WHERE user_id = %s",
            (leaving.user_id,),
        ),
        30,
        0.1,
        "every service to confirm the erasure",
    )
    assert (
        system.scalar("identity", "SELECT count(*) FROM accounts WHERE id = %s", (leaving.user_id,))
        == 0
    )
    # Nothing names them anywhere (events still in flight settle first).
    traces = []

    def no_trace():
        traces[:] = found_anywhere(system, words)
        return not traces

    try:
        wait_until(no_trace, 30, 0.5, "no trace of the member")
    except AssertionError:
        shown = [
            (
                service,
                table,
                system.query(
                    service,
                    f'SELECT t::text FROM "{table}" AS t WHERE t::text ILIKE %s',
                    (f"%{word}%",),
                ),
            )
            for service, table, word in traces
        ]
        with open("/tmp/dr_traces.txt", "w") as out:
            out.write(repr(shown))
        assert shown == []

    assert found_anywhere(system, [linkedin_sub]) == []
    unlinked = system.rpc.call(
        "identity", "linkedin_sign_in", kwargs={"claims": {"sub": linkedin_sub}, "client": "t"}
    )
    assert unlinked["linked"] is False

    # The other party keeps their records, which name nobody.
    [kept] = staying.get("/mentoring/relationships", params={"current": "false"}).json()["items"]
    assert (kept["id"], kept["ended_by"], kept["end_reason"]) == (
        relationship_id,
        leaving.user_id,
        "The member left the network.",
    )
    request = staying.get(f"/mentoring/requests/{asked.json()['id']}").json()
    assert (request["message"], request["reply"]) == ("", "Yes!")
    [with_them] = staying.get("/conversations").json()["items"]
    assert with_them["with"]["name"] is None  # the page says "A former member"
    texts = [
        m["body"] for m in staying.get(f"/conversations/{conversation_id}/messages").json()["items"]
    ]
    assert texts == ["See you Monday."]
    notices = [n["text"] for n in staying.get("/notifications").json()["items"]]
    assert any(
        t.startswith("Een voormalig lid") or t.startswith("A former member") for t in notices
    )
    assert staying.get(f"/profiles/{leaving.user_id}").status_code == 404
