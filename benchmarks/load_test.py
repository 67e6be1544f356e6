"""A load test of the whole product: Locust members (benchmarks/locustfile.py)
against an isolated stack holding 100,000 members, on 127.0.0.1 only.

1. Builds a stack (own vhost and databases; the four services and the gateway,
   two processes, as real processes with the operators' commands) and loads
   its profiles database with ``--members`` demo members (profiles.demo's bulk
   path; 20% open mentors: what search, the directory and the dashboard's
   recommendations run over; they have no login).
2. Makes ``--accounts`` real members through every onboarding step over HTTP
   (a quarter of them mentors with room for three mentees) for Locust to log
   in as.
3. Runs Locust headless, once per step of ``--users`` (concurrent members),
   each for ``--step-seconds``, and reads its statistics: requests per
   second, p50 and p95 over every request, and the errors.  The answer: the
   most concurrent members this machine held with p95 under 200 ms and no
   error.

    python benchmarks/load_test.py [--members 100000] [--accounts 80]
                                   [--users 10,20,40,80] [--step-seconds 60]
"""

import argparse
import csv
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from harness import PASSWORD, bench_stack, sign_up_form

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mentornet_platform.database import Database, make_engine  # noqa: E402
from mentornet_testing import WIDE_CLIENT_LIMITS, Mailbox, wait_until  # noqa: E402
from profiles import demo  # noqa: E402
from tests.support import Member, import_records  # noqa: E402

GOAL_P95_MS = 200


def _letters(number):
    """A name part from a number (names take letters only): 0 -> A, 27 -> BB."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text += chr(65 + digit)
        if not number:
            return text.capitalize()


def form(index):
    tag = f"{index}.{os.getpid()}"
    return sign_up_form(
        first_name="Load",
        last_name=f"Member {_letters(index)}",
        date_of_birth="1991-02-03",
        username=f"load.member{tag}",
        email=f"load{tag}@example.org",
    )


def make_accounts(stack, count):
    """``count`` onboarded members, a quarter of them available mentors."""
    roles = ["mentor" if i % 4 == 0 else "mentee" for i in range(count)]
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="load-records-"))
    numbers = [f"LT{os.getpid()}{i:05d}" for i in range(count)]
    rows = [
        (
            numbers[i],
            "alumnus" if roles[i] == "mentor" else "student",
            f["first_name"],
            f["last_name"],
            f["date_of_birth"],
            "Archaeology",
            "Humanities",
            2010,
            2014 if roles[i] == "mentor" else "",
            "",
        )
        for i, f in enumerate(form(i) for i in range(count))
    ]
    assert import_records(stack, tmp, rows).returncode == 0

    def onboard(i):
        member = Member(stack, form(i))
        # A busy machine may answer 504: the same Idempotency-Key makes one account.
        signed_up = wait_until(
            lambda: (lambda r: r if r.status_code == 201 else None)(
                requests.post(
                    member.url("/accounts"),
                    json=member.form,
                    timeout=30,
                    headers={"Idempotency-Key": f"load-{i}-{os.getpid()}"},
                )
            ),
            120,
            1,
            "the sign-up",
        )
        member.token, member.user_id = (
            signed_up.json()["token"],
            signed_up.json()["account"]["user_id"],
        )
        role = "alumnus" if roles[i] == "mentor" else "student"
        details = member.post(
            "/onboarding/affiliation", {"role": role, "record_number": numbers[i]}
        ).json()["study_details"]
        assert member.put("/onboarding/study-details", details).status_code == 200
        wait_until(lambda: member.onboarding()["next_step"] == "guidelines", 60, 0.1, "the account")
        version = requests.get(member.url("/guidelines"), timeout=30).json()["version"]
        member.post("/onboarding/guidelines", {"version": version, "agree": True})
        assert member.post("/onboarding/introduction").json()["next_step"] == "done"
        wait_until(lambda: member.get("/me/profile").json().get("verified"), 60, 0.1, "verified")
        wait_until(
            lambda: stack.scalar(
                "notifications",
                "SELECT verified FROM members WHERE user_id = %s",
                (str(member.user_id),),
            ),
            60,
            0.1,
            "verified in notifications",
        )
        if roles[i] == "mentor":
            assert (
                member.put(
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
        return {
            "username": member.form["username"],
            "password": PASSWORD,
            "user_id": member.user_id,
            "role": roles[i],
        }

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(onboard, range(count)))


def run_locust(url, accounts_file, users, seconds, out_prefix):
    """One headless Locust run; its aggregated and per-request statistics."""
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        os.path.join(ROOT, "benchmarks", "locustfile.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{int(seconds)}s",
        "--stop-timeout",
        "5",
        "--csv",
        out_prefix,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    subprocess.run(
        command,
        env={**os.environ, "LOAD_TEST_ACCOUNTS": accounts_file},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=open(out_prefix + ".log", "w"),
        cwd=ROOT,
    )
    with open(out_prefix + "_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = []
    if os.path.exists(out_prefix + "_failures.csv"):
        with open(out_prefix + "_failures.csv") as handle:
            failures = list(csv.DictReader(handle))
    return rows, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=80)
    parser.add_argument("--users", default="10,20,40,80")
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument("--out", default=None, help="folder for Locust's CSV files")
    args = parser.parse_args()
    steps = [int(n) for n in args.users.split(",")]
    out = args.out or tempfile.mkdtemp(prefix="load-test-")
    os.makedirs(out, exist_ok=True)

    mailbox = Mailbox()
    stack = bench_stack(mailbox, logs_prefix="load-logs-", **WIDE_CLIENT_LIMITS)
    results = []
    try:
        engine = make_engine(stack.urls["profiles"])
        demo.load(Database(engine), args.members)
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE outbox_events SET published_at = now()")
        engine.dispose()
        for name in ("identity", "profiles", "mentoring", "notifications"):
            stack.start(name, wait=False)
        stack.start("gateway", wait=False, GATEWAY_WORKERS=2)
        for name in list(stack.processes):
            stack.wait_ready(name, timeout=120)
        started = time.perf_counter()
        accounts = make_accounts(stack, args.accounts)
        print(
            f"{args.members:,} members loaded; {len(accounts)} real members onboarded in "
            f"{time.perf_counter() - started:.0f}s; Locust's files in {out}",
            file=sys.stderr,
        )
        accounts_file = os.path.join(out, "accounts.json")
        with open(accounts_file, "w") as handle:
            json.dump(accounts, handle)
        for users in steps:
            rows, failures = run_locust(
                stack.gateway_url,
                accounts_file,
                users,
                args.step_seconds,
                os.path.join(out, f"users{users}"),
            )
            results.append((users, rows, failures))
    finally:
        stack.close()
        mailbox.stop()

    print(
        f"Load test: {args.members:,} members, {args.accounts} of them logging in; "
        f"{args.step_seconds:.0f} s per step; members pause 1 to 5 s between requests"
    )
    print(
        f"{'members':>8} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>7} {'error rate':>10}"
    )
    held = None
    for users, rows, _failures in results:
        total = rows["Aggregated"]
        count, errors = int(total["Request Count"]), int(total["Failure Count"])
        p95 = float(total["95%"])
        print(
            f"{users:>8} {count:>9} {float(total['Requests/s']):>7.1f} {total['50%']:>7} "
            f"{total['95%']:>7} {total['99%']:>7} {errors:>7} {errors / max(1, count):>10.2%}"
        )
        if p95 < GOAL_P95_MS and errors == 0:
            held = users
    users, rows, failures = results[-1]
    print(f"per request at {users} members (count, p50, p95 ms):")
    for name, row in sorted(rows.items()):
        if name != "Aggregated":
            print(
                f"  {row['Type']:6} {name:42} {row['Request Count']:>6} {row['50%']:>6} "
                f"{row['95%']:>6}"
            )
    for users, _, failures in results:
        for failure in failures[:5]:
            print(
                f"  error at {users} members: {failure['Method']} {failure['Name']}: "
                f"{failure['Occurrences']} x {failure['Error'][:160]}"
            )
    print(
        f"held: {held or 'none of the steps'} concurrent members with p95 < {GOAL_P95_MS} ms "
        "and no error"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
