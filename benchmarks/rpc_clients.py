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
mismatches are counted (must be 0). Each mode is warmed up before timing.
"""

import sys

if __name__ == "__main__" and "--nameko-client" in sys.argv:
    # ClusterRpcProxy needs eventlet; patch before anything else is imported.
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
    per_thread = [calls // threads + (1 if i < calls % threads else 0)
                  for i in range(threads)]
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
                call("warm-{}-{}".format(tid, i))
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
                value = "{}-{}-{}".format(tid, i, tag)
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
        raise RuntimeError("errors during measurement: {}".format(errors[:3]))
    lat = sorted(x for per in latencies for x in per)
    return {
        "calls": len(lat),
        "threads": threads,
        "seconds": wall,
        "calls_per_s": len(lat) / wall,
        "p50_ms": percentile(lat, 0.50) * 1000,
        "p95_ms": percentile(lat, 0.95) * 1000,
        "mismatches": sum(mismatches),
    }


# --------------------------------------------------------------------------
# callers
# --------------------------------------------------------------------------


def rpcclient_factory(uri, service, threads):
    if GATEWAY_DIR not in sys.path:
        sys.path.insert(0, GATEWAY_DIR)
    from gateway.rpc import RpcClient

    client = RpcClient(uri, timeout=10.0, max_parallel=threads)

    def make():
        # one client shared by every thread: that is how the gateway uses it
        return (lambda x: client.call(service, "ping", [x])), None

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
            ch.basic_publish(EXCHANGE, routing_key,
                             json.dumps({"args": [x], "kwargs": {}}),
                             pika.BasicProperties(content_type="application/json",
                                                  reply_to=queue, correlation_id=cid))
            while state["body"] is None:
                conn.process_data_events(time_limit=10)
            return json.loads(state["body"])["result"]

        return call, conn.close

    return make, None


def nameko_client_main(args):
    """Subprocess entry (eventlet-patched): measure ClusterRpcProxy, print JSON."""
    from nameko.standalone.rpc import ClusterRpcProxy

    config = {"AMQP_URI": args.amqp_uri}

    if args.threads == 1:
        shared = ClusterRpcProxy(config, timeout=10)
        proxy = shared.start()

        def make():
            return (lambda x: getattr(proxy, args.service).ping(x)), None
    else:
        shared = None

        def make():
            own = ClusterRpcProxy(config, timeout=10)
            p = own.start()
            return (lambda x: getattr(p, args.service).ping(x)), own.stop

    try:
        result = measure(make, args.calls, args.threads, args.warmup)
    finally:
        if shared is not None:
            shared.stop()
    print("RESULT " + json.dumps(result), flush=True)


def run_nameko_client(uri, service, calls, threads, warmup):
    cmd = [sys.executable, os.path.abspath(__file__), "--nameko-client",
           "--amqp-uri", uri, "--service", service, "--calls", str(calls),
           "--threads", str(threads), "--warmup", str(warmup)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError("ClusterRpcProxy run failed:\n" + out.stdout[-2000:] + out.stderr[-3000:])


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
        args_ = req.get("args") or [None]
        reply = json.dumps({"result": args_[0], "error": None})
        ch.basic_publish(EXCHANGE, props.reply_to, reply,
                         pika.BasicProperties(content_type="application/json",
                                              correlation_id=props.correlation_id))
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
                raise RuntimeError("{} exited with {}".format(service, proc.returncode))
            try:
                client.call(service, "ping", ["ready"])
                return
            except RpcError:
                if time.monotonic() > deadline:
                    raise RuntimeError("{} not ready after {}s".format(service, timeout))
                time.sleep(0.1)
    finally:
        client.close()


def rabbitmqctl(*args):
    exe = shutil.which("rabbitmqctl")
    if exe is None:
        raise SystemExit("rabbitmqctl not found: pass --amqp-uri / set AMQP_URI")
    subprocess.run([exe, *args], check=True, capture_output=True, timeout=60)


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
        lines.append("{:<17} {:<15} {:>11} {:>9.0f} {:>8.2f} {:>8.2f} {:>10}".format(
            r["client"], r["server"], r["threads"], r["calls_per_s"], r["p50_ms"],
            r["p95_ms"], r["mismatches"] if r["threads"] > 1 else "-"))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per mode")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=None,
                        help="warm-up calls per mode (default: calls/10, >= threads)")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI"))
    parser.add_argument("--json", dest="json_out", help="write the figures here")
    parser.add_argument("--service", default="echo", help=argparse.SUPPRESS)
    parser.add_argument("--nameko-client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--responder", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warmup is None:
        args.warmup = max(args.calls // 10, args.threads * 5)

    if args.nameko_client:
        return nameko_client_main(args)
    if args.responder:
        return responder_main(args)

    vhost = None
    uri = args.amqp_uri
    if not uri:
        vhost = "bench_rpc_{}_{}".format(os.getpid(), uuid.uuid4().hex[:6])
        rabbitmqctl("add_vhost", vhost)
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        uri = "amqp://guest:guest@127.0.0.1:5672/" + vhost

    tmp = tempfile.mkdtemp(prefix="rpc-bench-")
    service_proc = responder_proc = None
    rows = []
    try:
        config = os.path.join(tmp, "echo.yaml")
        max_workers = max(10, args.threads + 4)
        with open(config, "w") as f:
            f.write("AMQP_URI: '{}'\nmax_workers: {}\n".format(uri, max_workers))
        service_log = open(os.path.join(tmp, "echo.log"), "wb")
        service_proc = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", config,
             "echo_service:EchoService"],
            cwd=HERE, stdout=service_log, stderr=subprocess.STDOUT)
        responder_proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--responder",
             "--amqp-uri", uri, "--service", "floor"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_ready(uri, "echo", service_proc)
        wait_ready(uri, "floor", responder_proc)

        print("broker vhost: {}  calls/mode: {}  threads: {}  nameko max_workers: {}  "
              "cpus: {}".format(vhost or uri, args.calls, args.threads, max_workers,
                                os.cpu_count()), flush=True)

        def record(client, server, result):
            result.update(client=client, server=server)
            rows.append(result)
            print("  {:<16} -> {:<6} x{:<3} {:>7.0f} calls/s".format(
                client, server, result["threads"], result["calls_per_s"]), flush=True)

        for threads in (1, args.threads):
            make, close = rpcclient_factory(uri, "echo", threads)
            record("RpcClient", "nameko echo",
                   measure(make, args.calls, threads, args.warmup))
            close()
            record("ClusterRpcProxy", "nameko echo",
                   run_nameko_client(uri, "echo", args.calls, threads, args.warmup))
            make, _ = bare_pika_factory(uri, "echo")
            record("bare pika", "nameko echo",
                   measure(make, args.calls, threads, args.warmup))
            make, close = rpcclient_factory(uri, "floor", threads)
            record("RpcClient", "pika responder",
                   measure(make, args.calls, threads, args.warmup))
            close()
            make, _ = bare_pika_factory(uri, "floor")
            record("bare pika", "pika responder",
                   measure(make, args.calls, threads, args.warmup))
    finally:
        stop_process(service_proc)
        stop_process(responder_proc)
        shutil.rmtree(tmp, ignore_errors=True)
        if vhost:
            rabbitmqctl("delete_vhost", vhost)

    def rate(client, server, threads):
        for r in rows:
            if (r["client"], r["server"], r["threads"]) == (client, server, threads):
                return r["calls_per_s"]
        return float("nan")

    ratios = {}
    for threads in (1, args.threads):
        ratios["RpcClient/ClusterRpcProxy x{}".format(threads)] = (
            rate("RpcClient", "nameko echo", threads)
            / rate("ClusterRpcProxy", "nameko echo", threads))
        ratios["RpcClient/bare pika (nameko echo) x{}".format(threads)] = (
            rate("RpcClient", "nameko echo", threads)
            / rate("bare pika", "nameko echo", threads))
        ratios["RpcClient/bare pika (pika responder) x{}".format(threads)] = (
            rate("RpcClient", "pika responder", threads)
            / rate("bare pika", "pika responder", threads))

    print()
    print(fmt_table(rows))
    print()
    print("throughput ratios (calls/s):")
    for name, value in ratios.items():
        print("  {:<40} {:5.2f}x".format(name, value))
    mismatches = sum(r["mismatches"] for r in rows)
    print()
    print("reply mismatches under {} threads: {}".format(args.threads, mismatches))
    print("note: ClusterRpcProxy ran in an eventlet-patched subprocess; threaded, it "
          "uses one proxy per (green) thread because a shared proxy hangs.")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"calls": args.calls, "threads": args.threads,
                       "nameko_max_workers": max_workers, "cpus": os.cpu_count(),
                       "rows": rows, "ratios": ratios, "mismatches": mismatches},
                      f, indent=2)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
