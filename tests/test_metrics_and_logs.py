"""Metrics and logs on a running stack (README, "Metrics and logs").

One stack for the module, its processes writing JSON log lines
(``LOG_FORMAT=json``), the gateway with two worker processes (their counts
are added up by gunicorn's master), and a fault in profiles' database that
fails the next two profile inserts (counted by a sequence, restarted by a
test) and that of any member named "Parked" always (so one event is retried and one is parked).
"""

import json
import os
import re
import uuid

import pytest
import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families

from conftest import registration
from gateway.rpc import RpcClient
from mentornet_testing import ROOT, WIDE_CLIENT_LIMITS, Stack, wait_until
from tests.support import Member

SERVICES = ("identity", "profiles", "mentoring", "notifications")

FAULTS = """
CREATE SEQUENCE injected_failures;
CREATE FUNCTION injected_fault() RETURNS trigger AS $$
BEGIN
    IF NEW.first_name = 'Parked' THEN
        RAISE EXCEPTION 'injected fault: this member is never stored';
    END IF;
    -- nextval is not rolled back with the failed transaction, so it counts tries.
    IF nextval('injected_failures') <= 2 THEN
        RAISE EXCEPTION 'injected fault on try %', currval('injected_failures');
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER injected_fault BEFORE INSERT ON profiles
    FOR EACH ROW EXECUTE FUNCTION injected_fault();
"""


@pytest.fixture(scope="module")
def stack(logs_dir, mailbox):
    stack = Stack(
        logs_dir,
        smtp_port=mailbox.port,
        rpc_client=RpcClient,
        LOG_FORMAT="json",
        GATEWAY_WORKERS=2,
        EVENT_MAX_ATTEMPTS=3,
        **WIDE_CLIENT_LIMITS,
    )
    try:
        stack.query("profiles", FAULTS)
        stack.start_all()
        yield stack
    finally:
        stack.close()


def scrape(url):
    """``{family name: {(sample name, sorted labels): value}}`` of an endpoint."""
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    families = {}
    for family in text_string_to_metric_families(response.text):
        samples = families.setdefault(family.name, {})
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return families


def value(families, name, **labels):
    """The sample ``name`` with exactly ``labels`` (0 if there is none yet)."""
    wanted = tuple(sorted(labels.items()))
    return next(
        (
            v
            for family in families.values()
            for (sample, labels), v in family.items()
            if sample == name and labels == wanted
        ),
        0,
    )


def gateway_metrics(stack):
    return scrape(stack.metrics_urls["gateway"])


def service_metrics(stack, service):
    return scrape(stack.metrics_urls[service])


class LogTail:
    """The JSON lines a process writes from now on."""

    def __init__(self, stack, name):
        self.path = os.path.join(stack.log_dir, f"{stack.id}-{name}.log")
        self.offset = os.path.getsize(self.path)

    def lines(self):
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            text = log.read().decode("utf-8")
        # Only whole lines: the last may still be being written.
        return [json.loads(line) for line in text.split("\n")[:-1]]


def test_a_page_and_an_rpc_are_counted_by_route_status_service_and_method(stack):
    member = Member(stack, registration())
    member.sign_up()
    # The profile is made from identity's event (on a retry, if the fault hits it).
    wait_until(
        lambda: member.get(f"/profiles/{member.user_id}").status_code == 200, 30, 0.2, "the profile"
    )
    before = gateway_metrics(stack)
    profile_rule = "/api/v1/profiles/<uuid:user_id>"
    response = member.get(f"/profiles/{member.user_id}")
    assert response.status_code == 200, response.text
    page = requests.get(stack.gateway_url + "/login", timeout=10)
    assert page.status_code == 200
    assert member.login(password="not the password at all").status_code == 401

    after = gateway_metrics(stack)
    counted = "mentornet_gateway_requests_total"
    assert value(after, counted, route=profile_rule, method="GET", status="200") == (
        value(before, counted, route=profile_rule, method="GET", status="200") + 1
    )
    assert value(after, counted, route="/login", method="GET", status="200") >= 1
    assert value(after, counted, route="/api/v1/auth/login", method="POST", status="401") >= 1
    # The rule, never the raw path: no series per member.
    assert not [
        labels for labels in after["mentornet_gateway_requests"] if member.user_id in str(labels)
    ]
    timed = "mentornet_gateway_request_duration_seconds_count"
    assert value(after, timed, route=profile_rule, method="GET") >= 1

    calls = "mentornet_gateway_rpc_calls_total"
    ok = dict(service="profiles", method="get_profile", outcome="ok")
    assert value(after, calls, **ok) == value(before, calls, **ok) + 1
    refused = dict(service="identity", method="login", outcome="refused")
    assert value(after, calls, **refused) == value(before, calls, **refused) + 1
    waited = "mentornet_gateway_rpc_duration_seconds_count"
    assert value(after, waited, service="profiles", method="get_profile") >= 1

    # The services count the same calls from their side.
    profiles = service_metrics(stack, "profiles")
    handled = "mentornet_rpc_handled_total"
    assert value(profiles, handled, service="profiles", method="get_profile", outcome="ok") >= 1
    assert (
        value(
            profiles,
            "mentornet_rpc_handling_seconds_count",
            service="profiles",
            method="get_profile",
        )
        >= 1
    )
    identity = service_metrics(stack, "identity")
    assert value(identity, handled, service="identity", method="login", outcome="refused") >= 1
    for service in SERVICES:
        assert value(after, "mentornet_rpc_consumers", service=service) >= 1


def test_events_handled_retried_and_parked_show_up(stack):
    # The next member's profile fails twice (the injected fault), then a retry applies it.
    stack.query("profiles", "ALTER SEQUENCE injected_failures RESTART")
    first = Member(stack, registration())
    first.sign_up()
    handler = dict(service="profiles", handler="on_account_registered")
    wait_until(
        lambda: (
            value(
                service_metrics(stack, "profiles"),
                "mentornet_event_retries_total",
                **handler,
                outcome="done",
            )
            >= 1
        ),
        30,
        0.2,
        "the retried event in profiles' metrics",
    )
    profiles = service_metrics(stack, "profiles")
    handled = "mentornet_events_handled_total"
    assert value(profiles, handled, **handler, outcome="failed") >= 1
    assert value(profiles, "mentornet_event_retries_total", **handler, outcome="failed") >= 1
    assert value(profiles, "mentornet_event_handling_seconds_count", **handler) >= 1

    # A member whose profile can never be stored: parked after EVENT_MAX_ATTEMPTS.
    parked = Member(stack, registration(first_name="Parked"))
    parked.sign_up()
    wait_until(
        lambda: (
            value(service_metrics(stack, "profiles"), "mentornet_dead_letters", service="profiles")
            >= 1
        ),
        30,
        0.2,
        "the dead letter in profiles' metrics",
    )
    profiles = service_metrics(stack, "profiles")
    assert value(profiles, "mentornet_events_parked_total", **handler) >= 1
    assert value(profiles, "mentornet_event_retries_total", **handler, outcome="dead") >= 1

    # Elsewhere the same sign-ups were applied at once, their events published
    # from identity's outbox, and notifications mailed the welcomes.
    notifications = service_metrics(stack, "notifications")
    welcome = dict(service="notifications", handler="on_account_registered", outcome="applied")
    assert value(notifications, handled, **welcome) >= 2
    wait_until(
        lambda: value(service_metrics(stack, "notifications"), "mentornet_mail_sent_total") >= 2,
        30,
        0.2,
        "the welcome mails counted",
    )
    identity = service_metrics(stack, "identity")
    assert value(identity, "mentornet_outbox_published_total", service="identity") >= 2
    wait_until(
        lambda: (
            value(
                service_metrics(stack, "identity"), "mentornet_outbox_backlog", service="identity"
            )
            == 0
        ),
        10,
        0.2,
        "identity's outbox emptied",
    )
    queue = dict(
        source="identity",
        event="account_registered",
        consumer="profiles",
        queue="evt-identity-account_registered--profiles.on_account_registered",
    )
    assert value(identity, "mentornet_event_queue_consumers", **queue) >= 1


def test_a_stopped_service_shows_as_unavailable_and_without_consumers(stack):
    member = Member(stack, registration())
    member.sign_up()
    stack.stop("mentoring")
    try:
        response = member.get("/mentoring/requests")
        assert response.status_code == 503, response.text
        gateway = gateway_metrics(stack)
        assert (
            value(
                gateway,
                "mentornet_gateway_rpc_calls_total",
                service="mentoring",
                method="list_requests",
                outcome="unavailable",
            )
            >= 1
        )
        assert value(gateway, "mentornet_rpc_consumers", service="mentoring") == 0
        assert (
            value(
                gateway,
                "mentornet_gateway_requests_total",
                route="/api/v1/mentoring/requests",
                method="GET",
                status="503",
            )
            >= 1
        )
        # identity sees nobody consuming mentoring's queue of its events.
        identity = service_metrics(stack, "identity")
        queue = dict(
            source="identity",
            event="account_registered",
            consumer="mentoring",
            queue="evt-identity-account_registered--mentoring.on_account_registered",
        )
        assert value(identity, "mentornet_event_queue_consumers", **queue) == 0
    finally:
        stack.start("mentoring")


METRIC_NAME = re.compile(r"\b(mentornet_[a-z_]+)\b")
SUFFIXES = ("_total", "_bucket", "_count", "_sum")


def family_of(name):
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def test_every_metric_of_the_dashboard_and_the_alerts_exists(stack):
    with open(os.path.join(ROOT, "deploy", "prometheus", "alerts.yml"), encoding="utf-8") as f:
        alerts = yaml.safe_load(f)
    rules = [rule for group in alerts["groups"] for rule in group["rules"]]
    assert len({rule["alert"] for rule in rules}) == len(rules)
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert rule["labels"]["severity"] in ("page", "ticket") and rule["annotations"]["summary"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
    alert_names = {rule["alert"] for rule in rules}
    # The four the operators asked for.
    assert {"OutboxBacklogGrowing", "DeadLetters", "MailFailing", "ServiceWithoutConsumers"} <= (
        alert_names
    )
    with open(os.path.join(ROOT, "deploy", "grafana", "mentornet.json"), encoding="utf-8") as f:
        dashboard = json.load(f)
    expressions = [rule["expr"] for rule in rules] + [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    used = {family_of(name) for expr in expressions for name in METRIC_NAME.findall(expr)}
    assert len(used) > 20, used

    # Every process of the stack, after some traffic (a labelled metric exists once used).
    member = Member(stack, registration())
    member.sign_up()
    wait_until(  # profiles makes the profile from identity's event
        lambda: member.get(f"/profiles/{member.user_id}").status_code == 200, 30, 0.2, "the profile"
    )
    wait_until(
        lambda: value(service_metrics(stack, "notifications"), "mentornet_mail_sent_total") >= 1,
        30,
        0.2,
        "a welcome mail",
    )
    exposed = set()
    for name in stack.metrics_urls:
        exposed |= set(scrape(stack.metrics_urls[name]))
    assert not used - exposed, (
        f"used by the dashboard or alerts, exposed by nothing: {used - exposed}"
    )


def test_log_lines_are_json_with_the_callers_correlation_id_in_every_process(stack):
    member = Member(stack, registration())
    member.sign_up()
    gateway, identity = LogTail(stack, "gateway"), LogTail(stack, "identity")
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    response = requests.post(
        member.url("/auth/login"),
        json={"username": member.form["username"], "password": "not the password at all"},
        headers={"X-Request-ID": request_id},
        timeout=10,
    )
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == request_id

    def lines_with_the_id(tail):
        return [line for line in tail.lines() if line.get("correlation_id") == request_id]

    # Every line parses as JSON (LogTail.lines), and the id reaches both processes.
    in_identity = wait_until(lambda: lines_with_the_id(identity), 10, 0.1, "identity's line")
    in_gateway = wait_until(lambda: lines_with_the_id(gateway), 10, 0.1, "the gateway's line")
    refusal = in_identity[0]
    assert refusal["service"] == "identity" and refusal["level"] == "INFO"
    assert "refused" in refusal["event"] and "identity.login" in refusal["event"]
    assert {"time", "logger"} <= set(refusal)
    access = next(line for line in in_gateway if line["logger"] == "gateway.access")
    assert access["service"] == "gateway" and access["level"] == "INFO"
    assert access["status"] == 401 and "POST /api/v1/auth/login" in access["request"]
    assert access["duration_ms"] >= 0
