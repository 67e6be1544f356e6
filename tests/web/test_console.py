"""The operators' console in a real browser: login with a password and a TOTP
code (enrolment shows the QR code and the key), the home page, the audit log,
logout, and who may see what (a member, a visitor, a role without the area).
Axe on every page in English and Dutch."""

import pytest
import requests
from playwright.sync_api import expect

from tests.web.browser import assert_accessible
from tests.web.console import ConsoleOperator, make_operator

TEXTS = {
    "en": {
        "enrol": "Set up your second factor",
        "wrong": "That code is not right",
        "home": "Console",
        "audit": "Audit log",
        "logged_in": "Logged in",
        "refused": "This was refused",
        "key_made": "API key made",
        "key_revoked": "API key revoked",
    },
    "nl": {
        "enrol": "Stel je tweede factor in",
        "wrong": "Die code klopt niet",
        "home": "Console",
        "audit": "Auditlog",
        "logged_in": "Ingelogd",
        "refused": "Dit is geweigerd",
        "key_made": "API-sleutel aangemaakt",
        "key_revoked": "API-sleutel ingetrokken",
    },
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_operator_logs_in_with_a_second_factor_and_reads_the_audit_log(
    system, new_page, language
):
    texts = TEXTS[language]
    operator = ConsoleOperator(make_operator(system, "administrator"))
    page = new_page(language)
    page.goto("/console/")
    expect(page.locator("h1")).to_have_text(texts["refused"])
    page.locator("main a[href^='/console/login']").click()
    assert_accessible(page)

    def enrolment(page):
        expect(page.locator("h1")).to_have_text(texts["enrol"])
        expect(page.locator("figure.qr-code svg")).to_be_visible()
        assert_accessible(page)
        page.locator("#code").fill("000000")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#error-summary")).to_contain_text(texts["wrong"])
        expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
        assert_accessible(page)

    operator.log_in(page, on_enrolment=enrolment)
    # Back where the refused page sent them: the console's home.
    expect(page.locator("h1")).to_have_text(texts["home"])
    assert_accessible(page)
    page.locator("header nav a", has_text=texts["audit"]).click()
    expect(page.locator("h1")).to_have_text(texts["audit"])
    mine = page.locator("table.audit-log tbody tr", has_text=operator.username)
    expect(mine.filter(has_text=texts["logged_in"])).to_have_count(1)
    expect(mine.filter(has_text=texts["logged_in"])).to_contain_text("127.0.0.1")
    # Nothing on the page changes an entry: no form, no button in the table.
    expect(page.locator("table.audit-log form, table.audit-log button")).to_have_count(0)
    assert_accessible(page)

    page.locator("form[action='/console/logout'] button").click()
    page.goto("/console/audit-log")
    expect(page.locator("h1")).to_have_text(texts["refused"])
    assert page.request.get("/console/audit-log").status == 403
    # The second login asks only for a code, and a code works once.
    operator.log_in(page)
    expect(page.locator("h1")).to_have_text(texts["home"])


def test_a_member_is_no_operator_and_roles_keep_to_their_areas(system, new_page, member):
    page = new_page()
    member.log_in(page)
    for path in ("/console/", "/console/audit-log", "/console/api-keys"):
        assert page.request.get(path).status == 403, path
    page.goto("/console/")
    expect(page.locator("h1")).to_have_text("This was refused")

    editor = ConsoleOperator(make_operator(system, "editor"))
    page = new_page()
    editor.log_in(page)
    expect(page.locator("header nav a", has_text="Audit log")).to_have_count(1)
    expect(page.locator("header nav a", has_text="Affiliation reviews")).to_have_count(0)
    for path in ("/console/api-keys",):
        response = page.request.get(path)
        assert response.status == 403, path
        assert "Your role does not allow this page." in response.text()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_administrator_makes_a_scoped_api_key_and_revokes_it(system, new_page, language):
    administrator = ConsoleOperator(make_operator(system, "administrator"))
    page = new_page(language)
    administrator.log_in(page)
    page.goto("/console/api-keys")
    assert_accessible(page)
    make_key = page.locator("form[action='/console/api-keys'] button[type=submit]")
    make_key.click()  # nothing filled in
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    name = f"nightly reviews {language}"
    page.locator("#name").fill(name)
    page.locator("input[name=scopes][value=affiliation_reviews]").check()
    make_key.click()
    key = page.locator("#new-api-key").inner_text().strip()
    assert key.startswith("mnk_")
    assert_accessible(page)
    page.goto("/console/api-keys")  # shown once: a new visit shows only its start
    expect(page.locator("#new-api-key")).to_have_count(0)
    row = page.locator("table.api-keys tbody tr", has_text=name)
    expect(row).to_contain_text(key[:10])
    assert key not in page.content()

    admin_api = system.gateway_url + "/api/v1/admin"
    bearer = {"Authorization": f"Bearer {key}"}
    assert requests.get(admin_api + "/affiliation-reviews", headers=bearer, timeout=10).ok
    outside = requests.get(admin_api + "/message-reports", headers=bearer, timeout=10)
    assert outside.status_code == 403
    row.locator("button").click()
    expect(page.locator("[role=status]")).to_be_visible()
    expect(page.locator("table.api-keys tbody tr", has_text=name).locator("button")).to_have_count(
        0
    )
    revoked = requests.get(admin_api + "/affiliation-reviews", headers=bearer, timeout=10)
    assert revoked.status_code == 401

    page.goto("/console/audit-log")
    entries = page.locator("table.audit-log tbody tr", has_text=name)
    expect(entries).to_have_count(2)  # made, revoked
    expect(entries.first).to_contain_text(TEXTS[language]["key_revoked"])
    expect(entries.last).to_contain_text(TEXTS[language]["key_made"])
