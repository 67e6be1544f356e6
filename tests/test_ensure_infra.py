"""scripts/ensure-infra decides what a machine needs before `make test` or
`make run`: nothing, a start, an apt-get install (as root or through sudo),
or exact instructions.  Driven here with stand-ins on PATH for every command it
runs (apt-get, sudo, id, pg_ctlcluster, pg_isready, psql, rabbitmq-server), so
nothing is installed or stopped on this machine.  A stand-in "starts" a
service: PostgreSQL by a state file pg_isready reads, RabbitMQ by a real
listening socket on a free port."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from mentornet_testing import ROOT, free_port

SCRIPT = os.path.join(ROOT, "scripts", "ensure-infra")
# The real tools the script and the stand-ins need; nothing else of this
# machine's PATH is visible (its real apt-get, rabbitmq-server and psql must not be).
REAL_TOOLS = ("sh", "sed", "basename", "cat", "chmod", "mkdir", "touch", "env")

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'

LISTENER = textwrap.dedent("""\
    import os, socket, sys, time
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
    open(sys.argv[2], "w").write(str(os.getpid()))
    while True:
        s.accept()[0].close()
""")


class Machine:
    """A pretend machine: a root for /etc, a bin directory of stand-ins, a log of commands run."""

    def __init__(self, tmp_path, os_release=DEBIAN, uid=0):
        self.tmp = tmp_path
        self.root = tmp_path / "root"
        self.bin = tmp_path / "bin"
        self.state = tmp_path / "state"
        self.log = tmp_path / "commands.log"
        for d in (self.root / "etc", self.bin, self.state):
            d.mkdir(parents=True)
        (self.root / "etc" / "os-release").write_text(os_release)
        self.rabbit_port = free_port()
        self.postgres_port = free_port()
        (tmp_path / "listener.py").write_text(LISTENER)
        for tool in REAL_TOOLS:
            os.symlink(shutil.which(tool), self.bin / tool)
        os.symlink(sys.executable, self.bin / "python3")
        # Questions, not actions: not logged.
        self.tool("id", f'[ "$1" = "-u" ] && echo {uid}', log=False)
        self.tool("pg_isready", f"[ -f {self.state}/postgres-running ]", log=False)
        self.tool("psql", f"[ ! -f {self.state}/postgres-refuses ]", log=False)

    def tool(self, name, body, log=True):
        script = "#!/bin/sh\n"
        if log:
            script += f'echo "$(basename "$0") $*" >> {self.log}\n'
        (self.bin / name).write_text(script + body + "\n")
        (self.bin / name).chmod(0o755)

    def debian_tools(self):
        """What apt-get brings on Debian: a package manager whose installs make stand-ins."""
        self.tool(
            "apt-get",
            f"""
            [ "$1" = update ] && exit 0
            for package in "$@"; do
                case "$package" in
                postgresql)
                    mkdir -p {self.root}/etc/postgresql/15/main
                    echo "host all all 127.0.0.1/32 scram-sha-256" > {self.root}/etc/postgresql/15/main/pg_hba.conf ;;
                rabbitmq-server) touch {self.state}/rabbitmq-installed ;;
                esac
            done
            [ -f {self.state}/rabbitmq-installed ] && cat {self.bin}/.rabbitmq-server > {self.bin}/rabbitmq-server && chmod 755 {self.bin}/rabbitmq-server
            [ -d {self.root}/etc/postgresql ] && cat {self.bin}/.pg_ctlcluster > {self.bin}/pg_ctlcluster && chmod 755 {self.bin}/pg_ctlcluster
            exit 0""",
        )
        # Installed by apt-get above (hidden until then: a dot file is not a command).
        self.tool(
            ".pg_ctlcluster", f'[ "$4" = start ] && touch {self.state}/postgres-running; exit 0'
        )
        self.tool(
            ".rabbitmq-server",
            f"python3 {self.tmp}/listener.py {self.rabbit_port} {self.state}/rabbit.pid "
            f">/dev/null 2>&1 &\nexit 0",
        )

    def installed(self, postgresql=True, rabbitmq=True):
        self.debian_tools()
        packages = [
            p for p, wanted in (("postgresql", postgresql), ("rabbitmq-server", rabbitmq)) if wanted
        ]
        subprocess.run([str(self.bin / "apt-get"), "install", *packages], check=True)
        self.log.unlink()

    def running(self, postgresql=True, rabbitmq=True):
        if postgresql:
            (self.state / "postgres-running").touch()
        if rabbitmq:
            self.start_rabbit_listener()

    def start_rabbit_listener(self):
        subprocess.Popen(
            [
                sys.executable,
                str(self.tmp / "listener.py"),
                str(self.rabbit_port),
                str(self.state / "rabbit.pid"),
            ]
        )
        while (
            not (self.state / "rabbit.pid").exists() or not (self.state / "rabbit.pid").read_text()
        ):
            pass

    def run(self, wait_seconds=20):
        env = {
            "PATH": str(self.bin),
            "INFRA_ROOT": str(self.root),
            "HOME": str(self.tmp),
            "RABBITMQ_PORT": str(self.rabbit_port),
            "POSTGRES_PORT": str(self.postgres_port),
            "INFRA_WAIT_SECONDS": str(wait_seconds),
        }
        result = subprocess.run(
            [sys.executable, SCRIPT], env=env, capture_output=True, text=True, timeout=60
        )
        self.output = result.stdout + result.stderr
        return result.returncode

    def commands(self):
        return self.log.read_text().splitlines() if self.log.exists() else []

    def stop(self):
        pid_file = self.state / "rabbit.pid"
        if pid_file.exists() and pid_file.read_text():
            try:
                os.kill(int(pid_file.read_text()), signal.SIGTERM)
            except ProcessLookupError:
                pass


@pytest.fixture
def machine(tmp_path):
    machines = []

    def make(**kwargs):
        m = Machine(tmp_path / f"m{len(machines)}", **kwargs)
        machines.append(m)
        return m

    yield make
    for m in machines:
        m.stop()


def test_when_both_answer_nothing_is_installed_or_started(machine):
    m = machine()
    m.installed()
    m.running()
    assert m.run() == 0, m.output
    assert m.commands() == []
    assert "RabbitMQ and PostgreSQL are up." in m.output


def test_a_fresh_debian_machine_as_root_gets_both_installed_started_and_waited_for(machine):
    m = machine()
    m.debian_tools()
    assert m.run() == 0, m.output
    assert m.commands() == [
        "apt-get update -qq",
        "apt-get install -y -qq postgresql rabbitmq-server",
        "pg_ctlcluster --skip-systemctl-redirect 15 main reload",
        "pg_ctlcluster --skip-systemctl-redirect 15 main start",
        "rabbitmq-server -detached",
    ]
    hba = (m.root / "etc/postgresql/15/main/pg_hba.conf").read_text().splitlines()
    # Trust for 127.0.0.1 comes before Debian's own line (the first match decides).
    assert hba[2:] == [
        "host all all 127.0.0.1/32 trust",
        "host all all ::1/128 trust",
        "host all all 127.0.0.1/32 scram-sha-256",
    ]
    assert "RabbitMQ and PostgreSQL are up." in m.output


def test_on_ubuntu_as_a_user_with_sudo_everything_privileged_goes_through_sudo(machine):
    m = machine(os_release=UBUNTU, uid=1000)
    m.debian_tools()
    m.tool("sudo", 'exec "$@"')
    m.installed(rabbitmq=False)  # PostgreSQL is there (stopped), RabbitMQ is not
    assert m.run() == 0, m.output
    assert m.commands() == [
        "sudo apt-get update -qq",
        "apt-get update -qq",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server",
        "apt-get install -y -qq rabbitmq-server",
        "sudo pg_ctlcluster --skip-systemctl-redirect 15 main start",
        "pg_ctlcluster --skip-systemctl-redirect 15 main start",
        "sudo rabbitmq-server -detached",
        "rabbitmq-server -detached",
    ]
    # Not installed here: its pg_hba.conf is the owner's business.
    assert "trust" not in (m.root / "etc/postgresql/15/main/pg_hba.conf").read_text()


def test_without_root_or_sudo_it_says_what_to_run_as_root_and_installs_nothing(machine):
    m = machine(uid=1000)
    m.debian_tools()
    m.running(postgresql=False, rabbitmq=True)  # RabbitMQ is fine; PostgreSQL is missing
    assert m.run() == 1
    assert m.commands() == []
    assert "Run as root:\n  apt-get update && apt-get install -y postgresql\n" in m.output


def test_elsewhere_it_says_exactly_what_to_run_and_runs_nothing(machine):
    m = machine(os_release=FEDORA)
    m.tool("dnf", "exit 0")
    assert m.run() == 1
    assert m.commands() == []
    assert "sudo dnf install -y postgresql-server rabbitmq-server" in m.output
    assert "sudo postgresql-setup --initdb" in m.output
    assert "127.0.0.1/32 trust" in m.output  # how the tests log in


def test_installed_but_stopped_are_started_without_apt_get(machine):
    m = machine()
    m.installed()
    assert m.run() == 0, m.output
    assert m.commands() == [
        "pg_ctlcluster --skip-systemctl-redirect 15 main start",
        "rabbitmq-server -detached",
    ]


def test_a_service_that_never_answers_is_named_after_the_wait(machine):
    m = machine()
    m.installed()
    m.tool("rabbitmq-server", "exit 0")  # starts nothing
    assert m.run(wait_seconds=2) == 1
    assert "rabbitmq did not answer within 2 s" in m.output
    assert f"RabbitMQ on 127.0.0.1:{m.rabbit_port}" in m.output


def test_a_postgresql_that_refuses_the_admin_login_is_explained_not_reconfigured(machine):
    m = machine()
    m.installed()
    m.running()
    (m.state / "postgres-refuses").touch()
    assert m.run() == 1
    assert "refuses the admin login" in m.output
    assert "host all all 127.0.0.1/32 trust" in m.output
    assert m.commands() == []
