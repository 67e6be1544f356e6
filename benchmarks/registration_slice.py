"""Registration slice timings: from POST /api/v1/accounts to account_ready.

Starts an isolated stack (its own vhost and databases; the four services and
the gateway as real processes, with the commands operators run), signs up N
members through real HTTP and, for each, polls GET /api/v1/onboarding until
``account_ready`` (the profile exists and identity has heard of it).  Reports
p50/p95 of the POST alone and of the whole slice, sequentially and with
concurrent clients, side by side in one run.

    python benchmarks/registration_slice.py [--members 200] [--clients 8] [--json out.json]
"""

import argparse
import statistics
import sys
import time

from figures import percentile, save_json
from harness import bench_stack, by_clients, sign_up_form

from mentornet_testing import WIDE_CLIENT_LIMITS, Mailbox


def one_sign_up(base_url, session):
    started = time.perf_counter()
    response = session.post(base_url + "/api/v1/accounts", json=sign_up_form(), timeout=30)
    posted = time.perf_counter()
    if response.status_code != 201:
        raise RuntimeError(f"sign-up failed: {response.status_code} {response.text}")
    headers = {"Authorization": "Bearer " + response.json()["token"]}
    while True:
        status = session.get(base_url + "/api/v1/onboarding", headers=headers, timeout=30).json()
        if status.get("account_ready"):
            return posted - started, time.perf_counter() - started
        if time.perf_counter() - started > 30:
            raise RuntimeError("account never became ready")
        time.sleep(0.01)  # a browser would poll far less often


def run(base_url, members, clients):
    results, elapsed = by_clients(
        lambda session, _: one_sign_up(base_url, session), range(members), clients
    )
    posts = [r[0] * 1000 for r in results]
    slices = [r[1] * 1000 for r in results]
    return {
        "clients": clients,
        "members": len(results),
        "seconds": round(elapsed, 2),
        "sign_ups_per_s": round(len(results) / elapsed, 1),
        "post_p50_ms": round(percentile(posts, 50), 1),
        "post_p95_ms": round(percentile(posts, 95), 1),
        "ready_p50_ms": round(percentile(slices, 50), 1),
        "ready_p95_ms": round(percentile(slices, 95), 1),
        "ready_mean_ms": round(statistics.mean(slices), 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--json")
    args = parser.parse_args()

    mailbox = Mailbox()
    stack = bench_stack(mailbox, OUTBOX_POLL_SECONDS=0.5, **WIDE_CLIENT_LIMITS)
    try:
        stack.start_all()
        run(stack.gateway_url, 10, 1)  # warm-up
        rows = [
            run(stack.gateway_url, args.members, 1),
            run(stack.gateway_url, args.members, args.clients),
        ]
    finally:
        stack.close()
        mailbox.stop()

    print(
        f"Registration slice, {args.members} sign-ups per row (argon2id m=19MiB t=2 p=1 "
        f"hashes the password and the security answer on each sign-up)"
    )
    header = f"{'clients':>7} {'sign-ups/s':>10} {'POST p50':>9} {'POST p95':>9} {'ready p50':>10} {'ready p95':>10}"
    print(header)
    for row in rows:
        print(
            f"{row['clients']:>7} {row['sign_ups_per_s']:>10} {row['post_p50_ms']:>7}ms "
            f"{row['post_p95_ms']:>7}ms {row['ready_p50_ms']:>8}ms {row['ready_p95_ms']:>8}ms"
        )
    seq, par = rows
    print(
        f"ratio: {args.clients} clients give {par['sign_ups_per_s'] / seq['sign_ups_per_s']:.2f}x the "
        f"sequential throughput; the saga adds {seq['ready_p50_ms'] - seq['post_p50_ms']:.1f} ms "
        f"(p50) after the POST answers"
    )
    save_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
