"""Schemathesis against the running system: every operation of the served
OpenAPI document gets requests generated from the document itself (valid ones
and deliberately wrong ones), sent as a member, an operator or nobody, as the
operation says; no answer may be a server error, and every answer's status,
content type, headers and body must be what the document says.

Bounded and repeatable: a fixed number of examples per operation and mode,
drawn from a fixed seed (the same requests every run, no example database).
Failures are collected, not shrunk, so one run names them all."""

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import ADMIN_TOKEN, registration
from tests.support import Member, ask, become_mentor, onboarded_member

# Per operation and per mode (valid, wrong): about 70 operations x 2 modes x
# this many requests, drawn from this seed (the same requests every run).
EXAMPLES = 12
SEED = 14

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# These end the session they are sent with (or the account behind it), so
# they are sent with a throw-away member's token: the fuzzing member's own
# session must live through the whole run. They are fuzzed all the same.
SESSION_ENDING = {
    ("POST", "/api/v1/auth/logout"),
    ("DELETE", "/api/v1/me/account"),
    ("POST", "/api/v1/me/password"),
}


@pytest.fixture(scope="module")
def network(system, tmp_path_factory):
    """The fuzzing member (a mentor), with a mentee in a relationship with
    her, a conversation, a message, a notification and a request waiting, and
    a newcomer's affiliation review waiting for the operator, so that
    generated paths can reach real objects as well as missing ones."""
    tmp_path = tmp_path_factory.mktemp("fuzzing")
    mentor = onboarded_member(system, tmp_path, registration(first_name="Mila"))
    mentee = onboarded_member(system, tmp_path, registration(first_name="Sem"), role="student")
    asker = onboarded_member(system, tmp_path, registration(first_name="Noor"), role="student")
    become_mentor(mentor, max_mentees=3)
    accepted = ask(mentee, mentor).json()["id"]
    relationship = mentor.post(f"/mentoring/requests/{accepted}/accept", {"reply": "Gladly."})
    assert relationship.status_code == 200, relationship.text
    waiting = ask(asker, mentor).json()["id"]
    started = mentee.post("/conversations", {"recipient_id": mentor.user_id, "body": "Hello!"})
    assert started.status_code == 201, started.text
    notifications = mentor.get("/notifications").json()["items"]
    throwaway = Member(system, registration(first_name="Ties"))
    throwaway.sign_up()
    unmatched = Member(system, registration(first_name="Fenna"))
    unmatched.sign_up()
    asked = unmatched.post(
        "/onboarding/affiliation",
        {"role": "alumnus", "record_number": "NOSUCH1", "request_review": True},
    )
    assert asked.status_code == 200, asked.text
    reviews = requests.get(
        system.gateway_url + "/api/v1/admin/affiliation-reviews",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    ).json()["items"]
    return {
        "member": mentor,
        "throwaway": throwaway,
        "ids": {
            "user_id": [mentee.user_id, asker.user_id],
            "request_id": [accepted, waiting],
            "relationship_id": [relationship.json()["relationship"]["id"]],
            "conversation_id": [started.json()["id"]],
            "message_id": [started.json()["message"]["id"]],
            "notification_id": [item["id"] for item in notifications][:2],
            "review_id": [review["id"] for review in reviews],
        },
    }


def credentials(operation, network):
    key = (operation.method.upper(), operation.path)
    if key in SESSION_ENDING:
        return network["throwaway"].headers()
    security = operation.definition.raw.get("security") or []
    schemes = {name for requirement in security for name in requirement}
    if "operator" in schemes:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    if "member" in schemes:
        return network["member"].headers()
    return {}


def cases(operation, mode, ids):
    """Generated requests; half of them, where the path names objects, with
    the path's ids of real objects (the rest are generated, mostly missing)."""
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    if not names or not all(ids.get(name) for name in names if name != "decision"):
        return generated
    real = st.fixed_dictionaries(
        {name: st.sampled_from(ids[name]) for name in names if name != "decision"}
    ).flatmap(lambda chosen: operation.as_strategy(generation_mode=mode, path_parameters=chosen))
    return st.one_of(generated, real)


def fuzz(operation, mode, headers, network, base_url, session, found):
    """Send ``operation``'s generated requests; note each distinct failure."""

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(operation, mode, network["ids"]))
    def requests_of(case):
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, schemathesis.errors.FailureGroup) as failure:
            failures = getattr(failure, "exceptions", [failure])
            key = (operation.label, tuple(sorted(str(one).splitlines()[0] for one in failures)))
            repeat = case.as_curl_command(headers, base_url=base_url)
            found.setdefault(key, f"{operation.label} ({mode.value}): {failure}\n{repeat}")

    try:
        requests_of()
    except hypothesis.errors.Unsatisfiable:
        pass  # no wrong request can be made for it (it takes no input at all)


def test_every_operation_answers_as_documented(system, network):
    document = requests.get(system.gateway_url + "/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    session = requests.Session()
    found = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60, [operation.label for operation in operations]
    for operation in operations:
        headers = credentials(operation, network)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, headers, network, system.gateway_url, session, found)
    assert not found, "\n\n".join(found.values())
