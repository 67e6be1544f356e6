"""The security headers as a client of the running system sees them: members'
answers and tokens are never stored by a cache, and a refused token is named."""

import requests

from conftest import ADMIN_TOKEN
from tests.support import Member


def test_answers_with_a_members_data_or_a_token_are_not_stored(system, new_registration):
    member = Member(system, new_registration())
    signed_up = member.post("/accounts", member.form)
    assert signed_up.status_code == 201 and signed_up.json()["token"]
    member.token = signed_up.json()["token"]
    login = member.login()
    profile = member.get("/me/profile")
    for response in (signed_up, login, profile):
        assert response.status_code in (200, 201), response.text
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert (
            response.headers["Content-Security-Policy"]
            == "default-src 'none'; frame-ancestors 'none'"
        )


def test_a_refused_bearer_token_is_named_invalid_and_no_token_is_asked_for(system):
    url = system.gateway_url + "/api/v1"
    refused = requests.get(
        url + "/me/profile", headers={"Authorization": "Bearer made-up"}, timeout=10
    )
    assert refused.status_code == 401
    assert (
        refused.headers["WWW-Authenticate"]
        == 'Bearer realm="Mentor Network", error="invalid_token"'
    )
    missing = requests.get(url + "/me/profile", timeout=10)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="Mentor Network"'
    operator = requests.get(
        url + "/admin/message-reports",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}x"},
        timeout=10,
    )
    assert operator.status_code == 401
    assert 'error="invalid_token"' in operator.headers["WWW-Authenticate"]
    # A wrong password is a 401 too, and says how to authenticate.
    wrong = requests.post(
        url + "/auth/login", json={"username": "nobody.here", "password": "x" * 15}, timeout=10
    )
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == 'Bearer realm="Mentor Network"'
