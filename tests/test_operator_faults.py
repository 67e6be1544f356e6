"""The faults an operator will meet, each under load, each counting what was
lost and what was done twice (both must be zero).

The load: members signing up through identity's RPC, 8 at a time.  Each
sign-up sets off a saga across three services: identity records the account
and publishes ``account_registered`` (outbox); profiles makes the profile and
publishes ``profile_created``, which identity marks on the account;
notifications queues the welcome mail.  So for N sign-ups exactly N accounts,
N profiles, N ``profile_created`` events, N accounts marked ready and N welcome
mails must exist: fewer is something lost, more is something done twice.

The machine's RabbitMQ and PostgreSQL are shared: a broker or a database that
a test restarts is its own (``mentornet_testing.instances``).

Where a fault must come in the middle of handlers, the test itself holds them
there (``ProfileInsertsHeld``: a lock on profiles' table that every profile
insert waits for), so the fault cannot come too late however fast or slow the
machine is.
"""

import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import requests
from nameko.constants import DEFAULT_MAX_WORKERS

from gateway.rpc import RpcClient
from mentornet_contracts.events import subscriptions_of
from mentornet_testing import (
    WIDE_CLIENT_LIMITS,
    SeverableProxy,
    Stack,
    queue_info,
    rabbitmqctl,
    wait_until,
)
from mentornet_testing.instances import ThrowawayPostgres, ThrowawayRabbit

SIGN_UPS = 40
# The stacks take wide per-client allowances (WIDE_CLIENT_LIMITS): every
# sign-up, and every retry of one, comes from the test's one address, and the
# default (60 sign-ups an hour) would refuse the retries a fault causes.
# Events one service instance handles at once (nameko's max_workers, which is
# also its prefetch: the messages it holds unacknowledged).  The services keep
# nameko's default.
WORKERS = DEFAULT_MAX_WORKERS


class ProfileInsertsHeld:
    """The test's own transaction holds profiles' table in EXCLUSIVE mode: reads
    go on, but every handler that comes to insert a profile waits there, in the
    middle of its transaction (its ``processed_events`` row written), until the
    test lets go.  So a fault is known to come while that work is in flight,
    however fast or slow the machine, and no profile is made before ``release()``."""

    def __init__(self, stack):
        self.stack = stack
        self.connection = psycopg2.connect(stack.urls["profiles"])
        with self.connection.cursor() as cursor:
            cursor.execute("LOCK TABLE profiles IN EXCLUSIVE MODE")

    def waiting(self):
        return self.stack.scalar(
            "profiles",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO profiles%%'",
        )

    def wait_for(self, handlers):
        """Until ``handlers`` handlers wait in the middle (each instance takes
        at most WORKERS at once)."""
        wait_until(
            lambda: self.waiting() >= handlers,
            180,
            0.1,
            f"{handlers} handlers waiting to insert their profile",
        )

    def release(self):
        if self.connection.closed:
            return
        try:
            self.connection.rollback()
        except psycopg2.Error:
            pass  # the database restarted under it: the lock went with the connection
        self.connection.close()


def register(stack, form, key):
    return stack.rpc.call(
        "identity",
        "register_account",
        kwargs={"registration": form, "idempotency_key": key, "client": "192.0.2.20"},
        timeout=20,
    )["account"]["user_id"]


def sign_up_all(stack, forms, retry_seconds=120.0):
    """Every form signed up once: a failed call (the fault) is retried with the
    same idempotency key, as a client would, for up to ``retry_seconds`` (a
    loaded machine can outlast a call's timeout even before the fault)."""

    def one(form):
        key, deadline = str(uuid.uuid4()), time.monotonic() + retry_seconds
        while True:
            try:
                return register(stack, form, key)
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, forms))


def outcomes(stack, user_ids):
    ids = [str(user_id) for user_id in user_ids]

    def count(service, statement):
        return stack.scalar(service, statement, (ids,))

    return {
        "accounts": count("identity", "SELECT count(*) FROM accounts WHERE id::text = ANY(%s)"),
        "profiles": count(
            "profiles", "SELECT count(*) FROM profiles WHERE user_id::text = ANY(%s)"
        ),
        "profile_created events": stack.scalar(
            "profiles", "SELECT count(*) FROM outbox_events WHERE event_type = 'profile_created'"
        ),
        "accounts with their profile": count(
            "identity",
            "SELECT count(*) FROM accounts WHERE id::text = ANY(%s)"
            " AND profile_ready_at IS NOT NULL",
        ),
        "welcome mails": stack.scalar(
            "notifications", "SELECT count(*) FROM email_messages WHERE template = 'welcome'"
        ),
    }


def assert_each_done_once(stack, user_ids, timeout=300):
    expected = dict.fromkeys(outcomes(stack, []), len(user_ids))
    expected["accounts"] = len(set(user_ids))
    try:
        wait_until(
            lambda: outcomes(stack, user_ids) == expected,
            timeout,
            0.5,
            "every sign-up's saga to finish",
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {outcomes(stack, user_ids)}, not {expected}") from None
    time.sleep(2)  # anything done twice would show by now
    assert outcomes(stack, user_ids) == expected
    assert len(set(user_ids)) == len(user_ids) == SIGN_UPS


def via(uri, port):
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{port}"))


def queue_counts(stack, queue):
    """(ready, unacknowledged) messages of ``queue`` on the stack's vhost."""
    listed = rabbitmqctl(
        "list_queues",
        "-p",
        stack.vhost,
        "name",
        "messages_ready",
        "messages_unacknowledged",
        broker=stack.broker,
    ).stdout
    for line in listed.splitlines():
        name, *numbers = line.split()
        if name == queue:
            return tuple(int(n) for n in numbers)
    return (0, 0)


PROFILES_QUEUE = next(s.queue_name for s in subscriptions_of("identity") if s.service == "profiles")


@pytest.fixture
def forms(new_registration):
    return [new_registration(language="en" if i % 2 else "nl") for i in range(SIGN_UPS)]


def test_a_service_killed_with_sigkill_in_the_middle_of_its_handlers(stack_factory, forms):
    """Its unacknowledged messages go back to the queue and its open
    transactions roll back; the restarted service applies each event once."""
    stack = stack_factory(**WIDE_CLIENT_LIMITS)
    stack.start_all(("identity", "profiles", "notifications"))
    held = ProfileInsertsHeld(stack)
    try:
        user_ids = sign_up_all(stack, forms)
        held.wait_for(WORKERS)
        stack.processes["profiles"].send_signal(signal.SIGKILL)
        stack.processes["profiles"].wait()
    finally:
        held.release()
    assert outcomes(stack, user_ids)["profiles"] < SIGN_UPS  # killed with work left

    stack.start("profiles")
    assert_each_done_once(stack, user_ids)


def test_a_frozen_service_holding_messages_then_thawed(stack_factory, forms):
    """SIGSTOP: its connection stays open, so the broker neither redelivers nor
    hands over what it holds; the other instance carries on with the rest, and
    after SIGCONT the frozen one finishes what it held, once."""
    stack = stack_factory(**WIDE_CLIENT_LIMITS)
    stack.start_all(("identity", "profiles", "profiles#2", "notifications"))
    wait_until(
        lambda: queue_info(stack.amqp_uri, PROFILES_QUEUE)[1] == 2,
        60,
        0.2,
        "both profiles instances consuming",
    )
    frozen = stack.processes["profiles#2"]
    half = SIGN_UPS // 2
    assert half >= 2 * WORKERS  # enough for each instance to take all it can
    held = ProfileInsertsHeld(stack)
    try:
        user_ids = sign_up_all(stack, forms[:half])
        # Each instance takes WORKERS events at most (its prefetch), so with
        # both full, the one about to be frozen holds exactly WORKERS.
        held.wait_for(2 * WORKERS)
        frozen.send_signal(signal.SIGSTOP)
    except BaseException:
        held.release()
        raise
    try:
        held.release()
        user_ids += sign_up_all(stack, forms[half:])
        # The other instance did all it could; what is left is held by the frozen one.
        wait_until(
            lambda: (
                queue_counts(stack, PROFILES_QUEUE) == (0, WORKERS)
                and outcomes(stack, user_ids)["profiles"] == SIGN_UPS - WORKERS
            ),
            240,
            0.5,
            "the running instance to finish all but what the frozen one holds",
        )
    finally:
        frozen.send_signal(signal.SIGCONT)
    assert_each_done_once(stack, user_ids)


def test_connections_dropped_between_a_service_and_the_broker(stack_factory, forms):
    """Profiles' broker connections (its consumers and its outbox relay) are
    cut in the middle of its handlers and come back two seconds later: the
    handlers caught by the cut commit with nobody to acknowledge their events
    to, those events are redelivered (a duplicate, a no-op), the events they
    recorded wait in the outbox, and each is applied and sent once."""
    stack = stack_factory(**WIDE_CLIENT_LIMITS)
    proxy = SeverableProxy()
    try:
        stack.start("identity", wait=False)
        stack.start("profiles", wait=False, AMQP_URI=via(stack.amqp_uri, proxy.port))
        stack.start("notifications", wait=False)
        for name in ("identity", "profiles", "notifications"):
            stack.wait_ready(name)
        held = ProfileInsertsHeld(stack)
        try:
            user_ids = sign_up_all(stack, forms)
            held.wait_for(WORKERS)
            proxy.cut()
        finally:
            held.release()
        time.sleep(2)  # the link stays down while the caught handlers commit
        assert outcomes(stack, user_ids)["profiles"] < SIGN_UPS  # cut with work left
        proxy.restore()
        assert_each_done_once(stack, user_ids)
    finally:
        proxy.cut()


def test_a_slow_network_between_the_services_and_the_broker(stack_factory, forms):
    """150 ms each way on every broker connection of profiles and
    notifications: slower, and still each event applied and sent once."""
    stack = stack_factory(**WIDE_CLIENT_LIMITS)
    proxy = SeverableProxy(latency=0.15)
    try:
        stack.start("identity", wait=False)
        for name in ("profiles", "notifications"):
            stack.start(name, wait=False, AMQP_URI=via(stack.amqp_uri, proxy.port))
        for name in ("identity", "profiles", "notifications"):
            stack.wait_ready(name)
        user_ids = sign_up_all(stack, forms)
        assert_each_done_once(stack, user_ids)
    finally:
        proxy.cut()


def sign_up_meanwhile(stack, forms):
    """Sign ``forms`` up in a thread while the test brings a fault about; join()
    gives their ids (and raises what the thread raised)."""
    signed_up, failed = [], []

    def run():
        try:
            signed_up.extend(sign_up_all(stack, forms, retry_seconds=600))
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)  # an interrupted run does not wait for it
    thread.start()

    def join():
        thread.join()
        if failed:
            raise failed[0]
        return signed_up

    return join


@pytest.fixture
def own_broker():
    broker = ThrowawayRabbit()
    yield broker
    broker.close()


def test_the_broker_restarted_under_load(logs_dir, mailbox, own_broker, forms):
    """RabbitMQ stops (every connection closed, unacknowledged messages back
    in their queues) and starts again while members sign up and events are
    handled.  Events wait in durable queues as persistent messages, published
    with publisher confirms, so the restart loses none; the handlers it caught
    in the middle commit with nobody to acknowledge to, and their events come
    again (a duplicate, a no-op); what they recorded waits in the outbox while
    the broker is down; consumers and relays reconnect; a sign-up refused
    meanwhile is retried by its client with the same idempotency key."""
    stack = Stack(
        logs_dir,
        rpc_client=RpcClient,
        smtp_port=mailbox.port,
        broker=own_broker,
        **WIDE_CLIENT_LIMITS,
    )
    try:
        stack.start_all(("identity", "profiles", "notifications"))
        half = SIGN_UPS // 2
        held = ProfileInsertsHeld(stack)
        try:
            user_ids = sign_up_all(stack, forms[:half])
            held.wait_for(WORKERS)
            # The first half's events are all in profiles' queue: WORKERS held
            # by its handlers, the rest waiting (on the broker's disk).
            wait_until(
                lambda: queue_counts(stack, PROFILES_QUEUE) == (half - WORKERS, WORKERS),
                180,
                0.5,
                "the first sign-ups' events in profiles' queue",
            )
            signing_up = sign_up_meanwhile(stack, forms[half:])
            own_broker.stop()
        finally:
            held.release()  # the caught handlers commit while the broker is down
        own_broker.start()
        user_ids += signing_up()
        assert_each_done_once(stack, user_ids, timeout=600)
        for name in ("identity", "profiles", "notifications"):
            assert stack.processes[name].poll() is None, f"{name} stopped"  # reconnected
    finally:
        stack.close()


@pytest.fixture
def own_postgres():
    postgres = ThrowawayPostgres()
    yield postgres
    postgres.close()


def test_the_database_restarted_under_load(logs_dir, mailbox, own_postgres, forms):
    """PostgreSQL stops (open connections cut, transactions in flight rolled
    back) and starts again while members sign up and events are handled:
    pooled connections are checked before use, a handler that failed is
    retried (or its event requeued when not even its failure could be
    stored), and each sign-up's saga completes once."""
    stack = Stack(
        logs_dir,
        rpc_client=RpcClient,
        smtp_port=mailbox.port,
        postgres=own_postgres,
        **WIDE_CLIENT_LIMITS,
    )
    try:
        stack.start_all(("identity", "profiles", "notifications"))
        half = SIGN_UPS // 2
        held = ProfileInsertsHeld(stack)
        try:
            user_ids = sign_up_all(stack, forms[:half])
            held.wait_for(WORKERS)
            signing_up = sign_up_meanwhile(stack, forms[half:])
            # The caught handlers' transactions (and the test's lock) end here.
            own_postgres.restart()
        finally:
            held.release()
        user_ids += signing_up()
        assert_each_done_once(stack, user_ids, timeout=600)
    finally:
        stack.close()


SLOW_ACCOUNT_INSERTS = """
CREATE FUNCTION slow_account_insert() RETURNS trigger AS $$
BEGIN
    PERFORM pg_sleep(12);
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER slow_insert BEFORE INSERT ON accounts
    FOR EACH ROW EXECUTE FUNCTION slow_account_insert();
"""


def test_an_rpc_whose_caller_gave_up_writes_nothing(stack_factory, new_registration):
    """The gateway gives up on a call after RPC_TIMEOUT_SECONDS (504); the
    service, still working, must not commit it afterwards: a member told
    "did not answer in time" must not find the account made after all."""
    # 8 s: long enough for a sign-up (two argon2 hashes) on a loaded machine
    stack = stack_factory(RPC_TIMEOUT_SECONDS=8, CLIENT_LIMIT_SIGN_UP="1000000 per hour")
    stack.query("identity", SLOW_ACCOUNT_INSERTS)  # each sign-up outlasts the timeout
    stack.start_all(("identity", "gateway"))
    forms = [new_registration() for _ in range(8)]

    def sign_up(form):
        return requests.post(stack.gateway_url + "/api/v1/accounts", json=form, timeout=30)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(sign_up, forms))
    assert [a.status_code for a in answers] == [504] * 8
    assert {a.json()["error"]["code"] for a in answers} == {"service_timeout"}
    # identity's workers finish their inserts 12 s after they began, past the deadline
    wait_until(
        lambda: (
            not stack.scalar(
                "identity",
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND query ILIKE 'INSERT INTO accounts%%' AND state <> 'idle'",
            )
        ),
        60,
        0.2,
        "identity to finish the calls nobody waits for",
    )
    usernames = [form["username"] for form in forms]
    assert (
        stack.scalar(
            "identity", "SELECT count(*) FROM accounts WHERE username = ANY(%s)", (usernames,)
        )
        == 0
    )
    assert stack.scalar("identity", "SELECT count(*) FROM outbox_events") == 0

    # The same sign-up in time is made (once).
    stack.query("identity", "DROP TRIGGER slow_insert ON accounts")
    again = sign_up(forms[0])
    assert again.status_code == 201, again.text
    assert (
        stack.scalar(
            "identity", "SELECT count(*) FROM accounts WHERE username = ANY(%s)", (usernames,)
        )
        == 1
    )
