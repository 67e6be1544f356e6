"""Security headers on every answer of the gateway (gateway/headers.py), without services."""

import pytest

from gateway import create_app
from gateway.headers import API_POLICY, PAGE_POLICY


@pytest.fixture
def app():
    return create_app({"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "RPC_TIMEOUT_SECONDS": 1})


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("get", "/healthz", 200),
        ("get", "/api/v1/openapi.json", 200),
        ("get", "/api/v1/me/profile", 401),
        ("get", "/api/v1/no-such-thing", 404),
        ("delete", "/healthz", 405),
        ("post", "/api/v1/auth/login", 415),
        ("get", "/api/v1/usernames/availability?username=x", 503),
    ],
)
def test_every_answer_carries_the_security_headers(app, method, path, status):
    response = getattr(app.test_client(), method)(path)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_a_401_without_a_token_challenges_for_one(app):
    response = app.test_client().get("/api/v1/me/profile")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="Mentor Network"'


def test_a_405_says_which_methods_are_allowed(app):
    response = app.test_client().delete("/api/v1/auth/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}
    assert response.json["error"]["code"] == "method_not_allowed"
    assert response.content_type == "application/json"


def test_a_page_405_says_which_methods_are_allowed_too(app):
    response = app.test_client().delete("/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert response.content_type.startswith("text/html")


def test_pages_keep_their_own_policy_and_the_api_the_strict_one(app):
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == PAGE_POLICY
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/healthz").headers["Content-Security-Policy"] == API_POLICY


def test_a_view_may_choose_its_own_caching(app):
    app.add_url_rule(
        "/api/v1/test-cached", "cached", lambda: ("x", 200, {"Cache-Control": "max-age=60"})
    )
    assert app.test_client().get("/api/v1/test-cached").headers["Cache-Control"] == "max-age=60"
