"""Calls from a request to the services: the process's one RPC client, the
caller's context (correlation id, member) sent with every call, the counts
and waits that benchmarks read from the X-RPC-* headers, and each call's
outcome and wait in the metrics (gateway.metrics)."""

import time

from flask import current_app, g

from gateway import metrics
from gateway.rpc import RpcClient


def rpc_client():
    """The process's RPC client, made on first use (after gunicorn forked)."""
    client = current_app.extensions.get("rpc")
    if client is None:
        client = current_app.extensions["rpc"] = RpcClient(
            current_app.config["AMQP_URI"], timeout=current_app.config["RPC_TIMEOUT_SECONDS"]
        )
    return client


# A service commits nothing after ``commit_by`` (mentornet_platform.database):
# this long before the call's timeout, so a write committed in time has this
# long to reach us as a reply, and one that would come later is not made.
REPLY_MARGIN_SECONDS = 1.0


def context():
    timeout = current_app.config["RPC_TIMEOUT_SECONDS"]
    data = {
        "correlation_id": g.get("request_id"),
        "commit_by": f"{time.time() + timeout - min(REPLY_MARGIN_SECONDS, timeout / 4):.3f}",
    }
    member = g.get("member")
    if member:
        data["user_id"] = member["user_id"]
    return data


def _count(calls):
    g.rpc_calls = g.get("rpc_calls", 0) + calls


def _waited(started):
    """Adds the wait to the request's; returns it, in seconds."""
    elapsed = time.perf_counter() - started
    g.rpc_waited_ms = g.get("rpc_waited_ms", 0.0) + elapsed * 1000
    g.rpc_slowest_ms = max(g.get("rpc_slowest_ms", 0.0), elapsed * 1000)
    return elapsed


def call(service, method, **kwargs):
    _count(1)
    started = time.perf_counter()
    outcome = None
    try:
        return rpc_client().call(service, method, kwargs=kwargs, context=context())
    except Exception as exc:
        outcome = exc
        raise
    finally:
        metrics.count_call(service, method, outcome, _waited(started))


def call_parallel(calls):
    """``{"name": (service, method, kwargs)}`` -> results (or exceptions), concurrently."""
    _count(len(calls))
    started = time.perf_counter()
    results = {}
    try:
        results = rpc_client().parallel(calls, context=context())
        return results
    finally:
        waited = _waited(started)
        for name, (service, method, _) in calls.items():
            # Each call with the batch's wait: what the page waited for it.
            failed = RuntimeError("the batch failed")  # a call the batch never returned
            metrics.count_call(service, method, results.get(name, failed), waited)
