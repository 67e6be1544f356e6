"""Calls from a request to the services: the process's one RPC client, the
caller's context (correlation id, member) sent with every call, and the counts
and waits that benchmarks read from the X-RPC-* headers."""

import time

from flask import current_app, g

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
    elapsed = (time.perf_counter() - started) * 1000
    g.rpc_waited_ms = g.get("rpc_waited_ms", 0.0) + elapsed
    g.rpc_slowest_ms = max(g.get("rpc_slowest_ms", 0.0), elapsed)


def call(service, method, **kwargs):
    _count(1)
    started = time.perf_counter()
    try:
        return rpc_client().call(service, method, kwargs=kwargs, context=context())
    finally:
        _waited(started)


def call_parallel(calls):
    """``{"name": (service, method, kwargs)}`` -> results (or exceptions), concurrently."""
    _count(len(calls))
    started = time.perf_counter()
    try:
        return rpc_client().parallel(calls, context=context())
    finally:
        _waited(started)
