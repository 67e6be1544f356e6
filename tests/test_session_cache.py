"""The gateway's session cache (gateway/auth.py) between real processes: two
gateways, identity, RabbitMQ and PostgreSQL.

Each answer says how many service calls it took (``X-RPC-Calls``, on in these
stacks): ``GET /api/v1/onboarding`` is one call (identity's get_onboarding)
when the gateway trusted its cache, two when it asked identity about the token
first.
"""

import re
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from gateway.rpc import RpcClient
from mentornet_testing import WIDE_CLIENT_LIMITS, SeverableProxy, Stack, wait_until
from tests.support import Member

FROM_CACHE, ASKED_IDENTITY = 1, 2


def probe(url, token):
    """(status, service calls) of one request with ``token`` at gateway ``url``."""
    response = requests.get(
        url + "/api/v1/onboarding", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return response.status_code, int(response.headers["X-RPC-Calls"])


def served_from_cache(url, token):
    """Wait until the gateway at ``url`` answers ``token`` without asking identity
    (its session-events queue may still be connecting right after start)."""
    wait_until(
        lambda: probe(url, token) == (200, FROM_CACHE), 15, 0.1, "the gateway to trust the session"
    )


def signed_up(stack, form):
    member = Member(stack, form)
    member.sign_up()
    return member


def via(uri, port):
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{port}"))


@pytest.fixture(scope="module")
def gateways(logs_dir, mailbox):
    """identity and two gateway processes; the second hears identity's events
    through a proxy the tests can cut (its RPC goes to the broker directly)."""
    proxy = SeverableProxy()
    stack = Stack(
        logs_dir,
        rpc_client=RpcClient,
        smtp_port=mailbox.port,
        RPC_CALLS_HEADER=1,
        PAGE_COOKIES_SECURE=0,
        SESSION_CACHE_SECONDS=60,
        SESSION_ACTIVITY_REPORT_SECONDS=1,
        # what is asserted is who is let in, not how fast: on a machine at load
        # 30 a sign-up's two argon2 hashes can outlast the default 5 s (a 504)
        RPC_TIMEOUT_SECONDS=20,
        **WIDE_CLIENT_LIMITS,
    )
    try:
        stack.start("identity", wait=False)
        stack.start("gateway", wait=False)
        stack.start(
            "gateway-2", wait=False, SESSION_EVENTS_AMQP_URI=via(stack.amqp_uri, proxy.port)
        )
        for name in ("identity", "gateway", "gateway-2"):
            stack.wait_ready(name)
        yield stack, stack.gateway_urls["gateway"], stack.gateway_urls["gateway-2"], proxy
    finally:
        stack.close()
        proxy.cut()


def test_a_logout_in_one_gateway_ends_the_session_in_another_within_a_second(
    gateways, new_registration
):
    stack, first, second, _ = gateways
    member = signed_up(stack, new_registration())
    assert probe(second, member.token) == (200, ASKED_IDENTITY)
    served_from_cache(second, member.token)

    assert member.post("/auth/logout").status_code == 204  # through the first gateway
    wait_until(
        lambda: probe(second, member.token)[0] == 401,
        1.0,
        0.02,
        "the other gateway to refuse the ended session",
    )
    assert all(probe(url, member.token)[0] == 401 for url in (first, second) for _ in range(5))


def test_a_password_change_and_a_deletion_end_cached_sessions_everywhere(
    gateways, new_registration
):
    stack, _, second, _ = gateways
    member = signed_up(stack, new_registration())
    first_session = member.token
    served_from_cache(second, first_session)

    member.token = member.login().json()["token"]
    changed = member.post(
        "/me/password",
        {
            "current_password": member.form["password"],
            "password": "lantern tulip canal bicycle",
            "password_confirmation": "lantern tulip canal bicycle",
        },
    )
    assert changed.status_code == 200, changed.text
    wait_until(
        lambda: probe(second, first_session)[0] == 401,
        1.0,
        0.02,
        "the other gateway to refuse a session the password change ended",
    )

    member.token = changed.json()["token"]
    served_from_cache(second, member.token)
    assert (
        member.delete("/me/account", {"password": "lantern tulip canal bicycle"}).status_code == 204
    )
    wait_until(
        lambda: probe(second, member.token)[0] == 401,
        1.0,
        0.02,
        "the other gateway to refuse the deleted account's session",
    )


def test_a_broker_outage_never_lets_an_ended_session_through(gateways, new_registration):
    stack, _, second, proxy = gateways
    leaving, staying = (signed_up(stack, new_registration()) for _ in range(2))
    for member in (leaving, staying):
        served_from_cache(second, member.token)

    proxy.cut()  # the second gateway's events stop; everything else still works
    try:
        # Ended while the second gateway cannot hear it: still refused there.
        assert leaving.post("/auth/logout").status_code == 204
        assert [probe(second, leaving.token)[0] for _ in range(5)] == [401] * 5
        # A live session still works there, each request checked with identity.
        assert [probe(second, staying.token) for _ in range(5)] == [(200, ASKED_IDENTITY)] * 5
    finally:
        proxy.restore()

    served_from_cache(second, staying.token)  # trusted again once its queue is back
    assert probe(second, leaving.token)[0] == 401


def test_a_silent_partition_stops_the_cache_and_never_lets_an_ended_session_through(
    gateways, new_registration
):
    """The link neither closes nor answers (a frozen network): no end of
    stream tells the gateway, only the pings that stop coming back."""
    stack, _, second, proxy = gateways
    leaving, staying = (signed_up(stack, new_registration()) for _ in range(2))
    for member in (leaving, staying):
        served_from_cache(second, member.token)

    proxy.freeze()
    try:
        # The gateway stops trusting its cache on its own (within FRESH_SECONDS) ...
        wait_until(
            lambda: probe(second, staying.token) == (200, ASKED_IDENTITY),
            10,
            0.05,
            "the gateway to stop trusting a silent link",
        )
        # ... and an ending it cannot hear is refused there from then on.
        assert leaving.post("/auth/logout").status_code == 204
        assert [probe(second, leaving.token)[0] for _ in range(5)] == [401] * 5
        assert [probe(second, staying.token) for _ in range(5)] == [(200, ASKED_IDENTITY)] * 5
    finally:
        proxy.thaw()

    served_from_cache(second, staying.token)  # trusted again once pings come back
    assert probe(second, leaving.token)[0] == 401


def test_activity_answered_from_the_cache_restarts_identitys_idle_clock(gateways, new_registration):
    stack, first, _, _ = gateways
    member = signed_up(stack, new_registration())
    served_from_cache(first, member.token)
    digest = __import__("hashlib").sha256(member.token.encode()).hexdigest()
    stack.query(
        "identity",
        "UPDATE sessions SET last_seen_at = now() - interval '20 minutes' WHERE token_hash = %s",
        (digest,),
    )

    assert probe(first, member.token) == (200, FROM_CACHE)  # identity did not see this one
    wait_until(
        lambda: stack.scalar(
            "identity",
            "SELECT now() - last_seen_at < interval '1 minute' FROM sessions WHERE token_hash = %s",
            (digest,),
        ),
        10,
        0.2,
        "the gateway to report the member's activity",
    )


def test_pages_use_the_cache_and_a_page_logout_ends_the_session_in_another_gateway(
    gateways, new_registration
):
    stack, first, second, _ = gateways
    member = signed_up(stack, new_registration())
    browser = requests.Session()
    login_page = browser.get(first + "/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    logged_in = browser.post(
        first + "/login",
        timeout=10,
        allow_redirects=False,
        data={
            "csrf_token": csrf,
            "username": member.form["username"],
            "password": member.form["password"],
        },
    )
    assert logged_in.status_code == 303, logged_in.text

    def onboarding_page(url):
        """Where /onboarding sends the member (their next step, or /login for a
        visitor), and the service calls that took."""
        response = browser.get(url + "/onboarding", timeout=10, allow_redirects=False)
        return response.headers.get("Location", ""), int(response.headers["X-RPC-Calls"])

    # The first answer asks identity about the session; once trusted, one call fewer.
    step, calls = onboarding_page(second)
    assert "/onboarding/" in step, step
    wait_until(
        lambda: onboarding_page(second) == (step, calls - 1),
        15,
        0.1,
        "the other gateway to trust the page session",
    )
    page = browser.get(first + "/onboarding", timeout=10).text  # the next step's form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # A copy of the cookie as it was before logging out, to replay at the other gateway.
    replayed = requests.Session()
    replayed.cookies.update({c.name: c.value for c in browser.cookies})
    assert (
        browser.post(
            first + "/logout", data={"csrf_token": csrf}, timeout=10, allow_redirects=False
        ).status_code
        == 303
    )
    wait_until(
        lambda: (
            replayed.get(second + "/onboarding", timeout=10, allow_redirects=False)
            .headers.get("Location", "")
            .startswith("/login")
        ),
        1.0,
        0.02,
        "the other gateway to send the ended page session to log in",
    )


@pytest.fixture(scope="module")
def short_sessions(logs_dir, mailbox):
    """identity with a 4 s idle limit and a 9 s absolute one; the gateway trusts
    its cache for up to a minute and reports activity every second."""
    stack = Stack(
        logs_dir,
        rpc_client=RpcClient,
        smtp_port=mailbox.port,
        RPC_CALLS_HEADER=1,
        SESSION_CACHE_SECONDS=60,
        SESSION_IDLE_SECONDS=4,
        SESSION_ABSOLUTE_SECONDS=9,
        SESSION_ACTIVITY_REPORT_SECONDS=1,
        **WIDE_CLIENT_LIMITS,
    )
    try:
        stack.start_all(("identity", "gateway"))
        yield stack
    finally:
        stack.close()


def test_a_session_left_idle_ends_at_the_idle_limit_though_the_gateway_trusted_it(
    short_sessions, new_registration
):
    member = signed_up(short_sessions, new_registration())
    served_from_cache(short_sessions.gateway_url, member.token)
    time.sleep(4.5)
    assert probe(short_sessions.gateway_url, member.token)[0] == 401


def test_an_active_session_outlives_the_idle_limit_but_not_the_absolute_one(
    short_sessions, new_registration
):
    url, member = short_sessions.gateway_url, Member(short_sessions, new_registration())
    asked = time.monotonic()
    member.sign_up()
    opened = time.monotonic()  # the session began between these two moments
    answers = []
    while time.monotonic() < opened + 11:
        answers.append((time.monotonic(), *probe(url, member.token)))
        time.sleep(0.3)
    before_the_end = [status for at, status, _ in answers if at < asked + 8]
    after_the_end = [status for at, status, _ in answers if at > opened + 9.2]
    assert before_the_end and set(before_the_end) == {200}  # twice the idle limit, active
    assert any(calls == FROM_CACHE for at, status, calls in answers if at < asked + 8)
    assert after_the_end and set(after_the_end) == {401}
