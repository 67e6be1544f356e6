"""Tests of gateway.rpc.RpcClient against a real RabbitMQ and a real nameko
service running in a subprocess (conftest.py)."""

import datetime
import decimal
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid

import pika
import pytest

import gateway.rpc as rpc_module
from gateway.rpc import (
    RemoteError,
    RpcClient,
    RpcError,
    ServiceTimeout,
    ServiceUnavailable,
)
from mentornet_testing import queue_info, rabbitmqctl

SERVICE = "rpc_test"


def test_module_does_not_import_eventlet_or_nameko():
    code = (
        "import sys; import gateway.rpc; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('eventlet', 'nameko')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# ---------------------------------------------------------------- basics


def test_result(running_service, rpc_client):
    assert rpc_client.call(SERVICE, "ping") == "pong"


def test_kwargs_round_trip(running_service, rpc_client):
    value = {"a": [1, 2.5, None, True], "b": {"nested": "é✓"}}
    assert rpc_client.call(SERVICE, "echo", {"value": value}) == value
    assert rpc_client.call(SERVICE, "echo", kwargs={"value": value}) == value


def test_kombu_json_types_round_trip(running_service, rpc_client):
    # kombu's JSON (nameko's, and now the client's) wraps these types in
    # {"__type__", "__value__"}: both ends see the native types.
    value = {
        "when": datetime.datetime(2024, 5, 1, 12, 30, 15, 123),
        "day": datetime.date(2024, 5, 1),
        "amount": decimal.Decimal("12.34"),
        "id": uuid.UUID("12345678123456781234567812345678"),
    }
    assert rpc_client.call(SERVICE, "echo", {"value": value}) == value


def test_remote_exception(running_service, rpc_client):
    with pytest.raises(RemoteError) as info:
        rpc_client.call(SERVICE, "fail", {"reason": "boom", "count": 3})
    err = info.value
    assert isinstance(err, RpcError)
    assert err.exc_type == "CustomError"
    assert err.exc_args == ["boom", "3"]  # nameko stringifies args
    assert err.value == str(("boom", 3))
    assert err.exc_path == "rpc_test_service.CustomError"


def test_unknown_method_is_remote_error(running_service, rpc_client):
    with pytest.raises(RemoteError) as info:
        rpc_client.call(SERVICE, "no_such_method")
    assert info.value.exc_type == "MethodNotFound"


def test_context_data_arrives(running_service, rpc_client):
    seen = rpc_client.call(
        SERVICE,
        "context",
        context={"correlation_id": "req-123", "user_id": 42, "language": "fr", "dropped": None},
    )
    assert seen["correlation_id"] == "req-123"
    assert seen["user_id"] == 42
    assert seen["language"] == "fr"
    assert "dropped" not in seen
    assert seen["call_id_stack"][-1].startswith("rpc_test.context.")


# ---------------------------------------------------------------- concurrency


def test_many_threads_get_their_own_replies(running_service, rpc_vhost):
    client = RpcClient(rpc_vhost, timeout=10.0)
    n_threads, n_calls = 32, 50
    errors, wrong, ok = [], [], []
    barrier = threading.Barrier(n_threads)

    def worker(tid):
        try:
            barrier.wait(30)
            for i in range(n_calls):
                expected = f"{tid}-{i}-{uuid.uuid4().hex}"
                got = client.call(SERVICE, "echo", {"value": expected})
                (ok if got == expected else wrong).append((expected, got))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        client.close()
    assert not errors
    assert not wrong
    assert len(ok) == n_threads * n_calls


# ---------------------------------------------------------------- timeouts


def test_timeout_then_late_reply_is_discarded(running_service, rpc_client):
    start = time.monotonic()
    with pytest.raises(ServiceTimeout) as info:
        rpc_client.call(SERVICE, "sleep", {"seconds": 1.0, "value": "late"}, timeout=0.5)
    elapsed = time.monotonic() - start
    assert 0.45 <= elapsed < 0.9
    assert (info.value.service, info.value.method, info.value.timeout) == (SERVICE, "sleep", 0.5)
    # the late "late" reply arrives (~0.5 s from now) while this call waits
    assert (
        rpc_client.call(SERVICE, "sleep", {"seconds": 0.8, "value": "fresh"}, timeout=3) == "fresh"
    )
    assert rpc_client.call(SERVICE, "echo", {"value": "next"}) == "next"


def test_expired_request_never_runs(rpc_service, rpc_client, rpc_vhost, tmp_path):
    expired_marker = tmp_path / "expired"
    control_marker = tmp_path / "control"
    rpc_service.stop()

    with pytest.raises(ServiceUnavailable):
        rpc_client.call(SERVICE, "mark", {"path": str(expired_marker)}, timeout=0.5)

    # control: the same request without an expiration *does* run later
    conn = pika.BlockingConnection(pika.URLParameters(rpc_vhost))
    try:
        conn.channel().basic_publish(
            "nameko-rpc",
            SERVICE + ".mark",
            json.dumps({"args": [], "kwargs": {"path": str(control_marker)}}),
            pika.BasicProperties(
                content_type="application/json", reply_to="nobody", correlation_id="control"
            ),
        )
    finally:
        conn.close()
    assert queue_info(rpc_vhost, "rpc-" + SERVICE)[0] == 2  # both are queued

    time.sleep(0.7)  # past the 0.5 s expiration
    rpc_service.start()
    deadline = time.monotonic() + 10
    while not control_marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert control_marker.exists(), "control request did not run"
    time.sleep(0.3)
    assert not expired_marker.exists(), "expired request ran after restart"


# ---------------------------------------------------------------- availability


def test_never_started_service_is_unavailable_fast(rpc_vhost, rpc_client):
    start = time.monotonic()
    with pytest.raises(ServiceUnavailable) as info:
        rpc_client.call("never_started", "ping", timeout=5)
    assert time.monotonic() - start < 0.5
    assert info.value.service == "never_started"


def test_stopped_service_is_unavailable_within_timeout(rpc_service, rpc_client):
    rpc_service.ensure_running()
    assert rpc_client.call(SERVICE, "ping") == "pong"
    rpc_service.kill()
    timeout = 5.0
    start = time.monotonic()
    with pytest.raises(ServiceUnavailable) as info:
        rpc_client.call(SERVICE, "ping", timeout=timeout)
    elapsed = time.monotonic() - start
    assert elapsed < 1.0 < timeout
    assert info.value.service == SERVICE


def test_service_dying_mid_call_is_unavailable(rpc_service, rpc_client):
    rpc_service.ensure_running()
    assert rpc_client.call(SERVICE, "ping") == "pong"
    killer = threading.Timer(0.5, rpc_service.kill)
    killer.start()
    start = time.monotonic()
    try:
        with pytest.raises(ServiceUnavailable):
            rpc_client.call(SERVICE, "sleep", {"seconds": 3.0}, timeout=4.0)
    finally:
        killer.join()
    # first consumer check (0.25 s) sees the consumer; a re-check 1 s later
    # sees none: well before the 4 s timeout
    assert time.monotonic() - start < 2.5


def test_broker_unreachable_is_unavailable_fast():
    client = RpcClient("amqp://guest:guest@127.0.0.1:1/", timeout=5)
    start = time.monotonic()
    with pytest.raises(ServiceUnavailable) as info:
        client.call(SERVICE, "ping")
    assert time.monotonic() - start < 3
    assert info.value.service == SERVICE
    client.close()


# ---------------------------------------------------------------- parallel


def test_parallel_costs_the_slowest_call(running_service, rpc_client):
    calls = {"c%d" % i: (SERVICE, "sleep", {"seconds": 0.3, "value": i}) for i in range(4)}
    rpc_client.parallel({"warm": (SERVICE, "ping", {})})  # pool connections
    start = time.monotonic()
    results = rpc_client.parallel(calls)
    elapsed = time.monotonic() - start
    assert results == {"c%d" % i: i for i in range(4)}
    assert elapsed < 0.9


def test_parallel_returns_exceptions(running_service, rpc_client):
    results = rpc_client.parallel(
        {
            "ok": (SERVICE, "echo", {"value": "x"}),
            "none": (SERVICE, "ping", None),
            "failed": (SERVICE, "fail", {"reason": "nope"}),
            "missing": ("never_started", "ping", {}),
            "slow": (SERVICE, "sleep", {"seconds": 2.0}),
        },
        timeout=0.6,
        context={"correlation_id": "page-1"},
    )
    assert results["ok"] == "x"
    assert results["none"] == "pong"
    assert isinstance(results["failed"], RemoteError)
    assert results["failed"].exc_type == "CustomError"
    assert isinstance(results["missing"], ServiceUnavailable)
    assert isinstance(results["slow"], ServiceTimeout)


# ---------------------------------------------------------------- reconnect


def test_reconnect_after_connection_closed_underneath(running_service, rpc_client):
    assert rpc_client.call(SERVICE, "echo", {"value": 1}) == 1
    rpc_client._local.line.connection.close()  # simulate a dropped connection
    assert rpc_client.call(SERVICE, "echo", {"value": 2}) == 2


def _gateway_connection_pids(vhost):
    """Broker pids of this vhost's open gateway-rpc connections."""
    out = rabbitmqctl(
        "list_connections", "--no-table-headers", "pid", "vhost", "state", "client_properties"
    ).stdout
    pids = []
    for line in out.splitlines():
        parts = line.split("\t")
        if (
            len(parts) == 4
            and parts[1] == vhost
            and parts[2] != "closed"
            and '{"connection_name","gateway-rpc' in parts[3]
        ):
            pids.append(parts[0])
    return pids


@pytest.mark.parametrize("detected_by", ["publish", "idle-poll"])
def test_reconnect_after_broker_closes_connection(
    running_service, rpc_client, rpc_vhost, monkeypatch, caplog, detected_by
):
    monkeypatch.setattr(rpc_module, "_IDLE_POLL_AFTER", 0.0 if detected_by == "idle-poll" else 1e9)
    vhost = rpc_vhost.rsplit("/", 1)[1]
    assert rpc_client.call(SERVICE, "echo", {"value": 1}) == 1
    pids = _gateway_connection_pids(vhost)
    assert pids
    for pid in pids:
        rabbitmqctl("close_connection", pid, "test")
    deadline = time.monotonic() + 10
    while _gateway_connection_pids(vhost) and time.monotonic() < deadline:
        time.sleep(0.1)
    # the close frame is waiting on our socket; the next call must succeed
    with caplog.at_level("INFO", logger="gateway.rpc"):
        assert rpc_client.call(SERVICE, "echo", {"value": 2}) == 2
    assert rpc_client.call(SERVICE, "echo", {"value": 3}) == 3
    messages = " ".join(r.getMessage() for r in caplog.records)
    if detected_by == "publish":
        assert "retrying on a new connection" in messages
    else:
        assert "idle AMQP connection was lost" in messages


def test_connection_lost_while_waiting_is_unavailable_and_not_resent(
    running_service, rpc_client, tmp_path
):
    marker = tmp_path / "ran"
    assert rpc_client.call(SERVICE, "ping") == "pong"
    sock = rpc_client._local.line.connection._impl._transport._sock
    cutter = threading.Timer(0.3, sock.shutdown, args=(socket.SHUT_RDWR,))
    cutter.start()
    start = time.monotonic()
    try:
        with pytest.raises(ServiceUnavailable):
            rpc_client.call(SERVICE, "mark", {"path": str(marker), "delay": 1.0}, timeout=5)
    finally:
        cutter.join()
    assert time.monotonic() - start < 0.9
    time.sleep(1.5)  # the delivered request completes on the service...
    assert marker.read_text().count("ran") == 1  # ...exactly once
    assert rpc_client.call(SERVICE, "echo", {"value": "after"}) == "after"


def test_recovers_after_all_vhost_connections_closed(running_service, rpc_client, rpc_vhost):
    """Broker-side close of every connection (the service's too): calls fail
    only with ServiceUnavailable, never hang, and recover once nameko has
    reconnected."""
    vhost = rpc_vhost.rsplit("/", 1)[1]
    assert rpc_client.call(SERVICE, "echo", {"value": 1}) == 1
    rabbitmqctl("close_all_connections", "-p", vhost, "test")
    deadline = time.monotonic() + 30
    while True:
        start = time.monotonic()
        try:
            assert rpc_client.call(SERVICE, "echo", {"value": 2}, timeout=2) == 2
            break
        except ServiceUnavailable:
            assert time.monotonic() - start < 2.5
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_idle_connection_is_polled_before_publishing(
    running_service, rpc_client, monkeypatch, caplog
):
    assert rpc_client.call(SERVICE, "echo", {"value": 1}) == 1
    line = rpc_client._local.line
    old_connection = line.connection
    # pretend the thread was idle for long and its TCP connection died
    monkeypatch.setattr(rpc_module, "_IDLE_POLL_AFTER", 0.0)
    old_connection._impl._transport._sock.shutdown(socket.SHUT_RDWR)
    with caplog.at_level("INFO", logger="gateway.rpc"):
        assert rpc_client.call(SERVICE, "echo", {"value": 2}) == 2
    assert line.connection is not old_connection
    messages = [r.getMessage() for r in caplog.records]
    assert any("idle AMQP connection was lost" in m for m in messages)
    assert not any("retrying on a new connection" in m for m in messages)


def test_close_then_reuse(running_service, rpc_vhost):
    client = RpcClient(rpc_vhost)
    assert client.call(SERVICE, "echo", {"value": 1}) == 1
    client.parallel({"a": (SERVICE, "echo", {"value": 2})})
    client.close()
    assert client.call(SERVICE, "echo", {"value": 3}) == 3
    client.close()


@pytest.mark.filterwarnings("ignore:Using fork")
def test_rebuilds_after_fork(running_service, rpc_client):
    assert rpc_client.call(SERVICE, "echo", {"value": "parent"}) == "parent"
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: must not reuse the parent's socket
        code = 1
        try:
            os.close(r)
            ok = rpc_client.call(SERVICE, "echo", {"value": "child"}) == "child"
            ok = ok and rpc_client.parallel({"x": (SERVICE, "echo", {"value": "pool"})}) == {
                "x": "pool"
            }
            os.write(w, b"ok" if ok else b"bad")
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    assert os.read(r, 10) == b"ok"
    os.close(r)
    assert status == 0
    # and the parent's connection is untouched
    assert rpc_client.call(SERVICE, "echo", {"value": "parent2"}) == "parent2"


# ---------------------------------------------------------------- modes / edges


def test_an_unroutable_request_leaves_the_connection_usable(running_service, rpc_vhost):
    client = RpcClient(rpc_vhost, timeout=5)
    try:
        assert client.call(SERVICE, "echo", {"value": "x"}) == "x"
        start = time.monotonic()
        with pytest.raises(ServiceUnavailable):
            client.call("never_started", "ping")
        assert time.monotonic() - start < 0.5
        # the connection is still fine after an unroutable request
        assert client.call(SERVICE, "echo", {"value": "y"}) == "y"
        client._local.line.connection.close()
        assert client.call(SERVICE, "echo", {"value": "z"}) == "z"
    finally:
        client.close()


def test_exchange_deleted_underneath(rpc_vhost):
    exchange = "gw-test-" + uuid.uuid4().hex[:6]
    client = RpcClient(rpc_vhost, timeout=5, exchange=exchange)
    try:
        with pytest.raises(ServiceUnavailable):
            client.call("nobody", "ping")  # connects, declares the exchange
        conn = pika.BlockingConnection(pika.URLParameters(rpc_vhost))
        conn.channel().exchange_delete(exchange)
        conn.close()
        for _ in range(2):  # broker closes our channel (404), then we recover
            start = time.monotonic()
            with pytest.raises(ServiceUnavailable):
                client.call("nobody", "ping")
            assert time.monotonic() - start < 1.0
    finally:
        client.close()
        conn = pika.BlockingConnection(pika.URLParameters(rpc_vhost))
        conn.channel().exchange_delete(exchange)
        conn.close()


def test_exceptions_pickle():
    import pickle

    for exc in (
        RemoteError("ValueError", "bad", ["bad"], "builtins.ValueError"),
        ServiceUnavailable("svc", "why"),
        ServiceTimeout("svc", "m", 1.5),
    ):
        clone = pickle.loads(pickle.dumps(exc))
        assert type(clone) is type(exc) and clone.__dict__ == exc.__dict__
        assert str(clone) == str(exc)


def test_idle_connection_past_heartbeat_is_rebuilt(running_service, rpc_vhost, caplog):
    """An idle thread does not service heartbeats; with a 1 s heartbeat the
    broker drops its connection after ~2 s. The next call must just work."""
    client = RpcClient(rpc_vhost + "?heartbeat=1", timeout=5)
    try:
        assert client.call(SERVICE, "echo", {"value": 1}) == 1
        old = client._local.line.connection
        time.sleep(3.5)
        with caplog.at_level("INFO", logger="gateway.rpc"):
            assert client.call(SERVICE, "echo", {"value": 2}) == 2
        assert client._local.line.connection is not old
        assert "idle AMQP connection was lost" in caplog.text
    finally:
        client.close()


def test_unsupported_context_value_is_type_error(running_service, rpc_client):
    with pytest.raises(TypeError):
        rpc_client.call(SERVICE, "ping", context={"bad": object()})
    assert rpc_client.call(SERVICE, "ping", context={"ok": "yes"}) == "pong"


def test_connections_of_exited_threads_are_closed(running_service, rpc_vhost):
    client = RpcClient(rpc_vhost)
    try:
        states = []

        def one_call():
            assert client.call(SERVICE, "echo", {"value": 1}) == 1
            states.append(client._local.line)

        for _ in range(3):
            t = threading.Thread(target=one_call)
            t.start()
            t.join()
        assert client.call(SERVICE, "echo", {"value": 2}) == 2  # this thread's first call
        assert len(states) == 3
        assert all(s.connection is None for s in states)  # swept and closed
        assert len(client._lines) == 1
    finally:
        client.close()
