"""Identity flows timings: argon2id cost, login throughput, whole sign-up flow.

One run, one isolated stack (its own vhost and databases; the four services and
the gateway as real processes, with the commands operators run), real HTTP:

1. the raw cost of one argon2id hash and one verify with identity's parameters
   (m=19 MiB, t=2, p=1), in this process, and the ceiling of verifies/s that
   gives on this machine's cores;
2. POST /api/v1/auth/login with the correct password, a wrong password and an
   unknown username, sequentially and with concurrent clients.  Login
   throttling stays on: every unknown attempt uses a fresh name and no account
   takes more than 4 wrong passwords (5 lock a login name), so no lock is hit;
3. the guide's sign-up, steps 4 to 9 (account, affiliation against an imported
   record, study details, wait for account_ready, guidelines, introduction),
   per member, sequentially and with concurrent clients.

    python benchmarks/identity_flows.py [--logins 200] [--members 50] [--clients 8] [--json out.json]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

from argon2 import PasswordHasher
from figures import percentile, save_json
from harness import PASSWORD, bench_stack, by_clients, sign_up_form

from mentornet_testing import ROOT, WIDE_CLIENT_LIMITS, Mailbox

WRONG_PASSWORD = "lantern bicycle canal tulip"
RAW_RUNS = 30
WRONG_PER_ACCOUNT = 4  # the 5th failure in a row locks a login name


# -- 1. argon2id in this process ------------------------------------------------
def raw_argon2(runs):
    hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    hasher.hash("warm up the allocator")
    hashes, verifies = [], []
    for _ in range(runs):
        started = time.perf_counter()
        encoded = hasher.hash(PASSWORD)
        hashed = time.perf_counter()
        hasher.verify(encoded, PASSWORD)
        verifies.append((time.perf_counter() - hashed) * 1000)
        hashes.append((hashed - started) * 1000)
    cores = os.cpu_count() or 1
    verify_p50 = percentile(verifies, 50)
    return {
        "runs": runs,
        "cores": cores,
        "hash_p50_ms": round(percentile(hashes, 50), 1),
        "verify_p50_ms": round(verify_p50, 1),
        "verifies_per_s_per_core": round(1000 / verify_p50, 1),
        "ceiling_verifies_per_s": round(cores * 1000 / verify_p50, 1),
    }


# -- helpers over HTTP --------------------------------------------------------------
def create_accounts(base_url, count, clients):
    def sign_up(session, form):
        response = session.post(base_url + "/api/v1/accounts", json=form, timeout=30)
        if response.status_code != 201:
            raise RuntimeError(f"sign-up failed: {response.status_code} {response.text}")
        return form["username"]

    names, _ = by_clients(sign_up, [sign_up_form() for _ in range(count)], clients)
    return names


def import_records(stack, rows):
    path = os.path.join(tempfile.mkdtemp(prefix="bench-records-"), "records.csv")
    lines = [
        "record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
        "year_started,year_graduated,email"
    ] + [",".join(map(str, row)) for row in rows]
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    env = dict(os.environ, IDENTITY_DATABASE_URL=stack.urls["identity"])
    result = subprocess.run(
        [sys.executable, "-m", "identity.records", path],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"importing records failed: {result.stderr}")


# -- 2. logins --------------------------------------------------------------------
def run_logins(base_url, kind, attempts, clients, expected_status):
    """``attempts``: (username, password) pairs, each posted once."""

    def log_in(session, attempt):
        username, password = attempt
        started = time.perf_counter()
        response = session.post(
            base_url + "/api/v1/auth/login",
            timeout=30,
            json={"username": username, "password": password},
        )
        timing = (time.perf_counter() - started) * 1000
        if response.status_code != expected_status:
            raise RuntimeError(
                f"{kind} login: expected {expected_status}, got "
                f"{response.status_code} {response.text}"
            )
        return timing

    timings, elapsed = by_clients(log_in, attempts, clients)
    return {
        "kind": kind,
        "clients": clients,
        "logins": len(timings),
        "seconds": round(elapsed, 2),
        "logins_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "mean_ms": round(statistics.mean(timings), 1),
    }


# -- 3. the whole sign-up flow ------------------------------------------------------
def one_flow(base_url, session, member):
    def call(method, path, expected, **kwargs):
        response = session.request(method, base_url + "/api/v1" + path, timeout=30, **kwargs)
        if response.status_code != expected:
            raise RuntimeError(
                f"{method} {path}: expected {expected}, got {response.status_code} {response.text}"
            )
        return response.json() if response.content else None

    started = time.perf_counter()
    token = call("POST", "/accounts", 201, json=member["form"])["token"]
    posted = time.perf_counter()
    auth = {"Authorization": "Bearer " + token}
    verified = call(
        "POST",
        "/onboarding/affiliation",
        200,
        headers=auth,
        json={"role": "alumnus", "record_number": member["record_number"]},
    )
    if verified["status"] != "verified":
        raise RuntimeError(f"affiliation not verified: {verified}")
    call("PUT", "/onboarding/study-details", 200, headers=auth, json=verified["study_details"])
    waiting = time.perf_counter()
    while True:
        status = call("GET", "/onboarding", 200, headers=auth)
        if status["next_step"] == "guidelines":
            break
        if status["next_step"] != "account_creation":
            raise RuntimeError(f"unexpected step while waiting: {status}")
        if time.perf_counter() - waiting > 30:
            raise RuntimeError("account never became ready")
        time.sleep(0.01)  # a browser would poll far less often
    ready = time.perf_counter()
    version = call("GET", "/guidelines", 200, params={"language": "en"})["version"]
    agreed = call(
        "POST",
        "/onboarding/guidelines",
        200,
        headers=auth,
        json={"version": version, "agree": True},
    )
    if agreed["next_step"] != "introduction":
        raise RuntimeError(f"guidelines not accepted: {agreed}")
    finished = call("POST", "/onboarding/introduction", 200, headers=auth)
    if finished["next_step"] != "done" or not finished["account_ready"]:
        raise RuntimeError(f"sign-up not done: {finished}")
    done = time.perf_counter()
    return posted - started, ready - waiting, done - started


def run_flows(base_url, members, clients):
    results, elapsed = by_clients(
        lambda session, member: one_flow(base_url, session, member), members, clients
    )
    posts = [r[0] * 1000 for r in results]
    waits = [r[1] * 1000 for r in results]
    flows = [r[2] * 1000 for r in results]
    return {
        "clients": clients,
        "members": len(results),
        "seconds": round(elapsed, 2),
        "members_per_s": round(len(results) / elapsed, 2),
        "post_p50_ms": round(percentile(posts, 50), 1),
        "wait_p50_ms": round(percentile(waits, 50), 1),
        "wait_p95_ms": round(percentile(waits, 95), 1),
        "flow_p50_ms": round(percentile(flows, 50), 1),
        "flow_p95_ms": round(percentile(flows, 95), 1),
        "flow_mean_ms": round(statistics.mean(flows), 1),
    }


def new_member():
    return {"form": sign_up_form(), "record_number": "B" + uuid.uuid4().hex[:9].upper()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=200, help="logins per row")
    parser.add_argument("--members", type=int, default=50, help="sign-ups per row")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--json")
    args = parser.parse_args()
    began = time.perf_counter()

    # 1. before the stack starts, on a quiet machine
    raw = raw_argon2(RAW_RUNS)

    mailbox = Mailbox()
    stack = bench_stack(mailbox, OUTBOX_POLL_SECONDS=0.5, **WIDE_CLIENT_LIMITS)
    try:
        stack.start_all()
        base = stack.gateway_url

        # set-up, untimed: the university's records for every sign-up (warm-up
        # included) in one CSV; accounts to log in to
        warm_members = [new_member() for _ in range(3)]
        seq_members = [new_member() for _ in range(args.members)]
        par_members = [new_member() for _ in range(args.members)]
        import_records(
            stack,
            [
                (
                    m["record_number"],
                    "alumnus",
                    "Bench",
                    "Mark",
                    "1995-05-05",
                    "Archaeology",
                    "Humanities",
                    2016,
                    2020,
                    "",
                )
                for m in warm_members + seq_members + par_members
            ],
        )
        good = create_accounts(base, max(4, args.clients), args.clients)
        wrong_needed = -(-2 * args.logins // WRONG_PER_ACCOUNT)  # two rows, 4 failures each
        targets = create_accounts(base, wrong_needed, args.clients)
        wrong_attempts = [
            (targets[i // WRONG_PER_ACCOUNT], WRONG_PASSWORD) for i in range(2 * args.logins)
        ]

        def correct(n):
            return [(good[i % len(good)], PASSWORD) for i in range(n)]

        def unknown(n):
            return [(f"nobody.{uuid.uuid4().hex[:12]}", WRONG_PASSWORD) for _ in range(n)]

        # 2. logins: warm-up, then each kind sequentially and concurrently
        run_logins(base, "warm-up", correct(10), 2, 200)
        logins = []
        for clients in (1, args.clients):
            logins.append(run_logins(base, "success", correct(args.logins), clients, 200))
            part = wrong_attempts[: args.logins] if clients == 1 else wrong_attempts[args.logins :]
            logins.append(run_logins(base, "wrong password", part, clients, 401))
            logins.append(run_logins(base, "unknown user", unknown(args.logins), clients, 401))

        # 3. the whole sign-up flow
        run_flows(base, warm_members, 1)
        flows = [run_flows(base, seq_members, 1), run_flows(base, par_members, args.clients)]
    finally:
        stack.close()
        mailbox.stop()

    def row(kind, clients):
        return next(r for r in logins if r["kind"] == kind and r["clients"] == clients)

    print(
        f"argon2id m=19MiB t=2 p=1, in-process, p50 of {raw['runs']} runs: "
        f"hash {raw['hash_p50_ms']} ms, verify {raw['verify_p50_ms']} ms; "
        f"{raw['cores']} cores -> ceiling {raw['ceiling_verifies_per_s']} verifies/s "
        f"({raw['verifies_per_s_per_core']}/s per core)"
    )
    print()
    print(
        f"Login through the gateway, {args.logins} logins per row "
        f"(throttling on; no login name gets more than {WRONG_PER_ACCOUNT} failures)"
    )
    print(f"{'kind':>14} {'clients':>7} {'logins/s':>9} {'p50':>9} {'p95':>9}")
    for r in logins:
        print(
            f"{r['kind']:>14} {r['clients']:>7} {r['logins_per_s']:>9} {r['p50_ms']:>7}ms "
            f"{r['p95_ms']:>7}ms"
        )
    print()
    print(
        f"Sign-up flow, steps 4 to 9 (account .. introduction -> done), {args.members} members per row"
    )
    print(
        f"{'clients':>7} {'members/s':>9} {'POST p50':>9} {'ready wait p50':>14} {'ready wait p95':>14} "
        f"{'flow p50':>9} {'flow p95':>9}"
    )
    for r in flows:
        print(
            f"{r['clients']:>7} {r['members_per_s']:>9} {r['post_p50_ms']:>7}ms "
            f"{r['wait_p50_ms']:>12}ms {r['wait_p95_ms']:>12}ms {r['flow_p50_ms']:>7}ms "
            f"{r['flow_p95_ms']:>7}ms"
        )
    print()
    success_seq, success_par = row("success", 1), row("success", args.clients)
    ratios = {
        "login_concurrent_vs_sequential": round(
            success_par["logins_per_s"] / success_seq["logins_per_s"], 2
        ),
        "login_concurrent_vs_ceiling": round(
            success_par["logins_per_s"] / raw["ceiling_verifies_per_s"], 2
        ),
        "login_p50_vs_raw_verify_p50": round(success_seq["p50_ms"] / raw["verify_p50_ms"], 2),
        "unknown_vs_success_p50": round(
            row("unknown user", 1)["p50_ms"] / success_seq["p50_ms"], 2
        ),
        "wrong_vs_success_p50": round(
            row("wrong password", 1)["p50_ms"] / success_seq["p50_ms"], 2
        ),
        "signup_concurrent_vs_sequential": round(
            flows[1]["members_per_s"] / flows[0]["members_per_s"], 2
        ),
    }
    print(
        f"ratio: {args.clients} clients give {ratios['login_concurrent_vs_sequential']:.2f}x the sequential "
        f"login throughput, {ratios['login_concurrent_vs_ceiling']:.2f} of the "
        f"{raw['ceiling_verifies_per_s']} verifies/s ceiling"
    )
    print(
        f"ratio: sequential login p50 is {ratios['login_p50_vs_raw_verify_p50']:.2f}x the raw verify p50 "
        f"({success_seq['p50_ms'] - raw['verify_p50_ms']:.1f} ms of HTTP, RPC and database around it)"
    )
    print(
        f"ratio: p50 unknown/success {ratios['unknown_vs_success_p50']:.2f}, "
        f"wrong/success {ratios['wrong_vs_success_p50']:.2f} (sequential)"
    )
    print(
        f"ratio: {args.clients} clients give {ratios['signup_concurrent_vs_sequential']:.2f}x the sequential "
        f"sign-up throughput"
    )
    print(f"(whole run {time.perf_counter() - began:.0f} s)")
    save_json(args.json, {"argon2": raw, "logins": logins, "sign_up_flow": flows, "ratios": ratios})
    return 0


if __name__ == "__main__":
    sys.exit(main())
