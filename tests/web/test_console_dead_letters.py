"""Dead letters in the console: an event profiles cannot apply (a database
trigger refuses one member's profile, as a broken constraint would) is parked
after its retries; the administrator sees it listed with its error, opens it
(event, payload, attempts), fixes the cause and replays it: it leaves the
list, the member's profile appears, and the audit log names the replay.
A reviewer may not see the page.  Axe on every page in English and Dutch."""

import uuid

import pytest
import requests
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import REFUSE_ONE_PROFILE
from tests.web.browser import assert_accessible
from tests.web.console import ConsoleOperator, make_operator

TEXTS = {
    "en": {"title": "Dead letters", "replayed": "Dead letter replayed"},
    "nl": {"title": "Onbestelbare berichten", "replayed": "Onbestelbaar bericht opnieuw verwerkt"},
}


def profiles_of(system, username):
    return system.scalar(
        "profiles", "SELECT count(*) FROM profiles WHERE username = %s", (username,)
    )


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_administrator_replays_a_parked_event_once_its_cause_is_fixed(
    system, new_page, language
):
    texts = TEXTS[language]
    fault = f"refuse_profile_{uuid.uuid4().hex[:8]}"
    form = registration(language=language)
    system.query("profiles", REFUSE_ONE_PROFILE.format(name=fault, username=form["username"]))
    fixed = []

    def fix():  # the operator's fix (and the test's clean-up, whatever happens)
        if not fixed:
            system.query("profiles", f"DROP TRIGGER {fault} ON profiles; DROP FUNCTION {fault}();")
            fixed.append(True)

    try:
        response = requests.post(system.gateway_url + "/api/v1/accounts", json=form, timeout=10)
        assert response.status_code == 201, response.text
        wait_until(
            lambda: (
                system.scalar(
                    "profiles",
                    "SELECT count(*) FROM failed_events WHERE status = 'dead' AND last_error LIKE %s",
                    (f"%no profile for {form['username']}%",),
                )
                == 1
            ),
            90,
            0.2,
            "the member's account_registered to be parked in profiles",
        )
        administrator = ConsoleOperator(make_operator(system, "administrator"))
        page = new_page(language)
        administrator.log_in(page)
        page.locator("header nav a", has_text=texts["title"]).click()
        expect(page.locator("h1")).to_have_text(texts["title"])
        store = page.locator("#store-profiles")
        row = store.locator("table.dead-letters-profiles tbody tr", has_text=form["username"])
        expect(row).to_have_count(1)
        expect(row).to_contain_text("account_registered")
        expect(row).to_contain_text(f"injected fault: no profile for {form['username']}")
        assert_accessible(page)

        row.locator("a").click()
        expect(page.locator("h1")).to_contain_text("account_registered")
        expect(page.locator("dl.dead-letter")).to_contain_text("identity.account_registered")
        expect(page.locator("dl.dead-letter")).to_contain_text("on_account_registered")
        expect(page.locator("pre.dead-letter-error")).to_contain_text("injected fault")
        expect(page.locator("pre.dead-letter-payload")).to_contain_text(form["username"])
        assert_accessible(page)
        assert profiles_of(system, form["username"]) == 0

        fix()  # the operator's fix, then the replay
        if language == "en":
            page.locator("main form button[type=submit]").click()  # this one event
        else:
            page.goto("/console/dead-letters")
            store.locator("form button[type=submit]").click()  # all of profiles
        expect(page.locator("h1")).to_have_text(texts["title"])
        expect(page.locator("[role=status]").first).to_be_visible()
        expect(row).to_have_count(0)
        assert_accessible(page)
        wait_until(
            lambda: profiles_of(system, form["username"]) == 1,
            60,
            0.2,
            "the replayed event to make the member's profile",
        )

        page.goto("/console/audit-log")
        entry = page.locator("table.audit-log tbody tr", has_text=administrator.username)
        expect(entry.filter(has_text=texts["replayed"])).to_have_count(1)
        expect(entry.filter(has_text=texts["replayed"])).to_contain_text("profiles")
    finally:
        fix()


def test_a_reviewer_may_not_see_the_dead_letters(system, new_page):
    reviewer = ConsoleOperator(make_operator(system, "reviewer"))
    page = new_page()
    reviewer.log_in(page)
    expect(page.locator("header nav a", has_text="Dead letters")).to_have_count(0)
    for path in ("/console/dead-letters", "/console/dead-letters/profiles/1"):
        response = page.request.get(path)
        assert response.status == 403, path
        assert "Your role does not allow this page." in response.text()
    assert page.request.post("/console/dead-letters/profiles/replay").status in (400, 403)
