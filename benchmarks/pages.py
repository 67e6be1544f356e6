"""The public pages' timings through the gateway: the landing page, the
sign-up form, a refused and an accepted sign-up (and, beside them, GET /healthz
and the API's own sign-up), with the service calls each answer makes.

Starts an isolated stack (its own vhost and databases; the four services and
the gateway as real processes), with ``RPC_CALLS_HEADER=1`` so every answer
says how many RPC calls it made (``X-RPC-Calls``), and ``PAGE_COOKIES_SECURE=0``
(a client library sends no Secure cookie over plain HTTP; a browser would).  One client, the rows
measured round-robin (one request of each in turn, in a new order each round),
so every row sees the same machine; times are reported as p50/p95 and as a ratio to GET /healthz.

    python benchmarks/pages.py [--rounds 200] [--json out.json]
"""
import argparse
import json
import random
import re
import sys
import tempfile
import time
import uuid
from collections import Counter

import requests

from figures import percentile
from mentornet_platform.testing import WIDE_CLIENT_LIMITS, Mailbox, Stack

PASSWORD = "tulip canal bicycle lantern"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_up_form(suffix, confirmation=PASSWORD):
    """The sign-up page's form as a browser posts it."""
    return {"first_name": "Bench", "middle_names": "", "last_name": "Mark", "maiden_name": "",
            "date_of_birth_day": "5", "date_of_birth_month": "5", "date_of_birth_year": "1995",
            "username": f"bench.{suffix}", "password": PASSWORD,
            "password_confirmation": confirmation, "email": f"bench.{suffix}@example.org",
            "email_confirmation": f"bench.{suffix}@example.org",
            "security_question": "What was the name of your first pet?",
            "own_security_question": "", "security_answer": "Rapenburg",
            "accept_privacy_policy": "yes", "accept_terms": "yes"}


def api_form(suffix):
    return {"first_name": "Bench", "last_name": "Mark", "date_of_birth": "1995-05-05",
            "username": f"bench.{suffix}", "password": PASSWORD,
            "password_confirmation": PASSWORD, "email": f"bench.{suffix}@example.org",
            "email_confirmation": f"bench.{suffix}@example.org",
            "security_question": "What was the name of your first pet?",
            "security_answer": "Rapenburg", "accept_privacy_policy": True, "accept_terms": True,
            "language": "en"}


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

    def post(self, path, form):
        # Flask-WTF checks a same-origin Referer only on HTTPS; sent anyway, as a browser does.
        return self.http.post(self.base_url + path, data={"csrf_token": self.token, **form},
                              headers={"Referer": self.base_url + "/sign-up"}, timeout=30,
                              allow_redirects=False)


def timed(send, expected):
    started = time.perf_counter()
    response = send()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code not in expected:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} "
                           f"{response.text[:300]}")
    return elapsed, int(response.headers.get("X-RPC-Calls", "-1"))


def measure(base_url, rounds):
    refused_visitor = Visitor(base_url)
    refused_visitor.get("/sign-up")
    plain = requests.Session()

    def accepted_sign_up():
        visitor = Visitor(base_url)  # a new visitor each time: a sign-up logs them in
        visitor.get("/sign-up")
        return timed(lambda: visitor.post("/sign-up", sign_up_form(uuid.uuid4().hex[:10])),
                     (302, 303))

    rows = {
        "GET /healthz": lambda: timed(lambda: plain.get(base_url + "/healthz", timeout=30),
                                      (200,)),
        "GET / (landing)": lambda: timed(lambda: Visitor(base_url).get("/"), (200,)),
        "GET /sign-up (the form)": lambda: timed(lambda: Visitor(base_url).get("/sign-up"),
                                                 (200,)),
        "POST /sign-up refused": lambda: timed(
            lambda: refused_visitor.post("/sign-up", sign_up_form(uuid.uuid4().hex[:10],
                                                                  "another password here")),
            (422,)),
        "POST /sign-up accepted": accepted_sign_up,
        "POST /api/v1/accounts": lambda: timed(
            lambda: plain.post(base_url + "/api/v1/accounts", json=api_form(uuid.uuid4().hex[:10]),
                               timeout=30), (201,)),
    }
    samples = {name: [] for name in rows}
    calls = {name: Counter() for name in rows}
    order = list(rows)
    for _ in range(rounds):
        # A new order each round: a sign-up's saga (three services, a mail) still
        # runs after it answers, and would otherwise always slow the same next row.
        random.shuffle(order)
        for name in order:
            run = rows[name]
            elapsed, rpc_calls = run()
            samples[name].append(elapsed)
            calls[name][rpc_calls] += 1
    return samples, calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--json")
    args = parser.parse_args()

    mailbox = Mailbox()
    stack = Stack(tempfile.mkdtemp(prefix="bench-logs-"), smtp_port=mailbox.port,
                  OUTBOX_POLL_SECONDS=0.5, LOG_LEVEL="WARNING", RPC_CALLS_HEADER=1,
                  # requests (unlike a browser) sends no Secure cookie over plain
                  # HTTP, even to 127.0.0.1: the plain-HTTP development setting
                  PAGE_COOKIES_SECURE=0, **WIDE_CLIENT_LIMITS)
    try:
        stack.start_all()
        measure(stack.gateway_url, 10)  # warm-up: connections, templates, catalogues
        samples, calls = measure(stack.gateway_url, args.rounds)
    finally:
        stack.close()
        mailbox.stop()

    floor = percentile(samples["GET /healthz"], 50)
    report = []
    print(f"The public pages through the gateway, one client, {args.rounds} requests per row "
          f"measured round-robin in a shuffled order")
    print(f"{'what':<26} {'p50 ms':>8} {'p95 ms':>8} {'x healthz p50':>14} {'RPC calls':>10}")
    for name, values in samples.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        rpc_calls = "/".join(str(n) for n, _ in calls[name].most_common())
        report.append({"what": name, "p50_ms": round(p50, 2), "p95_ms": round(p95, 2),
                       "x_healthz": round(p50 / floor, 1), "rpc_calls": dict(calls[name])})
        print(f"{name:<26} {p50:>8.2f} {p95:>8.2f} {p50 / floor:>13.1f}x {rpc_calls:>10}")
    page = percentile(samples["POST /sign-up accepted"], 50)
    api = percentile(samples["POST /api/v1/accounts"], 50)
    print(f"ratio: an accepted sign-up through the page costs {page / api:.2f}x the API's (p50)")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
