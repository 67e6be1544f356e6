"""The dashboard at 100,000 members: the old path (identity asked on every
page) against the new (the gateway's session cache), side by side in one run.

1. Starts an isolated stack (its own vhost and databases; the four services
   and two gateways as real processes with the operators' commands, each
   gateway two processes) after loading its profiles database with demo
   members (profiles.demo's bulk path; 20% open mentors).  The demo members'
   own outbox events are marked published first: they would only flood
   mentoring while we measure.  One gateway trusts no session
   (``SESSION_CACHE_SECONDS=0``: the token check on every page, beside the
   page's calls once it knows the token), the other runs as shipped.
2. Signs up 20 members through every onboarding step over HTTP; ten become
   mentors, the other ten ask one of them and are accepted, so each dashboard
   has a relationship, requests, notifications and recommendations.
3. Measures GET /api/v1/dashboard through each gateway in turns (``--rounds``):
   one client, 20 clients back to back with each process's CPU per page
   (PostgreSQL's backends of this stack's databases included, RabbitMQ whole),
   and 20 readers pausing about a second between pages; then prints the
   ratios new / old.  ``--profile DIR`` then records every process with py-spy
   under 20 clients on the new path and says where their time goes.

    python benchmarks/dashboard.py [--members 100000] [--seconds 20] [--rounds 2]
                                   [--profile DIR] [--json out.json]
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

import cpu_meter
import requests
from figures import percentile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # tests.support drives the sign-up the way a client does

from gateway.rpc import RpcClient  # noqa: E402
from mentornet_platform.database import Database, make_engine  # noqa: E402
from mentornet_testing import WIDE_CLIENT_LIMITS, Mailbox, Stack, wait_until  # noqa: E402
from profiles import demo  # noqa: E402
from tests.support import onboarded_member  # noqa: E402


def form(index):
    return {
        "first_name": "Bench",
        "last_name": f"Member{chr(65 + index)}",
        "date_of_birth": "1990-01-01",
        "username": f"bench.dash{index}.{os.getpid()}",
        "password": "tulip canal bicycle lantern",
        "password_confirmation": "tulip canal bicycle lantern",
        "email": f"dash{index}.{os.getpid()}@example.org",
        "email_confirmation": f"dash{index}.{os.getpid()}@example.org",
        "security_question": "Favourite canal?",
        "security_answer": "Rapenburg",
        "accept_privacy_policy": True,
        "accept_terms": True,
        "language": "en",
    }


def prepare_members(stack):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-records-"))
    mentors = [onboarded_member(stack, tmp, form(i), role="alumnus") for i in range(10)]
    mentees = [onboarded_member(stack, tmp, form(10 + i), role="student") for i in range(10)]
    for mentor in mentors:
        assert (
            mentor.put(
                "/me/mentor-settings",
                {
                    "available": True,
                    "activities": ["cv_review", "career_advice"],
                    "max_mentees": 3,
                    "sectors": ["legal", "finance"],
                    "languages": ["en"],
                },
            ).status_code
            == 200
        )
    for mentor, mentee in zip(mentors, mentees):
        asked = wait_until(
            lambda: (lambda r: r if r.status_code == 201 else None)(
                mentee.post(
                    "/mentoring/requests",
                    {
                        "mentor_id": mentor.user_id,
                        "activities": ["cv_review"],
                        "message": "Could you help me?",
                    },
                )
            ),
            30,
            0.1,
            "the offer",
        )
        assert mentor.post(f"/mentoring/requests/{asked.json()['id']}/accept").status_code == 200
    return mentors + mentees


def hammer(url, tokens, seconds, clients, think=0.0):
    """``clients`` members loading their dashboards for ``seconds``: back to back
    (``think=0``: the machine's saturation), or each pausing a random time with
    mean ``think`` seconds between pages, as people reading them would.
    Returns (latencies in ms, errors, wall seconds)."""
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

    threads = [
        threading.Thread(target=client, args=(tokens[i % len(tokens)],)) for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, errors, time.perf_counter() - started


class Tally:
    """One path's pages over several rounds: latencies, errors, wall time and CPU."""

    def __init__(self):
        self.samples, self.errors, self.wall, self.cpu = [], [], 0.0, {}

    def add(self, result, cpu=None):
        samples, errors, wall = result
        self.samples += samples
        self.errors += errors
        self.wall += wall
        for name, seconds in (cpu or {}).items():
            self.cpu[name] = self.cpu.get(name, 0.0) + seconds

    def row(self):
        row = {
            "calls": len(self.samples),
            "errors": len(self.errors),
            "calls_per_s": round(len(self.samples) / self.wall, 1),
            "p50_ms": round(percentile(self.samples, 50), 1),
            "p95_ms": round(percentile(self.samples, 95), 1),
        }
        if self.cpu:
            row["cpu_ms_per_page"] = {
                name: round(seconds * 1000 / len(self.samples), 2)
                for name, seconds in self.cpu.items()
            }
        return row


def serial_composition(stack, member, calls, meter=None):
    """The same calls the dashboard makes, one after another over RPC, with
    each call's own p50 (which calls a page's time is made of) and, with
    ``meter`` (cpu_of, databases, idle_rate), each process's CPU per round of
    calls: one call at a time, so each service's share is its call's cost, with
    no other load of this stack's to blur it."""
    me = member.user_id
    plan = [
        ("identity", "authenticate", {"token": member.token}),
        ("profiles", "overview", {"user_id": me}),
        ("mentoring", "overview", {"user_id": me}),
        ("notifications", "overview", {"user_id": me}),
    ]
    samples, each = [], {}
    if meter:
        cpu_of, databases, idle_rate = meter
        before, began = cpu_meter.snapshot(cpu_of, databases), time.perf_counter()
    for _ in range(calls):
        started = time.perf_counter()
        for service, method, kwargs in plan:
            call_started = time.perf_counter()
            stack.rpc.call(service, method, kwargs=kwargs)
            each.setdefault(
                f"{service}.{method}({kwargs.get('box', '')})".replace("()", ""), []
            ).append((time.perf_counter() - call_started) * 1000)
        samples.append((time.perf_counter() - started) * 1000)
    cpu = {}
    if meter:
        spent = cpu_meter.difference(before, cpu_meter.snapshot(cpu_of, databases))
        wall = time.perf_counter() - began
        cpu = {
            name: round(max(0.0, seconds - idle_rate.get(name, 0.0) * wall) * 1000 / calls, 2)
            for name, seconds in spent.items()
            if name not in NOT_THE_STACK
        }
    return {
        "cpu_ms_per_round": cpu,
        "clients": 1,
        "calls": calls,
        "errors": 0,
        "each_p50_ms": {name: round(percentile(values, 50), 2) for name, values in each.items()},
        "calls_per_s": round(calls / (sum(samples) / 1000), 1),
        "p50_ms": round(percentile(samples, 50), 1),
        "p95_ms": round(percentile(samples, 95), 1),
    }


OLD, NEW = "old: identity asked on every page", "new: the gateway's session cache"
# What the stack spends, as against the rest of the machine (other work on it,
# the kernel's loopback network): RabbitMQ is counted whole.
NOT_THE_STACK = ("rest of the machine",)


def profile(stack, pids, seconds, out_dir):
    """py-spy records each process (the gateways' workers too) for ``seconds``;
    returns {process: {what: share of its samples}} by library."""
    import collections
    import subprocess

    recorders = {}
    for name, pid in pids.items():
        path = os.path.join(out_dir, f"{name}.txt")
        recorders[name] = (
            path,
            subprocess.Popen(
                [
                    os.path.join(os.path.dirname(sys.executable), "py-spy"),
                    "record",
                    "--pid",
                    str(pid),
                    "--subprocesses",
                    "--format",
                    "raw",
                    "--duration",
                    str(int(seconds)),
                    "--rate",
                    "200",
                    "--nonblocking",
                    "--output",
                    path,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
        )
    shares = {}
    for name, (path, recorder) in recorders.items():
        recorder.wait()
        counts = collections.Counter()
        try:
            lines = open(path).read().splitlines()
        except OSError:
            continue
        for line in lines:
            stack_text, _, count = line.rpartition(" ")
            if _waiting(stack_text):
                continue  # a thread blocked in poll, a lock or a sleep: no CPU
            counts[_library(stack_text)] += int(count)
        total = sum(counts.values()) or 1
        shares[name] = {what: round(100 * n / total, 1) for what, n in counts.most_common(8)}
    return shares


_WAITS = (
    "poll",
    "poll2",
    "select",
    "wait",
    "_wait",
    "sleep",
    "acquire",
    "_acquire_restore",
    "_wait_for_tstate_lock",
    "switch",
    "accept",
    "epoll_wait",
)


def _waiting(stack_text):
    leaf = stack_text.rsplit(";", 1)[-1].split(" (", 1)[0]
    return leaf.rsplit(".", 1)[-1] in _WAITS


_LIBRARIES = [  # the innermost frame that names one of these says where the time goes
    ("psycopg2", "psycopg2 / libpq (the database driver)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("kombu", "kombu / amqp (nameko's messaging)"),
    ("amqp/", "kombu / amqp (nameko's messaging)"),
    ("eventlet", "eventlet (nameko's green threads)"),
    ("greenlet", "eventlet (nameko's green threads)"),
    ("nameko", "nameko"),
    ("pika", "pika (the gateway's RPC client)"),
    ("waitress", "waitress (HTTP)"),
    ("werkzeug", "Flask / Werkzeug"),
    ("flask", "Flask / Werkzeug"),
    ("marshmallow", "marshmallow"),
    ("json", "json"),
    ("logging", "logging"),
    ("concurrent/futures", "thread pool (the fan-out)"),
    ("threading", "threads waiting / waking"),
    ("socket", "sockets"),
    ("selectors", "sockets"),
    ("ssl", "sockets"),
]


def _library(stack_text):
    for frame in reversed(stack_text.split(";")):
        where = frame.lower()
        for needle, name in _LIBRARIES:
            if needle in where:
                return name
        if "services/" in where or "/gateway/gateway/" in where:
            return "the project's own code"
    return "other"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20, help="per path and kind of load")
    parser.add_argument("--rounds", type=int, default=2, help="old and new take turns this often")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="also record each process with py-spy under the new path, into DIR",
    )
    parser.add_argument("--json")
    args = parser.parse_args()

    mailbox = Mailbox()
    stack = Stack(
        tempfile.mkdtemp(prefix="bench-logs-"),
        rpc_client=RpcClient,
        smtp_port=mailbox.port,
        LOG_LEVEL="WARNING",
        **WIDE_CLIENT_LIMITS,
    )
    profiled = None
    try:
        engine = make_engine(stack.urls["profiles"])
        started = time.perf_counter()
        demo.load(Database(engine), args.members)
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE outbox_events SET published_at = now()")
            open_mentors = connection.exec_driver_sql("SELECT count(*) FROM open_mentors").scalar()
        engine.dispose()
        print(
            f"loaded {args.members:,} members ({open_mentors:,} open mentors) in "
            f"{time.perf_counter() - started:.0f}s",
            file=sys.stderr,
        )
        # Two gateways side by side, each two processes: the old path (trusting
        # no session: a token check on every page, beside the page's calls once
        # the token is known) and the new (the session cache).
        for name in ("identity", "profiles", "mentoring", "notifications"):
            stack.start(name, wait=False)
        stack.start("gateway", wait=False, GATEWAY_WORKERS=2, SESSION_CACHE_SECONDS=0)
        stack.start("gateway-cache", wait=False, GATEWAY_WORKERS=2, SESSION_CACHE_SECONDS=60)
        for name in list(stack.processes):
            stack.wait_ready(name, timeout=120)  # a busy machine starts them slowly
        members = prepare_members(stack)
        urls = {
            OLD: stack.gateway_urls["gateway"] + "/api/v1/dashboard",
            NEW: stack.gateway_urls["gateway-cache"] + "/api/v1/dashboard",
        }
        tokens = [m.token for m in members]
        for url in urls.values():
            sample = requests.get(url, headers={"Authorization": f"Bearer {tokens[-1]}"}).json()
            assert sample["relationships"] and sample["recommended_mentors"], sample
            hammer(url, tokens, 3, 4)  # warm-up
        processes = {name: process.pid for name, process in stack.processes.items()}
        cpu_of = {**processes, "load generator (this process)": os.getpid()}
        databases = tuple(stack.databases.values())
        # What the stack spends doing nothing (timers, relays' polls, heartbeats)
        # is taken out of each part, so a slow day's few pages are not charged for it.
        before = cpu_meter.snapshot(cpu_of, databases)
        idle_started = time.perf_counter()
        time.sleep(5)
        idle = cpu_meter.difference(before, cpu_meter.snapshot(cpu_of, databases))
        idle_rate = {
            name: seconds / (time.perf_counter() - idle_started)
            for name, seconds in idle.items()
            if name not in NOT_THE_STACK
        }
        tallies = {
            (path, kind): Tally()
            for path in urls
            for kind in ("1 client", "20 clients", "20 readers")
        }
        for _ in range(args.rounds):
            for path, url in urls.items():
                tallies[path, "1 client"].add(hammer(url, tokens, args.seconds / 4, 1))
                before = cpu_meter.snapshot(cpu_of, databases)
                result = hammer(url, tokens, args.seconds / 2, 20)
                spent = cpu_meter.difference(before, cpu_meter.snapshot(cpu_of, databases))
                tallies[path, "20 clients"].add(
                    result,
                    {
                        name: max(0.0, seconds - idle_rate.get(name, 0.0) * result[2])
                        for name, seconds in spent.items()
                    },
                )
                tallies[path, "20 readers"].add(
                    hammer(url, tokens, args.seconds / 2, 20, think=1.0)
                )
        if args.profile:
            os.makedirs(args.profile, exist_ok=True)
            loader = threading.Thread(target=hammer, args=(urls[NEW], tokens, 12, 20))
            loader.start()
            time.sleep(1)
            profiled = profile(stack, processes, 10, args.profile)
            loader.join()
        rows = {f"{kind}, {path}": tally.row() for (path, kind), tally in tallies.items()}
        rows["same calls one by one over RPC, 1 client"] = serial_composition(
            stack, members[-1], 100, (cpu_of, databases, idle_rate)
        )
    finally:
        stack.close()
        mailbox.stop()

    print(
        f"Dashboard with {args.members:,} members ({open_mentors:,} open mentors); "
        f"{args.rounds} rounds, old and new taking turns; load average at the end "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'what':68} {'calls':>6} {'errors':>6} {'calls/s':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for name, row in rows.items():
        print(
            f"{name:68} {row['calls']:>6} {row['errors']:>6} {row['calls_per_s']:>8} "
            f"{row['p50_ms']:>7} {row['p95_ms']:>7}"
        )
    print(
        "each call's p50 when made alone (ms): "
        + ", ".join(
            f"{name} {ms}"
            for name, ms in rows["same calls one by one over RPC, 1 client"]["each_p50_ms"].items()
        )
    )

    serial = rows["same calls one by one over RPC, 1 client"]["cpu_ms_per_round"]
    print(
        "CPU per call when made alone, above idle (ms; each service's is its call's; "
        "postgresql is all four calls' statements): "
        + ", ".join(f"{name} {ms}" for name, ms in serial.items() if ms >= 0.05)
    )

    def stack_cpu(path):
        cpu = tallies[path, "20 clients"].row()["cpu_ms_per_page"]
        return sum(ms for name, ms in cpu.items() if name not in NOT_THE_STACK), cpu

    for path in urls:
        total, cpu = stack_cpu(path)
        print(
            f"CPU per page with 20 clients above idle, {path} (ms; the stack {total:.1f}, the rest of the "
            f"machine {cpu['rest of the machine']}): "
            + ", ".join(f"{name} {ms}" for name, ms in cpu.items() if ms >= 0.05)
        )
    new, old = (lambda kind: (tallies[NEW, kind].row(), tallies[OLD, kind].row()))("20 clients")
    readers_new, readers_old = tallies[NEW, "20 readers"].row(), tallies[OLD, "20 readers"].row()
    one_new, one_old = tallies[NEW, "1 client"].row(), tallies[OLD, "1 client"].row()
    cpu_ratio = stack_cpu(NEW)[0] / stack_cpu(OLD)[0]
    print("ratios, new / old:")
    print(
        f"  the stack's CPU per page, 20 clients:    {cpu_ratio:.2f}x "
        f"(goal at most 0.5x: {'met' if cpu_ratio <= 0.5 else 'NOT met'})"
    )
    print(
        f"  pages/s, 20 clients back to back:        {new['calls_per_s'] / old['calls_per_s']:.2f}x "
        f"(goal at least 2x: {'met' if new['calls_per_s'] >= 2 * old['calls_per_s'] else 'NOT met'})"
    )
    print(
        f"  p95, 20 readers (about 1 s between):     {readers_new['p95_ms'] / readers_old['p95_ms']:.2f}x "
        f"(goal at most 0.5x: {'met' if readers_new['p95_ms'] <= readers_old['p95_ms'] / 2 else 'NOT met'})"
    )
    print(
        f"  p50, 1 client:                           {one_new['p50_ms'] / one_old['p50_ms']:.2f}x"
    )
    if profiled:
        print(
            f"py-spy, new path under 20 clients (share of each process's samples, by library; "
            f"raw stacks in {args.profile}):"
        )
        for name, shares in profiled.items():
            print(f"  {name}: " + ", ".join(f"{what} {share}%" for what, share in shares.items()))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"rows": rows, "profile": profiled}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
