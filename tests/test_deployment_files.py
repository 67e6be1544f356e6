"""The deployment files say what the rest of the repo does: docker-compose.yml
and the Dockerfiles run the same commands as `make run`, each service gets
only its own database, and the database users really are kept out of each
other's databases (checked on the local PostgreSQL)."""

import http.server
import json
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from urllib.parse import urlsplit

import psycopg2
import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVICES = ("identity", "profiles", "mentoring", "notifications")
UNITS = {**{name: f"services/{name}" for name in SERVICES}, "gateway": "gateway"}
# One Dockerfile builds the four services' images (build argument SERVICE).
DOCKERFILES = {
    **{name: "services/Dockerfile" for name in SERVICES},
    "gateway": "gateway/Dockerfile",
}
# The only ports published on the host, by compose service and container port.
PUBLISHED = {
    "gateway": {"8000"},
    "rabbitmq": {"15672"},
    "mailpit": {"8025"},
    "prometheus": {"9090"},  # the `monitoring` profile's, on 127.0.0.1
}
ADMIN_DATABASE_URL = os.environ.get(
    "ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        return handle.read()


def interpolate(value):
    """``${NAME:-default}`` as compose reads it with NAME unset."""
    return re.sub(
        r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda match: match.group(1) or "", value
    )


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def container_ports(service):
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            yield str(port["target"])
        else:
            yield str(port).split("/")[0].rsplit(":", 1)[-1]


def dockerfile_instructions(path):
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in read(path).splitlines() if not line.lstrip().startswith("#")),
    )
    return [tuple(line.strip().split(None, 1)) for line in text.splitlines() if line.strip()]


def dockerfile_command(path):
    instructions = dockerfile_instructions(path)
    assert not [args for name, args in instructions if name.upper() == "ENTRYPOINT"], (
        f"{path} has an ENTRYPOINT: the command is CMD alone"
    )
    commands = [args for name, args in instructions if name.upper() == "CMD"]
    assert commands, f"{path} has no CMD"
    return json.loads(commands[-1])  # exec form


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(read("docker-compose.yml"))["services"]


@pytest.fixture(scope="module")
def make_run_commands():
    """What `make run` starts (scripts/run-all), by unit."""
    return {
        name: command
        for name, command in runpy.run_path(
            os.path.join(ROOT, "scripts", "run-all"), run_name="run_all"
        )["UNITS"]
    }


# -- (a) the compose tools accept the file ----------------------------------------
@pytest.mark.parametrize(
    "tool", [["docker-compose"], ["docker", "compose"]], ids=["docker-compose", "docker compose"]
)
def test_compose_file_is_valid(tool):
    if not shutil.which(tool[0]):
        pytest.skip(f"`{' '.join(tool)}` is not installed (Debian: apt-get install docker-compose)")
    if (
        tool == ["docker", "compose"]
        and subprocess.run(tool + ["version"], capture_output=True).returncode != 0
    ):
        pytest.skip("the docker CLI has no compose plugin")
    result = subprocess.run(
        tool + ["-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# -- (b) what docker-compose.yml runs ---------------------------------------------
def test_containers_run_the_same_commands_as_make_run(compose, make_run_commands):
    assert set(make_run_commands) == set(UNITS)
    for name in UNITS:
        service = compose[name]
        assert service["build"]["context"] == "."
        assert service["build"]["dockerfile"] == DOCKERFILES[name]
        command = service.get("command") or dockerfile_command(DOCKERFILES[name])
        if isinstance(command, str):
            command = command.split()
        if name in SERVICES:
            # The image's CMD starts $SERVICE, which the image keeps from its
            # build argument: `scripts/start-service <name>`, as `make run` runs it.
            assert service["build"]["args"] == {"SERVICE": name}
            assert command == ["scripts/start-service"]
            assert ("ENV", "SERVICE=${SERVICE}") in [
                (instruction, args.split()[0])
                for instruction, args in dockerfile_instructions(DOCKERFILES[name])
            ]
            assert 'service="${1:-$SERVICE}"' in read("scripts/start-service")
            assert make_run_commands[name] == ["scripts/start-service", name]
        else:
            assert command == make_run_commands[name], name
    assert make_run_commands["gateway"] == ["scripts/start-gateway"]


def test_each_service_gets_only_its_own_database(compose):
    postgres_env = environment(compose["postgres"])
    for name in compose:
        urls = {key for key in environment(compose[name]) if key.endswith("_DATABASE_URL")}
        # The demo loader (profile `demo`) imports the university's records with
        # identity's own tool, as `make import-records` does: identity's URL only.
        expected = (
            {f"{name.upper()}_DATABASE_URL"}
            if name in SERVICES
            else {"IDENTITY_DATABASE_URL"}
            if name == "demo"
            else set()
        )
        assert urls == expected, name
    for name in SERVICES:
        raw = environment(compose[name])[f"{name.upper()}_DATABASE_URL"]
        url = urlsplit(interpolate(raw))
        assert url.scheme == "postgresql"
        assert (url.username, url.hostname, url.path) == (
            f"mentornet_{name}",
            "postgres",
            f"/mentornet_{name}",
        )
        # The same password as the one scripts/create-databases gives the user.
        password_var = f"{name.upper()}_DB_PASSWORD"
        assert f":{postgres_env[password_var]}@" in raw, name
        assert password_var in postgres_env[password_var]


def test_only_the_gateway_and_the_web_uis_are_published(compose):
    for name, service in compose.items():
        assert "container_name" not in service, f"{name} has a container_name: cannot scale"
        assert set(container_ports(service)) == PUBLISHED.get(name, set()), name
    assert compose["gateway"]["ports"] == ["${GATEWAY_PORT:-8000}:8000"]


def test_services_wait_for_healthy_infrastructure(compose):
    for name in SERVICES:
        service = compose[name]
        depends_on = service["depends_on"]
        assert isinstance(depends_on, dict), f"{name}: depends_on needs the long form"
        for infra in ("rabbitmq", "postgres"):
            assert depends_on[infra] == {"condition": "service_healthy"}, name
        assert service["restart"] == "unless-stopped"
        assert service["healthcheck"]["test"] == [
            "CMD",
            "python",
            "-m",
            "mentornet_platform.healthcheck",
        ]
        assert "AMQP_URI" in environment(service)
        assert urlsplit(interpolate(environment(service)["AMQP_URI"])).hostname == "rabbitmq"
    assert environment(compose["notifications"])["SMTP_HOST"] == "mailpit"
    assert environment(compose["notifications"])["SMTP_PORT"] == "1025"
    gateway = compose["gateway"]
    for name in SERVICES:
        assert gateway["depends_on"][name] == {"condition": "service_healthy"}
    assert gateway["healthcheck"]["test"] == ["CMD", "python", "-m", "gateway.healthcheck"]
    assert "rabbitmq-diagnostics" in compose["rabbitmq"]["healthcheck"]["test"]
    assert "pg_isready" in compose["postgres"]["healthcheck"]["test"]


def test_postgres_runs_create_databases_at_init(compose):
    volumes = compose["postgres"]["volumes"]
    mount = next(v for v in volumes if v.startswith("./scripts/create-databases:"))
    target = mount.split(":")[1]
    init = next(v for v in volumes if ":/docker-entrypoint-initdb.d/" in v)
    wrapper = init.split(":")[0]
    assert os.access(os.path.join(ROOT, wrapper), os.X_OK), wrapper
    assert target in read(wrapper)
    assert "ADMIN_DATABASE_URL=" in read(wrapper)


# -- (c) the Dockerfiles ----------------------------------------------------------
@pytest.mark.parametrize(
    "dockerfile,folder",
    [("services/Dockerfile", "services/${SERVICE}"), ("gateway/Dockerfile", "gateway")],
)
def test_dockerfile_installs_its_own_requirements_first(dockerfile, folder):
    every = dockerfile_instructions(dockerfile)
    assert f"{every[0][0]} {every[0][1]}".startswith("FROM python:3.11-slim")
    # The image's own stage: the last one (the default target).
    last = max(i for i, (name, _) in enumerate(every) if name.upper() == "FROM")
    instructions = every[last:] if last else every
    lines = [f"{name.upper()} {args}" for name, args in instructions]
    requirements = f"{folder}/requirements.txt"
    install = lines.index(f"RUN pip install -r {requirements}")
    copy_requirements = lines.index(f"COPY {requirements} {requirements}")
    copy_unit = lines.index(f"COPY {folder}/ {folder}/")
    assert copy_requirements < install < copy_unit, "requirements are installed before the code"
    no_deps = next(line for line in lines if "pip install --no-deps" in line)
    assert f"./{folder}" in no_deps and "./libs/contracts" in no_deps
    users = [args for name, args in instructions if name.upper() == "USER"]
    assert users and users[-1] not in ("root", "0"), "runs as a non-root user"
    # The test harness (libs/testing) goes into no image: each copies the
    # libraries it runs on by name, and the build context leaves it out.
    copied = [args.split()[0] for name, args in instructions if name.upper() == "COPY"]
    assert not [source for source in copied if source.rstrip("/") in ("libs", "libs/testing")]
    assert "libs/testing" in read(".dockerignore").split()


def test_the_demo_loaders_image_is_a_stage_of_the_services_dockerfile(compose):
    build = compose["demo"]["build"]
    assert (build["dockerfile"], build["target"]) == ("services/Dockerfile", "demo")
    every = dockerfile_instructions("services/Dockerfile")
    starts = [i for i, (name, _) in enumerate(every) if name.upper() == "FROM"]
    [demo] = [i for i in starts if every[i][1].endswith(" AS demo")]
    stage = every[demo : starts[starts.index(demo) + 1]]
    assert ("CMD", '["python", "demo/loader.py"]') in stage
    assert ("USER", "mentornet") in stage
    assert not [args for name, args in stage if name == "COPY" and args.startswith("libs/testing")]


def test_dockerignore_keeps_local_state_out():
    patterns = read(".dockerignore").split()
    for pattern in (".venv", ".git", ".run", "**/__pycache__"):
        assert pattern in patterns


# -- (d) database isolation, for real ---------------------------------------------
def connect(user, database):
    password = os.environ.get(f"{user.split('_', 1)[1].upper()}_DB_PASSWORD", user)
    return psycopg2.connect(
        host="127.0.0.1",
        port=5432,
        user=user,
        password=password,
        dbname=database,
        connect_timeout=5,
    )


def test_a_service_user_cannot_connect_to_another_services_database():
    if not shutil.which("psql"):
        pytest.skip("psql is not installed: scripts/create-databases needs it")
    result = subprocess.run(
        [os.path.join(ROOT, "scripts", "create-databases")],
        cwd=ROOT,
        env=dict(os.environ, ADMIN_DATABASE_URL=ADMIN_DATABASE_URL),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for owner in SERVICES:
        user = f"mentornet_{owner}"
        with connect(user, user) as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, current_database(), rolsuper "
                "FROM pg_roles WHERE rolname = current_user"
            )
            assert cursor.fetchone() == (user, user, False)
        connection.close()
        for other in SERVICES:
            if other == owner:
                continue
            with pytest.raises(psycopg2.OperationalError) as refused:
                connect(user, f"mentornet_{other}").close()
            assert "permission denied" in str(refused.value), str(refused.value)


def test_profiles_user_is_refused_by_the_identity_database():
    """The example from the brief, spelled out."""
    if not shutil.which("psql"):
        pytest.skip("psql is not installed: scripts/create-databases needs it")
    subprocess.run(
        [os.path.join(ROOT, "scripts", "create-databases")],
        cwd=ROOT,
        check=True,
        env=dict(os.environ, ADMIN_DATABASE_URL=ADMIN_DATABASE_URL),
        capture_output=True,
        timeout=60,
    )
    with pytest.raises(psycopg2.OperationalError, match="permission denied for database"):
        connect("mentornet_profiles", "mentornet_identity")
    connect("mentornet_profiles", "mentornet_profiles").close()


@pytest.mark.parametrize("unit", UNITS)
def test_the_installed_package_carries_every_data_file(unit, tmp_path):
    # The containers install each unit as a plain (not editable) package: a data
    # file left out of the wheel is missing there and nowhere else (the gateway's
    # templates, static files and compiled catalogues too).
    package = os.path.join(ROOT, UNITS[unit], unit)
    data_files = {
        os.path.relpath(os.path.join(folder, name), os.path.dirname(package))
        for folder, _, names in os.walk(package)
        for name in names
        if not name.endswith((".py", ".pyc")) and "__pycache__" not in folder
    }
    # Built from a copy without the editable install's *.egg-info, whose file
    # list would fill in what the package data settings leave out (as in a container).
    source = tmp_path / unit
    shutil.copytree(
        os.path.join(ROOT, UNITS[unit]),
        source,
        ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__"),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            str(source),
            "-w",
            str(tmp_path),
        ],
        check=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    assert data_files <= set(zipfile.ZipFile(wheel).namelist())


# alembic cannot compare profiles' folded-programme index (an operator class in
# an expression) and says so; everything else it compares.
@pytest.mark.filterwarnings("ignore:Expression #1 'profiles_fold")
@pytest.mark.parametrize("unit", SERVICES)
def test_each_services_models_and_migrations_agree(unit):
    # A model changed without its migration (or the reverse) is found here, not in production.
    from alembic import command

    from mentornet_platform import migrations
    from mentornet_testing import create_database, drop_database, unique_name

    name = unique_name(f"mentornet_unit_{unit}_drift")
    url = create_database(name)
    try:
        service_dir = os.path.join(ROOT, "services", unit)
        migrations.upgrade(unit, service_dir, url)
        command.check(migrations.alembic_config(service_dir, url))  # raises on any difference
    finally:
        drop_database(name)


def test_the_test_harness_imports_no_part_of_the_system():
    """mentornet_testing starts the system as processes and is handed the RPC
    client it should use: it imports neither the gateway nor a service."""
    parts = ("gateway", "identity", "profiles", "mentoring", "notifications")
    code = (
        "import sys, mentornet_testing; "
        f"found = [m for m in sys.modules if m.split('.')[0] in {parts!r}]; "
        "assert not found, found"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- (e) the containers' health checks --------------------------------------------
SERVICE_COMMAND = [
    "python",
    "-m",
    "mentornet_platform.serve",
    "run",
    "--config",
    "/app/services/identity/config.yaml",
    "identity.service",
]


@pytest.fixture
def fake_proc(tmp_path):
    """A /proc whose PID 1 runs what a test writes, and whose network tables
    are this machine's own."""
    (tmp_path / "1").mkdir()
    (tmp_path / "net").symlink_to("/proc/self/net")

    def pid_1_runs(argv):
        (tmp_path / "1" / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
        return str(tmp_path)

    return pid_1_runs


def test_a_service_is_healthy_once_its_nameko_process_holds_a_broker_connection(fake_proc):
    from mentornet_platform.healthcheck import healthy

    amqp_uri = "amqp://guest:guest@127.0.0.1:5672/"
    with socket.create_connection(("127.0.0.1", 5672), timeout=5):
        assert healthy("identity", amqp_uri, fake_proc(SERVICE_COMMAND))
        # another service's process, or the start script still migrating
        assert not healthy("profiles", amqp_uri, fake_proc(SERVICE_COMMAND))
        assert not healthy(
            "identity", amqp_uri, fake_proc(["/bin/sh", "scripts/start-service", "identity"])
        )
        # no connection to the broker's port
        assert not healthy(
            "identity", "amqp://guest:guest@127.0.0.1:1/", fake_proc(SERVICE_COMMAND)
        )


def test_the_gateways_health_check_asks_healthz(tmp_path):
    class Healthz(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def check(port):
        return subprocess.run(
            [sys.executable, "-m", "gateway.healthcheck"],
            env=dict(os.environ, GATEWAY_PORT=str(port)),
            timeout=60,
        ).returncode

    try:
        assert check(server.server_address[1]) == 0
    finally:
        server.shutdown()
        server.server_close()
    assert check(server.server_address[1]) == 1  # nothing listens any more
