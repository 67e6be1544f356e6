"""The dashboard at 100,000 members with 20 concurrent clients.

1. Starts an isolated stack (its own vhost and databases; the four services
   and the gateway as real processes with the operators' commands) after
   loading its profiles database with demo members (profiles.demo's bulk path;
   20% open mentors).  The demo members' own outbox events are marked
   published first: they would only flood mentoring while we measure.
2. Signs up 20 members through every onboarding step over HTTP; ten become
   mentors, the other ten ask one of them and are accepted, so each dashboard
   has a relationship, requests, notifications and recommendations.
3. Measures GET /api/v1/dashboard through the gateway, one client and 20
   concurrent clients, and, side by side, the same four service calls made
   one after another over RPC (what a page costs without the fan-out), with
   each call's own time and, under load, each process's CPU per page.

    python benchmarks/dashboard.py [--members 100000] [--seconds 20] [--json out.json]
"""
import argparse
import json
import os
import pathlib
import random
import sys
import tempfile
import threading
import time

import requests

import cpu_meter
from figures import percentile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # tests.support drives the sign-up the way a client does

from mentornet_platform.database import Database, make_engine  # noqa: E402
from mentornet_platform.testing import WIDE_CLIENT_LIMITS, Mailbox, Stack, wait_until  # noqa: E402
from profiles import demo  # noqa: E402
from tests.support import onboarded_member  # noqa: E402

GOAL_P95_MS = 30


def form(index):
    return {"first_name": "Bench", "last_name": f"Member{chr(65 + index)}",
            "date_of_birth": "1990-01-01", "username": f"bench.dash{index}.{os.getpid()}",
            "password": "tulip canal bicycle lantern",
            "password_confirmation": "tulip canal bicycle lantern",
            "email": f"dash{index}.{os.getpid()}@example.org",
            "email_confirmation": f"dash{index}.{os.getpid()}@example.org",
            "security_question": "Favourite canal?", "security_answer": "Rapenburg",
            "accept_privacy_policy": True, "accept_terms": True, "language": "en"}


def prepare_members(stack):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-records-"))
    mentors = [onboarded_member(stack, tmp, form(i), role="alumnus") for i in range(10)]
    mentees = [onboarded_member(stack, tmp, form(10 + i), role="student") for i in range(10)]
    for mentor in mentors:
        assert mentor.put("/me/mentor-settings", {
            "available": True, "activities": ["cv_review", "career_advice"], "max_mentees": 3,
            "sectors": ["legal", "finance"], "languages": ["en"]}).status_code == 200
    for mentor, mentee in zip(mentors, mentees):
        asked = wait_until(lambda: (lambda r: r if r.status_code == 201 else None)(mentee.post(
            "/mentoring/requests", {"mentor_id": mentor.user_id, "activities": ["cv_review"],
                                    "message": "Could you help me?"})), 30, 0.1, "the offer")
        assert mentor.post(f"/mentoring/requests/{asked.json()['id']}/accept").status_code == 200
    return mentors + mentees


def hammer(url, tokens, seconds, clients, cpu_of=None, think=0.0):
    """``clients`` members loading their dashboards for ``seconds``: back to back
    (``think=0``: the machine's saturation), or each pausing a random time with
    mean ``think`` seconds between pages, as people reading them would."""
    samples, errors, stop = [], [], time.monotonic() + seconds

    def client(token):
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        pause = random.Random(token)
        while time.monotonic() < stop:
            if think:
                time.sleep(pause.expovariate(1 / think))
            started = time.perf_counter()
            response = session.get(url, headers=headers, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or response.json()["unavailable"]:
                errors.append(response.status_code)
            samples.append(elapsed)

    threads = [threading.Thread(target=client, args=(tokens[i % len(tokens)],))
               for i in range(clients)]
    cpu_before = cpu_meter.snapshot(cpu_of) if cpu_of else None
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    extra = {}
    if cpu_of:
        spent = cpu_meter.difference(cpu_before, cpu_meter.snapshot(cpu_of))
        extra["cpu_ms_per_page"] = {name: round(seconds * 1000 / max(1, len(samples)), 2)
                                    for name, seconds in spent.items()}
    return {**extra, "clients": clients, "calls": len(samples), "errors": len(errors),
            "calls_per_s": round(len(samples) / wall, 1),
            "p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1)}


def serial_composition(stack, member, calls):
    """The same calls the dashboard makes, one after another over RPC, with
    each call's own p50 (which calls a page's time is made of)."""
    me = member.user_id
    plan = [("identity", "authenticate", {"token": member.token}),
            ("profiles", "overview", {"user_id": me}),
            ("mentoring", "overview", {"user_id": me}),
            ("notifications", "overview", {"user_id": me})]
    samples, each = [], {}
    for _ in range(calls):
        started = time.perf_counter()
        for service, method, kwargs in plan:
            call_started = time.perf_counter()
            stack.rpc.call(service, method, kwargs=kwargs)
            each.setdefault(f"{service}.{method}({kwargs.get('box', '')})".replace("()", ""),
                            []).append((time.perf_counter() - call_started) * 1000)
        samples.append((time.perf_counter() - started) * 1000)
    return {"clients": 1, "calls": calls, "errors": 0,
            "each_p50_ms": {name: round(percentile(values, 50), 2) for name, values in each.items()},
            "calls_per_s": round(calls / (sum(samples) / 1000), 1),
            "p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1)}


def fanned_out_composition(stack, member, calls):
    """The gateway's plan without HTTP and Flask: the token check and the three
    overviews at once (as for a token the gateway knows), from this process's
    own RPC client."""
    me, samples = member.user_id, []
    plan = {service: (service, "overview", (), {"user_id": me})
            for service in ("profiles", "mentoring", "notifications")}
    plan["identity"] = ("identity", "authenticate", (), {"token": member.token})
    for _ in range(calls):
        started = time.perf_counter()
        results = stack.rpc.parallel(plan)
        assert not any(isinstance(result, Exception) for result in results.values()), results
        samples.append((time.perf_counter() - started) * 1000)
    return {"clients": 1, "calls": calls, "errors": 0,
            "calls_per_s": round(calls / (sum(samples) / 1000), 1),
            "p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--json")
    args = parser.parse_args()

    mailbox = Mailbox()
    stack = Stack(tempfile.mkdtemp(prefix="bench-logs-"), smtp_port=mailbox.port,
                  LOG_LEVEL="WARNING", ADMIN_API_TOKEN="bench", **WIDE_CLIENT_LIMITS)
    try:
        engine = make_engine(stack.urls["profiles"])
        started = time.perf_counter()
        demo.load(Database(engine), args.members)
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE outbox_events SET published_at = now()")
            open_mentors = connection.exec_driver_sql("SELECT count(*) FROM open_mentors").scalar()
        engine.dispose()
        print(f"loaded {args.members:,} members ({open_mentors:,} open mentors) in "
              f"{time.perf_counter() - started:.0f}s", file=sys.stderr)
        stack.start_all(GATEWAY_WORKERS=2)
        members = prepare_members(stack)
        url = stack.gateway_url + "/api/v1/dashboard"
        tokens = [m.token for m in members]
        sample = requests.get(url, headers={"Authorization": f"Bearer {tokens[-1]}"}).json()
        assert sample["relationships"] and sample["recommended_mentors"], sample
        hammer(url, tokens, 3, 4)  # warm-up
        rows = {"dashboard, 1 client": hammer(url, tokens, args.seconds / 2, 1),
                "dashboard, 20 clients": hammer(url, tokens, args.seconds, 20, cpu_of={
                    **{name: process.pid for name, process in stack.processes.items()},
                    "load generator (this process)": os.getpid()}),
                "dashboard, 20 clients reading 1 s between pages": hammer(
                    url, tokens, args.seconds, 20, think=1.0),
                "dashboard, 20 clients reading 0.5 s between pages": hammer(
                    url, tokens, args.seconds, 20, think=0.5),
                "same calls one by one over RPC, 1 client": serial_composition(stack, members[-1], 100),
                "same calls fanned out over RPC, 1 client": fanned_out_composition(
                    stack, members[-1], 100)}
    finally:
        stack.close()
        mailbox.stop()

    print(f"Dashboard with {args.members:,} members ({open_mentors:,} open mentors)")
    print(f"{'what':50} {'calls':>6} {'errors':>6} {'calls/s':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for name, row in rows.items():
        print(f"{name:50} {row['calls']:>6} {row['errors']:>6} {row['calls_per_s']:>8} "
              f"{row['p50_ms']:>7} {row['p95_ms']:>7}")
    print("each call's p50 when made alone (ms): " + ", ".join(
        f"{name} {ms}" for name, ms in rows["same calls one by one over RPC, 1 client"]
        ["each_p50_ms"].items()))
    cpu = rows["dashboard, 20 clients"]["cpu_ms_per_page"]
    print(f"CPU per page with 20 clients (ms; {sum(cpu.values()):.1f} in all on "
          f"{os.cpu_count()} cores): " + ", ".join(f"{name} {ms}" for name, ms in cpu.items()))
    one, serial = rows["dashboard, 1 client"], rows["same calls one by one over RPC, 1 client"]
    twenty = rows["dashboard, 20 clients"]
    print(f"ratio: the fan-out page costs {one['p50_ms'] / serial['p50_ms']:.2f}x the serial "
          f"calls (p50, 1 client); 20 clients give {twenty['calls_per_s'] / one['calls_per_s']:.2f}x "
          f"the throughput of one")
    for name, row in rows.items():
        if name.startswith("dashboard, 20 clients"):
            print(f"goal p95 < {GOAL_P95_MS} ms, {name[len('dashboard, '):]}: {row['p95_ms']} ms "
                  f"-> {'met' if row['p95_ms'] < GOAL_P95_MS else 'NOT met'}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
