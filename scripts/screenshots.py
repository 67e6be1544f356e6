#!/usr/bin/env python
"""A screenshot of each step of the guide, at laptop width and at 375 px (a
phone), into docs/screenshots/ (the README shows them).

    python scripts/screenshots.py [--out docs/screenshots] [--language en] [--only inbox|profile|mentoring|dashboard|network]

Needs what `make test` needs (a local RabbitMQ and PostgreSQL, Debian's
chromium): it starts its own throw-away stack (vhost, databases, the four
services and the gateway) and a test SMTP server, walks a new member through
the pages as the browser tests do, and stops it all again.  Mentoring is held
back until step 7 has been photographed, or the account would be ready before
the page could be seen.  The inbox's pages are photographed with two members
onboarded through the API who have written to each other, the profile's
with a filled profile and a mentor's settings, the requests and relationships
with a mentor who accepted one request and has another waiting, the
dashboard's and the notifications with a mentee, her mentor and two more
mentors, and search, a mentor's page, the directory and the relationships
with a mentee, her mentor and another mentor (``--only sign-up``, ``inbox``,
``profile``, ``mentoring``, ``dashboard``, ``network`` or ``console`` refreshes
one set; the console's with an administrator and two members waiting for a
review).  The PNGs are reduced to 256 colours
to stay small.
"""

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)

from PIL import Image  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from conftest import registration  # noqa: E402
from gateway.rpc import RpcClient  # noqa: E402
from mentornet_testing import Mailbox, Stack, wait_until  # noqa: E402
from tests.support import (  # noqa: E402
    Member,
    ask,
    become_mentor,
    import_records,
    onboarded_member,
    record_number,
    record_of,
)
from tests.web.browser import launch_chromium  # noqa: E402
from tests.web.console import ConsoleOperator, make_operator  # noqa: E402

SIZES = (("laptop", 1280, 800), ("phone", 375, 812))


def save(page, out, name, size):
    path = os.path.join(out, f"{name}-{size}.png")
    page.screenshot(path=path, full_page=True)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)
    print(f"{path}: {os.path.getsize(path) // 1024} KiB")


def photograph(page, out, size, *shots):
    """Each ``(name, path)`` of ``shots``: the page at ``path``, saved as ``name``."""
    for name, path in shots:
        page.goto(path)
        save(page, out, name, size)


def walk(stack, mailbox, browser, out, size, width, height, language):
    form = registration(language=language, first_name="Zoë", last_name="van der Berg")
    number = record_of(stack, Path(tempfile.mkdtemp(prefix="mentornet-records-")), form)
    page = new_page(stack, browser, width, height, language)
    stack.stop("mentoring")  # step 7 stays on screen until it is photographed

    page.goto("/")
    save(page, out, "01-landing", size)

    page.goto("/sign-up")
    save(page, out, "02-sign-up", size)
    fill_sign_up(page, form)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()

    mail = wait_until(
        lambda: mailbox.to(form["email"], "^(Confirm|Bevestig)"), 20, 0.1, "the confirmation mail"
    )[-1]
    page.goto(re.search(r"https?://\S+/confirm-email\?token=\S+", mail["body"]).group(0))
    confirm = page.locator("main form button[type=submit]")
    if confirm.count():  # a link's page that confirms on a button press (no GET side effect)
        confirm.first.click()
        page.wait_for_load_state()
    save(page, out, "03-confirm", size)

    page.goto("/onboarding")
    if "/login" in page.url:
        log_in(page, form)
    expect(page).to_have_url(re.compile("/onboarding/affiliation$"))
    save(page, out, "04-affiliation", size)
    page.locator("input[name=role][value=alumnus]").check()
    page.locator("#record_number").fill(number)
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile("/onboarding/study-details$"))
    save(page, out, "05-study-details", size)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile("/onboarding/account$"))
    expect(page.locator("#account-progress")).to_be_visible()
    save(page, out, "06-account-creation", size)
    stack.start("mentoring")
    page.locator("#account-progress a[href='/onboarding']").click()

    expect(page).to_have_url(re.compile("/onboarding/guidelines$"))
    save(page, out, "07-guidelines", size)
    page.locator("button[name=agree][value=yes]").click()

    expect(page).to_have_url(re.compile("/onboarding/introduction$"))
    save(page, out, "08-introduction", size)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile("/dashboard$"))
    save(page, out, "09-dashboard", size)

    menu = page.locator(".toolbar-toggle")
    if menu.is_visible():  # on a phone, Log out is in the folded toolbar
        menu.click()
    page.locator("form[action='/logout'] button").click()
    page.goto("/login")
    save(page, out, "10-login", size)
    page.context.close()


def inbox(stack, browser, out, size, width, height, language):
    """The inbox, a thread, writing to a member and reporting a message."""
    records = Path(tempfile.mkdtemp(prefix="mentornet-records-"))
    zoe = onboarded_member(
        stack, records, registration(language=language, first_name="Zoë", last_name="van der Berg")
    )
    daan = onboarded_member(
        stack, records, registration(language=language, first_name="Daan", last_name="Visser")
    )
    started = daan.post(
        "/conversations",
        {
            "recipient_id": zoe.user_id,
            "body": (
                "Hi Zoë, I saw you studied archaeology too. Could I ask you about your first job "
                "at the museum?"
            ),
        },
    ).json()
    zoe.post(
        f"/conversations/{started['id']}/messages",
        {"body": "Of course! Thursday afternoon suits me.\nShall we call?"},
    )
    daan.post(f"/conversations/{started['id']}/messages", {"body": "Thursday at three, then."})
    page = logged_in_page(stack, browser, width, height, language, zoe.form)
    photograph(
        page,
        out,
        size,
        ("inbox-1-conversations", "/inbox"),
        ("inbox-2-conversation", f"/inbox/{started['id']}"),
        ("inbox-3-write", f"/inbox/new?to={daan.user_id}"),
        ("inbox-4-report", f"/inbox/messages/{started['message']['id']}/report"),
    )
    page.context.close()


def profile(stack, browser, out, size, width, height, language):
    """The profile's Personal tab, a section's form (the headline's live count),
    a position, the Mentor tab, and the public profile another member sees."""
    records = Path(tempfile.mkdtemp(prefix="mentornet-records-"))
    zoe = onboarded_member(
        stack, records, registration(language=language, first_name="Zoë", last_name="van der Berg")
    )
    daan = onboarded_member(
        stack,
        records,
        registration(language=language, first_name="Daan", last_name="Visser"),
        role="student",
    )
    zoe.patch(
        "/me/profile",
        {
            "headline": "Curator of maps at the city museum",
            "bio": "I studied archaeology and found my way into museums.\n"
            "Happy to talk about first jobs, CVs and the cultural sector.",
            "positions": [
                {
                    "organisation": "City Museum",
                    "title": "Curator",
                    "sector": "arts_culture",
                    "location": "Leiden",
                    "start_month": "2021-03",
                    "current": True,
                },
                {
                    "organisation": "Map Library",
                    "title": "Assistant curator",
                    "sector": "arts_culture",
                    "start_month": "2018-09",
                    "end_month": "2021-02",
                },
            ],
            "address": {"city": "Leiden", "country": "NL"},
            "website": "https://zoe.example.org",
        },
    )
    zoe.put(
        "/me/mentor-settings",
        {
            "available": True,
            "activities": ["cv_review", "career_advice"],
            "max_mentees": 2,
            "sectors": ["arts_culture"],
            "languages": ["nl", "en"],
            "note": "Thursday afternoons suit me best.",
        },
    )
    pages = {}
    for member in (zoe, daan):
        page = logged_in_page(stack, browser, width, height, language, member.form)
        pages[member] = page
    page = pages[zoe]
    page.goto("/profile")
    save(page, out, "profile-1-personal", size)
    page.goto("/profile/edit/headline")
    page.locator("#headline").press("End")
    page.locator("#headline").type(" and mentor")
    save(page, out, "profile-2-headline", size)
    position = zoe.get("/me/profile").json()["positions"][0]["id"]
    photograph(
        page,
        out,
        size,
        ("profile-3-position", f"/profile/positions/{position}"),
        ("profile-4-mentor", "/profile/mentor"),
    )
    pages[daan].goto(f"/members/{zoe.user_id}")
    save(pages[daan], out, "profile-5-public", size)
    for page in pages.values():
        page.context.close()


def mentoring(stack, browser, out, size, width, height, language):
    """The requests (a mentor's list and a request with its answer forms), a
    relationship, its end's confirmation and the settings' preferences."""
    records = Path(tempfile.mkdtemp(prefix="mentornet-records-"))
    zoe = onboarded_member(
        stack, records, registration(language=language, first_name="Zoë", last_name="van der Berg")
    )
    daan = onboarded_member(
        stack,
        records,
        registration(language=language, first_name="Daan", last_name="Visser"),
        role="student",
    )
    noor = onboarded_member(
        stack,
        records,
        registration(language=language, first_name="Noor", last_name="Jansen"),
        role="student",
    )
    become_mentor(zoe, max_mentees=2)
    accepted = ask(daan, zoe, message="Could you look at my CV before I apply to the museum?")
    relationship = zoe.post(
        f"/mentoring/requests/{accepted.json()['id']}/accept",
        {"reply": "Gladly! Send it over and we'll talk on Thursday."},
    ).json()["relationship"]["id"]
    pending = ask(
        noor,
        zoe,
        ("cv_review", "mock_interview"),
        "I am finishing my master's in archaeology. Could we practise an interview?",
    )
    page = logged_in_page(stack, browser, width, height, language, zoe.form)
    photograph(
        page,
        out,
        size,
        ("mentoring-1-requests", "/requests"),
        ("mentoring-2-request", f"/requests/{pending.json()['id']}"),
        ("mentoring-3-relationship", f"/relationships/{relationship}"),
        ("mentoring-4-end", f"/relationships/{relationship}/end"),
        ("mentoring-5-settings", "/settings"),
    )
    page.context.close()


def dashboard(stack, browser, out, size, width, height, language):
    """The toolbar, the dashboard (with a relationship, a request, mentors in
    several sectors), the phone's folded menu opened, and the notifications."""
    if stack in _dashboard_members:  # the same members at every width
        zoe = _dashboard_members[stack]
    else:
        zoe = _dashboard_members[stack] = _dashboard_network(stack, language)
    page = logged_in_page(stack, browser, width, height, language, zoe.form)
    page.goto("/dashboard")
    save(page, out, "dashboard-1-home", size)
    if size == "phone":
        page.locator(".toolbar-toggle").click()
        save(page, out, "dashboard-2-menu", size)
    page.goto("/notifications")
    save(page, out, "dashboard-3-notifications", size)
    page.context.close()


_dashboard_members = {}


def _dashboard_network(stack, language):
    """A mentee with a mentor, a pending request, a message, and three mentors
    in overlapping sectors (so the cloud has several sizes)."""
    records = Path(tempfile.mkdtemp(prefix="mentornet-records-"))
    zoe = onboarded_member(
        stack,
        records,
        registration(language=language, first_name="Zoë", last_name="van der Berg"),
        role="student",
    )
    mentors = [
        onboarded_member(
            stack, records, registration(language=language, first_name=first, last_name=last)
        )
        for first, last in (("Marit", "de Vries"), ("Daan", "Visser"), ("Noor", "Bakker"))
    ]
    for mentor, sectors in zip(
        mentors,
        (["arts_culture", "education"], ["arts_culture"], ["legal", "arts_culture", "government"]),
    ):
        assert (
            mentor.put(
                "/me/mentor-settings",
                {
                    "available": True,
                    "activities": ["cv_review", "career_advice"],
                    "max_mentees": 3,
                    "sectors": sectors,
                    "languages": ["en", "nl"],
                },
            ).status_code
            == 200
        )
    accepted = ask(zoe, mentors[0], message="Could you look at my CV?").json()["id"]
    mentors[0].post(f"/mentoring/requests/{accepted}/accept", {"reply": "Gladly."})
    ask(zoe, mentors[1], message="Could we talk about museum work?")
    mentors[0].post("/conversations", {"recipient_id": zoe.user_id, "body": "Welcome, Zoë!"})
    return zoe


def network(stack, browser, out, size, width, height, language):
    """Search (filtered by a sector of the cloud), a mentor's page with "Ask for
    mentoring", the directory and the relationships, as a mentee sees them."""
    if stack not in _network_members:  # the same members at every width
        _network_members[stack] = _network(stack, language)
    zoe, juergen = _network_members[stack]
    page = logged_in_page(stack, browser, width, height, language, zoe.form)
    for name, path in (
        ("network-1-search", "/search?sector=arts_culture"),
        ("network-2-mentor", f"/mentors/{juergen.user_id}"),
        ("network-3-directory", "/directory"),
        ("network-4-relationships", "/relationships"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        save(page, out, name, size)
    page.context.close()


_network_members = {}


def _network(stack, language):
    """Zoë, a student with a mentor (Marit), and another mentor (Jürgen)."""
    records = Path(tempfile.mkdtemp(prefix="mentornet-records-"))

    def person(first, last, role="alumnus", headline=None):
        member = onboarded_member(
            stack,
            records,
            registration(language=language, first_name=first, last_name=last),
            role=role,
        )
        if headline:
            assert member.patch("/me/profile", {"headline": headline}).status_code == 200
        return member

    zoe = person("Zoë", "van der Berg", "student")
    marit = person("Marit", "de Vries", headline="Curator of maps at the city museum")
    juergen = person("Jürgen", "Maaßen", headline="Archivist at the national archives")
    become_mentor(marit, max_mentees=3)
    become_mentor(juergen, max_mentees=2, activities=("career_advice", "cv_review"))
    accepted = ask(zoe, marit, message="Could you look at my CV?").json()["id"]
    assert (
        marit.post(f"/mentoring/requests/{accepted}/accept", {"reply": "Gladly."}).status_code
        == 200
    )
    return zoe, juergen


def console(stack, browser, out, size, width, height, language):
    """The operators' console: its home, the review queue with a member who
    asked for a review, one review beside the closest records, the network's
    figures and the operators page (an administrator, after the second factor)."""
    if stack not in _console_operator:
        # Anna's record is there under another number: the review shows it beside her.
        import_records(
            stack,
            Path(tempfile.mkdtemp(prefix="mentornet-records-")),
            [
                (
                    record_number(),
                    "alumnus",
                    "Anna",
                    "Kuiper",
                    "1991-02-03",
                    "History",
                    "Humanities",
                    2009,
                    2013,
                    "",
                )
            ],
        )
        for first, last in (("Anna", "Kuiper"), ("Bram", "Smit")):
            address = f"{first}.{last}@example.org".lower()
            member = Member(
                stack,
                registration(
                    first_name=first,
                    last_name=last,
                    date_of_birth="1991-02-03",
                    language=language,
                    username=f"{first}.{last}".lower(),
                    email=address,
                    email_confirmation=address,
                ),
            )
            member.sign_up()
            member.post(
                "/onboarding/affiliation",
                {
                    "role": "alumnus",
                    "record_number": "NOSUCH1",
                    "request_review": True,
                    "note": f"I studied History here as {first} {last}, 2009-2013.",
                },
            )
        _console_operator[stack] = ConsoleOperator(make_operator(stack, "administrator", "ada"))
    operator = _console_operator[stack]
    page = new_page(stack, browser, width, height, language)
    operator.log_in(page)
    photograph(
        page,
        out,
        size,
        ("console-1-home", "/console/"),
        ("console-2-reviews", "/console/reviews"),
    )
    page.locator("table.affiliation-reviews a").first.click()
    save(page, out, "console-3-review", size)
    photograph(
        page,
        out,
        size,
        ("console-4-statistics", "/console/statistics"),
        ("console-5-operators", "/console/operators"),
    )
    page.context.close()


_console_operator = {}


def fill_sign_up(page, form):
    """The sign-up form, by its fields' ids (the page's own labels are in either language)."""
    for name in (
        "first_name",
        "last_name",
        "username",
        "password",
        "password_confirmation",
        "email",
        "email_confirmation",
        "security_answer",
    ):
        page.locator(f"#{name}").fill(form[name])
    year, month, day = form["date_of_birth"].split("-")
    page.locator("#date_of_birth").fill(day)
    page.locator("#date_of_birth_month").fill(month)
    page.locator("#date_of_birth_year").fill(year)
    page.locator("#security_question").select_option(index=1)
    page.locator("#accept_privacy_policy").check()
    page.locator("#accept_terms").check()


def new_page(stack, browser, width, height, language):
    """A window of its own (no cookies yet) of the size and language pictured."""
    context = browser.new_context(
        base_url=stack.gateway_url,
        viewport={"width": width, "height": height},
        locale={"en": "en-GB", "nl": "nl-NL"}[language],
        extra_http_headers={"Accept-Language": language},
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def logged_in_page(stack, browser, width, height, language, form):
    """``new_page``, logged in as the member of the sign-up ``form``."""
    page = new_page(stack, browser, width, height, language)
    page.goto("/login")
    log_in(page, form)
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    return page


def log_in(page, form):
    page.locator("#username").fill(form["username"])
    page.locator("#password").fill(form["password"])
    page.locator("main form button[type=submit]").click()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "screenshots"))
    parser.add_argument("--language", default="en", choices=("en", "nl"))
    parser.add_argument(
        "--only",
        choices=("sign-up", "inbox", "profile", "mentoring", "dashboard", "network", "console"),
        help="photograph one set of pages (default: all)",
    )
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    logs = os.path.join(ROOT, ".run", "screenshot-logs")
    os.makedirs(logs, exist_ok=True)
    mailbox = Mailbox()
    stack = Stack(logs, rpc_client=RpcClient, smtp_port=mailbox.port)
    try:
        stack.start_all()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for size, width, height in SIZES:
                if args.only in (None, "sign-up"):
                    walk(stack, mailbox, browser, args.out, size, width, height, args.language)
                if args.only in (None, "inbox"):
                    inbox(stack, browser, args.out, size, width, height, args.language)
                if args.only in (None, "profile"):
                    profile(stack, browser, args.out, size, width, height, args.language)
                if args.only in (None, "mentoring"):
                    mentoring(stack, browser, args.out, size, width, height, args.language)
                if args.only in (None, "dashboard"):
                    dashboard(stack, browser, args.out, size, width, height, args.language)
                if args.only in (None, "network"):
                    network(stack, browser, args.out, size, width, height, args.language)
                if args.only in (None, "console"):
                    console(stack, browser, args.out, size, width, height, args.language)
            browser.close()
    finally:
        stack.close()
        mailbox.stop()


if __name__ == "__main__":
    main()
