"""The pages' timings through the gateway: the public pages (the landing page,
the sign-up form, a refused and an accepted sign-up, and beside them GET
/healthz and the API's own sign-up) and a member's pages with 100,000 members
loaded (the dashboard, search, the notifications, the toolbar's unread badge,
the inbox and a thread), with the service calls
each answer makes and how long the slowest of them took.

Starts an isolated stack (its own vhost and databases; the four services and
the gateway as real processes), its profiles database first filled with demo
members through ``profiles.demo``'s bulk path (as benchmarks/dashboard.py
does), with ``RPC_CALLS_HEADER=1`` so every answer says how many RPC calls it
made (``X-RPC-Calls``), how long it waited for them (``X-RPC-Waited-Ms``) and
for the slowest (``X-RPC-Slowest-Ms``; a parallel batch counts as its slowest
call), and ``PAGE_COOKIES_SECURE=0`` (a client library sends no Secure cookie
over plain HTTP; a browser would).  Two onboarded members (a mentor and her
mentee, with a relationship, a request and a conversation) are made through
the API; the mentee's pages are timed with her page session, as a browser
without JavaScript asks for them.  One client, the rows measured round-robin
(one request of each in turn, in a new order each round), so every row sees
the same machine; times are reported as p50/p95, as a ratio to GET /healthz,
and as the page's time over its slowest call's ("a page should cost about its
slowest call").  The search page is measured when this build has it (a 404
for /search says it does not).

    python benchmarks/pages.py [--rounds 200] [--members 100000] [--json out.json]
"""

import argparse
import os
import pathlib
import random
import re
import sys
import tempfile
import time
import uuid
from collections import Counter

import requests
from figures import percentile, save_json
from harness import PASSWORD, bench_stack
from harness import sign_up_form as api_sign_up_form

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # tests.support onboards members the way a client does

from mentornet_platform.database import Database, make_engine  # noqa: E402
from mentornet_testing import WIDE_CLIENT_LIMITS, Mailbox  # noqa: E402
from profiles import demo  # noqa: E402
from tests.support import ask, become_mentor, onboarded_member  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_up_form(suffix, confirmation=PASSWORD):
    """The sign-up page's form as a browser posts it."""
    return {
        "first_name": "Bench",
        "middle_names": "",
        "last_name": "Mark",
        "maiden_name": "",
        "date_of_birth_day": "5",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1995",
        "username": f"bench.{suffix}",
        "password": PASSWORD,
        "password_confirmation": confirmation,
        "email": f"bench.{suffix}@example.org",
        "email_confirmation": f"bench.{suffix}@example.org",
        "security_question": "What was the name of your first pet?",
        "own_security_question": "",
        "security_answer": "Rapenburg",
        "accept_privacy_policy": "yes",
        "accept_terms": "yes",
    }


class Visitor:
    """A browser without JavaScript: a cookie jar and the form's CSRF token."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "en"
        self.token = None

    def get(self, path):
        response = self.http.get(self.base_url + path, timeout=30, allow_redirects=False)
        found = CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, path, form, referer="/sign-up"):
        # Flask-WTF checks a same-origin Referer only on HTTPS; sent anyway, as a browser does.
        return self.http.post(
            self.base_url + path,
            data={"csrf_token": self.token, **form},
            headers={"Referer": self.base_url + referer},
            timeout=30,
            allow_redirects=False,
        )

    def log_in(self, username, password):
        """Through the login page, as a browser without JavaScript does."""
        self.get("/login")
        response = self.post(
            "/login", {"username": username, "password": password}, referer="/login"
        )
        if response.status_code not in (302, 303):
            raise RuntimeError(f"login refused: {response.status_code} {response.text[:300]}")
        return self


def timed(send, expected):
    """(ms, RPC calls, ms waited for the slowest call, ms waited for all calls)."""
    started = time.perf_counter()
    response = send()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code not in expected:
        raise RuntimeError(
            f"{response.request.method} {response.url}: {response.status_code} "
            f"{response.text[:300]}"
        )
    headers = response.headers
    return (
        elapsed,
        int(headers.get("X-RPC-Calls", "-1")),
        float(headers.get("X-RPC-Slowest-Ms", "nan")),
        float(headers.get("X-RPC-Waited-Ms", "nan")),
    )


def load_members(stack, count):
    """``count`` demo members in profiles' database, before the services start; their
    own outbox events are marked published (they would only flood mentoring)."""
    engine = make_engine(stack.urls["profiles"])
    started = time.perf_counter()
    demo.load(Database(engine), count)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE outbox_events SET published_at = now()")
        open_mentors = connection.exec_driver_sql("SELECT count(*) FROM open_mentors").scalar()
    engine.dispose()
    return open_mentors, time.perf_counter() - started


def member_form(name):
    suffix = uuid.uuid4().hex[:8]
    return api_sign_up_form(
        first_name=name,
        last_name="Bakker",
        date_of_birth="1990-01-01",
        username=f"bench.{name.lower()}.{suffix}",
        email=f"{name.lower()}.{suffix}@example.org",
    )


def member_pages(stack):
    """A mentee with a mentor (accepted), a pending request to another mentor and a
    conversation of a few messages; the paths of her pages to time."""
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-records-"))
    mentor, other, mentee = (
        onboarded_member(stack, tmp, member_form(name), role=role)
        for name, role in (("Marit", "alumnus"), ("Olga", "alumnus"), ("Sem", "student"))
    )
    become_mentor(mentor)
    become_mentor(other)
    accepted = mentor.post(f"/mentoring/requests/{ask(mentee, mentor).json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert ask(mentee, other).status_code == 201
    started = mentee.post("/conversations", {"recipient_id": mentor.user_id, "body": "Hello!"})
    conversation = started.json()["id"]
    for body in ("Welcome, Sem.", "When shall we meet?", "Thursday at ten?"):
        author = mentor if body != "Thursday at ten?" else mentee
        assert (
            author.post(f"/conversations/{conversation}/messages", {"body": body}).status_code
            == 201
        )
    visitor = Visitor(stack.gateway_url).log_in(mentee.form["username"], PASSWORD)
    paths = {
        "GET /dashboard": "/dashboard",
        "GET /search (no words)": "/search",
        "GET /search?q=manager": "/search?q=manager",
        "GET /search word + 2 filters": "/search?q=consultant&sector=consulting&language=nl",
        "GET /notifications": "/notifications",
        "GET /notifications/badge (the toolbar's poll)": "/notifications/badge",
        "GET /inbox": "/inbox",
        "GET /inbox/<id> (a thread)": f"/inbox/{conversation}",
    }
    missing = []
    if visitor.get("/search").status_code == 404:
        missing = [name for name in paths if "/search" in name]
        for name in missing:
            del paths[name]
    return visitor, paths, missing


def measure(base_url, rounds, member=None, member_paths=None):
    refused_visitor = Visitor(base_url)
    refused_visitor.get("/sign-up")
    plain = requests.Session()

    def accepted_sign_up():
        visitor = Visitor(base_url)  # a new visitor each time: a sign-up logs them in
        visitor.get("/sign-up")
        return timed(
            lambda: visitor.post("/sign-up", sign_up_form(uuid.uuid4().hex[:10])), (302, 303)
        )

    rows = {
        "GET /healthz": lambda: timed(lambda: plain.get(base_url + "/healthz", timeout=30), (200,)),
        "GET / (landing)": lambda: timed(lambda: Visitor(base_url).get("/"), (200,)),
        "GET /sign-up (the form)": lambda: timed(lambda: Visitor(base_url).get("/sign-up"), (200,)),
        "POST /sign-up refused": lambda: timed(
            lambda: refused_visitor.post(
                "/sign-up", sign_up_form(uuid.uuid4().hex[:10], "another password here")
            ),
            (422,),
        ),
        "POST /sign-up accepted": accepted_sign_up,
        "POST /api/v1/accounts": lambda: timed(
            lambda: plain.post(
                base_url + "/api/v1/accounts",
                json=api_sign_up_form(security_question="What was the name of your first pet?"),
                timeout=30,
            ),
            (201,),
        ),
    }
    for name, path in (member_paths or {}).items():
        rows[name] = (lambda path: lambda: timed(lambda: member.get(path), (200,)))(path)
    samples = {name: [] for name in rows}
    calls = {name: Counter() for name in rows}
    slowest = {name: [] for name in rows}
    own = {name: [] for name in rows}
    order = list(rows)
    for _ in range(rounds):
        # A new order each round: a sign-up's saga (three services, a mail) still
        # runs after it answers, and would otherwise always slow the same next row.
        random.shuffle(order)
        for name in order:
            run = rows[name]
            elapsed, rpc_calls, slowest_call, waited = run()
            samples[name].append(elapsed)
            calls[name][rpc_calls] += 1
            slowest[name].append(slowest_call)
            own[name].append(elapsed - waited)  # HTTP, Flask, the template: not waiting
    return samples, calls, slowest, own


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--members",
        type=int,
        default=100_000,
        help="demo members loaded before the member pages are timed (0: none)",
    )
    parser.add_argument("--json")
    args = parser.parse_args()

    mailbox = Mailbox()
    stack = bench_stack(
        mailbox,
        OUTBOX_POLL_SECONDS=0.5,
        RPC_CALLS_HEADER=1,
        # requests (unlike a browser) sends no Secure cookie over plain
        # HTTP, even to 127.0.0.1: the plain-HTTP development setting
        PAGE_COOKIES_SECURE=0,
        **WIDE_CLIENT_LIMITS,
    )
    open_mentors = loaded_in = 0
    try:
        if args.members:
            print(f"loading {args.members:,} members ...", file=sys.stderr)
            open_mentors, loaded_in = load_members(stack, args.members)
        # start_all's 30 s per service is short on a machine shared with test runs
        names = ("identity", "profiles", "mentoring", "notifications", "gateway")
        for name in names:
            stack.start(name, wait=False)
        for name in names:
            stack.wait_ready(name, timeout=180)
        member, paths, missing = member_pages(stack)
        # warm-up: connections, templates, catalogues, the database's caches
        measure(stack.gateway_url, 10, member, paths)
        samples, calls, slowest, own = measure(stack.gateway_url, args.rounds, member, paths)
    finally:
        stack.close()
        mailbox.stop()

    floor = percentile(samples["GET /healthz"], 50)
    report = []
    print(
        f"The pages through the gateway with {args.members:,} members ({open_mentors:,} open "
        f"mentors, loaded in {loaded_in:.0f} s); one client, {args.rounds} requests per row "
        f"measured round-robin in a shuffled order"
    )
    print(
        f"{'what':<29} {'p50 ms':>7} {'p95 ms':>7} {'x healthz':>9} {'RPC calls':>9} "
        f"{'slowest call':>12} {'page/slowest':>12} {'own ms':>7}"
    )
    for name, values in samples.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        rpc_calls = "/".join(str(n) for n, _ in calls[name].most_common())
        slow = percentile(slowest[name], 50)
        ratio = p50 / slow if slow > 0 else None
        mine = percentile(own[name], 50)
        report.append(
            {
                "what": name,
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "x_healthz": round(p50 / floor, 1),
                "rpc_calls": dict(calls[name]),
                "slowest_call_p50_ms": round(slow, 2),
                "page_over_slowest_call": round(ratio, 2) if ratio else None,
                "own_p50_ms": round(mine, 2),
            }
        )
        print(
            f"{name:<29} {p50:>7.2f} {p95:>7.2f} {p50 / floor:>8.1f}x {rpc_calls:>9} "
            f"{slow:>12.2f} {(f'{ratio:.2f}x' if ratio else '-'):>12} {mine:>7.2f}"
        )
    page = percentile(samples["POST /sign-up accepted"], 50)
    api = percentile(samples["POST /api/v1/accounts"], 50)
    print(f"ratio: an accepted sign-up through the page costs {page / api:.2f}x the API's (p50)")
    print(
        "slowest call: p50 of the longest wait for one RPC (a parallel batch: its slowest); "
        "page/slowest: the page's p50 over it; own ms: p50 of the page's time not spent "
        "waiting for a service (HTTP, Flask, the template)"
    )
    if missing:
        print(
            "not measured: " + ", ".join(missing) + " (GET /search is a 404 on this build: "
            "the search page is not on it)"
        )
    save_json(
        args.json,
        {
            "members": args.members,
            "open_mentors": open_mentors,
            "rounds": args.rounds,
            "rows": report,
            "not_measured": missing,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
