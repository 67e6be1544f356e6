"""The operators page in a real browser: an administrator adds a reviewer, who
logs in and sees only a reviewer's areas; the administrator changes the role
(it counts from the reviewer's next page), disables the account (the open
session ends at once), enables it and resets its second factor; nobody
changes their own account; a refused form names the problem.  Axe on the
page in English and Dutch."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.web.browser import assert_accessible
from tests.web.console import PASSWORD, ConsoleOperator, make_operator

TEXTS = {
    "en": {
        "title": "Operators",
        "add": "Add the operator",
        "added": "is added",
        "taken": "This username is already taken.",
        "short": "Use at least",
        "change_role": "Change the role",
        "editor": "editor",
        "disable": "Disable",
        "enable": "Enable",
        "reset": "Reset the second factor of",
        "refused": "This was refused",
        "enrol": "Set up your second factor",
        "reviews": "Affiliation reviews",
        "updates_area": "Service updates",
    },
    "nl": {
        "title": "Beheerders",
        "add": "Beheerder toevoegen",
        "added": "is toegevoegd",
        "taken": "Deze gebruikersnaam is al bezet.",
        "short": "Gebruik minstens",
        "change_role": "Rol wijzigen",
        "editor": "redacteur",
        "disable": "uitschakelen",
        "enable": "inschakelen",
        "reset": "Tweede factor van",
        "refused": "Dit is geweigerd",
        "enrol": "Stel je tweede factor in",
        "reviews": "Controles van verbondenheid",
        "updates_area": "Berichten over de dienst",
    },
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_administrator_manages_the_operators(system, new_page, language):
    texts = TEXTS[language]
    admin = ConsoleOperator(make_operator(system, "administrator"))
    page = new_page(language)
    admin.log_in(page)
    page.goto("/console/operators")
    expect(page.locator("h1")).to_have_text(texts["title"])
    assert_accessible(page)

    # A refused form says what is wrong with each field, and keeps the name.
    username = f"rita.{uuid.uuid4().hex[:8]}"
    page.locator("#username").fill(username)
    page.locator("#role-reviewer").check()
    page.locator("#password").fill("short")
    page.get_by_role("button", name=texts["add"]).click()
    expect(page.locator("#error-summary")).to_contain_text(texts["short"])
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#username")).to_have_value(username)
    assert_accessible(page)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name=texts["add"]).click()
    expect(page.locator("main")).to_contain_text(f"{username} {texts['added']}")
    row = page.locator("table.operators tbody tr", has_text=username)
    expect(row).to_have_count(1)
    page.locator("#username").fill(username.upper())
    page.locator("#role-editor").check()
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name=texts["add"]).click()
    expect(page.locator("#error-summary")).to_contain_text(texts["taken"])

    # The new reviewer logs in (enrolling a second factor) and sees a reviewer's menu.
    reviewer = ConsoleOperator(username)
    theirs = new_page(language)
    reviewer.log_in(theirs)
    menu = theirs.locator("header nav")
    expect(menu).to_contain_text(texts["reviews"])
    expect(menu).not_to_contain_text(texts["updates_area"])
    theirs.goto("/console/operators")
    expect(theirs.locator("h1")).to_have_text(texts["refused"])

    # Another role counts from their next page.
    row.locator("select").select_option("editor")
    row.get_by_role("button", name=texts["change_role"]).click()
    row = page.locator("table.operators tbody tr", has_text=username)
    expect(row.locator("td").first).to_have_text(texts["editor"])
    theirs.goto("/console/")
    expect(theirs.locator("header nav")).to_contain_text(texts["updates_area"])
    expect(theirs.locator("header nav")).not_to_contain_text(texts["reviews"])

    # Disabled: their open session ends at once; enabled again, they log in anew.
    row.get_by_role("button", name=texts["disable"]).click()
    theirs.goto("/console/")
    expect(theirs.locator("h1")).to_have_text(texts["refused"])
    row = page.locator("table.operators tbody tr", has_text=username)
    row.get_by_role("button", name=texts["enable"]).click()
    reviewer.log_in(theirs)
    # A lost phone: reset, they set up a new second factor at the next login.
    row = page.locator("table.operators tbody tr", has_text=username)
    row.get_by_role("button", name=texts["reset"]).click()
    theirs.goto("/console/")
    expect(theirs.locator("h1")).to_have_text(texts["refused"])
    reviewer.totp = None
    reviewer.steps_used.clear()
    reviewer.log_in(
        theirs, on_enrolment=lambda p: expect(p.locator("h1")).to_have_text(texts["enrol"])
    )

    # Nobody changes their own account: the own row has no buttons.
    own = page.locator("table.operators tbody tr").filter(
        has=page.locator("th", has_text=admin.username)
    )
    expect(own).to_have_count(1)
    expect(own.locator("button")).to_have_count(0)
    assert_accessible(page)
