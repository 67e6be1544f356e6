"""The public pages in a real browser, in English and Dutch: the landing page,
sign-up, the e-mail confirmation, the forgotten password, the helpdesk and the
policies; each through axe-core."""

import re
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from conftest import ADMIN_TOKEN, registration
from mentornet_testing import wait_until
from tests.web.browser import assert_accessible

PUBLIC_PAGES = [  # (path, English h1, Dutch h1)
    ("/", "Mentor Network", "Mentornetwerk"),
    ("/sign-up", "Create an account", "Account aanmaken"),
    ("/login", "Log in", "Inloggen"),
    ("/password-reset", "Forgot your password?", "Wachtwoord vergeten?"),
    ("/helpdesk", "Contact the helpdesk", "Contact met de helpdesk"),
    ("/privacy-policy", "Privacy policy", "Privacybeleid"),
    ("/terms", "Terms and conditions", "Gebruiksvoorwaarden"),
    ("/cookie-policy", "Cookie policy", "Cookiebeleid"),
    (
        "/confirm-email?token=from-the-mail",
        "Confirm your e-mail address",
        "Bevestig je e-mailadres",
    ),
]


def mailed_path(mailbox, address, subject):
    """The path and query of the link in the latest matching mail (its host is
    PUBLIC_BASE_URL's)."""
    mail = wait_until(lambda: mailbox.to(address, subject), 15, 0.05, f"mail '{subject}'")[-1]
    link = urlsplit(re.search(r"https?://\S+", mail["body"]).group(0))
    return f"{link.path}?{link.query}"


def fill_sign_up(page, form):
    """The sign-up form, by its English labels, from an API-style form."""
    day, month, year = (
        reversed(form["date_of_birth"].split("-")) if form["date_of_birth"] else ("", "", "")
    )
    page.get_by_label("First name").fill(form["first_name"])
    page.get_by_label("Last name").fill(form["last_name"])
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_label("Username").fill(form["username"])
    page.get_by_label("Password", exact=True).fill(form["password"])
    page.get_by_label("Confirm password").fill(form["password_confirmation"])
    page.get_by_label("E-mail address", exact=True).fill(form["email"])
    page.get_by_label("Confirm e-mail address").fill(form["email_confirmation"])
    page.get_by_label("Security question").select_option(index=1)
    page.get_by_label("Security answer").fill(form["security_answer"])
    if form["accept_privacy_policy"]:
        page.get_by_label("I have read and accept the privacy policy").check()
    if form["accept_terms"]:
        page.get_by_label("I accept the terms and conditions").check()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_public_page_is_accessible_in_both_languages(new_page, language):
    page = new_page(language)
    for path, english, dutch in PUBLIC_PAGES:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            english if language == "en" else dutch
        )
        assert_accessible(page)


def test_the_landing_page_at_phone_width_offers_sign_up_log_in_and_help(new_page):
    page = new_page(width=375)
    page.goto("/")
    expect(page.get_by_role("link", name="Sign up now")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Log in")).to_be_visible()
    expect(
        page.get_by_role("main").get_by_role("link", name="Contact the helpdesk")
    ).to_be_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_the_landing_page_shows_the_current_service_updates(page, system):
    title = f"Maintenance {uuid.uuid4().hex[:6]}"
    published = requests.post(
        system.gateway_url + "/api/v1/admin/service-updates",
        json={
            "title_en": title,
            "body_en": "Sunday morning, briefly.",
            "title_nl": f"Onderhoud {title}",
            "body_nl": "Zondagochtend, kort.",
        },
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert published.status_code == 201, published.text
    page.goto("/")
    updates = page.get_by_role("region", name="Service updates")
    expect(updates.get_by_role("heading", name=title)).to_be_visible()


def test_a_refused_sign_up_shows_each_error_beside_its_field_and_in_the_summary(page):
    page.goto("/sign-up")
    form = registration(
        password_confirmation="another password entirely, no",
        email_confirmation="someone.else@example.org",
        date_of_birth="",
        accept_terms=False,
        language="en",
    )
    fill_sign_up(page, form)
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expected = {
        "password_confirmation": "The passwords do not match.",
        "email_confirmation": "The e-mail addresses do not match.",
        "date_of_birth": "This field is required.",
        "accept_terms": "You must accept the terms and conditions to join.",
    }
    for field, message in expected.items():
        expect(page.locator(f"#{field}-error")).to_have_text(message)
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
        expect(summary.locator(f"a[href='#{field}']")).to_contain_text(message)
    # What was typed stays, except the passwords.
    expect(page.get_by_label("First name")).to_have_value(form["first_name"])
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    summary.locator("a[href='#accept_terms']").click()
    expect(page.locator("#accept_terms")).to_be_focused()
    assert_accessible(page)


def test_a_refused_sign_up_in_dutch_names_the_problems_in_dutch(new_page):
    page = new_page("nl")
    page.goto("/sign-up")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("alert")).to_contain_text("Enkele velden vragen je aandacht.")
    expect(page.locator("#first_name-error")).to_have_text("Dit veld is verplicht.")
    expect(page.locator("#accept_privacy_policy-error")).to_have_text(
        "Je moet het privacybeleid accepteren om mee te doen."
    )
    assert_accessible(page)


def test_the_username_is_suggested_as_the_names_are_typed(page):
    page.goto("/sign-up")
    surname = "Verbeek" + uuid.uuid4().hex[:4]
    page.get_by_label("First name").fill("Anna")
    page.get_by_label("Last name").fill(surname)
    expect(page.get_by_label("Username")).to_have_value(f"anna.{surname.lower()}")
    expect(page.locator("#username-status")).to_contain_text("is available")
    # A username of one's own is left alone when the names change.
    page.get_by_label("Username").fill("my.own.name")
    expect(page.locator("#username-status")).to_contain_text("my.own.name is available")
    with page.expect_response(lambda r: "/sign-up/username?" in r.url) as asked:
        page.get_by_label("First name").fill("Annabel")
    assert asked.value.status == 204  # nothing to swap
    expect(page.get_by_label("Username")).to_have_value("my.own.name")


def test_ones_own_security_question_can_be_written(page, system):
    page.goto("/sign-up")
    own = page.get_by_label("Your own question")
    expect(own).to_be_hidden()
    page.get_by_label("Security question").select_option("own")
    expect(own).to_be_visible()
    form = registration(language="en")
    fill_sign_up(page, form)
    page.get_by_label("Security question").select_option("own")
    own.fill("Which tree stood in our garden?")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/onboarding/affiliation$"))
    assert (
        system.scalar(
            "identity",
            "SELECT security_question FROM accounts WHERE username = %(u)s",
            {"u": form["username"]},
        )
        == "Which tree stood in our garden?"
    )


def test_without_javascript_a_button_suggests_and_checks_the_username(browser, system, member):
    context = browser.new_context(base_url=system.gateway_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/sign-up")
    page.get_by_label("First name").fill("Bram")
    page.get_by_label("Last name").fill("Visser" + uuid.uuid4().hex[:4])
    page.get_by_role("button", name="Suggest a username and check its availability").click()
    expect(page.get_by_label("Username")).to_have_value(re.compile(r"^bram\.visser"))
    expect(page.locator("#username-status")).to_contain_text("is available")
    page.get_by_label("Username").fill(member.form["username"])
    page.get_by_role("button", name="Suggest a username and check its availability").click()
    expect(page.locator("#username-status")).to_contain_text("is already taken")
    context.close()


def test_sign_up_logs_in_goes_to_onboarding_and_the_mailed_link_confirms(page, mailbox):
    form = registration(language="en")
    page.goto("/")
    page.get_by_role("link", name="Sign up now").click()
    fill_sign_up(page, form)
    page.get_by_label("Maiden name").fill("Jansen")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/onboarding/affiliation$"))  # the next step
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    # The mailed link opens a page that confirms with a button (scanners only GET).
    page.goto(mailed_path(mailbox, form["email"], "Confirm your e-mail address"))
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your e-mail address is confirmed")
    expect(page.get_by_role("main")).to_contain_text(form["email"])
    assert_accessible(page)


def test_a_used_confirmation_link_says_so(page, mailbox, member):
    path = mailed_path(mailbox, member.form["email"], "Confirm your e-mail address")
    for _ in range(2):
        page.goto(path)
        page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "This link is invalid, already used or expired."
    )


def test_the_sign_up_page_links_to_the_policy_versions_it_records(page, system):
    page.goto("/sign-up")
    link = page.get_by_role("link", name="privacy policy", exact=True)
    href = link.get_attribute("href")
    assert re.fullmatch(r"/privacy-policy/[\w.-]+", href)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy policy")
    expect(page.locator(".policy-version")).to_have_text(f"Version {href.rsplit('/', 1)[1]}")
    assert page.goto("/privacy-policy/1999-01").status == 404


def test_a_forgotten_password_goes_link_question_new_password(page, mailbox, member, system):
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Username or e-mail address").fill(member.form["email"])
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("main")).to_contain_text("If an account has this name or address")
    page.goto(mailed_path(mailbox, member.form["email"], "Reset your"))
    expect(page.get_by_role("main")).to_contain_text(member.form["security_question"])
    page.get_by_label("Security answer").fill("not the answer")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#security_answer-error")).to_have_text("That answer is not correct.")
    assert_accessible(page)
    page.get_by_label("Security answer").fill(member.form["security_answer"].upper() + "  ")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    new = "harbour lantern violet meadow"
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Confirm new password").fill(new)
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password has been changed")
    login = requests.post(
        system.gateway_url + "/api/v1/auth/login",
        json={"username": member.form["username"], "password": new},
        timeout=10,
    )
    assert login.status_code == 200


def test_the_helpdesk_form_sends_the_message(new_page, mailbox):
    page = new_page("nl")
    address = f"vraag.{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/helpdesk")
    page.get_by_label("Je naam").fill("Noor de Vries")
    page.get_by_label("Je e-mailadres").fill(address)
    page.get_by_label("Onderwerp").fill("Inloggen lukt niet")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#message-error")).to_have_text("Dit veld is verplicht.")
    page.get_by_label("Je bericht").fill("Ik kom niet verder dan de inlogpagina.")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bericht verstuurd")
    wait_until(
        lambda: mailbox.to("helpdesk@mentornetwork.invalid", "Inloggen lukt niet"),
        15,
        0.05,
        "the message at the helpdesk",
    )
