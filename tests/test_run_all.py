"""`make run` (scripts/run-all) restarts a unit that died, with a back-off, and
says so, as the containers' restart policy does; the rest keep running, and
Ctrl-C or SIGTERM still stops everything (issue 10)."""

import os
import re
import runpy
import signal
import subprocess
import sys
import threading
import time

import requests

from mentornet_testing import ROOT, free_port, wait_until

RUN_ALL = os.path.join(ROOT, "scripts", "run-all")


def test_the_back_off_doubles_to_30_seconds_and_starts_again_after_a_steady_run():
    Backoff = runpy.run_path(RUN_ALL, run_name="run_all")["Backoff"]
    backoff = Backoff()
    assert [backoff.after_exit(uptime=0.5) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.after_exit(uptime=60) == 1  # it had stayed up: a new failure, not the same one
    assert backoff.after_exit(uptime=2) == 2


class Output:
    """run-all's output, read as it comes."""

    def __init__(self, stream):
        self.lines = []
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in iter(stream.readline, ""):
            self.lines.append(line.rstrip("\n"))

    def find(self, pattern):
        return [m for m in (re.search(pattern, line) for line in list(self.lines)) if m]


def test_make_run_restarts_a_killed_service_while_the_gateway_keeps_answering(stack_factory):
    stack = stack_factory()  # its vhost and migrated databases; run-all starts the processes
    port = free_port()
    env = dict(stack.env, GATEWAY_PORT=str(port), GATEWAY_BIND="127.0.0.1", GATEWAY_WORKERS="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    run_all = subprocess.Popen(
        [sys.executable, RUN_ALL],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = Output(run_all.stdout)
    gateway = f"http://127.0.0.1:{port}"

    def answers(service):
        try:
            return stack.rpc.call(service, "health", timeout=1)["status"] == "ok"
        except Exception:
            return False

    def gateway_answers():
        try:
            return requests.get(gateway + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        for service in ("identity", "profiles", "mentoring", "notifications"):
            wait_until(lambda: answers(service), 60, 0.2, f"{service} under run-all")
        wait_until(gateway_answers, 30, 0.2, "the gateway under run-all")
        pid = int(
            wait_until(
                lambda: output.find(r"profiles started \(pid (\d+)\)"),
                5,
                0.1,
                "run-all to name profiles' process",
            )[-1].group(1)
        )

        probes, stop = [], threading.Event()

        def probe():
            while not stop.is_set():
                probes.append(gateway_answers())
                time.sleep(0.2)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()

        os.kill(pid, signal.SIGKILL)
        wait_until(
            lambda: output.find(
                r"profiles was killed by SIGKILL after \d+ s; restarting it in 1 s"
            ),
            15,
            0.1,
            "run-all to say it restarts profiles",
        )
        new_pid = int(
            wait_until(
                lambda: [
                    m
                    for m in output.find(r"profiles started \(pid (\d+)\)")
                    if int(m.group(1)) != pid
                ],
                30,
                0.1,
                "profiles to be started again",
            )[-1].group(1)
        )
        assert new_pid != pid
        wait_until(lambda: answers("profiles"), 60, 0.2, "the restarted profiles to answer")
        stop.set()
        prober.join(5)
        assert probes and all(probes), (
            f"{probes.count(False)} of {len(probes)} gateway probes failed"
        )
        assert run_all.poll() is None  # nothing else stopped
        for service in ("identity", "mentoring", "notifications"):
            assert answers(service), service
    finally:
        run_all.send_signal(signal.SIGTERM)
        try:
            code = run_all.wait(60)
        except subprocess.TimeoutExpired:
            run_all.kill()
            raise
    assert code == 0
    assert output.find(r"^all stopped")
    assert not gateway_answers()
