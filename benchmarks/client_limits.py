"""What a login refused by the client's allowance costs, beside one that pays
its argon2 hash, through the gateway with identity's default limits.

One isolated stack (identity and the gateway, the gateway as if behind one
proxy, TRUSTED_PROXY_HOPS=1, so each made-up X-Forwarded-For is a client), one
block of sequential calls per kind, with the CPU identity and the gateway spent
on each block (benchmarks/cpu_meter.py):

- unknown name, hashed: each attempt from a fresh client address (allowance whole);
- unknown name, refused: every attempt from one client whose allowance is spent
  (it gets one back every 18 s, so a few in a long block pass and are hashed:
  the statuses say how many);
- GET /healthz: the floor of an answer from the gateway.

    python benchmarks/client_limits.py [--calls 200]
"""

import argparse
import collections
import time
import uuid

import cpu_meter
import requests
from figures import percentile
from harness import bench_stack

from mentornet_testing import Mailbox


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    mailbox = Mailbox()
    stack = bench_stack(mailbox, TRUSTED_PROXY_HOPS=1)
    try:
        stack.start_all(("identity", "gateway"))
        roots = {name: stack.processes[name].pid for name in ("identity", "gateway")}
        url = stack.gateway_url + "/api/v1/auth/login"
        session = requests.Session()

        def login(client):
            return session.post(
                url,
                timeout=30,
                headers={"X-Forwarded-For": client},
                json={
                    "username": f"ghost.{uuid.uuid4().hex[:8]}",
                    "password": "a guess of twenty chars",
                },
            )

        spent = "198.18.0.1"
        while login(spent).status_code != 429:  # use up its allowance
            pass
        kinds = {
            "unknown name, hashed": lambda n: login(f"198.19.{n // 250}.{n % 250 + 1}"),
            "unknown name, refused": lambda n: login(spent),
            "GET /healthz": lambda n: session.get(stack.gateway_url + "/healthz", timeout=30),
        }
        print(f"{args.calls} sequential calls per kind")
        print(
            f"{'what':<24}{'p50 ms':>8}{'p95 ms':>8}{'identity CPU ms':>17}"
            f"{'gateway CPU ms':>16}  statuses"
        )
        cpu = {}
        for name, call in kinds.items():
            timings, statuses = [], collections.Counter()
            before = cpu_meter.snapshot(roots)
            for number in range(args.calls):
                started = time.perf_counter()
                statuses[call(number).status_code] += 1
                timings.append((time.perf_counter() - started) * 1000)
            spent_cpu = cpu_meter.difference(before, cpu_meter.snapshot(roots))
            cpu[name] = {part: spent_cpu[part] * 1000 / args.calls for part in roots}
            print(
                f"{name:<24}{percentile(timings, 50):>8.1f}{percentile(timings, 95):>8.1f}"
                f"{cpu[name]['identity']:>17.2f}{cpu[name]['gateway']:>16.2f}  "
                f"{dict(sorted(statuses.items()))}"
            )
        hashed, refused = cpu["unknown name, hashed"], cpu["unknown name, refused"]
        print(
            f"ratio: a refused login costs identity {refused['identity'] / hashed['identity']:.2f}x "
            f"the CPU of a hashed one"
        )
    finally:
        stack.close()
        mailbox.stop()


if __name__ == "__main__":
    main()
