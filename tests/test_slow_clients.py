"""Slow and idle clients cannot starve the gateway (issue 10).

200 connections each dribble a header line every two seconds (a slowloris),
only to 127.0.0.1, for a bounded time. Meanwhile health probes and a logged-in
member's pages must still be answered, and the server must cut the dribblers
off by itself once the header timeout has passed, however busy they keep it.
"""

import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest
import requests

from mentornet_testing import ROOT, free_port, wait_until
from tests.support import Member, onboarded_member

SLOW_CONNECTIONS = 200
DRIBBLE_EVERY = 2.0  # seconds between one connection's header lines
HEADER_TIMEOUT = 8  # the test gateway's GATEWAY_HEADER_TIMEOUT
BODY_TIMEOUT = 8  # and GATEWAY_BODY_TIMEOUT
HARD_STOP = 120.0  # the dribbler stops by itself after this, whatever happens


class Slowloris:
    """Many connections to one address, each sending a request's header lines
    one at a time, never the blank line that would end them."""

    def __init__(self, port, count, first_lines=None):
        self.port, self.count = port, count
        self.first_lines = first_lines or (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.sockets = {}  # socket -> next time it sends a line
        self.refill = True  # reopen connections the server closed
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()

    def _open(self, stagger):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.setblocking(False)
        try:
            sock.send(self.first_lines)
        except OSError:
            sock.close()
            return
        self.sockets[sock] = time.monotonic() + stagger

    def __enter__(self):
        for i in range(self.count):
            self._open(DRIBBLE_EVERY * i / self.count)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)
        with self.lock:
            for sock in self.sockets:
                sock.close()
            self.sockets.clear()

    def open_count(self):
        with self.lock:
            return len(self.sockets)

    def _closed(self, sock):
        del self.sockets[sock]
        sock.close()

    def _run(self):
        while not self.stop.is_set() and time.monotonic() - self.started < HARD_STOP:
            with self.lock:
                readable, _, _ = (
                    select.select(list(self.sockets), [], [], 0) if self.sockets else ([], [], [])
                )
                for sock in readable:  # an answer (a 408) or the end of the connection
                    try:
                        while sock.recv(65536):
                            pass
                    except BlockingIOError:
                        continue
                    except OSError:
                        pass
                    self._closed(sock)
                now = time.monotonic()
                for sock, due in list(self.sockets.items()):
                    if due <= now:
                        try:
                            sock.send(b"X-Dribble: %d\r\n" % int(now * 1000))
                            self.sockets[sock] = now + DRIBBLE_EVERY
                        except OSError:
                            self._closed(sock)
                if self.refill:
                    missing = self.count - len(self.sockets)
                    for _ in range(missing):
                        try:
                            self._open(DRIBBLE_EVERY)
                        except OSError:
                            break
            self.stop.wait(0.1)


@pytest.fixture(scope="module")
def gateway(system):
    """A gateway of its own on the shared system, with short read timeouts so
    the test sees them act; one worker process, as the tests run it."""
    port = free_port()
    env = dict(
        system.env,
        GATEWAY_PORT=str(port),
        GATEWAY_BIND="127.0.0.1",
        GATEWAY_WORKERS="1",
        GATEWAY_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
        GATEWAY_BODY_TIMEOUT=str(BODY_TIMEOUT),
    )
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    with open(os.path.join(system.log_dir, f"{system.id}-slow-gateway.log"), "ab") as log:
        process = subprocess.Popen(
            [os.path.join(ROOT, "scripts", "start-gateway")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(url + "/healthz", timeout=1).ok
        except requests.RequestException:
            return False

    try:
        wait_until(up, 30, 0.1, "the test gateway")
        yield url, port
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_probes_and_member_pages_are_answered_while_200_slow_clients_hold_connections(
    system, gateway, tmp_path, new_registration
):
    url, port = gateway
    onboarded = onboarded_member(system, tmp_path, new_registration())
    member = Member(SimpleNamespace(gateway_url=url), onboarded.form)  # the same member, here
    member.token = onboarded.token
    assert member.get("/me/profile").status_code == 200

    with Slowloris(port, SLOW_CONNECTIONS) as slow:
        wait_until(lambda: slow.open_count() == SLOW_CONNECTIONS, 10, 0.1, "the slow connections")
        answered = []
        for _ in range(5):
            # Generous timeouts: the answer must come, this is no benchmark.
            health = requests.get(url + "/healthz", timeout=10)
            profile = member.get("/me/profile")
            dashboard = member.get("/dashboard")
            answered.append(
                (health.status_code, profile.status_code, dashboard.status_code, slow.open_count())
            )
        assert [a[:3] for a in answered] == [(200, 200, 200)] * 5, answered
        # The probes ran beside the slow connections (refilled as the server cuts them).
        assert min(a[3] for a in answered) > SLOW_CONNECTIONS // 2, answered

        # Stop refilling: every dribbler still sends a line every two seconds, so
        # only a deadline on the whole header (not an idle timeout) ends them.
        slow.refill = False
        wait_until(
            lambda: slow.open_count() == 0,
            HEADER_TIMEOUT + 30,
            0.2,
            "the server to close every slow connection",
        )


def test_an_idle_connection_and_a_slow_body_are_closed_by_the_server(gateway):
    url, port = gateway
    idle = socket.create_connection(("127.0.0.1", port), timeout=HEADER_TIMEOUT + 30)
    body = socket.create_connection(("127.0.0.1", port), timeout=BODY_TIMEOUT + 30)
    try:
        body.sendall(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        deadline = time.monotonic() + BODY_TIMEOUT + 30
        # The body comes a byte a second: never idle, never finished.  Between
        # bytes the answer is waited for, so it is read the moment it comes.
        answer = b""
        body.settimeout(1)
        while time.monotonic() < deadline:
            try:
                chunk = body.recv(65536)
                answer += chunk
                if not chunk:
                    break
            except TimeoutError:
                pass
            except OSError:
                break
            try:
                body.send(b" ")
            except OSError:
                break
        else:
            pytest.fail("the slow body was never cut off")
        status, _, payload = answer.partition(b"\r\n\r\n")
        assert status.startswith(b"HTTP/1.1 408 "), answer[:300]
        assert json.loads(payload)["error"]["code"] == "request_timeout", payload
        # The idle connection, which never sent a byte, is closed without a word.
        assert idle.recv(65536) == b""
    finally:
        idle.close()
        body.close()
    # And the gateway still answers.
    assert requests.get(url + "/healthz", timeout=10).status_code == 200
