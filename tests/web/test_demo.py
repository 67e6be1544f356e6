"""The demo network (`make demo`, demo/loader.py) at a small size: made through
the running system's API, its documented logins log in through the login page
and land where the product shows best; demo data is refused unless asked for,
and never goes into a network that already has a real member (issue 18)."""

import os
import signal
import subprocess
import sys
import threading

import pytest
import requests
from playwright.sync_api import expect

from conftest import ADMIN_TOKEN, registration
from demo import loader
from gateway.rpc import RpcClient
from mentornet_contracts.operators import API_KEY_SCOPES
from mentornet_testing import ROOT, WIDE_CLIENT_LIMITS, Stack, free_port, wait_until

PASSWORD = loader.data("personas.yaml")["password"]
MEMBERS = 40


@pytest.fixture(scope="module")
def demo_network(logs_dir, mailbox):
    """A fresh network of its own (empty databases), with the demo loaded into it."""
    stack = Stack(logs_dir, rpc_client=RpcClient, smtp_port=mailbox.port, **WIDE_CLIENT_LIMITS)
    try:
        stack.add_api_key(ADMIN_TOKEN, API_KEY_SCOPES)
        start_all(stack)
        summary = loader.load(
            stack.gateway_url,
            MEMBERS,
            stack.urls["identity"],
            workers=4,
            operator_token=ADMIN_TOKEN,
            environ={"DEMO_DATA": "yes"},
            say=lambda line: None,
        )
        stack.summary = summary
        yield stack
    finally:
        stack.close()


def start_all(stack, names=("identity", "profiles", "mentoring", "notifications", "gateway")):
    """Stack.start_all, waiting longer: five processes start at once on a busy 2-core machine."""
    for name in names:
        stack.start(name, wait=False)
    for name in names:
        stack.wait_ready(name, timeout=120)


def api_login(stack, username):
    response = requests.post(
        stack.gateway_url + "/api/v1/auth/login",
        timeout=10,
        json={"username": username, "password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    return lambda path: requests.get(
        stack.gateway_url + "/api/v1" + path,
        timeout=10,
        headers={"Authorization": f"Bearer {token}"},
    ).json()


def log_in(browser, stack, username, language):
    context = browser.new_context(
        base_url=stack.gateway_url, extra_http_headers={"Accept-Language": language}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    return page


def test_every_demo_member_is_made_and_the_network_between_them_too(demo_network):
    summary = demo_network.summary
    assert summary["failures"] == [], summary["failures"]
    assert summary["members"] == MEMBERS + 3  # and the three documented logins
    made = demo_network.scalar("identity", "SELECT count(*) FROM accounts")
    assert made == MEMBERS + 3
    # Each service holds what its own events made of them.
    assert demo_network.scalar("profiles", "SELECT count(*) FROM profiles") == made
    assert (
        demo_network.scalar("mentoring", "SELECT count(*) FROM relationships")
        == summary["relationships"]
        >= 2
    )
    assert demo_network.scalar("notifications", "SELECT count(*) FROM messages") >= 3 * 2
    languages = {
        row[0] for row in demo_network.query("identity", "SELECT DISTINCT language FROM accounts")
    }
    assert languages == {"en", "nl"}
    pending = requests.get(
        demo_network.gateway_url + "/api/v1/admin/affiliation-reviews",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    ).json()
    assert all(item["email"].endswith("@demo.example.org") for item in pending["items"])


def test_the_mentor_login_has_requests_waiting_and_mentees(demo_network, browser):
    get = api_login(demo_network, "demo.mentor")
    dashboard = get("/dashboard")
    assert len(dashboard["relationships"]) == 2
    assert all(r["my_role"] == "mentor" for r in dashboard["relationships"])
    received = get("/mentoring/requests?box=received&status=pending")
    assert len(received["items"]) == 3
    assert get("/notifications/unread-count")["unread_count"] > 0
    page = log_in(browser, demo_network, "demo.mentor", "nl")
    assert page.url.endswith("/dashboard")
    expect(page.locator("h1")).to_contain_text("Anneke")
    expect(page.locator("main")).to_contain_text("Jij bent de mentor")
    page.context.close()


def test_the_student_login_has_a_mentor_a_conversation_and_a_request_waiting(demo_network, browser):
    get = api_login(demo_network, "demo.student")
    mentor = demo_network.scalar(
        "identity", "SELECT id FROM accounts WHERE username = %s", ("demo.mentor",)
    )
    relationships = get("/mentoring/relationships")["items"]
    assert [r["mentor_id"] for r in relationships] == [str(mentor)]
    assert len(get("/mentoring/requests?box=sent&status=pending")["items"]) == 1
    assert get("/conversations")["total"] == 1
    page = log_in(browser, demo_network, "demo.student", "en")
    assert page.url.endswith("/dashboard")
    expect(page.locator("main")).to_contain_text("You are the mentee")
    page.context.close()


def test_the_newcomer_login_resumes_onboarding_at_study_details(demo_network, browser):
    page = log_in(browser, demo_network, "demo.newcomer", "nl")
    assert page.url.endswith("/onboarding/study-details")
    expect(page.locator("input[name=programme]")).to_have_value("Geschiedenis")
    page.context.close()


def test_a_second_run_adds_nothing(demo_network):
    before = demo_network.scalar("identity", "SELECT count(*) FROM accounts")
    summary = loader.load(
        demo_network.gateway_url,
        MEMBERS,
        demo_network.urls["identity"],
        environ={"DEMO_DATA": "yes"},
        say=lambda line: None,
    )
    assert summary == {"members": 0, "already": before}
    assert demo_network.scalar("identity", "SELECT count(*) FROM accounts") == before


def test_demo_data_is_refused_unless_asked_for(stack_factory):
    stack = stack_factory()  # empty databases; nothing needs to run to be refused
    for environ in ({}, {"DEMO_DATA": "no"}):
        with pytest.raises(loader.Refused, match="set DEMO_DATA=yes"):
            loader.load(
                stack.gateway_url, 5, stack.urls["identity"], environ=environ, say=lambda line: None
            )
    assert stack.scalar("identity", "SELECT count(*) FROM university_records") == 0
    assert stack.scalar("identity", "SELECT count(*) FROM accounts") == 0


def test_demo_data_never_goes_into_a_network_with_a_real_member(stack_factory):
    stack = stack_factory(**WIDE_CLIENT_LIMITS)
    start_all(stack, ("identity", "gateway"))  # enough for a real member to sign up
    response = requests.post(
        stack.gateway_url + "/api/v1/accounts", json=registration(), timeout=30
    )
    assert response.status_code == 201, response.text
    with pytest.raises(loader.Refused, match=r"already has 1 real member"):
        loader.load(
            stack.gateway_url,
            5,
            stack.urls["identity"],
            environ={"DEMO_DATA": "yes"},
            say=lambda line: None,
        )
    assert stack.scalar("identity", "SELECT count(*) FROM university_records") == 0
    assert stack.scalar("identity", "SELECT count(*) FROM accounts") == 1


def test_the_loader_run_by_hand_without_asking_says_so(stack_factory):
    stack = stack_factory()
    env = {k: v for k, v in os.environ.items() if k != "DEMO_DATA"}
    result = subprocess.run(
        [sys.executable, "demo/loader.py", "--gateway", stack.gateway_url, "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(env, IDENTITY_DATABASE_URL=stack.urls["identity"]),
    )
    assert result.returncode == 3
    assert "set DEMO_DATA=yes" in result.stderr


def test_make_demo_starts_the_system_with_the_network_and_ctrl_c_stops_it(stack_factory):
    """scripts/demo (`make demo`): run-all, then the loader, then the logins, until Ctrl-C."""
    stack = stack_factory()  # its vhost and migrated databases; scripts/demo starts the processes
    port = free_port()
    env = dict(
        stack.env,
        GATEWAY_PORT=str(port),
        GATEWAY_BIND="127.0.0.1",
        GATEWAY_WORKERS="1",
        DEMO_MEMBERS="5",
        DEMO_WORKERS="4",
    )
    env.pop("DEMO_DATA", None)  # `make demo` asks for it itself
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    demo = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "scripts", "demo")],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines = []
    threading.Thread(
        target=lambda: lines.extend(iter(demo.stdout.readline, "")), daemon=True
    ).start()
    try:
        wait_until(
            lambda: any("The demo network is up" in line for line in lines),
            300,
            0.2,
            "the demo network",
        )
        output = "".join(lines)
        assert "demo.mentor" in output and "demo.student" in output and "demo.newcomer" in output
        response = requests.post(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            timeout=10,
            json={"username": "demo.student", "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        code = demo.wait(60)
    assert code == 0
    assert any("all stopped" in line for line in lines)
