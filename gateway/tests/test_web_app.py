"""The pages' plumbing without services: headers, cookies, CSRF, languages,
errors as pages or JSON by path, and the vendored files' hashes."""

import hashlib
import os
import re

import pytest

from gateway import create_app

VENDOR = os.path.join(os.path.dirname(__file__), "..", "gateway", "static", "vendor")


@pytest.fixture
def app():
    # An unreachable broker: a page that tried an RPC would answer 503.
    return create_app({"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "RPC_TIMEOUT_SECONDS": 1})


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_vendored_files_match_their_recorded_hashes():
    with open(os.path.join(VENDOR, "SHA256SUMS")) as sums:
        recorded = dict(reversed(line.split()) for line in sums if line.strip())
    assert set(recorded) == {
        "htmx/htmx.min.js",
        "htmx/LICENSE",
        "pico/pico.min.css",
        "pico/LICENSE.md",
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui-bundle.js.LICENSE.txt",
        "swagger-ui/swagger-ui.css",
        "swagger-ui/LICENSE",
        "swagger-ui/NOTICE",
    }
    for name, digest in recorded.items():
        with open(os.path.join(VENDOR, name), "rb") as file:
            assert hashlib.sha256(file.read()).hexdigest() == digest, name


def test_a_page_has_the_strict_policy_and_the_usual_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Flask-WTF checks a same-origin Referer on HTTPS: never no-referrer.
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert {"HX-Request", "Cookie", "Accept-Language"} <= set(response.vary)
    assert "<script>" not in response.text and "style=" not in response.text


def test_the_session_cookie_is_a_host_cookie(client):
    response = client.get("/login")
    [cookie] = [
        value
        for name, value in response.headers.items(lower=True)
        if name == "set-cookie" and value.startswith("__Host-session=")
    ]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    assert "SameSite=Lax" in cookie and "Path=/;" in cookie + ";"


def test_plain_http_development_elsewhere_drops_the_prefix():
    app = create_app({"PAGE_COOKIES_SECURE": False})
    cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Secure" not in cookie


def test_a_form_without_its_token_is_refused_with_a_page(client):
    response = client.post("/login", data={"username": "someone", "password": "x" * 20})
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "This form has expired" in response.text


def test_a_token_of_another_session_is_refused(app):
    theirs = app.test_client()
    token = csrf_token(theirs.get("/login"))
    mine = app.test_client()
    mine.get("/login")
    response = mine.post("/login", data={"csrf_token": token, "username": "a", "password": "b"})
    assert response.status_code == 403


def test_a_form_with_its_token_reaches_the_service(client):
    token = csrf_token(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "username": "a", "password": "b"})
    assert response.status_code == 503  # past CSRF; no broker here
    assert "A service is unavailable" in response.text


def test_the_api_is_exempt_from_csrf_and_answers_json(client):
    response = client.post("/api/v1/auth/login", json={"username": "a", "password": "b"})
    assert response.status_code == 503 and response.json["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize(
    "path,json_expected",
    [("/no-such-page", False), ("/api/v1/no-such-thing", True), ("/api/no-such-thing", True)],
)
def test_errors_are_pages_outside_the_api_and_json_inside(client, path, json_expected):
    response = client.get(path)
    assert response.status_code == 404
    if json_expected:
        assert response.json["error"]["code"] == "not_found"
    else:
        assert response.mimetype == "text/html" and "<h1>Page not found</h1>" in response.text


def test_health_answers_json_even_when_failing(client):
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"


@pytest.mark.parametrize(
    "accept,lang,title",
    [
        ("nl-NL,nl;q=0.9,en;q=0.5", "nl", "Inloggen"),
        ("en-GB", "en", "Log in"),
        ("de-DE", "en", "Log in"),
    ],
)
def test_the_language_follows_accept_language(client, accept, lang, title):
    page = client.get("/login", headers={"Accept-Language": accept})
    assert f'<html lang="{lang}">' in page.text and f"<h1>{title}</h1>" in page.text


def test_the_switch_sets_a_cookie_that_wins_over_accept_language(client):
    token = csrf_token(client.get("/login"))
    response = client.post(
        "/language", data={"csrf_token": token, "language": "nl", "next": "/login"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "__Host-language=nl" in response.headers["Set-Cookie"]
    page = client.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in page.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_switch_never_sends_anyone_off_site(client, target):
    token = csrf_token(client.get("/login"))
    response = client.post(
        "/language", data={"csrf_token": token, "language": "en", "next": target}
    )
    assert response.headers["Location"] == "/"


def test_an_error_page_is_in_the_page_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "nl"})
    assert response.status_code == 404 and "Pagina niet gevonden" in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_static_files_are_served_by_the_gateway(client):
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/js/site.js").status_code == 200


def test_the_landing_page_stands_when_service_updates_cannot_be_had(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'class="panel panel-unavailable"' in page.text
    assert "Service updates cannot be shown right now." in page.text
    assert 'href="/sign-up"' in page.text and 'href="/login"' in page.text


def test_a_page_that_needs_a_stopped_service_says_so_in_words(client):
    page = client.get("/terms", headers={"Accept-Language": "nl"})
    assert page.status_code == 503 and "Een dienst is niet beschikbaar" in page.text
