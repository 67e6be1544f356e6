"""The Kubernetes manifests (deploy/kubernetes/) say what the rest of the repo
does, and Kubernetes would accept them: checked offline, no cluster.

No well-kept kustomize renderer installs from PyPI, so ``render`` below
assembles a kustomization plainly: its ``resources`` (files and folders, in
order), ``namespace``, ``images`` and JSON-patch ``patches``, and refuses any
other field rather than ignore it.  Where kubectl is installed,
``test_plain_rendering_is_kustomizes`` checks that kubectl's own kustomize
renders the same objects.  Every standard object is then validated against
Kubernetes' own schemas (the kubernetes-validate package, strict: an unknown
or misspelt field fails); the operators' custom resources (RabbitMQ,
CloudNativePG) have no schema there and are checked here for what the
services rely on.
"""

import copy
import pathlib
import re
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
KUBERNETES = ROOT / "deploy" / "kubernetes"
SERVICES = ("identity", "profiles", "mentoring", "notifications")
UNITS = SERVICES + ("gateway",)
# The oldest Kubernetes the manifests are meant for, and the newest the
# validator knows.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
CUSTOM_GROUPS = ("rabbitmq.com/", "postgresql.cnpg.io/")
NOT_NAMESPACED = {"Namespace"}


# -- the plain renderer ----------------------------------------------------------


def render(directory):
    directory = pathlib.Path(directory)
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - {
        "apiVersion",
        "kind",
        "resources",
        "namespace",
        "images",
        "patches",
    }
    assert not unknown, f"{directory}: the plain renderer does not know {sorted(unknown)}"
    objects = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            objects += render(path)
        else:
            objects += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    for patch in kustomization.get("patches", []):
        target = patch["target"]
        matched = [
            o
            for o in objects
            if o["kind"] == target["kind"] and o["metadata"]["name"] == target["name"]
        ]
        assert matched, f"{directory}: a patch's target is not there: {target}"
        for obj in matched:
            for operation in yaml.safe_load(patch["patch"]):
                _json_patch(obj, operation)
    for image in kustomization.get("images", []):
        containers = [c for o in objects for c in _containers(o) if c["image"] == image["name"]]
        assert containers, f"{directory}: no container runs image {image['name']}"
        for container in containers:
            container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    if "namespace" in kustomization:
        for obj in objects:
            if obj["kind"] not in NOT_NAMESPACED:
                obj["metadata"]["namespace"] = kustomization["namespace"]
    return objects


def _json_patch(obj, operation):
    assert operation["op"] in ("replace", "add"), f"unsupported patch operation {operation}"
    *parents, last = [part for part in operation["path"].split("/")[1:]]
    node = obj
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        index = int(last)
        if operation["op"] == "replace":
            node[index] = operation["value"]
        else:
            node.insert(index, operation["value"])
    else:
        if operation["op"] == "replace":
            assert last in node, f"replace of a missing field: {operation['path']}"
        node[last] = operation["value"]


def _pod_spec(obj):
    if obj["kind"] in ("Deployment", "Job"):
        return obj["spec"]["template"]["spec"]
    return None


def _containers(obj):
    spec = _pod_spec(obj)
    if spec is None:
        return []
    return spec.get("initContainers", []) + spec["containers"]


def _one(objects, kind, name):
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def _standard(objects):
    return [o for o in objects if not o["apiVersion"].startswith(CUSTOM_GROUPS)]


@pytest.fixture(scope="module")
def base():
    return render(KUBERNETES / "base")


@pytest.fixture(scope="module")
def overlay():
    return render(KUBERNETES / "overlays" / "example")


@pytest.fixture(scope="module")
def infrastructure():
    return render(KUBERNETES / "infrastructure")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env(container):
    return {variable["name"]: variable for variable in container.get("env", [])}


# -- Kubernetes would accept them -------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("kustomization", ["base", "overlays/example", "infrastructure"])
def test_standard_objects_match_the_kubernetes_schemas(kustomization, version):
    objects = _standard(render(KUBERNETES / kustomization))
    assert objects
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(
                f"{kustomization}: {obj['kind']} {obj['metadata']['name']} is refused "
                f"by Kubernetes {version}: {exc.message} at {list(exc.path)}"
            )


def test_the_schema_check_refuses_a_misspelt_field(base):
    """The validation above can fail: a Deployment with a misspelt field is refused."""
    deployment = copy.deepcopy(_one(base, "Deployment", "identity"))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed here")
@pytest.mark.parametrize("kustomization", ["base", "overlays/example", "infrastructure"])
def test_plain_rendering_is_kustomizes(kustomization):
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(KUBERNETES / kustomization)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def key(obj):
        return (obj["kind"], obj["metadata"]["name"])

    theirs = sorted((doc for doc in yaml.safe_load_all(rendered) if doc), key=key)
    ours = sorted(render(KUBERNETES / kustomization), key=key)
    assert ours == theirs


# -- what every unit has ------------------------------------------------------------


def test_every_unit_has_probes_resources_an_autoscaler_and_a_disruption_budget(overlay):
    deployments = [o for o in overlay if o["kind"] == "Deployment"]
    assert sorted(d["metadata"]["name"] for d in deployments) == sorted(UNITS)
    for deployment in deployments:
        name = deployment["metadata"]["name"]
        assert "replicas" not in deployment["spec"], f"{name}: the autoscaler owns the count"
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "readinessProbe" in container and "livenessProbe" in container, name
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), name
            assert {"cpu", "memory"} <= set(resources["limits"]), name
            assert container["image"].endswith(":2026.12.1"), f"{name}: no release tag"
        autoscalers = [
            o
            for o in overlay
            if o["kind"] == "HorizontalPodAutoscaler"
            and o["spec"]["scaleTargetRef"]
            == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        ]
        assert len(autoscalers) == 1, f"{name}: one HorizontalPodAutoscaler"
        budgets = [
            o
            for o in overlay
            if o["kind"] == "PodDisruptionBudget"
            and o["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
        ]
        assert len(budgets) == 1, f"{name}: one PodDisruptionBudget selecting its pods"
        # A node drain must be able to proceed: more pods than the budget keeps.
        assert autoscalers[0]["spec"]["minReplicas"] > budgets[0]["spec"]["minAvailable"], name


def test_the_overlay_sets_the_host_replicas_and_address(overlay):
    ingress = _one(overlay, "Ingress", "gateway")
    assert ingress["spec"]["rules"][0]["host"] == "mentors.university.example"
    assert ingress["spec"]["tls"][0]["hosts"] == ["mentors.university.example"]
    settings = _one(overlay, "ConfigMap", "mentornet-settings")
    assert settings["data"]["PUBLIC_BASE_URL"] == "https://mentors.university.example"
    assert _one(overlay, "HorizontalPodAutoscaler", "gateway")["spec"]["minReplicas"] == 3
    assert all(o["metadata"]["namespace"] == "mentornet" for o in overlay)


def test_the_ingress_reaches_the_gateway_pods(base):
    service = _one(base, "Service", "gateway")
    deployment = _one(base, "Deployment", "gateway")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    container_ports = {
        p["name"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]
    }
    assert service["spec"]["ports"][0]["targetPort"] in container_ports
    backend = _one(base, "Ingress", "gateway")["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"] == {
        "name": "gateway",
        "port": {"name": service["spec"]["ports"][0]["name"]},
    }
    probes = deployment["spec"]["template"]["spec"]["containers"][0]
    assert probes["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert probes["readinessProbe"]["httpGet"]["path"] == "/healthz"


def test_services_are_checked_as_compose_checks_them(base, compose):
    """The services' probes are docker-compose.yml's x-service health check."""
    healthcheck = compose["x-service"]["healthcheck"]["test"]
    assert healthcheck[0] == "CMD"
    for service in SERVICES:
        container = _one(base, "Deployment", service)["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["exec"]["command"] == healthcheck[1:], service
        assert container["livenessProbe"]["exec"]["command"] == healthcheck[1:], service
        # The check looks for the nameko process as PID 1: the container runs it directly.
        assert container["command"][:3] == ["python", "-m", "mentornet_platform.serve"], service


# -- the migrations run once ---------------------------------------------------------


def test_migrations_run_once_per_service_in_a_job(base):
    for service in SERVICES:
        job = _one(base, "Job", f"{service}-migrations")
        (container,) = job["spec"]["template"]["spec"]["containers"]
        assert container["command"] == [
            "python",
            "-m",
            "mentornet_platform.migrations",
            service,
            "--service-dir",
            f"/app/services/{service}",
        ]
        assert container["image"] == f"mentornet-{service}"
        pod = _one(base, "Deployment", service)["spec"]["template"]["spec"]
        # The service's pods never migrate (no scripts/start-service); they wait for the Job.
        for running in pod["containers"]:
            assert "start-service" not in " ".join(running.get("command", []))
            assert "mentornet_platform.migrations" not in running["command"]
        (wait,) = pod["initContainers"]
        assert wait["command"][-2:] == ["current", "--check-heads"]
        assert wait["command"][:5] == [
            "python",
            "-m",
            "alembic",
            "-c",
            f"/app/services/{service}/alembic.ini",
        ]
        assert (ROOT / "services" / service / "alembic.ini").exists()


# -- the same environment as compose ------------------------------------------------


def test_environment_names_are_the_composes(base, compose):
    """Each unit gets the variables docker-compose.yml gives it, by the same
    names; the only others are compose's own variables (${NAME}) that a URL is
    built from here, out of a Secret."""
    compose_text = (ROOT / "docker-compose.yml").read_text()
    compose_variables = set(re.findall(r"\$\{([A-Z_]+)", compose_text))
    for unit in UNITS:
        container = _one(base, "Deployment", unit)["spec"]["template"]["spec"]["containers"][0]
        names = set(_env(container))
        expected = set(compose["services"][unit]["environment"])
        missing = expected - names
        assert not missing, f"{unit}: compose gives {sorted(missing)}, Kubernetes does not"
        extra = names - expected
        assert extra <= compose_variables, (
            f"{unit}: {sorted(extra - compose_variables)} are not compose's"
        )


def test_composed_values_refer_to_variables_defined_before_them(base):
    """Kubernetes expands $(NAME) only for a variable listed earlier."""
    for obj in base:
        for container in _containers(obj):
            defined = set()
            for variable in container.get("env", []):
                for reference in re.findall(r"\$\(([A-Z_]+)\)", variable.get("value", "")):
                    assert reference in defined, (
                        f"{obj['metadata']['name']}: {variable['name']} uses {reference} before it is set"
                    )
                defined.add(variable["name"])


def test_secrets_are_referenced_never_committed(base, overlay, infrastructure):
    for objects in (base, overlay, infrastructure):
        assert not [o for o in objects if o["kind"] == "Secret"]
    # What compose's own comment lists as the values to set, besides the SMTP and URL settings.
    secret = re.compile(
        r"^(SECRET_KEY|LINKEDIN_CLIENT_SECRET|RABBITMQ_PASSWORD"
        r"|[A-Z]+_DB_PASSWORD)$"
    )
    seen = set()
    for obj in base:
        for container in _containers(obj):
            for name, variable in _env(container).items():
                if secret.match(name):
                    seen.add(name)
                    assert "secretKeyRef" in variable.get("valueFrom", {}), (
                        f"{obj['metadata']['name']}: {name} must come from a Secret"
                    )
    assert seen == {
        "SECRET_KEY",
        "LINKEDIN_CLIENT_SECRET",
        "RABBITMQ_PASSWORD",
    } | {f"{service.upper()}_DB_PASSWORD" for service in SERVICES}


# -- the operators' resources, as the services use them -------------------------------


def test_rabbitmq_is_three_nodes_of_quorum_queues(base, infrastructure):
    cluster = _one(infrastructure, "RabbitmqCluster", "mentornet-rabbitmq")
    assert cluster["apiVersion"] == "rabbitmq.com/v1beta1"
    assert cluster["spec"]["replicas"] == 3
    assert re.search(
        r"^\s*default_queue_type\s*=\s*quorum\s*$",
        cluster["spec"]["rabbitmq"]["additionalConfig"],
        re.M,
    )
    name = cluster["metadata"]["name"]
    for unit in UNITS:
        env = _env(_one(base, "Deployment", unit)["spec"]["template"]["spec"]["containers"][0])
        assert env["AMQP_URI"]["value"] == (
            f"amqp://$(RABBITMQ_USER):$(RABBITMQ_PASSWORD)@{name}:5672/"
        )
        for variable, key in (("RABBITMQ_USER", "username"), ("RABBITMQ_PASSWORD", "password")):
            # The Secret the operator makes for its default user.
            assert env[variable]["valueFrom"]["secretKeyRef"] == {
                "name": f"{name}-default-user",
                "key": key,
            }


def test_postgresql_has_a_database_and_role_per_service(base, infrastructure):
    cluster = _one(infrastructure, "Cluster", "mentornet-postgres")
    assert cluster["apiVersion"] == "postgresql.cnpg.io/v1"
    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    assert set(roles) == {f"mentornet_{service}" for service in SERVICES}
    databases = {o["spec"]["name"]: o for o in infrastructure if o["kind"] == "Database"}
    assert set(databases) == set(roles)
    pooler = _one(infrastructure, "Pooler", "mentornet-postgres-pooler-rw")
    assert pooler["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert pooler["spec"]["pgbouncer"]["poolMode"] == "transaction"
    for service in SERVICES:
        role = f"mentornet_{service}"
        assert databases[role]["spec"]["owner"] == role
        assert databases[role]["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
        secret = roles[role]["passwordSecret"]["name"]
        password = f"{service.upper()}_DB_PASSWORD"
        url = f"{service.upper()}_DATABASE_URL"
        # The service through PgBouncer; the migrations (session advisory lock) directly.
        hosts = {
            "Deployment": pooler["metadata"]["name"],
            "Job": f"{cluster['metadata']['name']}-rw",
        }
        for kind, name in (("Deployment", service), ("Job", f"{service}-migrations")):
            for container in _containers(_one(base, kind, name)):
                env = _env(container)
                if container["name"] == "wait-for-migrations":
                    host = f"{cluster['metadata']['name']}-rw"
                else:
                    host = hosts[kind]
                assert env[password]["valueFrom"]["secretKeyRef"] == {
                    "name": secret,
                    "key": "password",
                }
                assert env[url]["value"] == (
                    f"postgresql://{role}:$({password})@{host}:5432/{role}"
                ), (kind, container["name"])
