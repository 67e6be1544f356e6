"""The toolbar's unread count with 1,000,000 notifications stored.

Loads an isolated notifications database with N notifications spread over M
members (a fifth of them unread), with the unread counters the service keeps,
starts the notifications service with the operators' command, and measures in
one run, side by side:

- ``unread_count`` over RPC (the counter table: one primary-key read),
- the same number counted the naive way in SQL (count(*) of unread rows),
- ``list_notifications`` (the first page) over RPC.

    python benchmarks/unread_count.py [--notifications 1000000] [--members 20000] [--calls 2000]
"""

import argparse
import itertools
import random
import sys
import time

import psycopg2
from figures import percentile, save_json
from harness import bench_stack


def load(url, notifications, members):
    started = time.perf_counter()
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notifications (user_id, type, summary, link, dedupe_key, read_at, created_at)
            SELECT 'member-' || (n %% %(members)s), 'new_message', 'Someone sent you a message.',
                   '/inbox/' || n, 'bench:' || n,
                   CASE WHEN n %% 5 = 0 THEN NULL ELSE now() END,
                   now() - make_interval(secs => n)
            FROM generate_series(1, %(notifications)s) AS n""",
            {"members": members, "notifications": notifications},
        )
        cursor.execute("""
            INSERT INTO unread_counters (user_id, unread)
            SELECT user_id, count(*) FILTER (WHERE read_at IS NULL) FROM notifications
            GROUP BY user_id""")
        cursor.execute("ANALYZE notifications; ANALYZE unread_counters")
    return time.perf_counter() - started


def timed(calls, function):
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    total = sum(samples) / 1000
    return {
        "calls_per_s": round(calls / total, 1),
        "p50_ms": round(percentile(samples, 50), 3),
        "p95_ms": round(percentile(samples, 95), 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notifications", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--json")
    args = parser.parse_args()

    stack = bench_stack()
    try:
        seconds = load(stack.urls["notifications"], args.notifications, args.members)
        print(
            f"loaded {args.notifications:,} notifications for {args.members:,} members "
            f"in {seconds:.1f}s"
        )
        stack.start("notifications")
        rng = random.Random(7)
        users = [f"member-{rng.randrange(args.members)}" for _ in range(args.calls)]
        rpc = stack.rpc
        for user in users[:200]:  # warm-up
            rpc.call("notifications", "unread_count", kwargs={"user_id": user})
        connection = psycopg2.connect(stack.urls["notifications"])
        connection.autocommit = True
        cursor = connection.cursor()

        def naive(user):
            cursor.execute(
                "SELECT count(*) FROM notifications WHERE user_id = %s AND read_at IS NULL", (user,)
            )
            return cursor.fetchone()[0]

        def counter_sql(user):
            cursor.execute("SELECT unread FROM unread_counters WHERE user_id = %s", (user,))
            return cursor.fetchone()[0]

        # Same answers both ways, or the comparison means nothing.
        for user in users[:50]:
            assert rpc.call("notifications", "unread_count", kwargs={"user_id": user})[
                "unread_count"
            ] == naive(user)
        it = itertools.cycle(users)
        rows = {
            "unread_count over RPC (counter)": timed(
                args.calls,
                lambda: rpc.call("notifications", "unread_count", kwargs={"user_id": next(it)}),
            ),
            "counter, SQL alone": timed(args.calls, lambda: counter_sql(next(it))),
            "naive count(*), SQL alone": timed(args.calls, lambda: naive(next(it))),
            "list_notifications page 1 over RPC": timed(
                args.calls // 2,
                lambda: rpc.call(
                    "notifications", "list_notifications", kwargs={"user_id": next(it)}
                ),
            ),
        }
        connection.close()
    finally:
        stack.close()

    print(f"{'what':40} {'calls/s':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for name, row in rows.items():
        print(f"{name:40} {row['calls_per_s']:>9} {row['p50_ms']:>8} {row['p95_ms']:>8}")
    counter, naive_row = rows["counter, SQL alone"], rows["naive count(*), SQL alone"]
    print(
        f"ratio: the counter answers {naive_row['p50_ms'] / counter['p50_ms']:.1f}x faster than "
        f"count(*) (p50, SQL alone); goal p95 < 5 ms at the service: "
        f"{rows['unread_count over RPC (counter)']['p95_ms']} ms"
    )
    save_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
