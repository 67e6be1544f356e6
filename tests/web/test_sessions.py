"""Page sessions in a real browser: the cookie's flags, a new session at
login, logout ending identity's session, CSRF, and the JSON API refusing the
page cookie."""

import pytest
import requests
from playwright.sync_api import expect

from gateway import create_app
from gateway.rpc import RemoteError
from tests.web.browser import assert_accessible

SESSION_COOKIE = "__Host-session"


def session_cookie(page):
    [cookie] = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    return cookie


def identity_token(cookie_value):
    """The identity session a page cookie carries (the gateway's test stack
    signs with the development SECRET_KEY)."""
    app = create_app()
    return app.session_interface.get_signing_serializer(app).loads(cookie_value)["identity_token"]


@pytest.mark.parametrize("language,heading", [("en", "Log in"), ("nl", "Inloggen")])
@pytest.mark.parametrize("width", [None, 375])
def test_the_login_page_is_accessible_in_both_languages(new_page, language, heading, width):
    page = new_page(language, width=width)
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


@pytest.mark.parametrize(
    "language,heading", [("en", "Page not found"), ("nl", "Pagina niet gevonden")]
)
def test_the_not_found_page_is_accessible_in_both_languages(new_page, language, heading):
    page = new_page(language)
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def test_a_refused_login_says_so_in_the_summary_and_keeps_the_name(page, member):
    page.goto("/login")
    page.get_by_label("Username or e-mail address").fill(member.form["username"])
    page.get_by_label("Password", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The username or password is incorrect.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Username or e-mail address")).to_have_value(member.form["username"])
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert_accessible(page)


def test_empty_login_fields_are_named_beside_each_field_in_dutch(new_page):
    page = new_page("nl")
    page.goto("/login")
    page.get_by_role("button", name="Inloggen").click()
    username = page.get_by_label("Gebruikersnaam of e-mailadres")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#username-error")).to_have_text("Dit veld is verplicht.")
    page.get_by_role("alert").get_by_role("link").first.click()
    expect(username).to_be_focused()


def test_the_session_cookie_has_the_host_prefix_and_its_flags(page, member):
    page.goto("/login")
    before = session_cookie(page)
    assert before["secure"] and before["httpOnly"] and before["sameSite"] == "Lax"
    assert before["path"] == "/" and not before["domain"].startswith(".")
    member.log_in(page)
    after = session_cookie(page)
    assert after["secure"] and after["httpOnly"] and after["sameSite"] == "Lax"


def test_login_starts_a_new_session_and_old_form_tokens_stop_working(page, member, system):
    page.goto("/login")
    before = session_cookie(page)["value"]
    stale_token = page.locator("input[name=csrf_token]").first.input_value()
    member.log_in(page)
    after = session_cookie(page)["value"]
    assert after != before
    assert (
        system.rpc.call("identity", "authenticate", kwargs={"token": identity_token(after)})[
            "user_id"
        ]
        == member.user_id
    )
    # The form token from before the login belongs to a session that is gone.
    response = page.request.post(
        "/language", form={"csrf_token": stale_token, "language": "nl", "next": "/"}
    )
    assert response.status == 403
    # A second login is a second identity session, not the first one reused.
    other = page.context.browser.new_context(base_url=system.gateway_url).new_page()
    member.log_in(other)
    assert identity_token(session_cookie(other)["value"]) != identity_token(after)
    other.context.close()


def test_logout_ends_the_session_in_identity(page, member, system, browser):
    member.log_in(page)
    cookie = session_cookie(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    with pytest.raises(RemoteError) as refused:
        system.rpc.call(
            "identity", "authenticate", kwargs={"token": identity_token(cookie["value"])}
        )
    assert refused.value.exc_type == "NotAuthenticated"
    # A copy of the old cookie no longer logs anyone in.
    replay = browser.new_context(base_url=system.gateway_url)
    replay.add_cookies(
        [
            {
                k: cookie[k]
                for k in ("name", "value", "domain", "path", "secure", "httpOnly", "sameSite")
            }
        ]
    )
    again = replay.new_page()
    again.goto("/")
    expect(again.get_by_role("button", name="Log out")).to_have_count(0)
    replay.close()


def test_the_json_api_never_accepts_the_page_cookie(page, member, system):
    member.log_in(page)
    cookie = session_cookie(page)
    response = requests.get(
        system.gateway_url + "/api/v1/onboarding",
        cookies={cookie["name"]: cookie["value"]},
        timeout=10,
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_form_posted_without_its_token_gets_the_refusal_page(page, system):
    page.goto("/login")
    response = page.request.post("/login", form={"username": "someone", "password": "x" * 20})
    assert response.status == 403
    assert "This form has expired" in response.text()


def test_a_members_own_language_wins_and_the_switch_changes_it_in_identity(page, system):
    from conftest import registration
    from tests.web.conftest import PageMember

    form = registration(language="nl")
    created = requests.post(system.gateway_url + "/api/v1/accounts", json=form, timeout=10)
    dutch = PageMember(system, form, created.json()["account"]["user_id"])
    dutch.log_in(page)  # the browser asks for English
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(system.gateway_url + "/login")
    # Stored in identity: mails follow it, and so does the next login elsewhere.
    token = identity_token(session_cookie(page)["value"])
    assert system.rpc.call("identity", "authenticate", kwargs={"token": token})["language"] == "en"


def test_a_locked_login_says_so_in_words_with_when_to_retry(page, member):
    page.goto("/login")
    for _ in range(6):
        page.locator("#username").fill(member.form["username"])
        page.locator("#password").fill("a wrong password, again and again")
        with page.expect_response(
            lambda r: r.url.endswith("/login") and r.request.method == "POST"
        ) as answer:
            page.get_by_role("button", name="Log in").click()
    assert answer.value.status == 429 and int(answer.value.headers["retry-after"]) > 0
    expect(page.get_by_role("alert")).to_contain_text("Too many failed attempts")
