"""Every link the system mails or notifies opens a working page, and the
member's own pages (dashboard, inbox, requests, notifications, profile,
settings) work and are accessible in both languages."""

import os
import re
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect
from werkzeug.exceptions import MethodNotAllowed, NotFound

from conftest import ADMIN_TOKEN, registration
from gateway import create_app
from mentornet_testing import ROOT, wait_until
from notifications import mail
from tests.support import Member, ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

URL = re.compile(r"https?://[^\s<>\"]+")
TEMPLATES = os.path.join(ROOT, "services", "notifications", "notifications", "templates")


def logged_in_page(new_page, system, member, language):
    page = new_page(language)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


def links_in_mails(mailbox, address):
    return sorted(
        {
            link.rstrip(".,)")
            for message in mailbox.to(address)
            for link in URL.findall(message["body"])
        }
    )


def test_every_link_in_every_mail_and_notification_opens_a_page(
    system, mailbox, tmp_path, new_page
):
    mentor = onboarded_member(system, tmp_path, registration(first_name="Marit", language="en"))
    mentee = onboarded_member(
        system, tmp_path, registration(first_name="Sem", language="nl"), role="student"
    )
    become_mentor(mentor)
    asked = ask(mentee, mentor)
    assert asked.status_code == 201, asked.text
    accepted = mentor.post(f"/mentoring/requests/{asked.json()['id']}/accept", {"reply": "Yes!"})
    assert accepted.status_code == 200, accepted.text
    assert (
        mentee.post(
            "/conversations", {"recipient_id": mentor.user_id, "body": "Thank you!"}
        ).status_code
        == 201
    )
    relationship = accepted.json()["relationship"]["id"]
    assert (
        mentee.post(
            f"/mentoring/relationships/{relationship}/end",
            {"outcome": "ended_early", "reason": "Found a job"},
        ).status_code
        == 200
    )
    requests.post(
        mentee.url("/password-resets"), json={"login": mentee.form["username"]}, timeout=10
    )
    # A member verified by a person: the review's decision is mailed.
    reviewed = Member(system, registration(first_name="Rosa", language="en"))
    reviewed.sign_up()
    assert (
        reviewed.post(
            "/onboarding/affiliation",
            {
                "role": "staff",
                "record_number": "NOTINRECORDS1",
                "request_review": True,
                "note": "New colleague",
            },
        ).status_code
        == 200
    )
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    [review] = [
        r
        for r in requests.get(
            reviewed.url("/admin/affiliation-reviews"), headers=admin, timeout=10
        ).json()["items"]
        if r["user_id"] == reviewed.user_id
    ]
    assert (
        requests.post(
            reviewed.url(f"/admin/affiliation-reviews/{review['id']}/approve"),
            headers=admin,
            json={"reason": "checked"},
            timeout=10,
        ).status_code
        == 200
    )

    expected = {  # every mail template that carries a link, and who gets it
        mentor: (
            "Welcome",
            "Confirm",
            "asks you for mentoring",
            "sent you a message",
            "ended your mentoring relationship",
        ),
        mentee: ("Welkom", "Bevestig", "geaccepteerd", "Stel je wachtwoord"),
        reviewed: ("Welcome", "Confirm", "Your affiliation is verified"),
    }
    for member, subjects in expected.items():
        for subject in subjects:
            wait_until(
                lambda: mailbox.to(member.form["email"], subject),
                20,
                0.1,
                f"the mail '{subject}' to {member.form['first_name']}",
            )

    opened = set()
    for member, language in ((mentor, "en"), (mentee, "nl"), (reviewed, "en")):
        page = logged_in_page(new_page, system, member, language)
        links = links_in_mails(mailbox, member.form["email"])
        assert links
        for link in links:
            assert link.startswith(system.gateway_url + "/"), link
            response = page.goto(link)
            assert response.status == 200, (link, response.status)
            opened.add(urlsplit(link).path)
        # In-app notifications link to pages too.
        page.goto("/notifications")
        hrefs = page.locator("main a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert hrefs
        for href in set(hrefs):
            response = page.goto(href)
            assert response.status == 200, (href, response.status)
            opened.add(urlsplit(href).path)
    assert {"/login", "/confirm-email", "/reset-password", "/onboarding"} <= opened
    # Mentoring's mails and notifications open the request or relationship they are about.
    for area in ("/inbox/", "/requests/", "/relationships/"):
        assert any(path.startswith(area) for path in opened), area


def rendered_links(language):
    """The links of every template, rendered as the services render them."""
    base = "https://mentors.example"
    context = {
        "first_name": "Sam",
        "username": "sam.bakker",
        "base_url": base,
        "confirmation_url": f"{base}/confirm-email?token=abc",
        "reset_url": f"{base}/reset-password?token=abc",
        "expires_at": "12:00 UTC",
        "approved": True,
        "reason": "",
        "text": "Text",
        "sender": "Anna",
        "preview": "Hi",
        "name": "Sam",
        "email": "sam@example.org",
        "subject": "Help",
        "message": "Hello",
        "request_id": "r1",
        "member_id": None,
        "download_url": f"{base}/settings/data/download?token=t",
        "search_link": f"{base}/search",
        "invitation": "Meeting",
        "times": [],
        "mentors": [],
        "weeks": 3,
        "where": "",
    }
    links = {}
    for name in sorted(os.listdir(TEMPLATES)):
        template, lang, _ = name.split(".")
        if lang != language:
            continue
        for link in (
            f"{base}/requests/7",
            f"{base}/relationships/7",
            f"{base}/dashboard",
            f"{base}/inbox/7",
        ):
            context["link"] = link  # what notifications passes as {{ link }}
            subject, body = mail.render(template, language, context)
            for found in URL.findall(body):
                links.setdefault(template, set()).add(found.rstrip(".,)"))
    return links


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_templates_link_pattern_is_a_page_of_the_gateway(language):
    routes = create_app().url_map.bind("mentors.example")
    links = rendered_links(language)
    assert {
        "welcome",
        "confirm_email",
        "password_reset",
        "affiliation_reviewed",
        "new_message",
        "mentoring_update",
    } <= set(links)
    for template, found in links.items():
        for link in found:
            path = urlsplit(link).path
            try:
                endpoint, _ = routes.match(path, method="GET")
            except (NotFound, MethodNotAllowed):
                pytest.fail(f"{template}.{language}.txt links to {link}: no page there")
            assert not endpoint.startswith(("static", "api", "health")), (template, link)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_members_pages_show_their_lists_and_are_accessible(
    system, tmp_path, new_page, language
):
    words = {
        "en": (
            "Inbox",
            "Mentoring requests",
            "Notifications",
            "Your profile",
            "Account settings",
            "Conversation with",
        ),
        "nl": (
            "Inbox",
            "Verzoeken om mentoring",
            "Meldingen",
            "Je profiel",
            "Accountinstellingen",
            "Gesprek met",
        ),
    }[language]
    mentor = onboarded_member(system, tmp_path, registration(first_name="Marit", language=language))
    mentee = onboarded_member(
        system, tmp_path, registration(first_name="Sem", language=language), role="student"
    )
    become_mentor(mentor)
    assert ask(mentee, mentor, message="Could you look at my CV?").status_code == 201
    started = mentee.post("/conversations", {"recipient_id": mentor.user_id, "body": "Hello <b>"})
    assert started.status_code == 201
    page = logged_in_page(new_page, system, mentor, language)
    for path, heading in (
        ("/inbox", words[0]),
        ("/requests", words[1]),
        ("/notifications", words[2]),
        ("/profile", words[3]),
        ("/settings", words[4]),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.goto("/requests")
    expect(page.get_by_text("Could you look at my CV?")).to_be_visible()
    expect(page.locator(".request-card header a")).to_contain_text("Sem van der Berg")
    page.goto("/inbox")
    page.get_by_role("link", name="Sem van der Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{words[5]} Sem van der Berg")
    expect(page.get_by_text("Hello <b>")).to_be_visible()  # shown as typed, never as markup
    assert_accessible(page)
    # Someone else's conversation is not found, like one that does not exist.
    stranger = onboarded_member(system, tmp_path, registration(language=language))
    other = logged_in_page(new_page, system, stranger, language)
    assert other.goto(f"/inbox/{started.json()['id']}").status == 404


def test_the_dashboard_links_to_what_the_profile_misses_and_the_profile_saves_it(
    system, tmp_path, new_page
):
    member = onboarded_member(system, tmp_path, registration(first_name="Ida", language="en"))
    page = logged_in_page(new_page, system, member, "en")
    page.goto("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ida")
    page.get_by_role("link", name="Headline").click()
    expect(page).to_have_url(re.compile(r"/profile#profile-headline$"))
    page.locator("#profile-headline").get_by_role("link", name="Add a headline").click()
    headline = page.get_by_role("textbox", name=re.compile("^Your personal headline"))
    headline.fill("Archaeologist at the city museum")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved: Headline.")).to_be_visible()
    page.goto("/dashboard")
    expect(page.get_by_role("link", name="Headline")).to_have_count(0)
    assert member.get("/me/profile").json()["headline"] == "Archaeologist at the city museum"


def test_settings_change_the_password_the_address_and_the_language(
    system, mailbox, tmp_path, new_page
):
    member = onboarded_member(system, tmp_path, registration(first_name="Jet", language="en"))
    page = logged_in_page(new_page, system, member, "en")
    page.goto("/settings")
    new_password = "harbour kettle violin meadow"
    page.get_by_label("Current password").fill("not my password, surely")
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Confirm new password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#current_password-error")).to_have_text("Your password is not correct.")
    page.get_by_label("Current password").fill(member.form["password"])
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Confirm new password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed.")
    assert member.login().status_code == 401
    assert member.login(new_password).status_code == 200
    member.form["password"] = new_password

    new_address = f"jet.{member.user_id[:8]}@example.net"
    page.get_by_label("New e-mail address", exact=True).fill(new_address)
    page.get_by_label("Confirm new e-mail address").fill(new_address)
    page.locator("#email_password").fill(new_password)
    page.get_by_role("button", name="Change e-mail address").click()
    expect(page.get_by_role("status")).to_contain_text(new_address)
    mail_ = wait_until(
        lambda: mailbox.to(new_address, "^Confirm"),
        15,
        0.05,
        "the confirmation mail to the new address",
    )[-1]
    assert f"{system.gateway_url}/confirm-email?token=" in mail_["body"]

    page.get_by_label("Nederlands").check()
    page.get_by_role("button", name="Save language").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("status")).to_contain_text("Je taal is gewijzigd.")
    assert_accessible(page)
    # Mails follow: the next reset link comes in Dutch.
    requests.post(
        member.url("/password-resets"), json={"login": member.form["username"]}, timeout=10
    )
    wait_until(
        lambda: mailbox.to(member.form["email"], "^Stel je wachtwoord"),
        15,
        0.05,
        "the reset mail in Dutch",
    )


def test_the_members_pages_fit_a_phone(system, tmp_path, new_page):
    """At 375 px nothing is wider than the screen (the toolbar wraps)."""
    member = onboarded_member(system, tmp_path, registration(language="nl"))
    page = new_page("nl", width=375)
    PageMember(system, member.form, member.user_id).log_in(page)
    for path in ("/dashboard", "/profile", "/inbox", "/requests", "/notifications", "/settings"):
        page.goto(path)
        width = page.locator("html").evaluate("html => html.scrollWidth")
        assert width <= 375, (path, width)
