"""Test support: throw-away RabbitMQ vhosts and PostgreSQL databases, services
started as real processes with the operators' own command, an SMTP server.

Used by every service's tests and by the cross-service tests under tests/.
"""

import os
import re
import subprocess
import sys
import time
import uuid

import psycopg2
from psycopg2 import sql

from mentornet_testing.proxy import SeverableProxy, free_port  # noqa: F401 (re-exported)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SERVICES = ("identity", "profiles", "mentoring", "notifications")
PG_ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_ADMIN_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1:5672")


# A stack that many tests (or a benchmark) share serves them all from one
# address, 127.0.0.1: far more sign-ups and logins than any real client makes.
# Its per-client allowances are wide; tests/test_client_limits.py runs the
# real defaults.
WIDE_CLIENT_LIMITS = {
    f"CLIENT_LIMIT_{action}": "1000000 per hour"
    for action in ("LOGIN", "SIGN_UP", "PASSWORD_RESET", "EMAIL_CONFIRMATION", "API_KEY")
}


def unique_name(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


# -- RabbitMQ ------------------------------------------------------------
def rabbitmqctl(*args, check=True, broker=None):
    """The local broker's rabbitmqctl (no management plugin needed), or that
    of ``broker`` (a ThrowawayRabbit)."""
    node = ["-n", broker.node] if broker else []
    return subprocess.run(
        ["rabbitmqctl", "-q", *node, *args],
        check=check,
        capture_output=True,
        text=True,
        timeout=60,
        env=broker.env if broker else None,
    )


def create_vhost(name, broker=None):
    """A vhost on the machine's broker, or on ``broker`` (a ThrowawayRabbit)."""
    rabbitmqctl("add_vhost", name, broker=broker)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*", broker=broker)
    host = f"127.0.0.1:{broker.port}" if broker else RABBIT_HOST
    return f"amqp://guest:guest@{host}/{name}"


def delete_vhost(name, broker=None):
    rabbitmqctl("delete_vhost", name, check=False, broker=broker)


def queue_info(amqp_uri, queue):
    """(messages, consumers) of ``queue``, or None when there is no such queue."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        declared = connection.channel().queue_declare(queue, passive=True).method
        return declared.message_count, declared.consumer_count
    except pika.exceptions.ChannelClosedByBroker as exc:
        if exc.reply_code == 404:
            return None
        raise
    finally:
        if connection.is_open:
            connection.close()


# -- PostgreSQL ----------------------------------------------------------
def _admin(admin_dsn=None):
    connection = psycopg2.connect(admin_dsn or PG_ADMIN_DSN)
    connection.autocommit = True
    return connection


def create_database(name, admin_dsn=None):
    """A database on the machine's PostgreSQL, or on the cluster of ``admin_dsn``."""
    connection = _admin(admin_dsn)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
    dsn = psycopg2.extensions.parse_dsn(admin_dsn or PG_ADMIN_DSN)
    return f"postgresql://{dsn.get('user', 'postgres')}@{dsn.get('host', '127.0.0.1')}:{dsn.get('port', 5432)}/{name}"


def drop_database(name, admin_dsn=None):
    connection = _admin(admin_dsn)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    finally:
        connection.close()


def migrate(service, url):
    from mentornet_platform.migrations import upgrade

    upgrade(service, os.path.join(ROOT, "services", service), url)


def wait_until(predicate, timeout=20.0, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


# -- a whole system on its own vhost and databases -----------------------
class Stack:
    """One isolated Mentor Network: its own vhost, four databases, and the
    services (and gateway) it is asked to start, each a real process started
    with scripts/start-service or scripts/start-gateway.

    ``rpc_client`` makes the client that calls the services (``rpc``, and the
    wait for a service to answer), given the stack's AMQP URI: the gateway's
    ``RpcClient``, passed in by the caller, so that the harness depends on no
    part of the system it tests.  ``broker`` (a ThrowawayRabbit) and
    ``postgres`` (a ThrowawayPostgres) put the stack on a test's own
    instances, which it may restart."""

    def __init__(
        self, log_dir, smtp_port=None, rpc_client=None, broker=None, postgres=None, **settings
    ):
        self.broker = broker
        self.admin_dsn = postgres.admin_dsn if postgres else None
        self.id = uuid.uuid4().hex[:8]
        self.vhost = f"mentornet-test-{self.id}"
        self.log_dir = log_dir
        self.processes = {}
        self.databases = {}
        self.urls = {}
        self.amqp_uri = create_vhost(self.vhost, broker)
        for service in SERVICES:
            name = f"mentornet_test_{self.id}_{service}"
            self.urls[service] = create_database(name, self.admin_dsn)
            self.databases[service] = name
            migrate(service, self.urls[service])
        self.env = dict(os.environ)
        self.env.update(
            {
                "AMQP_URI": self.amqp_uri,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp_port or 25),
                "EVENT_RETRY_BASE_SECONDS": "0.2",
                "EVENT_RETRY_MAX_SECONDS": "2",
                "OUTBOX_POLL_SECONDS": "0.2",
                "RPC_TIMEOUT_SECONDS": "5",
                "PYTHONUNBUFFERED": "1",
                # The suite's logs are read by people after a run (.run/test-logs/);
                # tests of the JSON lines ask for them (LOG_FORMAT=json).
                "LOG_FORMAT": "text",
            }
        )
        for service in SERVICES:
            self.env[f"{service.upper()}_DATABASE_URL"] = self.urls[service]
        # The gateway's address is chosen now, so the links the services put in
        # mails (PUBLIC_BASE_URL) open this stack's own pages.
        self.gateway_port = free_port()
        self.gateway_url = f"http://127.0.0.1:{self.gateway_port}"
        self.env["PUBLIC_BASE_URL"] = self.gateway_url
        self.env.update({k: str(v) for k, v in settings.items()})
        self.gateway_urls = {"gateway": self.gateway_url}  # more gateways ("gateway-2") too
        self._rpc_client = rpc_client
        # Each process's metrics endpoint, on a port of its own (stacks run side by side).
        self.metrics_urls = {}
        self._rpc = None

    # processes
    def start(self, name, wait=True, **extra_env):
        env = dict(self.env, **{k: str(v) for k, v in extra_env.items()})
        log = open(os.path.join(self.log_dir, f"{self.id}-{name}.log"), "ab")
        if name.startswith("gateway"):
            # The first gateway's port was chosen with the stack (PUBLIC_BASE_URL).
            port = self.gateway_port if name == "gateway" else free_port()
            env.update({"GATEWAY_PORT": str(port), "GATEWAY_BIND": "127.0.0.1"})
            env.setdefault("GATEWAY_WORKERS", "1")
            env.setdefault("GATEWAY_METRICS_PORT", str(free_port()))
            command = [os.path.join(ROOT, "scripts", "start-gateway")]
            self.gateway_urls[name] = f"http://127.0.0.1:{port}"
            metrics_port = env["GATEWAY_METRICS_PORT"]
        else:
            env.setdefault("METRICS_PORT", str(free_port()))
            # "profiles#2": a second instance of profiles (competing consumers)
            command = [os.path.join(ROOT, "scripts", "start-service"), name.partition("#")[0]]
            metrics_port = env["METRICS_PORT"]
        env.setdefault("METRICS_BIND", "127.0.0.1")
        self.metrics_urls[name] = f"http://127.0.0.1:{metrics_port}/metrics"
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        self.processes[name] = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
        )
        if wait:
            self.wait_ready(name)
        return self.processes[name]

    def start_all(
        self, names=("identity", "profiles", "mentoring", "notifications", "gateway"), **gateway_env
    ):
        """Start ``names`` together, then wait for each to be ready (quicker than
        one after another); ``gateway_env`` goes to the gateway only."""
        for name in names:
            self.start(name, wait=False, **(gateway_env if name.startswith("gateway") else {}))
        for name in names:
            self.wait_ready(name)

    def wait_ready(self, name, timeout=180):
        # minutes on a loaded machine: each service runs its migrations, then
        # starts nameko (two interpreters and their imports) before it answers
        if name.startswith("gateway"):
            import requests

            def alive():
                try:
                    return requests.get(self.gateway_urls[name] + "/healthz", timeout=1).ok
                except requests.RequestException:
                    return False

            wait_until(alive, timeout, 0.1, "the gateway to answer")
            return

        if self._rpc_client is None:
            raise RuntimeError("this stack was made without an rpc_client: it cannot ask")

        def healthy():
            process = self.processes[name]
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}; see {self.log_dir}")
            try:
                service = name.partition("#")[0]
                return self.rpc.call(service, "health", timeout=1)["status"] == "ok"
            except Exception:
                return False

        wait_until(healthy, timeout, 0.1, f"{name} to answer")

    def stop(self, name, timeout=15):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    @property
    def rpc(self):
        if self._rpc is None:
            if self._rpc_client is None:
                raise RuntimeError("this stack was made without an rpc_client")
            self._rpc = self._rpc_client(self.amqp_uri, timeout=5)
        return self._rpc

    # databases
    def query(self, service, statement, params=None):
        dsn = self.urls[service]
        with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None

    def add_api_key(self, key, scopes, name="tests"):
        """An API key for the operators' API, for ``scopes``, whose secret the
        test chose (``python -m identity.operators api-key`` makes one with a
        random secret)."""
        import hashlib

        self.query(
            "identity",
            "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_by)"
            " VALUES (%s, %s, %s, %s, 'tests')",
            (
                name,
                key[:10],
                hashlib.sha256(key.encode()).hexdigest(),
                list(scopes),
            ),
        )
        return key

    def scalar(self, service, statement, params=None):
        rows = self.query(service, statement, params)
        return rows[0][0] if rows else None

    def close(self):
        for name in list(self.processes):
            self.stop(name)
        if self._rpc is not None:
            self._rpc.close()
        for name in self.databases.values():
            drop_database(name, self.admin_dsn)
        delete_vhost(self.vhost, self.broker)


# -- SMTP ----------------------------------------------------------------
class Mailbox:
    """A real SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                import email
                import email.policy

                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                plain = message.get_body(preferencelist=("plain",))
                html = message.get_body(preferencelist=("html",))
                mailbox.messages.append(
                    {
                        "to": list(envelope.rcpt_tos),
                        "subject": str(message["Subject"]),
                        "body": plain.get_content() if plain else "",
                        "html": html.get_content() if html else None,
                        "message": message,
                    }
                )
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def to(self, address, subject=None):
        """Mail received for ``address``; ``subject`` (a regex) narrows it down."""
        return [
            m
            for m in self.messages
            if address in m["to"] and (subject is None or re.search(subject, m["subject"]))
        ]

    def welcomes(self, address):
        return self.to(address, r"^(Welcome to|Welkom bij)")

    def stop(self):
        self.controller.stop()


# -- one service's own database, for its unit tests ---------------------------
class ThrowawayDatabase:
    """A fresh, migrated database of one service; ``close()`` drops it."""

    def __init__(self, service):
        self.name = unique_name(f"mentornet_unit_{service}")
        self.url = create_database(self.name)
        migrate(service, self.url)
        from mentornet_platform.database import Database, make_engine

        self.engine = make_engine(self.url, pool_size=5)
        self.database = Database(self.engine)

    def scalar(self, statement, params=None):
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return connection.execute(text(statement), params or {}).scalar()

    def close(self):
        self.engine.dispose()
        drop_database(self.name)


def database_fixtures(service):
    """The two fixtures a service's own tests use, for its conftest.py:
    ``service_database`` (a fresh migrated database for the session) and
    ``db`` (its Database handle)::

        service_database, db = database_fixtures("profiles")
    """
    import pytest

    @pytest.fixture(scope="session")
    def service_database():
        database = ThrowawayDatabase(service)
        yield database
        database.close()

    @pytest.fixture
    def db(service_database):
        return service_database.database

    return service_database, db
