"""Health probes answered while slow clients hold connections, gunicorn's
threaded worker (the gateway's server until issue 10) against today's
`scripts/start-gateway` (gunicorn's processes serving with waitress), in one run.

Each slow client sends a request line and then one header line every 5 s,
never the blank line that ends the headers; only to 127.0.0.1.  With them
open, 7 probes of GET /healthz are sent one after another, each given 3 s.
Both servers run 2 worker processes of 8 threads, as deployed; /healthz calls
no service, so no stack is needed.

Then what the server itself costs: 16 clients asking GET /healthz back to
back on kept-alive connections, both servers in turn over interleaved rounds
(the ratio is the figure to read on a shared machine).

    python benchmarks/slow_clients.py [--slow 0,20,40,200] [--rounds 3] [--seconds 5] [--json out.json]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mentornet_testing import free_port, wait_until  # noqa: E402

PROBES, PROBE_TIMEOUT, DRIBBLE_EVERY = 7, 3.0, 5.0
SERVERS = {
    "gunicorn gthread (before)": lambda port: [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gthread",
        "--workers",
        "2",
        "--threads",
        "8",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        os.path.join(ROOT, "gateway"),
        "gateway:create_app()",
    ],
    "start-gateway (now)": lambda port: [os.path.join(ROOT, "scripts", "start-gateway")],
}


def start(name, log):
    port = free_port()
    env = dict(
        os.environ,
        GATEWAY_PORT=str(port),
        GATEWAY_BIND="127.0.0.1",
        GATEWAY_WORKERS="2",
        GATEWAY_THREADS="8",
        LOG_LEVEL="WARNING",
    )
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    process = subprocess.Popen(
        SERVERS[name](port), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
    )

    def up():
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
        except requests.RequestException:
            return False

    wait_until(up, 30, 0.1, name)
    return process, port


def dribble(port, count, stop):
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    ready = threading.Event()

    def run():
        ready.set()
        deadline = time.monotonic() + 120  # bounded, whatever happens
        while not stop.wait(DRIBBLE_EVERY) and time.monotonic() < deadline:
            for sock in sockets:
                try:
                    sock.send(b"X-Dribble: 1\r\n")
                except OSError:
                    pass
        for sock in sockets:
            sock.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait()
    return thread


def measure(port, slow):
    stop = threading.Event()
    thread = dribble(port, slow, stop)
    time.sleep(1)  # let the server take them in
    answered, times = 0, []
    for _ in range(PROBES):
        started = time.monotonic()
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=PROBE_TIMEOUT).ok:
                answered += 1
                times.append((time.monotonic() - started) * 1000)
        except requests.RequestException:
            pass
    stop.set()
    thread.join(10)
    return answered, (max(times) if times else None)


def throughput(port, seconds, clients=16):
    """Calls/s and per-call times of GET /healthz, ``clients`` back to back."""
    times, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        mine = []
        with requests.Session() as session:
            while time.monotonic() < deadline:
                started = time.monotonic()
                session.get(f"http://127.0.0.1:{port}/healthz", timeout=10).raise_for_status()
                mine.append((time.monotonic() - started) * 1000)
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    return len(times) / seconds, times[len(times) // 2], times[int(len(times) * 0.95)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", default="0,20,40,200")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    counts = [int(n) for n in args.slow.split(",")]
    rows = []
    with open(os.devnull, "wb") as log:
        for name in SERVERS:
            for slow in counts:
                process, port = start(name, log)  # a fresh server per row: no leftovers
                try:
                    answered, slowest = measure(port, slow)
                finally:
                    process.terminate()
                    try:
                        process.wait(20)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                rows.append(
                    {
                        "server": name,
                        "slow_connections": slow,
                        "answered": answered,
                        "probes": PROBES,
                        "slowest_answer_ms": slowest,
                    }
                )
        servers = {name: start(name, log) for name in SERVERS}
        speed = {name: [] for name in SERVERS}
        try:
            for _ in range(args.rounds):
                for name, (_, port) in servers.items():
                    speed[name].append(throughput(port, args.seconds))
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(20)
    print(
        f"GET /healthz, {PROBES} probes one after another, {PROBE_TIMEOUT:g} s each, while slow "
        f"clients send a header line every {DRIBBLE_EVERY:g} s; 2 processes x 8 threads"
    )
    print(f"{'server':<28}{'slow conns':>11}{'answered':>10}{'slowest ms':>12}")
    for row in rows:
        slowest = "-" if row["slowest_answer_ms"] is None else f"{row['slowest_answer_ms']:.1f}"
        print(
            f"{row['server']:<28}{row['slow_connections']:>11}"
            f"{row['answered']:>6} of {row['probes']}{slowest:>10}"
        )
    print(
        f"\nGET /healthz, 16 clients back to back, {args.rounds} interleaved rounds of "
        f"{args.seconds:g} s (median round)"
    )
    print(f"{'server':<28}{'calls/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    medians = {}
    for name, results in speed.items():
        medians[name] = sorted(results)[len(results) // 2]
        print(f"{name:<28}{medians[name][0]:>9.0f}{medians[name][1]:>9.1f}{medians[name][2]:>9.1f}")
    before, now = (medians[name][0] for name in SERVERS)
    print(f"ratio: now / before = {now / before:.2f}x the calls/s")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"slow_clients": rows, "throughput": speed}, handle, indent=2)


if __name__ == "__main__":
    main()
