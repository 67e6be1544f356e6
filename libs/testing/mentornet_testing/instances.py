"""Throw-away PostgreSQL clusters and RabbitMQ nodes of a test's own, on free
ports in a temporary directory, that the test may stop, restart and freeze.

The machine's own PostgreSQL and RabbitMQ serve everyone (other test runs,
other developers): a test never restarts them.  A test that needs a database
or a broker restarted starts one of these instead, from the same packages
(Debian's ``postgresql`` and ``rabbitmq-server``, which ``scripts/ensure-infra``
installs), and removes it afterwards.

PostgreSQL refuses to run as root: as root, the cluster belongs to the
``postgres`` user (the package makes it) and its commands run through
``runuser``.
"""

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time

from mentornet_testing.proxy import free_port


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


# -- PostgreSQL ------------------------------------------------------------
def _postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: p.split("/")[4])
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError("PostgreSQL's server programs (pg_ctl, initdb) are not installed")
    return os.path.dirname(pg_ctl)


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own (``trust`` for 127.0.0.1: a test's only),
    on a free port; ``restart()`` stops it (fast: open connections are cut)
    and starts it again on the same port and data."""

    def __init__(self, max_connections=300):
        self.bin = _postgres_bin()
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="mentornet-pg-")
        os.chmod(self.root, 0o755)
        self.data = os.path.join(self.root, "data")
        self.log = os.path.join(self.root, "postgres.log")
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"
        )
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nmax_connections = {max_connections}\n"
                "fsync = off\nfull_page_writes = off\n"  # a test's data: speed over crash safety
            )
        self.start()

    @property
    def admin_dsn(self):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def _run(self, program, *args):
        command = [os.path.join(self.bin, program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def answers(self):
        result = subprocess.run(
            [os.path.join(self.bin, "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
        )
        return result.returncode == 0

    def start(self):
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start")
        _wait(self.answers, 60, "the throw-away PostgreSQL to answer")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


# -- RabbitMQ ----------------------------------------------------------------
def _descendants(pid):
    """The processes under ``pid`` (children first found, then theirs), from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, waiting = [], [pid]
    while waiting:
        for child in children.get(waiting.pop(), []):
            found.append(child)
            waiting.append(child)
    return found


class ThrowawayRabbit:
    """A RabbitMQ node of its own (``mentornet-test-<port>@localhost``: its own
    name, ports, database and logs, no plugins), as the package's
    ``rabbitmq-server`` runs it.  ``restart()`` stops the node and starts it
    again on the same database: durable queues and persistent messages
    survive, as on any broker restart.  ``guest`` may log in: the node listens
    on 127.0.0.1 only."""

    def __init__(self):
        self.port = free_port()
        self.dist_port = free_port()
        self.root = tempfile.mkdtemp(prefix="mentornet-rabbit-")
        self.node = f"mentornet-test-{self.port}@localhost"
        plugins = os.path.join(self.root, "enabled_plugins")
        with open(plugins, "w") as f:
            f.write("[].\n")
        config = os.path.join(self.root, "rabbitmq")
        with open(config + ".conf", "w") as f:
            f.write(
                f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
                "loopback_users = none\n"
                "disk_free_limit.absolute = 50MB\n"
            )
        self.env = dict(
            os.environ,
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=os.path.join(self.root, "mnesia"),
            RABBITMQ_LOG_BASE=os.path.join(self.root, "log"),
            RABBITMQ_ENABLED_PLUGINS_FILE=plugins,
            RABBITMQ_CONFIG_FILE=config,
            RABBITMQ_PID_FILE=os.path.join(self.root, "rabbit.pid"),
        )
        if os.geteuid() == 0:
            # the package's rabbitmq-server and rabbitmqctl run as rabbitmq when started as root
            for path in (self.root, plugins, config + ".conf"):
                shutil.chown(path, "rabbitmq", "rabbitmq")
        self.process = None
        self.start()

    @property
    def amqp_uri(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def ctl(self, *args, timeout=120):
        return subprocess.run(
            ["rabbitmqctl", "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def answers(self):
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def start(self):
        pid_file = self.env["RABBITMQ_PID_FILE"]
        if os.path.exists(pid_file):
            os.remove(pid_file)  # the stopped node's: "wait" would read its pid
        log = open(os.path.join(self.root, "server.out"), "ab")
        self.process = subprocess.Popen(
            ["rabbitmq-server"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # until the node has finished booting (minutes on a loaded machine: each
        # rabbitmqctl is an Erlang VM of its own to start)
        deadline = time.monotonic() + 300
        while True:
            try:
                waited = self.ctl("await_startup", "--timeout", "10", timeout=60)
                if waited.returncode == 0:
                    break
                why = waited.stderr[-2000:]
            except subprocess.TimeoutExpired:
                why = "rabbitmqctl await_startup did not return"
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._kill()  # a node half started must not outlive the test
                raise RuntimeError(f"the throw-away RabbitMQ did not start: {why}")
            time.sleep(1)
        _wait(self.answers, 60, "the throw-away RabbitMQ to listen")

    def _kill(self):
        """SIGKILL the node and everything under the process started.  As root,
        the package's ``rabbitmq-server`` runs the node through ``su -c``, which
        gives it a session (and process group) of its own: killing the group
        of the process started would leave the Erlang VM running."""
        if self.process is None:
            return
        for pid in [*_descendants(self.process.pid), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self.process = None

    def stop(self):
        if self.process is None:
            return
        try:
            self.ctl("stop", self.env["RABBITMQ_PID_FILE"])
            self.process.wait(120)
        except subprocess.TimeoutExpired:
            self._kill()
        self.process = None

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
