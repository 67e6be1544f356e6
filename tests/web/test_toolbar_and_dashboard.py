"""The guide's toolbar on every member page (its unread badge kept current
without a reload, folded into a keyboard menu on a phone), the dashboard's
panels (a service that does not answer greys out only its own), and the
notifications page (paged, marked read one by one or all at once)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

WORDS = {
    "en": {
        "toolbar": "Toolbar",
        "home": "Home",
        "profile": "Profile",
        "requests": "Requests",
        "notifications": "Notifications",
        "inbox": "Inbox",
        "settings": "Settings",
        "help": "Help",
        "log_out": "Log out",
        "menu": "Menu",
        "module": "eMentoring",
        "welcome": "Welcome",
        "cloud": "Mentors by work sector",
        "arts": "Arts and culture",
        "mark_all": "Mark all as read",
        "mark_one": "Mark as read",
    },
    "nl": {
        "toolbar": "Werkbalk",
        "home": "Start",
        "profile": "Profiel",
        "requests": "Verzoeken",
        "notifications": "Meldingen",
        "inbox": "Inbox",
        "settings": "Instellingen",
        "help": "Hulp",
        "log_out": "Uitloggen",
        "menu": "Menu",
        "module": "eMentoring",
        "welcome": "Welkom",
        "cloud": "Mentoren per werksector",
        "arts": "Kunst en cultuur",
        "mark_all": "Alles als gelezen markeren",
        "mark_one": "Als gelezen markeren",
    },
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
    system, tmp_path, new_page, language
):
    words = WORDS[language]
    member = onboarded_member(system, tmp_path, registration(first_name="Tess", language=language))
    page = logged_in(new_page(language), member)
    for path in MEMBER_PAGES:
        page.goto(path)
        bar = toolbar(page, language)
        for name in ("home", "profile", "requests", "inbox", "settings", "help"):
            expect(bar.get_by_role("link", name=words[name], exact=True)).to_be_visible()
        expect(
            bar.get_by_role("link", name=re.compile(f"^{words['notifications']}"))
        ).to_be_visible()
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
        words["module"]
    )


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


def test_a_tab_nobody_uses_stops_asking_so_the_session_can_idle_out(system, tmp_path, new_page):
    """Each badge request is activity for the 30 minute idle limit: after 25
    minutes without a key or a click the badge stops asking, until the member
    is back (the page's clock is Playwright's, moved on by hand)."""
    member = onboarded_member(system, tmp_path, registration(language="en"))
    page = new_page("en")
    page.clock.install()
    logged_in(page, member)
    asked = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.url) if request.url.endswith("/notifications/badge") else None
        ),
    )
    page.goto("/profile")
    with page.expect_request("**/notifications/badge"):
        page.clock.run_for(11_000)
    page.clock.fast_forward("26:00")  # 26 minutes without the member doing anything
    asked.clear()
    page.clock.run_for(60_000)  # six more ticks of the poll: none asks
    page.keyboard.press("Shift")  # the member is back
    with page.expect_request("**/notifications/badge"):
        page.clock.run_for(11_000)
    assert len(asked) == 1, asked


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
    context = browser.new_context(
        base_url=system.gateway_url,
        java_script_enabled=False,
        viewport={"width": 375, "height": 800},
        extra_http_headers={"Accept-Language": "en"},
    )
    try:
        page = logged_in(context.new_page(), member)
        page.goto("/dashboard")
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(toolbar(page, "en").get_by_role("link", name="Profile", exact=True)).to_be_visible()
        expect(toolbar(page, "en").get_by_role("link", name="Requests", exact=True)).to_be_visible()
    finally:
        context.close()


# -- the dashboard -----------------------------------------------------------------------
DASHBOARD = {
    "en": {
        "mentor": "Fenna",
        "shared": "You both studied Archaeology",
        "offers": "Offers: CV review, Mock interview",
        "room": "Room for 10 more mentees",
        "pending": "waiting for an answer",
        "as_mentor": "You are the mentor",
        "as_mentee": "You are the mentee",
        "search": "Search for mentors",
        "requests": "Mentoring requests",
        "relationships": "Your mentoring relationships",
        "recommended": "Recommended mentors",
        "profile": "Your profile",
        "updates": "Service updates",
    },
    "nl": {
        "mentor": "Hanna",
        "shared": "Jullie studeerden allebei Archaeology",
        "offers": "Biedt: Cv-feedback, Oefensollicitatie",
        "room": "Ruimte voor nog 10 mentees",
        "pending": "wacht op antwoord",
        "as_mentor": "Jij bent de mentor",
        "as_mentee": "Jij bent de mentee",
        "search": "Zoek mentoren",
        "requests": "Verzoeken om mentoring",
        "relationships": "Je mentorrelaties",
        "recommended": "Aanbevolen mentoren",
        "profile": "Je profiel",
        "updates": "Berichten over de dienst",
    },
}


def panel(page, heading):
    return page.get_by_role("region", name=heading)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_dashboard_shows_each_panel_in_the_members_language(
    system, tmp_path, new_page, language
):
    words, said = WORDS[language], DASHBOARD[language]
    mentor = onboarded_member(
        system, tmp_path, registration(first_name=said["mentor"], language=language)
    )
    mentee = onboarded_member(
        system, tmp_path, registration(first_name="Sem", language=language), role="student"
    )
    become_mentor(mentor, max_mentees=10)  # room for 10: first among the recommended
    request_id = ask(mentee, mentor).json()["id"]
    mentor_name = f"{said['mentor']} van der Berg"

    page = logged_in(new_page(language), mentee)
    page.goto("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{words['welcome']}, Sem")
    sent = panel(page, said["requests"]).get_by_role("listitem").filter(has_text=mentor_name)
    expect(sent).to_contain_text(said["pending"])
    expect(sent.get_by_role("link", name=mentor_name)).to_have_attribute(
        "href", f"/requests/{request_id}"
    )  # the request's own page, with its history
    expect(panel(page, said["relationships"])).to_be_visible()
    recommended = (
        panel(page, said["recommended"])
        .get_by_role("article")
        .filter(has=page.get_by_role("heading", name=mentor_name))
    )
    for reason in ("shared", "offers", "room"):
        expect(recommended).to_contain_text(said[reason])
    expect(recommended.get_by_role("link", name=mentor_name)).to_have_attribute(
        "href", f"/mentors/{mentor.user_id}"
    )  # the mentor's page, with "Ask for mentoring"
    # The profile's missing sections link to their place on the profile.
    expect(
        panel(page, said["profile"]).locator("a[href='/profile#profile-headline']")
    ).to_be_visible()
    expect(panel(page, said["updates"])).to_be_visible()
    expect(page.locator(".panel-unavailable")).to_have_count(0)
    assert_accessible(page)

    # The sector cloud: the sector in the member's language, sized by its
    # mentors, a link to the search filtered by it.
    cloud = panel(page, words["cloud"])
    arts = cloud.get_by_role("link", name=re.compile(f"^{words['arts']} \\(\\d+ mentor"))
    expect(arts).to_have_attribute("href", "/search?sector=arts_culture")
    expect(arts).to_have_class(re.compile(r"\bcloud-size-[1-5]\b"))
    arts.click()
    expect(page).to_have_url(re.compile(r"/search\?sector=arts_culture$"))
    # The search box asks the search page.
    page.goto("/dashboard")
    page.get_by_role("searchbox", name=said["search"]).fill(said["mentor"])
    page.get_by_role("searchbox", name=said["search"]).press("Enter")
    expect(page).to_have_url(re.compile(f"/search\\?q={said['mentor']}$"))

    accepted = mentor.post(f"/mentoring/requests/{request_id}/accept", {"reply": "Gladly"})
    assert accepted.status_code == 200, accepted.text
    page.goto("/dashboard")
    current = (
        panel(page, said["relationships"]).get_by_role("listitem").filter(has_text=mentor_name)
    )
    expect(current).to_contain_text(said["as_mentee"])
    current.get_by_role("link", name=mentor_name).click()
    expect(page).to_have_url(re.compile(r"/relationships/\d+$"))
    # A page of the profile's area (the Mentor tab) marks Profile in the toolbar.
    page.goto("/profile/mentor")
    expect(toolbar(page, language).locator("a[aria-current=page]")).to_have_text(words["profile"])
    theirs = logged_in(new_page(language), mentor)
    theirs.goto("/dashboard")
    expect(
        panel(theirs, said["relationships"])
        .get_by_role("listitem")
        .filter(has_text="Sem van der Berg")
    ).to_contain_text(said["as_mentor"])
    assert_accessible(theirs)


def test_a_service_that_does_not_answer_greys_out_only_its_panels(stack_factory, tmp_path, browser):
    stack = (
        stack_factory()
    )  # the usual 5 s RPC timeout: a sign-up's hash fits in it on a busy machine
    stack.start_all()
    member = onboarded_member(stack, tmp_path, registration(first_name="Noor", language="en"))
    context = browser.new_context(
        base_url=stack.gateway_url, extra_http_headers={"Accept-Language": "en"}
    )
    context.set_default_timeout(15_000)
    try:
        page = logged_in(context.new_page(), member)
        page.goto("/dashboard")
        expect(page.locator(".panel-unavailable")).to_have_count(0)

        stack.stop("mentoring")
        page.goto("/dashboard")
        for heading in ("Mentoring requests", "Your mentoring relationships"):
            expect(panel(page, heading)).to_have_class(re.compile(r"\bpanel-unavailable\b"))
            expect(panel(page, heading)).to_contain_text("This part cannot be shown right now")
        expect(page.locator(".panel-unavailable")).to_have_count(2)
        # The rest of the page works: the greeting, the profile, the cloud, the toolbar.
        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Noor")
        expect(panel(page, "Your profile").get_by_role("link").first).to_be_visible()
        expect(panel(page, "Mentors by work sector")).not_to_have_class(
            re.compile(r"panel-unavailable")
        )
        expect(badge(page)).to_have_text(re.compile(r"^\d+$"))
        assert_accessible(page)
        toolbar(page, "en").get_by_role("link", name="Profile", exact=True).click()
        expect(page).to_have_url(re.compile(r"/profile$"))
    finally:
        context.close()


# -- the notifications page --------------------------------------------------------------
def unread(member):
    return member.get("/notifications/unread-count").json()["unread_count"]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_notifications_are_marked_read_one_by_one_or_all_at_once(
    system, tmp_path, new_page, language
):
    words = WORDS[language]
    member = onboarded_member(system, tmp_path, registration(first_name="Lot", language=language))
    writer = onboarded_member(system, tmp_path, registration(first_name="Bram", language=language))
    for text in ("First", "Second"):
        send_message(writer, member, text)
    wait_until(lambda: unread(member) >= 3, 15, 0.1, "the welcome and two message notifications")
    count = unread(member)

    page = logged_in(new_page(language), member)
    page.goto("/notifications")
    expect(badge(page)).to_have_text(str(count))
    assert_accessible(page)
    newest = page.locator(".notification").first
    expect(newest).to_have_class(re.compile(r"\bnotification-unread\b"))
    newest.get_by_role("button", name=words["mark_one"]).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(badge(page)).to_have_text(str(count - 1))
    expect(page.locator(".notification").first).not_to_have_class(
        re.compile(r"notification-unread")
    )
    assert unread(member) == count - 1

    page.get_by_role("button", name=words["mark_all"]).click()
    expect(badge(page)).to_have_text("0")
    expect(page.locator("#unread-badge .badge")).not_to_have_class(re.compile(r"badge-new"))
    expect(page.locator(".notification-unread")).to_have_count(0)
    expect(page.get_by_role("button", name=words["mark_all"])).to_have_count(0)
    assert unread(member) == 0
    assert_accessible(page)
    # Each links to what it is about: a message to its conversation.
    page.locator(".notification a[href^='/inbox/']").first.click()
    expect(page).to_have_url(re.compile(r"/inbox/\d+$"))
    expect(page.get_by_text("Second")).to_be_visible()


def test_notifications_are_paged_and_another_members_cannot_be_marked(system, tmp_path, new_page):
    member = onboarded_member(system, tmp_path, registration(first_name="Jip", language="en"))
    writer = onboarded_member(system, tmp_path, registration(first_name="Bo", language="en"))
    for number in range(21):
        send_message(writer, member, f"Message {number}")
    wait_until(lambda: unread(member) >= 22, 30, 0.1, "22 notifications")
    page = logged_in(new_page("en"), member)
    page.goto("/notifications")
    expect(page.locator(".notification")).to_have_count(20)
    expect(page.get_by_role("navigation", name="Pages of notifications")).to_contain_text(
        "Page 1 of 2"
    )
    page.get_by_role("link", name="Older notifications").click()
    expect(page).to_have_url(re.compile(r"/notifications\?page=2$"))
    oldest = page.locator(".notification").last
    oldest.get_by_role("button", name="Mark as read").click()
    expect(page).to_have_url(re.compile(r"/notifications\?page=2$"))  # back on the same page
    expect(page.locator(".notification").last).not_to_have_class(re.compile(r"notification-unread"))

    # The writer's own notification, marked through the member's page: not found.
    theirs = writer.get("/notifications").json()["items"][0]["id"]
    token = page.locator("input[name=csrf_token]").first.input_value()
    refused = page.request.post(f"/notifications/{theirs}/read", form={"csrf_token": token})
    assert refused.status == 404
    assert writer.get("/notifications").json()["items"][0]["read"] is False
