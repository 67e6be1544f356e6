"""The gateway app itself, without services: the API document stays true to
the routes, and bad requests never reach a service."""

import json
import re

import pytest
from flask import request

from gateway import create_app
from gateway.api import openapi
from gateway.request_input import path_of
from mentornet_contracts import api


@pytest.fixture
def client():
    # An unreachable broker: any request that tried an RPC would answer 503.
    app = create_app({"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "RPC_TIMEOUT_SECONDS": 1})
    return app.test_client()


def test_every_route_is_in_the_openapi_document_and_nothing_more():
    app = create_app()
    document = openapi.build(app)
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.rule.startswith(("/api/", "/healthz", "/readyz")):
            continue  # the web pages are not part of the API
        path = path_of(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert routes == documented
    assert {(path, method) for method, path in api.OPERATIONS} == documented, (
        "an operation has no route"
    )


def test_a_route_without_an_operation_stops_the_document():
    app = create_app()
    app.add_url_rule("/api/v1/secret", "secret", lambda: "")
    with pytest.raises(LookupError, match="GET /api/v1/secret"):
        openapi.build(app)


def test_the_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"] == "3.1.0"
    assert response.headers["X-Request-ID"]


def test_a_caller_request_id_is_echoed_and_a_bad_one_replaced(client):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id; " + "x" * 200})
    assert replaced.headers["X-Request-ID"] != "bad id; " + "x" * 200
    assert len(replaced.headers["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    "data,content_type,status,code",
    [
        ("{oops", "application/json", 400, "malformed_json"),
        ("[1, 2]", "application/json", 400, "malformed_json"),
        ("username=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_bad_bodies_are_refused_before_any_service_is_called(
    client, data, content_type, status, code
):
    response = client.post("/api/v1/auth/login", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.json["error"]["code"] == code


def test_unknown_login_fields_are_named(client):
    response = client.post("/api/v1/auth/login", json={"username": "a", "password": "b", "otp": 1})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"otp": ["Unknown field."]}


def test_the_admin_api_needs_an_api_key(client):
    assert client.get("/api/v1/admin/affiliation-reviews").status_code == 401


def test_a_broker_that_cannot_be_reached_gives_503_in_the_error_shape(client):
    response = client.get("/api/v1/usernames/availability?username=someone")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize("hops,seen", [(0, "192.0.2.7"), (1, "198.51.100.9")])
def test_forwarded_addresses_are_believed_only_from_the_operators_proxies(hops, seen):
    app = create_app({"TRUSTED_PROXY_HOPS": hops})
    app.add_url_rule("/client-address", "client_address", lambda: request.remote_addr)
    response = app.test_client().get(
        "/client-address",
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
        headers={"X-Forwarded-For": "198.51.100.9"},
    )
    assert response.text == seen


def test_the_rpc_call_count_is_shown_only_when_asked_for(client):
    counting = create_app(
        {
            "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",
            "RPC_TIMEOUT_SECONDS": 1,
            "RPC_CALLS_HEADER": True,
        }
    ).test_client()
    assert counting.get("/api/v1/openapi.json").headers["X-RPC-Calls"] == "0"
    # A call that failed (no broker) was still a call the answer paid for.
    assert (
        counting.get("/api/v1/usernames/availability?username=someone").headers["X-RPC-Calls"]
        == "1"
    )
    assert (
        "X-RPC-Calls" not in client.get("/api/v1/usernames/availability?username=someone").headers
    )


# -- crafted input: refused here, in one place, before any service is called ------------
def test_json_nested_a_thousand_deep_is_a_clear_400(client):
    body = '{"username": ' + "[" * 1000 + "]" * 1000 + "}"
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "json_too_deep"
    shallow = '{"username": ' + "[" * 20 + "]" * 20 + "}"
    # Twenty levels pass the depth check, and get the field's own answer.
    answer = client.post("/api/v1/auth/login", data=shallow, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json["error"]["fields"]["username"] == ["Not a valid string."]


@pytest.mark.parametrize("value,words", [("jan\u0000", "NUL"), ("\ud800", "surrogate")])
def test_unstorable_text_in_a_body_is_named_wherever_it_is(client, value, words):
    response = client.post(
        "/api/v1/accounts",
        content_type="application/json",
        data='{"positions": [{"title": %s}]}' % json.dumps(value),
    )
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_input"
    [message] = response.json["error"]["fields"]["positions.0.title"]
    assert words in message


def test_a_key_with_a_nul_is_named_printably(client):
    response = client.post(
        "/api/v1/auth/login", content_type="application/json", data='{"user\\u0000name": "x"}'
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["user\ufffdname"]


def test_a_number_past_bigint_is_refused(client):
    response = client.post(
        "/api/v1/accounts",
        content_type="application/json",
        data='{"year": 100000000000000000000000, "name": "hi"}',
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"year": ["Too large a number."]}


def test_a_nul_in_a_query_parameter_is_named(client):
    response = client.get("/api/v1/usernames/availability?username=jan%00")
    assert response.status_code == 422
    assert "NUL" in response.json["error"]["fields"]["username"][0]


def test_a_nul_in_a_path_segment_names_nothing(client):
    response = client.get("/api/v1/profiles/%00")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_an_id_past_bigint_matches_no_route(client):
    assert client.post(f"/api/v1/notifications/{10**23}/read").status_code == 404


def test_an_id_past_bigint_is_404_whichever_method_another_rule_of_its_shape_has(client):
    # The feedback's address has a GET rule and a POST rule: Werkzeug would
    # answer the POST 405 (allow GET), though GET finds nothing there either.
    path = f"/api/v1/mentoring/relationships/{10**23}/feedback"
    assert client.get(path).status_code == 404
    assert client.post(path, json={}).status_code == 404
    assert client.post(f"/relationships/{10**23}/feedback").status_code == 404
    assert client.post(f"/api/v1/notifications/{2**63 - 1}/read").status_code == 401


def test_the_docs_page_is_served_from_vendored_files_with_a_policy_of_its_own(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == openapi.DOCS_POLICY
    assert "script-src 'self';" in openapi.DOCS_POLICY  # no inline script, no other origin
    html = page.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in attributes for attributes in scripts)
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert 'data-document="/api/v1/openapi.json"' in html
