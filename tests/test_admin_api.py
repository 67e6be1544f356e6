"""The operators' API for every area a key may hold, through real HTTP against
the running system: the network's statistics, dead letters (read, replay),
the university's records (stage with a preview, confirm) and message reports
(read in context, warn, suspend, unsuspend, close).  A key without the area
gets 403; what a key did is in the audit log under its name (read as an
operator reads it, through identity's ``audit_log``)."""

import uuid

import pyotp
import pytest
import requests

from conftest import registration
from mentornet_contracts.operators import API_KEY_SCOPES
from mentornet_testing import wait_until
from tests.support import (
    OPERATOR_PASSWORD,
    REFUSE_ONE_PROFILE,
    Member,
    make_operator,
    onboarded_member,
    record_number,
)


class Automation:
    """A named API key, as an administrator would make one for a script."""

    def __init__(self, system, scopes):
        self.system = system
        self.name = f"automation {uuid.uuid4().hex[:8]}"
        self.key = system.add_api_key(f"mnk_{uuid.uuid4().hex}", list(scopes), name=self.name)

    def call(self, method, path, json=None, **headers):
        return requests.request(
            method,
            self.system.gateway_url + "/api/v1/admin" + path,
            json=json,
            headers={"Authorization": f"Bearer {self.key}", **headers},
            timeout=30,
        )


@pytest.fixture
def automation(system):
    return Automation(system, API_KEY_SCOPES)


@pytest.fixture
def audit_log(system):
    """The audit log's latest entries, read by an administrator logged in with
    a password and a TOTP code, as the console does."""
    username = make_operator(system, "administrator")
    rpc = system.rpc
    pending = rpc.call(
        "identity",
        "operator_login",
        kwargs={"username": username, "password": OPERATOR_PASSWORD, "client": "tests"},
    )["token"]
    secret = rpc.call("identity", "operator_enrolment", kwargs={"token": pending})["secret"]
    token = rpc.call(
        "identity",
        "operator_second_factor",
        kwargs={"token": pending, "code": pyotp.TOTP(secret).now(), "client": "tests"},
    )["token"]

    def entries(key_name):
        found = rpc.call("identity", "audit_log", kwargs={"actor": {"operator_token": token}})
        return [e for e in found["items"] if e["actor_name"] == f"API key: {key_name}"]

    return entries


def refused_without(system, area, method, path, json=None):
    """The answer to a key holding every scope but ``area``."""
    others = Automation(system, [scope for scope in API_KEY_SCOPES if scope != area])
    return others.call(method, path, json)


def test_statistics_answer_the_consoles_figures(system, automation):
    before = automation.call("GET", "/statistics")
    assert before.status_code == 200, before.text
    sections = {s["section"]: s for s in before.json()["sections"]}
    assert set(sections) >= {"members", "members_by_role", "requests", "relationships"}
    members = {f["figure"]: f for f in sections["members"]["figures"]}
    assert members["total"]["label"] == "Members"
    Member(system, registration()).sign_up()
    after = {s["section"]: s for s in automation.call("GET", "/statistics").json()["sections"]}
    total = {f["figure"]: f["value"] for f in after["members"]["figures"]}["total"]
    assert total == members["total"]["value"] + 1
    dutch = automation.call("GET", "/statistics", **{"Accept-Language": "nl"}).json()
    assert dutch["sections"][0]["title"] == "Leden"
    refused = refused_without(system, "statistics", "GET", "/statistics")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "not_allowed"


def test_dead_letters_are_read_and_replayed_with_the_key_audited(system, automation, audit_log):
    fault = f"refuse_profile_{uuid.uuid4().hex[:8]}"
    form = registration()
    system.query("profiles", REFUSE_ONE_PROFILE.format(name=fault, username=form["username"]))
    try:
        Member(system, form).sign_up()

        def parked():
            found = automation.call("GET", "/dead-letters/profiles").json()["items"]
            return [item for item in found if form["username"] in item["error"]]

        [letter] = wait_until(parked, 90, 0.5, "the member's account_registered to be parked")
        assert letter["event_type"] == "account_registered"
        shown = automation.call("GET", f"/dead-letters/profiles/{letter['id']}")
        assert shown.status_code == 200, shown.text
        assert shown.json()["payload"]["username"] == form["username"]
        assert automation.call("GET", "/dead-letters/printing").status_code == 404
        assert automation.call("GET", "/dead-letters/profiles/999999999").status_code == 404
        neither = automation.call("POST", "/dead-letters/profiles/replay", {})
        assert neither.status_code == 422 and list(neither.json()["error"]["fields"]) == ["ids"]
        refused = refused_without(
            system, "dead_letters", "POST", "/dead-letters/profiles/replay", {"all": True}
        )
        assert refused.status_code == 403, refused.text
    finally:
        system.query("profiles", f"DROP TRIGGER {fault} ON profiles; DROP FUNCTION {fault}();")
    replayed = automation.call("POST", "/dead-letters/profiles/replay", {"ids": [letter["id"]]})
    assert replayed.status_code == 200, replayed.text
    assert replayed.json() == {"replayed": [letter["id"]]}
    wait_until(
        lambda: (
            system.scalar(
                "profiles", "SELECT count(*) FROM profiles WHERE username = %s", (form["username"],)
            )
            == 1
        ),
        60,
        0.2,
        "the replayed event to make the member's profile",
    )
    [entry] = audit_log(automation.name)
    assert (entry["actor_kind"], entry["action"]) == ("api_key", "dead_letter_replayed")
    assert entry["subject"] == f"profiles #{letter['id']}"
    assert entry["details"]["ids"] == [letter["id"]]


HEADER = (
    "record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
    "year_started,year_graduated,email\r\n"
)


def test_university_records_are_staged_previewed_and_loaded(
    system, automation, audit_log, tmp_path
):
    number = record_number()
    bad = automation.call(
        "POST",
        "/university-records",
        {
            "file_name": "bad.csv",
            "content": HEADER + f"{number},teacher,Noor,Jansen,2001-02-03,History,Humanities,"
            "2020,,\r\n",
        },
    )
    assert bad.status_code == 201, bad.text
    preview = bad.json()
    assert preview["problem_count"] == 1
    assert preview["problems"][0]["line"] == 2
    assert preview["problems"][0]["code"] == "not_a_role"
    refused = automation.call(
        "POST",
        f"/university-records/{preview['id']}/confirm",
        {"checksum": preview["checksum"]},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "upload_has_problems"

    form = registration(first_name="Noor", last_name="Jansen", date_of_birth="2001-02-03")
    good = automation.call(
        "POST",
        "/university-records",
        {
            "file_name": "good.csv",
            "content": HEADER + f"{number},student,Noor,Jansen,2001-02-03,History,Humanities,"
            "2020,,\r\n",
        },
    ).json()
    assert (good["rows"], good["added"], good["updated"], good["problems"]) == (1, 1, 0, [])
    wrong = automation.call(
        "POST", f"/university-records/{good['id']}/confirm", {"checksum": "0" * 64}
    )
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "upload_changed"
    loaded = automation.call(
        "POST", f"/university-records/{good['id']}/confirm", {"checksum": good["checksum"]}
    )
    assert loaded.status_code == 200, loaded.text
    assert (loaded.json()["loaded"], loaded.json()["added"]) == (True, 1)
    again = automation.call(
        "POST", f"/university-records/{good['id']}/confirm", {"checksum": good["checksum"]}
    )
    assert again.status_code == 200 and again.json()["loaded"] is False

    # The record is there: a member with it is verified at once.
    member = Member(system, form)
    member.sign_up()
    answer = member.post("/onboarding/affiliation", {"role": "student", "record_number": number})
    assert answer.status_code == 200, answer.text
    assert answer.json()["study_details"]["programme"] == "History"

    [entry] = audit_log(automation.name)
    assert (entry["actor_kind"], entry["action"], entry["subject"]) == (
        "api_key",
        "records_imported",
        "good.csv",
    )
    refused = refused_without(
        system,
        "university_records",
        "POST",
        "/university-records",
        {"file_name": "x.csv", "content": HEADER},
    )
    assert refused.status_code == 403, refused.text


def test_a_message_report_is_read_warned_suspended_and_closed(
    system, automation, audit_log, tmp_path
):
    writer = onboarded_member(system, tmp_path, registration(first_name="Wim", language="en"))
    reporter = onboarded_member(system, tmp_path, registration(first_name="Rosa"))
    sent = writer.post(
        "/conversations", {"recipient_id": reporter.user_id, "body": "rude words"}
    ).json()
    filed = reporter.post(f"/messages/{sent['message']['id']}/report", {"reason": "Unkind"})
    assert filed.status_code == 201, filed.text
    report_id = filed.json()["id"]

    shown = automation.call("GET", f"/message-reports/{report_id}")
    assert shown.status_code == 200, shown.text
    report = shown.json()
    assert report["writer"]["user_id"] == writer.user_id
    assert report["writer"]["username"] == writer.form["username"]
    assert report["writer"]["suspended"] is False
    assert [m["body"] for m in report["context"] if m["reported"]] == ["rude words"]

    empty = automation.call("POST", f"/message-reports/{report_id}/warn", {"warning": " "})
    assert empty.status_code == 422 and list(empty.json()["error"]["fields"]) == ["warning"]
    warned = automation.call(
        "POST", f"/message-reports/{report_id}/warn", {"warning": "Keep it friendly."}
    )
    assert warned.status_code == 200, warned.text
    wait_until(
        lambda: any(
            n["type"] == "member_warned" for n in writer.get("/notifications").json()["items"]
        ),
        15,
        0.1,
        "the warning in the writer's notifications",
    )
    suspended = automation.call(
        "POST", f"/message-reports/{report_id}/suspend", {"reason": "Insults."}
    )
    assert suspended.json() == {"user_id": writer.user_id, "suspended": True}
    assert writer.login().status_code != 200
    assert automation.call("GET", f"/message-reports/{report_id}").json()["writer"]["suspended"]
    lifted = automation.call(
        "POST", f"/message-reports/{report_id}/unsuspend", {"reason": "Apologised."}
    )
    assert lifted.json() == {"user_id": writer.user_id, "suspended": False}
    closed = automation.call("POST", f"/message-reports/{report_id}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = automation.call("POST", f"/message-reports/{report_id}/close")
    assert again.status_code == 409
    listed = automation.call("GET", "/message-reports").json()["items"]
    assert report_id not in [r["id"] for r in listed]
    assert automation.call("GET", "/message-reports/999999999").status_code == 404

    actions = [(e["action"], e["subject"]) for e in reversed(audit_log(automation.name))]
    assert actions == [
        ("member_warned", writer.user_id),
        ("member_suspended", writer.user_id),
        ("member_unsuspended", writer.user_id),
        ("report_closed", writer.user_id),
    ]
    refused = refused_without(
        system, "message_reports", "POST", f"/message-reports/{report_id}/close"
    )
    assert refused.status_code == 403, refused.text
