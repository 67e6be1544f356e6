"""Fault injection: each test asserts that nothing is lost and nothing is done twice.

Every test runs its own isolated stack (vhost + databases) with the services
as real processes; faults are injected from outside: a consumer not started,
a database trigger that fails, a cut broker connection, a stopped service.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pika
import requests

from mentornet_testing import ROOT, SeverableProxy, wait_until


def register(stack, form):
    return stack.rpc.call(
        "identity",
        "register_account",
        kwargs={"registration": form, "idempotency_key": None, "client": "192.0.2.20"},
        timeout=10,
    )


def count(stack, service, statement, params=None):
    return stack.scalar(service, statement, params)


FAIL_PROFILE_INSERTS = """
CREATE SEQUENCE injected_failures;
CREATE FUNCTION fail_first_inserts() RETURNS trigger AS $$
BEGIN
    -- nextval is not rolled back with the failed transaction, so it counts tries.
    IF nextval('injected_failures') <= {failures} THEN
        RAISE EXCEPTION 'injected fault on try %', currval('injected_failures');
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER injected_fault BEFORE INSERT ON profiles
    FOR EACH ROW EXECUTE FUNCTION fail_first_inserts();
"""


def test_events_wait_for_consumers_that_were_down_50_profiles_and_50_mails(
    stack_factory, mailbox, new_registration
):
    stack = stack_factory()
    stack.start("identity")  # profiles and notifications have never run on this vhost
    forms = [new_registration(language="en" if i % 2 else "nl") for i in range(50)]
    with ThreadPoolExecutor(8) as pool:
        accounts = list(pool.map(lambda form: register(stack, form), forms))
    assert len({a["account"]["user_id"] for a in accounts}) == 50
    wait_until(
        lambda: (
            count(
                stack, "identity", "SELECT count(*) FROM outbox_events WHERE published_at IS NULL"
            )
            == 0
        ),
        20,
        0.1,
        "the outbox to be published",
    )
    assert count(stack, "profiles", "SELECT count(*) FROM profiles") == 0

    stack.start("profiles", wait=False)
    stack.start("notifications", wait=False)
    # Starting takes minutes on a loaded machine; the events' own waits begin once they answer.
    stack.wait_ready("profiles")
    stack.wait_ready("notifications")

    wait_until(
        lambda: count(stack, "profiles", "SELECT count(*) FROM profiles") == 50,
        30,
        0.1,
        "50 profiles",
    )
    addresses = {form["email"] for form in forms}

    def welcomes():
        return [m for address in addresses for m in mailbox.welcomes(address)]

    wait_until(lambda: len(welcomes()) >= 50, 30, 0.1, "50 welcome e-mails")
    wait_until(
        lambda: (
            count(
                stack,
                "identity",
                "SELECT count(*) FROM accounts WHERE profile_ready_at IS NOT NULL",
            )
            == 50
        ),
        20,
        0.1,
        "every account's profile",
    )
    time.sleep(1.5)  # anything extra would have arrived by now
    assert count(stack, "profiles", "SELECT count(*) FROM profiles") == 50
    mails = welcomes()
    assert len(mails) == 50
    assert sorted(address for m in mails for address in m["to"]) == sorted(addresses)
    assert (
        count(
            stack, "notifications", "SELECT count(*) FROM email_messages WHERE template = 'welcome'"
        )
        == 50
    )


def test_a_handler_failing_twice_is_applied_once_on_a_retry(stack_factory, new_registration):
    stack = stack_factory()
    stack.query("profiles", FAIL_PROFILE_INSERTS.format(failures=2))
    stack.start("identity")
    stack.start("profiles")
    account = register(stack, new_registration())["account"]

    wait_until(
        lambda: count(stack, "profiles", "SELECT count(*) FROM profiles") == 1,
        20,
        0.1,
        "the profile, on a retry",
    )
    failure = stack.query("profiles", "SELECT status, attempts, last_error FROM failed_events")
    assert len(failure) == 1
    status, attempts, last_error = failure[0]
    assert (status, attempts) == ("done", 3)  # failed live, failed retry 1, applied on retry 2
    assert "injected fault" in last_error
    assert count(stack, "profiles", "SELECT count(*) FROM processed_events") == 1
    assert (
        count(stack, "profiles", "SELECT count(*) FROM outbox_events") == 1
    )  # one profile_created
    wait_until(
        lambda: (
            count(
                stack,
                "identity",
                "SELECT count(*) FROM accounts WHERE id = %s AND profile_ready_at IS NOT NULL",
                (account["user_id"],),
            )
            == 1
        ),
        20,
        0.1,
        "the account to be ready",
    )


def test_the_same_event_delivered_twice_has_one_effect(stack_factory, mailbox):
    stack = stack_factory()
    stack.start("profiles")
    stack.start("notifications")
    user_id = str(uuid.uuid4())
    address = f"twice.{user_id[:8]}@example.org"
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": "account_registered",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {
            "user_id": user_id,
            "username": f"twice.{user_id[:8]}",
            "email": address,
            "first_name": "Twice",
            "middle_names": "",
            "last_name": "Delivered",
            "language": "en",
            "registered_at": datetime.now(UTC).isoformat(),
        },
    }
    connection = pika.BlockingConnection(pika.URLParameters(stack.amqp_uri))
    channel = connection.channel()
    for _ in range(2):  # a redelivery, as after a relay crash between publish and mark
        channel.basic_publish(
            "identity.events",
            "account_registered",
            json.dumps(envelope),
            pika.BasicProperties(content_type="application/json", delivery_mode=2),
        )
    connection.close()

    wait_until(lambda: mailbox.welcomes(address), 20, 0.1, "the welcome e-mail")
    wait_until(
        lambda: count(stack, "profiles", "SELECT count(*) FROM processed_events") == 1,
        20,
        0.1,
        "the event processed",
    )
    time.sleep(1.5)
    assert (
        count(stack, "profiles", "SELECT count(*) FROM profiles WHERE user_id = %s", (user_id,))
        == 1
    )
    assert count(stack, "profiles", "SELECT count(*) FROM outbox_events") == 1
    assert count(stack, "notifications", "SELECT count(*) FROM email_messages") == 1
    assert count(stack, "notifications", "SELECT count(*) FROM processed_events") == 1
    assert len(mailbox.welcomes(address)) == 1


def test_an_event_committed_while_the_broker_is_unreachable_goes_out_when_it_is_back(
    stack_factory, mailbox, new_registration
):
    stack = stack_factory()
    proxy = SeverableProxy()
    vhost_path = stack.amqp_uri.rsplit("/", 1)[1]
    stack.start(
        "identity", OUTBOX_AMQP_URI=f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost_path}"
    )
    stack.start("profiles")
    stack.start("notifications")
    proxy.cut()  # identity's event publisher can no longer reach the broker

    form = new_registration()
    account = register(stack, form)["account"]  # the RPC itself still arrives
    assert (
        count(
            stack, "identity", "SELECT count(*) FROM accounts WHERE id = %s", (account["user_id"],)
        )
        == 1
    )
    time.sleep(2)
    # Both of its events wait: account_registered and the address confirmation.
    assert (
        count(stack, "identity", "SELECT count(*) FROM outbox_events WHERE published_at IS NULL")
        == 2
    )
    assert count(stack, "profiles", "SELECT count(*) FROM profiles") == 0
    assert mailbox.to(form["email"]) == []

    proxy.restore()
    wait_until(
        lambda: count(stack, "profiles", "SELECT count(*) FROM profiles") == 1,
        30,
        0.1,
        "the profile once the broker is back",
    )
    wait_until(lambda: mailbox.welcomes(form["email"]), 20, 0.1, "the welcome e-mail")
    wait_until(
        lambda: mailbox.to(form["email"], "^(Confirm|Bevestig)"), 20, 0.1, "the confirmation e-mail"
    )
    time.sleep(1)
    assert count(stack, "profiles", "SELECT count(*) FROM profiles") == 1
    assert len(mailbox.welcomes(form["email"])) == 1
    assert len(mailbox.to(form["email"], "^(Confirm|Bevestig)")) == 1
    proxy.cut()


def test_the_gateway_answers_503_within_the_timeout_for_a_stopped_service(stack_factory):
    stack = stack_factory(RPC_TIMEOUT_SECONDS=3)
    stack.start("identity")
    stack.start("gateway")
    url = stack.gateway_url + "/api/v1/usernames/availability"
    assert requests.get(url, params={"username": "someone"}, timeout=10).status_code == 200

    stack.stop("identity")
    started = time.monotonic()
    response = requests.get(url, params={"username": "someone"}, timeout=10)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "identity" in response.json()["error"]["message"]
    assert elapsed < 3

    ready = requests.get(stack.gateway_url + "/readyz", timeout=10)
    assert ready.status_code == 503
    assert ready.json()["services"]["identity"] == "unavailable"


def test_a_dead_letter_is_parked_listed_and_replayed_by_the_operator(
    stack_factory, new_registration
):
    stack = stack_factory(EVENT_MAX_ATTEMPTS=3)
    stack.query("profiles", FAIL_PROFILE_INSERTS.format(failures=1000))
    stack.start("identity")
    stack.start("profiles")
    register(stack, new_registration())
    wait_until(
        lambda: (
            count(stack, "profiles", "SELECT count(*) FROM failed_events WHERE status = 'dead'")
            == 1
        ),
        30,
        0.1,
        "the event to be parked",
    )
    assert count(stack, "profiles", "SELECT count(*) FROM profiles") == 0

    env = dict(os.environ, PROFILES_DATABASE_URL=stack.urls["profiles"])
    tool = [sys.executable, "-m", "mentornet_platform.deadletters", "profiles"]
    listing = subprocess.run(tool + ["list"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert listing.returncode == 0, listing.stderr
    assert "dead" in listing.stdout and "on_account_registered" in listing.stdout
    assert "injected fault" in listing.stdout

    stack.query("profiles", "DROP TRIGGER injected_fault ON profiles")  # the operator's fix
    replay = subprocess.run(
        tool + ["replay", "--all-dead"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert replay.returncode == 0 and "replaying 1 event" in replay.stdout
    wait_until(
        lambda: count(stack, "profiles", "SELECT count(*) FROM profiles") == 1,
        20,
        0.1,
        "the replayed event applied",
    )
    assert stack.query("profiles", "SELECT status FROM failed_events") == [("done",)]
