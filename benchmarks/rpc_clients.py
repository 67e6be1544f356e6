"""Benchmark: the gateway's RpcClient vs nameko's ClusterRpcProxy vs bare pika.

    python benchmarks/rpc_clients.py [--calls 2000] [--threads 16] [--json out.json]

Uses AMQP_URI (env or --amqp-uri) if given, otherwise creates (and finally
deletes) a throw-away vhost with rabbitmqctl. Starts, in subprocesses:

* ``benchmarks/echo_service.py`` with ``nameko run`` (``echo.ping(x) -> x``);
* a bare pika responder speaking the same protocol (service ``floor``,
  queue ``rpc-floor``): the cheapest possible server, the floor.

Then measures, sequentially and with N threads, the same trivial call:

* ``RpcClient``       -- gateway.rpc, in this (not monkey-patched) process;
* ``ClusterRpcProxy`` -- nameko's standalone proxy, in a separate subprocess
  with ``eventlet.monkey_patch()``; sequential: one proxy reused for every
  call; threaded: one proxy per (green) thread, because a single shared proxy
  hangs under concurrent use;
* ``bare pika``       -- a minimal pika request/reply loop (per-thread
  connection and reply queue, no confirms, no checks).

Every call sends a unique value; each reply is compared with its request and
mismatches are counted (must be 0). Each mode is warmed up before timing,
and each mode's calls are split into rounds interleaved with the other modes
so that background load on the machine hits every mode alike.

With a user-supplied AMQP_URI the benchmark deletes its rpc-echo/rpc-floor
queues at the end; ClusterRpcProxy's reply queues expire by themselves
(nameko gives them a 5 minute x-expires).
"""

import sys

if __name__ == "__main__" and "--nameko-client" in sys.argv:
    # ClusterRpcProxy needs eventlet; patch before anything else is imported.
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GATEWAY_DIR = os.path.join(REPO, "gateway")
EXCHANGE = "nameko-rpc"


# --------------------------------------------------------------------------
# measurement
# --------------------------------------------------------------------------


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def measure(make_caller, calls, threads, warmup):
    """Run ``calls`` calls spread over ``threads`` threads.

    ``make_caller()`` is called in each thread and returns ``(call, close)``
    where ``call(x)`` must return ``x``. Returns a result dict.
    """
    per_thread = [calls // threads + (1 if i < calls % threads else 0) for i in range(threads)]
    latencies = [[] for _ in range(threads)]
    mismatches = [0] * threads
    errors = []
    ready = threading.Barrier(threads + 1)
    go = threading.Event()

    def worker(tid):
        close = None
        try:
            call, close = make_caller()
            for i in range(max(1, warmup // threads)):
                call(f"warm-{tid}-{i}")
        except Exception as exc:
            errors.append(repr(exc))
        ready.wait()
        go.wait()
        if errors:
            return
        lat = latencies[tid]
        tag = uuid.uuid4().hex[:8]
        try:
            for i in range(per_thread[tid]):
                value = f"{tid}-{i}-{tag}"
                t0 = time.perf_counter()
                got = call(value)
                lat.append(time.perf_counter() - t0)
                if got != value:
                    mismatches[tid] += 1
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            if close is not None:
                try:
                    close()
                except Exception:
                    pass

    ths = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(threads)]
    for t in ths:
        t.start()
    ready.wait()
    start = time.perf_counter()
    go.set()
    for t in ths:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"errors during measurement: {errors[:3]}")
    return {
        "threads": threads,
        "seconds": wall,
        "latencies": [x for per in latencies for x in per],
        "mismatches": sum(mismatches),
    }


def summarize(rounds):
    """Pool the rounds of one mode: total calls / total time, pooled latencies."""
    lat = sorted(x for r in rounds for x in r["latencies"])
    seconds = sum(r["seconds"] for r in rounds)
    return {
        "threads": rounds[0]["threads"],
        "calls": len(lat),
        "seconds": seconds,
        "calls_per_s": len(lat) / seconds,
        "p50_ms": percentile(lat, 0.50) * 1000,
        "p95_ms": percentile(lat, 0.95) * 1000,
        "mismatches": sum(r["mismatches"] for r in rounds),
        "rounds_calls_per_s": [len(r["latencies"]) / r["seconds"] for r in rounds],
    }


# --------------------------------------------------------------------------
# callers
# --------------------------------------------------------------------------


def rpcclient_factory(uri, service, threads):
    if GATEWAY_DIR not in sys.path:
        sys.path.insert(0, GATEWAY_DIR)
    from gateway.rpc import RpcClient

    client = RpcClient(uri, timeout=10.0)

    def make():
        # one client shared by every thread: that is how the gateway uses it
        return (lambda x: client.call(service, "ping", {"x": x})), None

    return make, client.close


def bare_pika_factory(uri, service):
    import pika

    def make():
        conn = pika.BlockingConnection(pika.URLParameters(uri))
        ch = conn.channel()
        queue = ch.queue_declare("", exclusive=True, auto_delete=True).method.queue
        ch.queue_bind(queue, EXCHANGE, routing_key=queue)
        state = {"cid": None, "body": None}

        def on_reply(_ch, _m, props, body):
            if props.correlation_id == state["cid"]:
                state["body"] = body

        ch.basic_consume(queue, on_reply, auto_ack=True)
        routing_key = service + ".ping"

        def call(x):
            cid = uuid.uuid4().hex
            state["cid"], state["body"] = cid, None
            ch.basic_publish(
                EXCHANGE,
                routing_key,
                json.dumps({"args": [], "kwargs": {"x": x}}),
                pika.BasicProperties(
                    content_type="application/json", reply_to=queue, correlation_id=cid
                ),
            )
            while state["body"] is None:
                conn.process_data_events(time_limit=10)
            return json.loads(state["body"])["result"]

        return call, conn.close

    return make, None


def nameko_client_main(args):
    """Subprocess entry (eventlet-patched): measure ClusterRpcProxy.

    Reads ``"<service> <calls> <threads> <warmup>"`` lines on stdin, answers
    each with one ``RESULT <json>`` line on stdout.
    """
    from nameko.standalone.rpc import ClusterRpcProxy

    config = {"AMQP_URI": args.amqp_uri}
    shared = {}  # service -> (ClusterRpcProxy, started proxy), reused

    def sequential_maker(service):
        if service not in shared:
            cluster = ClusterRpcProxy(config, timeout=10)
            shared[service] = (cluster, cluster.start())
        proxy = shared[service][1]
        return lambda: ((lambda x: getattr(proxy, service).ping(x=x)), None)

    def per_thread_maker(service):
        def make():
            own = ClusterRpcProxy(config, timeout=10)
            proxy = own.start()
            return (lambda x: getattr(proxy, service).ping(x=x)), own.stop

        return make

    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            service, calls, threads, warmup = line.split()
            calls, threads, warmup = int(calls), int(threads), int(warmup)
            make = sequential_maker(service) if threads == 1 else per_thread_maker(service)
            result = measure(make, calls, threads, warmup)
            print("RESULT " + json.dumps(result), flush=True)
    finally:
        for cluster, _ in shared.values():
            cluster.stop()


class NamekoClientProcess:
    """The eventlet-patched subprocess that measures ClusterRpcProxy."""

    def __init__(self, uri):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--nameko-client", "--amqp-uri", uri],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def measure(self, service, calls, threads, warmup):
        self.proc.stdin.write(f"{service} {calls} {threads} {warmup}\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("ClusterRpcProxy subprocess died")
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT ") :])

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(15)
        except Exception:
            pass
        stop_process(self.proc)


# --------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------


def responder_main(args):
    """Subprocess entry: bare pika responder speaking nameko's protocol."""
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(args.amqp_uri))
    ch = conn.channel()
    ch.exchange_declare(EXCHANGE, exchange_type="topic", durable=True)
    queue = "rpc-" + args.service
    ch.queue_declare(queue, durable=True)
    ch.queue_bind(queue, EXCHANGE, routing_key=args.service + ".*")
    ch.basic_qos(prefetch_count=64)

    def on_request(_ch, method, props, body):
        req = json.loads(body)
        reply = json.dumps({"result": req["kwargs"].get("x"), "error": None})
        ch.basic_publish(
            EXCHANGE,
            props.reply_to,
            reply,
            pika.BasicProperties(
                content_type="application/json", correlation_id=props.correlation_id
            ),
        )
        ch.basic_ack(method.delivery_tag)

    ch.basic_consume(queue, on_request)
    signal.signal(signal.SIGTERM, lambda *a: ch.stop_consuming())
    try:
        ch.start_consuming()
    finally:
        if conn.is_open:
            conn.close()


def wait_ready(uri, service, proc, timeout=30.0):
    if GATEWAY_DIR not in sys.path:
        sys.path.insert(0, GATEWAY_DIR)
    from gateway.rpc import RpcClient, RpcError

    client = RpcClient(uri, timeout=1.0, unavailable_check_after=0.1)
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{service} exited with {proc.returncode}")
            try:
                client.call(service, "ping", {"x": "ready"})
                return
            except RpcError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{service} not ready after {timeout}s")
                time.sleep(0.1)
    finally:
        client.close()


def rabbitmqctl(*args):
    exe = shutil.which("rabbitmqctl")
    if exe is None:
        raise SystemExit("rabbitmqctl not found: pass --amqp-uri / set AMQP_URI")
    subprocess.run([exe, *args], check=True, capture_output=True, timeout=60)


def delete_queues(uri, queues):
    """Remove the benchmark's durable queues from a vhost we did not create."""
    import pika

    try:
        conn = pika.BlockingConnection(pika.URLParameters(uri))
        try:
            for queue in queues:
                conn.channel().queue_delete(queue)
        finally:
            conn.close()
    except Exception as exc:
        print(f"warning: could not delete {queues}: {exc!r}")


def stop_process(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def fmt_table(rows):
    head = ("client", "server", "concurrency", "calls/s", "p50 ms", "p95 ms", "mismatches")
    lines = ["{:<17} {:<15} {:>11} {:>9} {:>8} {:>8} {:>10}".format(*head)]
    for r in rows:
        lines.append(
            "{:<17} {:<15} {:>11} {:>9.0f} {:>8.2f} {:>8.2f} {:>10}".format(
                r["client"],
                r["server"],
                r["threads"],
                r["calls_per_s"],
                r["p50_ms"],
                r["p95_ms"],
                r["mismatches"] if r["threads"] > 1 else "-",
            )
        )
    return "\n".join(lines)


MODES = [  # (client, server label, service name)
    ("RpcClient", "nameko echo", "echo"),
    ("ClusterRpcProxy", "nameko echo", "echo"),
    ("bare pika", "nameko echo", "echo"),
    ("RpcClient", "pika responder", "floor"),
    ("bare pika", "pika responder", "floor"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per mode")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="each mode's calls are split in this many rounds, "
        "interleaved with the other modes (evens out load drift)",
    )
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI"))
    parser.add_argument("--json", dest="json_out", help="write the figures here")
    parser.add_argument("--service", default="echo", help=argparse.SUPPRESS)
    parser.add_argument("--nameko-client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--responder", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.nameko_client:
        return nameko_client_main(args)
    if args.responder:
        return responder_main(args)

    vhost = None
    uri = args.amqp_uri
    if not uri:
        vhost = f"bench_rpc_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        rabbitmqctl("add_vhost", vhost)
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        uri = "amqp://guest:guest@127.0.0.1:5672/" + vhost

    tmp = tempfile.mkdtemp(prefix="rpc-bench-")
    service_proc = responder_proc = nameko_client = None
    rounds = {}  # (client, server, threads) -> [round results]
    max_workers = max(10, args.threads + 4)
    started = time.monotonic()
    try:
        config = os.path.join(tmp, "echo.yaml")
        with open(config, "w") as f:
            f.write(f"AMQP_URI: '{uri}'\nmax_workers: {max_workers}\n")
        with open(os.path.join(tmp, "echo.log"), "wb") as service_log:
            service_proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "nameko",
                    "run",
                    "--config",
                    config,
                    "echo_service:EchoService",
                ],
                cwd=HERE,
                stdout=service_log,
                stderr=subprocess.STDOUT,
            )
        responder_proc = subprocess.Popen(
            [
                sys.executable,
                os.path.abspath(__file__),
                "--responder",
                "--amqp-uri",
                uri,
                "--service",
                "floor",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        nameko_client = NamekoClientProcess(uri)
        wait_ready(uri, "echo", service_proc)
        wait_ready(uri, "floor", responder_proc)

        print(
            f"vhost: {vhost or uri}  calls/mode: {args.calls} in {args.rounds} interleaved rounds  threads: 1 and {args.threads}  "
            f"nameko max_workers: {max_workers}  cpus: {os.cpu_count()}",
            flush=True,
        )

        for threads in (1, args.threads):
            per_round = max(threads, args.calls // args.rounds)
            warmup = max(threads * 3, per_round // 20)
            for _rnd in range(args.rounds):
                for client, server, service in MODES:
                    if client == "RpcClient":
                        make, close = rpcclient_factory(uri, service, threads)
                        try:
                            result = measure(make, per_round, threads, warmup)
                        finally:
                            close()
                    elif client == "ClusterRpcProxy":
                        result = nameko_client.measure(service, per_round, threads, warmup)
                    else:
                        make, _ = bare_pika_factory(uri, service)
                        result = measure(make, per_round, threads, warmup)
                    rounds.setdefault((client, server, threads), []).append(result)
            print(
                f"  concurrency {threads:>2}: done ({time.monotonic() - started:.0f}s elapsed)",
                flush=True,
            )
    finally:
        if nameko_client is not None:
            nameko_client.close()
        stop_process(service_proc)
        stop_process(responder_proc)
        shutil.rmtree(tmp, ignore_errors=True)
        if vhost:
            rabbitmqctl("delete_vhost", vhost)
        else:
            delete_queues(uri, ["rpc-echo", "rpc-floor"])

    rows = []
    for (client, server, _threads), results in rounds.items():
        row = summarize(results)
        row.update(client=client, server=server)
        rows.append(row)

    def rate(client, server, threads):
        for r in rows:
            if (r["client"], r["server"], r["threads"]) == (client, server, threads):
                return r["calls_per_s"]
        return float("nan")

    ratios = {}
    for threads in (1, args.threads):
        ratios[f"RpcClient / ClusterRpcProxy   (nameko echo)    x{threads}"] = rate(
            "RpcClient", "nameko echo", threads
        ) / rate("ClusterRpcProxy", "nameko echo", threads)
        ratios[f"RpcClient / bare pika         (nameko echo)    x{threads}"] = rate(
            "RpcClient", "nameko echo", threads
        ) / rate("bare pika", "nameko echo", threads)
        ratios[f"RpcClient / bare pika         (pika responder) x{threads}"] = rate(
            "RpcClient", "pika responder", threads
        ) / rate("bare pika", "pika responder", threads)
        ratios[f"bare pika / ClusterRpcProxy   (nameko echo)    x{threads}"] = rate(
            "bare pika", "nameko echo", threads
        ) / rate("ClusterRpcProxy", "nameko echo", threads)

    print()
    print(fmt_table(rows))
    print()
    print("throughput ratios (calls/s):")
    for name, value in ratios.items():
        print(f"  {name} {value:5.2f}x")
    mismatches = sum(r["mismatches"] for r in rows)
    print()
    print(f"reply mismatches under {args.threads} threads: {mismatches}")
    print(
        "note: ClusterRpcProxy ran in an eventlet-patched subprocess; threaded, it "
        "uses one proxy per (green) thread because a shared proxy hangs."
    )
    print(f"total time: {time.monotonic() - started:.0f}s")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(
                {
                    "calls": args.calls,
                    "threads": args.threads,
                    "rounds": args.rounds,
                    "nameko_max_workers": max_workers,
                    "cpus": os.cpu_count(),
                    "rows": rows,
                    "ratios": ratios,
                    "mismatches": mismatches,
                },
                f,
                indent=2,
            )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
