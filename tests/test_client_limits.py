"""Limits per client through real HTTP, with identity's real default allowances
and two gateway processes (one of them with two workers) sharing them.

The gateway runs as if behind one proxy of the operator's (TRUSTED_PROXY_HOPS=1),
so each test is a client of its own by the X-Forwarded-For that proxy would add.
"""

import itertools
import math
import random
import re
import threading
import time
import uuid

import pytest
import requests

from conftest import registration
from gateway.rpc import RpcClient
from mentornet_contracts.operators import API_KEY_SCOPES
from mentornet_testing import Stack

ADMIN_TOKEN = "mnk_operator-key-for-limit-tests"
LOGIN_ALLOWANCE = 50  # the default: 50 failed logins per 15 minutes per client
REFILL_SECONDS = 900 / LOGIN_ALLOWANCE  # one attempt comes back every 18 s


def regained_since(started):
    """Attempts the allowance got back while a test ran (none if it took under
    18 s; a busy machine can take longer), so no count depends on the speed."""
    return math.floor((time.monotonic() - started) / REFILL_SECONDS)


@pytest.fixture(scope="module")
def limited(logs_dir, mailbox):
    stack = Stack(logs_dir, rpc_client=RpcClient, smtp_port=mailbox.port, TRUSTED_PROXY_HOPS=1)
    try:
        stack.add_api_key(ADMIN_TOKEN, API_KEY_SCOPES)
        stack.start_all(("identity", "gateway", "gateway-2"), GATEWAY_WORKERS=2)
        yield stack
    finally:
        stack.close()


class Client:
    """One address, sending through both gateways in turn."""

    def __init__(self, stack):
        self.address = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
        self.gateways = itertools.cycle([stack.gateway_url, stack.gateway_urls["gateway-2"]])
        self.lock = threading.Lock()

    def post(self, path, json, headers=None):
        with self.lock:
            base = next(self.gateways)
        return requests.post(
            base + "/api/v1" + path,
            json=json,
            timeout=30,
            headers={"X-Forwarded-For": self.address, **(headers or {})},
        )

    def get(self, path, headers=None):
        with self.lock:
            base = next(self.gateways)
        return requests.get(
            base + "/api/v1" + path,
            timeout=30,
            headers={"X-Forwarded-For": self.address, **(headers or {})},
        )

    def login(self, username, password):
        return self.post("/auth/login", {"username": username, "password": password})


def refused_by_client_limit(response):
    return (
        response.status_code == 429
        and response.json()["error"]["code"] == "too_many_requests"
        and 1 <= int(response.headers["Retry-After"]) <= 3600
    )


def test_a_spray_of_100_guesses_over_25_names_gets_429_with_retry_after(limited):
    """Four guesses per name stay under every name's lock-out; the client's
    allowance, kept by identity for both gateways, stops the spray."""
    spray = Client(limited)
    names = [f"member.{uuid.uuid4().hex[:6]}" for _ in range(25)]
    started = time.monotonic()
    answers = [spray.login(names[guess % 25], "Welcome2026!Welcome") for guess in range(100)]
    regained = regained_since(started)
    statuses = [answer.status_code for answer in answers]
    assert statuses[:LOGIN_ALLOWANCE] == [401] * LOGIN_ALLOWANCE
    assert set(statuses) == {401, 429}
    assert LOGIN_ALLOWANCE <= statuses.count(401) <= LOGIN_ALLOWANCE + regained
    refusal = [answer for answer in answers if answer.status_code == 429][-1]
    assert refused_by_client_limit(refusal), (refusal.headers, refusal.text)
    assert int(refusal.headers["Retry-After"]) <= 19  # one attempt back every 18 s
    assert "try again in" in refusal.json()["error"]["message"]
    # Someone else, elsewhere, is not refused.
    assert Client(limited).login(names[0], "Welcome2026!Welcome").status_code == 401


def test_a_flood_of_unknown_name_logins_is_stopped(limited):
    """Many unknown-name logins at once (each would be an argon2 hash): only the
    allowance's worth is tried, however many arrive together."""
    flood = Client(limited)
    statuses = []
    started = time.monotonic()

    def send(count):
        for _ in range(count):
            statuses.append(flood.login(f"ghost.{uuid.uuid4().hex[:8]}", "x" * 20).status_code)

    threads = [threading.Thread(target=send, args=(15,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    regained = regained_since(started)
    assert len(statuses) == 120 and set(statuses) == {401, 429}
    assert LOGIN_ALLOWANCE <= statuses.count(401) <= LOGIN_ALLOWANCE + regained


def test_a_computer_room_behind_one_address_signs_up_and_logs_in(limited):
    """A class of 40 signs up, then logs in at the start of the next class, a
    quarter of them mistyping first: nobody is refused."""
    room = Client(limited)
    students = [registration() for _ in range(40)]
    for student in students:
        signed_up = room.post("/accounts", student)
        assert signed_up.status_code == 201, signed_up.text
    for number, student in enumerate(students):
        if number % 4 == 0:
            assert room.login(student["username"], "my old password, surely").status_code == 401
        logged_in = room.login(student["email"], student["password"])
        assert logged_in.status_code == 200, logged_in.text


def test_guessing_api_keys_gets_429_and_the_right_key_costs_nothing(limited):
    guesser, operator = Client(limited), Client(limited)
    for _ in range(10):  # the default: 10 wrong keys per hour per client
        wrong = guesser.get("/admin/affiliation-reviews", {"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
    refused = guesser.get("/admin/affiliation-reviews", {"Authorization": "Bearer guess"})
    assert refused_by_client_limit(refused), refused.text
    # Refused before the token is compared: a lucky guess would not be told.
    assert (
        guesser.get(
            "/admin/affiliation-reviews", {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        ).status_code
        == 429
    )
    for _ in range(15):
        assert (
            operator.get(
                "/admin/affiliation-reviews", {"Authorization": f"Bearer {ADMIN_TOKEN}"}
            ).status_code
            == 200
        )


def test_guessing_links_for_address_confirmation_and_password_reset_gets_429(limited):
    guesser = Client(limited)
    for _ in range(30):  # the default for each: 30 per hour per client
        assert guesser.post("/email-confirmations", {"token": uuid.uuid4().hex}).status_code == 404
    assert refused_by_client_limit(guesser.post("/email-confirmations", {"token": "guess"}))
    for _ in range(15):
        assert (
            guesser.post(
                "/password-resets/verify", {"token": uuid.uuid4().hex, "security_answer": "Rex"}
            ).status_code
            == 404
        )
        assert guesser.get(f"/password-resets/question?token={uuid.uuid4().hex}").status_code == 404
    assert refused_by_client_limit(guesser.post("/password-resets", {"login": "someone"}))
    assert refused_by_client_limit(
        guesser.post(
            "/password-resets/complete",
            {
                "reset_token": "guess",
                "password": "a new long password",
                "password_confirmation": "a new long password",
            },
        )
    )


def test_a_locked_login_name_answers_429_with_retry_after(limited):
    typist = Client(limited)
    ghost = f"ghost.{uuid.uuid4().hex[:6]}"
    for _ in range(5):
        assert typist.login(ghost, "wrong wrong wrong wrong").status_code == 401
    locked = typist.login(ghost, "wrong wrong wrong wrong")
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_attempts"
    assert 1 <= int(locked.headers["Retry-After"]) <= 60


def test_the_login_page_draws_on_the_same_allowance(limited):
    """The pages' login is the same guess as the API's: a spray through both is
    one spray."""
    spray = Client(limited)
    page = requests.get(
        limited.gateway_url + "/login", timeout=30, headers={"X-Forwarded-For": spray.address}
    )
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    # The cookie is __Host- and Secure, which requests keeps to https: sent by hand.
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]

    def page_login():
        return requests.post(
            limited.gateway_url + "/login",
            timeout=30,
            allow_redirects=False,
            data={"csrf_token": token, "username": "ghost", "password": "x" * 20},
            headers={"X-Forwarded-For": spray.address, "Cookie": cookie},
        )

    while spray.login(f"ghost.{uuid.uuid4().hex[:6]}", "Welcome2026!Welcome").status_code != 429:
        pass  # the API used the allowance up
    # A page login right after is refused too (a second try only if an attempt
    # came back in between: one does every 18 s).
    refused = page_login()
    if refused.status_code == 401:
        refused = page_login()
    assert refused.status_code == 429, refused.text[:300]
    assert 1 <= int(refused.headers["Retry-After"]) <= 19
