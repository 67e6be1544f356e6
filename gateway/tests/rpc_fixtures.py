"""Fixtures/helpers for the RPC client tests: a throw-away RabbitMQ vhost
(via rabbitmqctl, no management plugin needed) and a real nameko service
running in a subprocess.

Import the fixtures into a test module (``from rpc_fixtures import ...``);
this is deliberately not a conftest.py.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pika
import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
GATEWAY_DIR = os.path.dirname(TESTS_DIR)
BROKER = os.environ.get("RPC_TEST_BROKER", "guest:guest@127.0.0.1:5672")
BROKER_USER = BROKER.split(":", 1)[0]

if GATEWAY_DIR not in sys.path:  # make ``import gateway.rpc`` work anywhere
    sys.path.insert(0, GATEWAY_DIR)

from gateway.rpc import RpcClient, RpcError  # noqa: E402


def rabbitmqctl(*args, timeout=60, check=True):
    exe = shutil.which("rabbitmqctl")
    if exe is None:
        raise RuntimeError("rabbitmqctl not found: these tests need a local RabbitMQ")
    return subprocess.run(
        [exe, *args], capture_output=True, text=True, timeout=timeout, check=check
    )


def amqp_uri(vhost):
    return f"amqp://{BROKER}/{vhost}"


def create_vhost(prefix="gw_rpc_test"):
    vhost = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, BROKER_USER, ".*", ".*", ".*")
    return vhost


def delete_vhost(vhost):
    rabbitmqctl("delete_vhost", vhost, check=False)


def queue_info(uri, queue):
    """(message_count, consumer_count) of ``queue``, or None if it is gone."""
    conn = pika.BlockingConnection(pika.URLParameters(uri))
    try:
        ch = conn.channel()
        try:
            ok = ch.queue_declare(queue, passive=True).method
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code == 404:
                return None
            raise
        return ok.message_count, ok.consumer_count
    finally:
        if conn.is_open:
            conn.close()


class NamekoService:
    """A nameko service run with ``nameko run`` in a subprocess."""

    def __init__(self, uri, module, service_cls, name, workdir, log_path, max_workers=10):
        self.uri = uri
        self.target = f"{module}:{service_cls}"
        self.name = name
        self.workdir = workdir
        self.log_path = log_path
        self.config_path = log_path + ".yaml"
        with open(self.config_path, "w") as f:
            f.write(f"AMQP_URI: '{uri}'\nmax_workers: {max_workers}\n")
        self.proc = None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, wait=True, ready_timeout=30.0):
        assert not self.running
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", self.config_path, self.target],
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        log.close()
        if wait:
            self.wait_ready(ready_timeout)
        return self

    def wait_ready(self, timeout=30.0):
        """Poll ``ping`` until the service answers."""
        deadline = time.monotonic() + timeout
        client = RpcClient(self.uri, timeout=1.0, unavailable_check_after=0.1)
        try:
            while True:
                if not self.running:
                    raise RuntimeError("service exited:\n" + self.log_tail())
                try:
                    client.call(self.name, "ping")
                    return
                except RpcError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"service not ready after {timeout}s:\n{self.log_tail()}"
                        )
                    time.sleep(0.1)
        finally:
            client.close()

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Stop the process and wait until the broker sees no consumer."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None
        deadline = time.monotonic() + 10
        queue = "rpc-" + self.name
        while time.monotonic() < deadline:
            info = queue_info(self.uri, queue)
            if info is None or info[1] == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f"queue {queue} still has consumers after stop")

    def kill(self):
        self.stop(sig=signal.SIGKILL)

    def ensure_running(self):
        if not self.running:
            self.start()

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""


@pytest.fixture(scope="module")
def rpc_vhost():
    """A throw-away vhost for the module; yields its AMQP URI."""
    vhost = create_vhost()
    try:
        yield amqp_uri(vhost)
    finally:
        delete_vhost(vhost)


@pytest.fixture(scope="module")
def rpc_service(rpc_vhost, tmp_path_factory):
    """The ``rpc_test`` nameko service, running (tests may stop/restart it)."""
    logdir = tmp_path_factory.mktemp("rpc_service")
    service = NamekoService(
        rpc_vhost,
        "rpc_test_service",
        "RpcTestService",
        "rpc_test",
        workdir=TESTS_DIR,
        log_path=str(logdir / "service.log"),
    )
    service.start()
    try:
        yield service
    finally:
        service.stop(sig=signal.SIGKILL)


@pytest.fixture
def running_service(rpc_service):
    rpc_service.ensure_running()
    return rpc_service


@pytest.fixture
def rpc_client(rpc_vhost):
    client = RpcClient(rpc_vhost, timeout=5.0)
    try:
        yield client
    finally:
        client.close()
