"""How fast the demo network loads through the API, by how many API clients
work at once (demo/loader.py's --workers; `make demo` uses 8).

    python benchmarks/demo_load.py [MEMBERS]     (default 100 per row)

Each row is a fresh stack (empty databases, the same processes `make run`
starts) loaded with the same MEMBERS members and their network, so the rows
are side by side in one run; reported as members per second and as a ratio
to the first row.
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from demo import loader  # noqa: E402
from gateway.rpc import RpcClient
from mentornet_testing import WIDE_CLIENT_LIMITS, Stack  # noqa: E402

ROWS = (1, 4, 8, 16)


def main():
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    logs = tempfile.mkdtemp(prefix="demo-bench-")
    results = []
    for workers in ROWS:
        stack = Stack(logs, rpc_client=RpcClient, **WIDE_CLIENT_LIMITS)
        try:
            names = ("identity", "profiles", "mentoring", "notifications", "gateway")
            for name in names:
                stack.start(name, wait=False)
            for name in names:  # longer than start_all's 30 s: a busy 2-core machine
                stack.wait_ready(name, timeout=120)
            started = time.monotonic()
            summary = loader.load(
                stack.gateway_url,
                members,
                stack.urls["identity"],
                workers=workers,
                environ={"DEMO_DATA": "yes"},
                say=lambda line: None,
            )
            seconds = time.monotonic() - started
        finally:
            stack.close()
        results.append((workers, summary, seconds))
    print(
        f"demo network through the API, {members} members (+3 logins) per row, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print("workers  members/s  members s  network s  total s  requests  failures  ratio")
    base = None
    for workers, s, seconds in results:
        rate = s["members"] / s["members_seconds"]
        base = base or rate
        print(
            f"{workers:>7}  {rate:>9.2f}  {s['members_seconds']:>9.1f}  "
            f"{s['network_seconds']:>9.1f}  {seconds:>7.1f}  {s['requests']:>8}  "
            f"{len(s['failures']):>8}  {rate / base:>5.2f}x"
        )


if __name__ == "__main__":
    main()
