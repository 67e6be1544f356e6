"""The registration slice end to end: real HTTP through the gateway, real
RabbitMQ, PostgreSQL and SMTP, the four services as real processes."""

import requests

from mentornet_testing import wait_until


def sign_up(system, form):
    return requests.post(system.gateway_url + "/api/v1/accounts", json=form, timeout=10)


def test_sign_up_provisions_the_member_and_sends_a_welcome_in_their_language(
    system, mailbox, new_registration
):
    form = new_registration(language="nl")
    response = sign_up(system, form)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["account"]["username"] == form["username"]
    assert body["account"]["first_name"] == "Zoë"
    assert "password" not in str(body["account"]).lower()
    assert body["onboarding"]["next_step"] == "affiliation"
    assert response.headers["X-Request-ID"]
    token = body["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def ready():
        status = requests.get(
            system.gateway_url + "/api/v1/onboarding", headers=headers, timeout=5
        ).json()
        return status if status["account_ready"] else None

    status = wait_until(ready, 15, 0.05, "account_ready")
    # (The answer also carries what the step pages show: role, study details, parts, review.)
    assert {
        key: status[key]
        for key in ("completed", "next_step", "account_ready", "affiliation_status")
    } == {
        "completed": False,
        "next_step": "affiliation",
        "account_ready": True,
        "affiliation_status": "none",
    }

    profile = requests.get(system.gateway_url + "/api/v1/me/profile", headers=headers, timeout=5)
    assert profile.status_code == 200
    assert profile.json()["user_id"] == body["account"]["user_id"]
    assert profile.json()["last_name"] == "van der Berg"

    mails = wait_until(lambda: mailbox.welcomes(form["email"]), 15, 0.05, "the welcome e-mail")
    assert len(mails) == 1
    assert mails[0]["subject"] == "Welkom bij het Mentornetwerk, Zoë"
    assert form["username"] in mails[0]["body"]


def test_welcome_mail_in_english_for_an_english_member(system, mailbox, new_registration):
    form = new_registration(language="en", first_name="Jan")
    assert sign_up(system, form).status_code == 201
    mails = wait_until(lambda: mailbox.welcomes(form["email"]), 15, 0.05, "the welcome e-mail")
    assert mails[0]["subject"] == "Welcome to the Mentor Network, Jan"


def test_correlation_id_is_returned_and_reaches_the_services_logs(system, new_registration):
    form = new_registration()
    response = requests.post(
        system.gateway_url + "/api/v1/accounts",
        json=form,
        headers={"X-Request-ID": "trace-me-123"},
        timeout=10,
    )
    assert response.status_code == 201
    assert response.headers["X-Request-ID"] == "trace-me-123"
    log_file = f"{system.log_dir}/{system.id}-identity.log"

    def logged():
        with open(log_file, encoding="utf-8", errors="replace") as log:
            return "[trace-me-123]" in log.read()

    wait_until(logged, 10, 0.1, "the correlation id in identity's log")
    envelope_cid = system.scalar(
        "identity",
        "SELECT correlation_id FROM outbox_events WHERE envelope->'data'->>'username' = %s",
        (form["username"],),
    )
    assert envelope_cid == "trace-me-123"
    # ...and on with the event: profiles handles account_registered under it and
    # its own profile_created carries it further.
    wait_until(
        lambda: (
            system.scalar(
                "profiles",
                "SELECT correlation_id FROM outbox_events WHERE event_type = 'profile_created'"
                " AND envelope->'data'->>'user_id' = %s",
                (response.json()["account"]["user_id"],),
            )
            == "trace-me-123"
        ),
        15,
        0.1,
        "the correlation id on profiles' profile_created",
    )


def test_login_returns_a_token_and_logout_ends_the_session(system, new_registration):
    form = new_registration()
    assert sign_up(system, form).status_code == 201
    login = requests.post(
        system.gateway_url + "/api/v1/auth/login",
        json={"username": form["username"], "password": form["password"]},
        timeout=10,
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    assert (
        requests.get(system.gateway_url + "/api/v1/onboarding", headers=headers).status_code == 200
    )
    assert (
        requests.post(system.gateway_url + "/api/v1/auth/logout", headers=headers).status_code
        == 204
    )
    after = requests.get(system.gateway_url + "/api/v1/onboarding", headers=headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "session_invalid"


def test_wrong_password_and_unknown_user_get_the_same_answer(system, new_registration):
    form = new_registration()
    assert sign_up(system, form).status_code == 201
    wrong = requests.post(
        system.gateway_url + "/api/v1/auth/login",
        json={"username": form["username"], "password": "x" * 20},
    )
    unknown = requests.post(
        system.gateway_url + "/api/v1/auth/login",
        json={"username": "nobody.here", "password": "x" * 20},
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_health_readiness_and_openapi(system):
    assert requests.get(system.gateway_url + "/healthz").json() == {"status": "ok"}
    ready = requests.get(system.gateway_url + "/readyz")
    assert ready.status_code == 200
    assert ready.json()["services"] == {
        name: "ok" for name in ("identity", "profiles", "mentoring", "notifications")
    }
    document = requests.get(system.gateway_url + "/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/accounts" in document["paths"]


def test_username_suggestion_is_folded_ascii_and_numbered_when_taken(system, new_registration):
    url = system.gateway_url + "/api/v1/usernames/suggestion"
    first = requests.get(url, params={"first_name": "Ëlise", "last_name": "d'Arçy-Ölund"}).json()
    assert first["username"].startswith("elise.darcyolund")
    taken = first["username"]
    form = new_registration(username=taken, first_name="Elise", last_name="Darcy")
    assert sign_up(system, form).status_code == 201
    again = requests.get(url, params={"first_name": "Ëlise", "last_name": "d'Arçy-Ölund"}).json()
    assert again["username"] == taken + "2"
    availability = requests.get(
        system.gateway_url + "/api/v1/usernames/availability", params={"username": taken.upper()}
    ).json()
    assert availability["available"] is False
