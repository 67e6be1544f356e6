"""The guide's toolbar on every member page (its unread badge kept current
without a reload, folded into a keyboard menu on a phone), the dashboard's
panels (a service that does not answer greys out only its own), and the
notifications page (paged, marked read one by one or all at once)."""
import re

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_platform.testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

WORDS = {
    "en": {"toolbar": "Toolbar", "home": "Home", "profile": "Profile", "requests": "Requests",
           "notifications": "Notifications", "inbox": "Inbox", "settings": "Settings",
           "help": "Help", "log_out": "Log out", "menu": "Menu", "module": "eMentoring",
           "welcome": "Welcome", "cloud": "Mentors by work sector", "arts": "Arts and culture",
           "mark_all": "Mark all as read", "mark_one": "Mark as read"},
    "nl": {"toolbar": "Werkbalk", "home": "Start", "profile": "Profiel", "requests": "Verzoeken",
           "notifications": "Meldingen", "inbox": "Inbox", "settings": "Instellingen",
           "help": "Hulp", "log_out": "Uitloggen", "menu": "Menu", "module": "eMentoring",
           "welcome": "Welkom", "cloud": "Mentoren per werksector", "arts": "Kunst en cultuur",
           "mark_all": "Alles als gelezen markeren", "mark_one": "Als gelezen markeren"},
}
MEMBER_PAGES = ("/dashboard", "/profile", "/inbox", "/requests", "/notifications", "/settings")


def logged_in(page, member):
    PageMember(member.system, member.form, member.user_id).log_in(page)
    return page


def toolbar(page, language):
    return page.get_by_role("navigation", name=WORDS[language]["toolbar"])


def badge(page):
    """The number the badge shows (its visible part)."""
    return page.locator("#unread-badge .badge > [aria-hidden=true]")


def send_message(sender, recipient, body="Hello there"):
    response = sender.post("/conversations", {"recipient_id": recipient.user_id, "body": body})
    assert response.status_code == 201, response.text


# -- the toolbar -------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_toolbar_is_on_every_member_page_and_marks_where_the_member_is(
        system, tmp_path, new_page, language):
    words = WORDS[language]
    member = onboarded_member(system, tmp_path, registration(first_name="Tess", language=language))
    page = logged_in(new_page(language), member)
    for path in MEMBER_PAGES:
        page.goto(path)
        bar = toolbar(page, language)
        for name in ("home", "profile", "requests", "inbox", "settings", "help"):
            expect(bar.get_by_role("link", name=words[name], exact=True)).to_be_visible()
        expect(bar.get_by_role("link", name=re.compile(f"^{words['notifications']}"))).to_be_visible()
        expect(bar.get_by_role("button", name=words["log_out"])).to_be_visible()
        expect(bar.get_by_role("button", name="English")).to_be_visible()
        expect(bar.get_by_role("button", name="Nederlands")).to_be_visible()
        expect(bar.locator("a[aria-current=page]")).to_have_attribute("href", path)
    # Help is the helpdesk; Home is the dashboard.
    page.goto("/profile")
    toolbar(page, language).get_by_role("link", name=words["home"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    toolbar(page, language).get_by_role("link", name=words["help"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/helpdesk$"))
    # The module selector opens a list with eMentoring, where the member is.
    page.goto("/dashboard")
    selector = toolbar(page, language).locator(".module-selector summary")
    expect(selector).to_contain_text(words["module"])
    selector.click()
    expect(toolbar(page, language).locator(".module-selector a[aria-current=true]")).to_have_text(
        words["module"])


def test_the_badge_counts_new_notifications_without_a_reload(system, tmp_path, new_page):
    member = onboarded_member(system, tmp_path, registration(first_name="Roos", language="en"))
    writer = onboarded_member(system, tmp_path, registration(first_name="Bram", language="en"))
    page = logged_in(new_page("en"), member)
    page.goto("/profile")
    expect(badge(page)).to_have_text(re.compile(r"^\d+$"))
    before = int(badge(page).inner_text())
    page.locator("#unread-badge").evaluate("b => b.dataset.sameDocument = 'yes'")

    send_message(writer, member)
    # htmx asks /notifications/badge every 10 s: the count goes up in place, and
    # the badge turns to the colour that says something is new.
    expect(badge(page)).to_have_text(str(before + 1), timeout=30_000)
    expect(page.locator("#unread-badge .badge")).to_have_class(re.compile(r"\bbadge-new\b"))
    expect(page.locator("#unread-badge")).to_have_attribute("data-same-document", "yes")
    link = toolbar(page, "en").get_by_role("link", name=re.compile("^Notifications"))
    expect(link).to_have_accessible_name(f"Notifications ({before + 1} new)")


def test_the_badge_fragment_is_only_the_badge_and_stops_for_a_visitor(system, tmp_path, new_page):
    member = onboarded_member(system, tmp_path, registration(language="en"))
    page = logged_in(new_page("en"), member)
    answer = page.request.get("/notifications/badge")
    assert answer.status == 200
    assert "<html" not in answer.text() and 'class="badge' in answer.text()
    # A visitor (or an ended session) gets htmx's "stop polling", never the login page.
    visitor = new_page("en")
    answer = visitor.request.get("/notifications/badge", max_redirects=0)
    assert answer.status == 286 and answer.text() == ""


def test_on_a_phone_the_toolbar_folds_into_a_menu_used_by_keyboard(system, tmp_path, new_page):
    member = onboarded_member(system, tmp_path, registration(language="nl"))
    page = logged_in(new_page("nl", width=375), member)
    page.goto("/dashboard")
    menu = page.get_by_role("button", name="Menu")
    profile = toolbar(page, "nl").get_by_role("link", name="Profiel", exact=True)
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(profile).to_be_hidden()
    # Tab from the top of the page to the Menu button, open it with Enter.
    page.locator("body").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if menu.evaluate("button => document.activeElement === button"):
            break
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(profile).to_be_visible()
    # Escape folds it again and leaves focus on the button; Space opens it.
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    page.keyboard.press(" ")
    expect(profile).to_be_visible()
    for _ in range(15):
        page.keyboard.press("Tab")
        if profile.evaluate("link => document.activeElement === link"):
            break
    expect(profile).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/profile$"))
    width = page.locator("html").evaluate("html => html.scrollWidth")
    assert width <= 375


def test_without_javascript_the_phone_toolbar_is_simply_shown(system, tmp_path, browser):
    member = onboarded_member(system, tmp_path, registration(language="en"))
    context = browser.new_context(base_url=system.gateway_url, java_script_enabled=False,
                                  viewport={"width": 375, "height": 800},
                                  extra_http_headers={"Accept-Language": "en"})
    try:
        page = logged_in(context.new_page(), member)
        page.goto("/dashboard")
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(toolbar(page, "en").get_by_role("link", name="Profile", exact=True)).to_be_visible()
        expect(toolbar(page, "en").get_by_role("link", name="Requests", exact=True)).to_be_visible()
    finally:
        context.close()
