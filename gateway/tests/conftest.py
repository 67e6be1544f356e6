"""Fixtures of the RPC client's tests: a throw-away vhost (mentornet_testing's)
and a real nameko service, rpc_test_service.py, run with ``nameko run`` in a
subprocess, which a test may stop, kill and start again."""

import os
import signal
import subprocess
import sys

import pytest

from gateway.rpc import RpcClient, RpcError
from mentornet_testing import create_vhost, delete_vhost, queue_info, unique_name, wait_until

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


class NamekoService:
    """A nameko service run with ``nameko run`` in a subprocess."""

    def __init__(self, amqp_uri, target, name, log_path):
        self.amqp_uri = amqp_uri
        self.target = target
        self.name = name
        self.log_path = log_path
        self.config_path = log_path + ".yaml"
        with open(self.config_path, "w") as config:
            config.write(f"AMQP_URI: '{amqp_uri}'\nmax_workers: 10\n")
        self.process = None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def start(self):
        assert not self.running
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "nameko", "run", "--config", self.config_path, self.target],
                cwd=TESTS_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(os.environ, PYTHONUNBUFFERED="1"),
            )
        with RpcClient(self.amqp_uri, timeout=1.0, unavailable_check_after=0.1) as client:

            def answers():
                if not self.running:
                    raise AssertionError("the service exited:\n" + self.log_tail())
                try:
                    return client.call(self.name, "ping") == "pong"
                except RpcError:
                    return False

            wait_until(answers, 90, 0.1, f"{self.name} to answer")
        return self

    def stop(self, sig=signal.SIGTERM):
        """Stop the process, then wait until the broker sees no consumer."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

        def no_consumer():
            info = queue_info(self.amqp_uri, f"rpc-{self.name}")
            return info is None or info[1] == 0

        wait_until(no_consumer, 10, 0.05, f"rpc-{self.name} to lose its consumer")

    def kill(self):
        self.stop(sig=signal.SIGKILL)

    def ensure_running(self):
        if not self.running:
            self.start()

    def log_tail(self, size=4000):
        try:
            with open(self.log_path, "rb") as log:
                return log.read()[-size:].decode("utf-8", "replace")
        except OSError:
            return ""


@pytest.fixture(scope="module")
def rpc_vhost():
    """A throw-away vhost for the module; its AMQP URI."""
    name = unique_name("gw_rpc_test")
    uri = create_vhost(name)
    try:
        yield uri
    finally:
        delete_vhost(name)


@pytest.fixture(scope="module")
def rpc_service(rpc_vhost, tmp_path_factory):
    """The ``rpc_test`` service, running (a test may stop it and start it again)."""
    log_path = str(tmp_path_factory.mktemp("rpc_service") / "service.log")
    service = NamekoService(rpc_vhost, "rpc_test_service:RpcTestService", "rpc_test", log_path)
    service.start()
    try:
        yield service
    finally:
        service.kill()


@pytest.fixture
def running_service(rpc_service):
    rpc_service.ensure_running()
    return rpc_service


@pytest.fixture
def rpc_client(rpc_vhost):
    with RpcClient(rpc_vhost, timeout=5.0) as client:
        yield client
