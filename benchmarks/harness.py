"""What the benchmarks share for running the system and their clients: one
isolated stack with the benchmarks' settings, a member's sign-up form, and
concurrent HTTP clients that each take their share of the work."""

import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from gateway.rpc import RpcClient
from mentornet_testing import Stack

PASSWORD = "tulip canal bicycle lantern"


def bench_stack(mailbox=None, logs_prefix="bench-logs-", **settings):
    """A Stack (its own vhost and databases) calling the services with the
    gateway's own RpcClient, logging warnings only into a fresh folder; with
    ``mailbox``, the mails go there.  ``settings``: more environment."""
    if mailbox is not None:
        settings["smtp_port"] = mailbox.port
    return Stack(
        tempfile.mkdtemp(prefix=logs_prefix),
        rpc_client=RpcClient,
        LOG_LEVEL="WARNING",
        **settings,
    )


def sign_up_form(suffix=None, email=None, **overrides):
    """The API's sign-up form of a benchmark member (``overrides`` change
    fields); ``suffix`` (a fresh one if not given) makes the username and the
    address (``email``, confirmed as typed, unless given) unique."""
    suffix = suffix or uuid.uuid4().hex[:10]
    email = email or f"bench.{suffix}@example.org"
    return {
        "first_name": "Bench",
        "last_name": "Mark",
        "date_of_birth": "1995-05-05",
        "username": f"bench.{suffix}",
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        "email": email,
        "email_confirmation": email,
        "security_question": "Favourite canal?",
        "security_answer": "Rapenburg",
        "accept_privacy_policy": True,
        "accept_terms": True,
        "language": "en",
        **overrides,
    }


def shares(items, clients):
    """``items`` cut into ``clients`` contiguous, near-equal parts."""
    size, extra = divmod(len(items), clients)
    parts, start = [], 0
    for i in range(clients):
        end = start + size + (1 if i < extra else 0)
        parts.append(items[start:end])
        start = end
    return parts


def by_clients(work, items, clients):
    """``work(session, item)`` for every item, by ``clients`` clients at once,
    each with its own HTTP session and its share of the items; answers the
    results, in the items' order, and the seconds it all took."""

    def client(share):
        session = requests.Session()
        return [work(session, item) for item in share]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [r for batch in pool.map(client, shares(items, clients)) for r in batch]
    return results, time.perf_counter() - started
