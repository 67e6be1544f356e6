"""The guide's journey in a real browser, in English and in Dutch: sign up,
confirm the address from the mail, verify, study details, the account being
created, guidelines, introduction, dashboard; log out, log in, and land on the
dashboard.  Then the steps' own turns: a manual review, refusing the
guidelines, the progress page updating itself, and resuming where one left."""

import re

import pytest
import requests
from playwright.sync_api import expect

from conftest import ADMIN_TOKEN, registration
from mentornet_testing import wait_until
from tests.support import record_of
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

# What the user sees, per language: the labels and buttons the test uses.
TEXT = {
    "en": {
        "alumnus": "An alumnus: I graduated here",
        "number": "Student or staff number",
        "verify": "Verify",
        "affiliation": "Verify that you belong to the university",
        "study": "Your study details",
        "programme": "Programme",
        "save": "Save and continue",
        "creating": "Your account is being created",
        "continue": "Continue",
        "guidelines": "Guidelines of the mentor network",
        "agree": "I agree",
        "disagree": "I do not agree",
        "introduction": "A quick introduction to e-mentoring",
        "finish": "Finish",
        "welcome": "Welcome, {name}",
        "log out": "Log out",
        "complete": "Your profile is {score}% complete.",
        "log in": "Log in",
        "username": "Username or e-mail address",
        "password": "Password",
        "sign up": "Sign up now",
        "create account": "Create account",
        "confirm": "Confirm my e-mail address",
        "confirmed": "Your e-mail address is confirmed",
    },
    "nl": {
        "alumnus": "Alumnus: ik ben hier afgestudeerd",
        "number": "Studenten- of personeelsnummer",
        "verify": "Controleren",
        "affiliation": "Laat zien dat je bij de universiteit hoort",
        "study": "Je studiegegevens",
        "programme": "Opleiding",
        "save": "Opslaan en verder",
        "creating": "Je account wordt aangemaakt",
        "continue": "Verder",
        "guidelines": "Richtlijnen van het mentornetwerk",
        "agree": "Ik ga akkoord",
        "disagree": "Ik ga niet akkoord",
        "introduction": "Een korte introductie in e-mentoring",
        "finish": "Afronden",
        "welcome": "Welkom, {name}",
        "log out": "Uitloggen",
        "complete": "Je profiel is {score}% compleet.",
        "log in": "Inloggen",
        "username": "Gebruikersnaam of e-mailadres",
        "password": "Wachtwoord",
        "sign up": "Meld je nu aan",
        "create account": "Account aanmaken",
        "confirm": "Mijn e-mailadres bevestigen",
        "confirmed": "Je e-mailadres is bevestigd",
    },
}


def recorded_member(system, tmp_path, language, role="alumnus", **overrides):
    """A sign-up form whose person is in the university's records (number kept on it)."""
    form = registration(language=language, **overrides)
    form["record_number"] = record_of(system, tmp_path, form, role)
    return form


def signed_up(system, form):
    api_form = {k: v for k, v in form.items() if k != "record_number"}
    created = requests.post(system.gateway_url + "/api/v1/accounts", json=api_form, timeout=10)
    assert created.status_code == 201, created.text
    return PageMember(system, form, created.json()["account"]["user_id"])


def sign_up(page, form, text):
    """The sign-up page's form (the guide's step 4), filled as a visitor would."""
    for name in (
        "first_name",
        "last_name",
        "password",
        "password_confirmation",
        "email",
        "email_confirmation",
        "security_answer",
    ):
        page.locator(f"#{name}").fill(form[name])
    page.locator("#username").fill(form["username"])
    year, month, day = form["date_of_birth"].split("-")
    page.locator("#date_of_birth").fill(day)
    page.locator("#date_of_birth_month").fill(month)
    page.locator("#date_of_birth_year").fill(year)
    page.locator("#security_question").select_option(index=1)
    page.locator("#accept_privacy_policy").check()
    page.locator("#accept_terms").check()
    page.get_by_role("button", name=text["create account"]).click()


def log_in(page, form, text):
    page.goto("/login")
    page.get_by_label(text["username"]).fill(form["username"])
    page.get_by_label(text["password"], exact=True).fill(form["password"])
    page.locator("main form button[type=submit]").click()


def verify_affiliation(page, form, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text["affiliation"])
    page.get_by_label(text["alumnus"]).check()
    page.get_by_label(text["number"]).fill(form["record_number"])
    page.get_by_role("button", name=text["verify"]).click()


def past_the_account_creation(page, text, checks=None):
    """Step 7 shows only while the account is being created (usually a moment):
    wait there for the way on, and end on the guidelines."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(f"^({text['creating']}|{text['guidelines']})$"))
    if heading.text_content() == text["creating"]:
        if checks:
            checks(page)
        page.get_by_role("link", name=text["continue"]).click()
    expect(heading).to_have_text(text["guidelines"])


def through_the_steps_after_affiliation(page, text, checks=None):
    """Study details (pre-filled), the account, guidelines, introduction; each
    page checked with ``checks(page)`` before it is left."""
    checks = checks or (lambda page: None)
    expect(page.get_by_role("heading", level=1)).to_have_text(text["study"])
    expect(page.get_by_label(text["programme"])).to_have_value("Archaeology")  # from the record
    checks(page)
    page.get_by_role("button", name=text["save"]).click()
    past_the_account_creation(page, text, checks)
    checks(page)
    page.get_by_role("button", name=text["agree"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["introduction"])
    checks(page)
    page.get_by_role("button", name=text["finish"]).click()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_whole_journey_from_sign_up_to_the_dashboard_and_back(
    new_page, system, mailbox, tmp_path, language
):
    text = TEXT[language]
    form = recorded_member(system, tmp_path, language)
    page = new_page(language)
    page.goto("/")
    page.get_by_role("link", name=text["sign up"]).first.click()
    sign_up(page, form, text)
    # Signed up and logged in: onboarding starts at its first step.
    expect(page).to_have_url(system.gateway_url + "/onboarding/affiliation")

    # The address is confirmed from the mail the test SMTP server caught.
    mail = wait_until(
        lambda: mailbox.to(form["email"], "^(Confirm|Bevestig)"), 15, 0.05, "the confirmation mail"
    )[-1]
    page.goto(re.search(r"https?://\S+/confirm-email\?token=\S+", mail["body"]).group(0))
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_role("button", name=text["confirm"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["confirmed"])

    page.goto("/onboarding")
    verify_affiliation(page, form, text)
    through_the_steps_after_affiliation(page, text, checks=assert_accessible)

    expect(page).to_have_url(system.gateway_url + "/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text["welcome"].format(name=form["first_name"])
    )
    expect(page.get_by_text(re.compile(text["complete"].format(score=r"\d+")))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=text["log out"]).click()
    expect(page.get_by_role("link", name=text["log in"]).first).to_be_visible()
    log_in(page, form, text)
    expect(page).to_have_url(system.gateway_url + "/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text["welcome"].format(name=form["first_name"])
    )


def test_a_login_resumes_at_the_next_unfinished_step(new_page, system, tmp_path):
    text = TEXT["en"]
    form = recorded_member(system, tmp_path, "en")
    signed_up(system, form)
    page = new_page("en")
    log_in(page, form, text)
    verify_affiliation(page, form, text)
    expect(page.get_by_role("heading", level=1)).to_have_text(text["study"])
    page.get_by_role("button", name=text["log out"]).click()

    log_in(page, form, text)
    expect(page).to_have_url(system.gateway_url + "/onboarding/study-details")
    # A later step opened out of turn sends the member back to theirs.
    page.goto("/onboarding/introduction")
    expect(page).to_have_url(system.gateway_url + "/onboarding/study-details")
    page.goto("/dashboard")
    expect(page).to_have_url(system.gateway_url + "/onboarding/study-details")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_match_offers_a_manual_review_and_shows_its_status(new_page, system, tmp_path, language):
    review = {
        "en": (
            "Ask for a manual review",
            "A note for the person who checks",
            "waiting for a member of staff",
        ),
        "nl": (
            "Vraag om een controle door een medewerker",
            "Een toelichting voor wie het controleert",
            "wacht op een medewerker",
        ),
    }[language]
    text = TEXT[language]
    form = registration(language=language)
    member = signed_up(system, form)
    page = new_page(language)
    log_in(page, form, text)
    form["record_number"] = "NOSUCH1"
    verify_affiliation(page, form, text)
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(page.get_by_label(text["number"])).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label(review[1]).fill("I studied here as Zoë de Vries.")
    page.get_by_role("button", name=review[0]).click()
    expect(page).to_have_url(system.gateway_url + "/onboarding/review")
    expect(page.get_by_text(review[2])).to_be_visible()
    assert_accessible(page)
    # Coming back later (a login, /onboarding) shows the same status.
    page.goto("/onboarding")
    expect(page).to_have_url(system.gateway_url + "/onboarding/review")
    [pending] = [
        r
        for r in requests.get(
            system.gateway_url + "/api/v1/admin/affiliation-reviews?status=pending",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=10,
        ).json()["items"]
        if r["user_id"] == member.user_id
    ]
    assert pending["note"] == "I studied here as Zoë de Vries."


@pytest.mark.parametrize("language", ["en", "nl"])
def test_not_agreeing_explains_and_offers_to_delete_the_unfinished_account(
    new_page, system, tmp_path, language
):
    words = {
        "en": (
            "You cannot join without agreeing",
            "Delete my account",
            "Your password is not correct.",
            "Your account has been deleted",
        ),
        "nl": (
            "Zonder akkoord kun je niet meedoen",
            "Mijn account verwijderen",
            "Je wachtwoord klopt niet.",
            "Je account is verwijderd",
        ),
    }[language]
    text = TEXT[language]
    form = recorded_member(system, tmp_path, language)
    member = signed_up(system, form)
    page = new_page(language)
    log_in(page, form, text)
    verify_affiliation(page, form, text)
    page.get_by_role("button", name=text["save"]).click()
    heading = page.get_by_role("heading", level=1)
    past_the_account_creation(page, text)
    page.get_by_role("button", name=text["disagree"]).click()
    expect(heading).to_have_text(words[0])
    assert_accessible(page)
    page.get_by_label(text["password"], exact=True).fill("not my password at all")
    page.get_by_role("button", name=words[1]).click()
    expect(page.locator("#password-error")).to_have_text(words[2])
    page.get_by_label(text["password"], exact=True).fill(form["password"])
    page.get_by_role("button", name=words[1]).click()
    expect(heading).to_have_text(words[3])
    assert_accessible(page)
    assert (
        requests.post(
            system.gateway_url + "/api/v1/auth/login",
            json={"username": form["username"], "password": form["password"]},
            timeout=10,
        ).status_code
        == 401
    )
    assert member.user_id


def test_the_account_page_updates_itself_until_the_account_is_ready(
    stack_factory, browser, tmp_path
):
    """Without mentoring running the account cannot be finished: the page says
    what is still being made, and (htmx) updates itself once mentoring starts."""
    stack = stack_factory()
    stack.start_all(("identity", "profiles", "notifications", "gateway"))
    text = TEXT["en"]
    form = recorded_member(stack, tmp_path, "en")
    signed_up(stack, form)
    context = browser.new_context(base_url=stack.gateway_url, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, form, text)
    verify_affiliation(page, form, text)
    page.get_by_role("button", name=text["save"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["creating"])
    progress = page.locator("#account-progress")
    expect(progress).to_contain_text("Mentoring: being created")
    expect(progress).to_contain_text("Your profile: ready")
    assert_accessible(page)
    # Without JavaScript, the link asks again.
    expect(progress.get_by_role("link", name="Check again")).to_be_visible()
    stack.start("mentoring")
    expect(progress).to_contain_text("Your account is ready.")
    expect(progress).to_contain_text("Mentoring: ready")
    progress.get_by_role("link", name=text["continue"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["guidelines"])
    context.close()


def test_the_progress_fragment_stops_htmx_polling_when_ready(page, system, tmp_path):
    text = TEXT["en"]
    form = recorded_member(system, tmp_path, "en")
    signed_up(system, form)
    log_in(page, form, text)
    verify_affiliation(page, form, text)
    page.get_by_role("button", name=text["save"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["guidelines"])
    fragment = page.request.get("/onboarding/account/progress", headers={"HX-Request": "true"})
    assert fragment.status == 286  # htmx: stop polling
    assert "Your account is ready." in fragment.text() and "<html" not in fragment.text()
