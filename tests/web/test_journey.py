"""The member's network end to end in a real browser, across every page it
takes: two members, each in their own browser context.  The mentor switches
her availability on (the Mentor tab of her profile); the mentee finds her by
the dashboard's sector cloud and by search, and asks her on her page; the
mentor's toolbar badge goes up without a reload, and she accepts with a
reply; both dashboards show the relationship; they write to each other
through the inbox; the mentee ends it, with a reason, after a confirmation;
the mentor is told.

One journey, run three ways: in English and in Dutch with the mouse, and at a
phone's 375 px with the keyboard only (Tab, Shift+Tab, Enter and Space; the
toolbar's Menu opened by keyboard).  Each step asserts what the member sees.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import onboarded_member

# What the members read, in each language (the Dutch is the catalogue's own).
WORDS = {
    "en": {
        "toolbar": "Toolbar",
        "menu": "Menu",
        "home": "Home",
        "profile": "Profile",
        "search": "Search",
        "inbox": "Inbox",
        "notifications": "Notifications",
        "welcome": "Welcome, {first}",
        "profile_tabs": "Profile tabs",
        "mentor_tab": "Mentor",
        "available": "I am available as a mentor: mentees may find me and ask me",
        "cv_review": "CV review",
        "mock_interview": "Mock interview",
        "sector": "Transport and logistics",
        "most_mentees": "Most mentees at once",
        "languages": "Languages you mentor in",
        "save_mentor": "Save your mentor settings",
        "now_available": "You are available as a mentor.",
        "cloud": "Mentors by work sector",
        "search_box": "Search for mentors",
        "results": re.compile(r"^\d+ mentors? found$"),
        "ask": "Ask for mentoring",
        "message": "Your message",
        "send_request": "Send request",
        "request_sent": "Your request has been sent. You will be told when the mentor answers.",
        "waiting": "the request is waiting for an answer",
        "new": "Notifications ({n} new)",
        "asks_you": "{name} asks you for mentoring.",
        "request_from": "Request from {name}",
        "accept": "Accept the request",
        "accepted": "You accepted the request. {name} is told, with your reply.",
        "relationships": "Your mentoring relationships",
        "as_mentor": "You are the mentor",
        "as_mentee": "You are the mentee",
        "write_to": "Write a message to {name}",
        "send": "Send",
        "message_sent": "Your message is sent.",
        "conversation": "Conversation with {name}",
        "all_relationships": "All your mentoring relationships",
        "current": "Current",
        "mentors_you": "{name} mentors you",
        "you_mentor": "You mentor {name}",
        "end": "End the relationship with {name}",
        "end_heading": "End your mentoring relationship with {name}?",
        "why_end": "Why you end it",
        "completed": "Completed: we did what we set out to do",
        "confirm_end": "Yes, end the relationship",
        "ended": "The relationship has ended. {name} is told.",
        "ended_notice": "{name} marked your mentoring relationship as completed.",
        "ended_by": "by {name}",
        "no_relationships": "You have no mentoring relationships yet.",
    },
    "nl": {
        "toolbar": "Werkbalk",
        "menu": "Menu",
        "home": "Start",
        "profile": "Profiel",
        "search": "Zoeken",
        "inbox": "Inbox",
        "notifications": "Meldingen",
        "welcome": "Welkom, {first}",
        "profile_tabs": "Tabbladen van het profiel",
        "mentor_tab": "Mentor",
        "available": "Ik ben beschikbaar als mentor: mentees mogen me vinden en vragen",
        "cv_review": "Cv-feedback",
        "mock_interview": "Oefensollicitatie",
        "sector": "Transport en logistiek",
        "most_mentees": "Hoogstens zoveel mentees tegelijk",
        "languages": "Talen waarin je begeleidt",
        "save_mentor": "Mentorinstellingen opslaan",
        "now_available": "Je bent beschikbaar als mentor.",
        "cloud": "Mentoren per werksector",
        "search_box": "Zoek mentoren",
        "results": re.compile(r"^\d+ mentor(en)? gevonden$"),
        "ask": "Vraag om mentoring",
        "message": "Je bericht",
        "send_request": "Verzoek versturen",
        "request_sent": "Je verzoek is verstuurd. Je hoort het zodra de mentor antwoordt.",
        "waiting": "het verzoek wacht op antwoord",
        "new": "Meldingen ({n} nieuw)",
        "asks_you": "{name} vraagt je om mentoring.",
        "request_from": "Verzoek van {name}",
        "accept": "Verzoek accepteren",
        "accepted": "Je hebt het verzoek geaccepteerd. {name} krijgt bericht, met je antwoord.",
        "relationships": "Je mentorrelaties",
        "as_mentor": "Jij bent de mentor",
        "as_mentee": "Jij bent de mentee",
        "write_to": "Stuur {name} een bericht",
        "send": "Versturen",
        "message_sent": "Je bericht is verstuurd.",
        "conversation": "Gesprek met {name}",
        "all_relationships": "Al je mentorrelaties",
        "current": "Lopend",
        "mentors_you": "{name} is jouw mentor",
        "you_mentor": "Jij bent mentor van {name}",
        "end": "De relatie met {name} beëindigen",
        "end_heading": "Je mentorrelatie met {name} beëindigen?",
        "why_end": "Waarom je de relatie beëindigt",
        "completed": "Voltooid: we hebben gedaan wat we ons voornamen",
        "confirm_end": "Ja, beëindig de relatie",
        "ended": "De relatie is beëindigd. {name} krijgt bericht.",
        "ended_notice": "{name} heeft jullie mentorrelatie als voltooid afgesloten.",
        "ended_by": "door {name}",
        "no_relationships": "Je hebt nog geen mentorrelaties.",
    },
}
PHONE = 375


def made_up_name():
    """A surname nobody else in the test run has, so search finds only ours."""
    letters = "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:9])
    return letters.capitalize()


class Hands:
    """How a member works the pages: the mouse, or the keyboard only.

    With the keyboard, focus moves by Tab (or Shift+Tab, towards the target)
    until the target has it, and is then worked with Enter (links, buttons),
    Space (checkboxes) or typing; there is no click anywhere.  On a phone the
    toolbar's links are folded behind its Menu button, which is opened the
    same way."""

    def __init__(self, page, words, keyboard, phone):
        self.page, self.words, self.keyboard, self.phone = page, words, keyboard, phone

    # -- moving focus -----------------------------------------------------------------
    def _focused(self, target):
        return target.evaluate("e => e === document.activeElement")

    def focus(self, target):
        expect(target).to_be_visible()
        direction = target.evaluate(
            """e => {
                const now = document.activeElement;
                if (!now || now === document.body) return "Tab";
                return now.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_PRECEDING
                    ? "Shift+Tab" : "Tab";
            }"""
        )
        for _ in range(250):
            if self._focused(target):
                return
            self.page.keyboard.press(direction)
        raise AssertionError(f"{target} cannot be reached with the keyboard")

    # -- working what has focus ---------------------------------------------------------
    def press(self, target):
        """Follow a link or press a button."""
        if self.keyboard:
            self.focus(target)
            self.page.keyboard.press("Enter")
        else:
            target.click()

    def type(self, target, text):
        if self.keyboard:
            self.focus(target)
            self.page.keyboard.press("ControlOrMeta+A")
            self.page.keyboard.press("Delete")
            self.page.keyboard.type(text)
        else:
            target.fill(text)
        expect(target).to_have_value(text)

    def tick(self, checkbox):
        """Check a checkbox (Space toggles it, so only an unchecked one)."""
        if self.keyboard:
            if not checkbox.is_checked():
                self.focus(checkbox)
                self.page.keyboard.press(" ")
        else:
            checkbox.check()
        expect(checkbox).to_be_checked()

    # -- the toolbar ---------------------------------------------------------------------
    def toolbar(self):
        return self.page.get_by_role("navigation", name=self.words["toolbar"])

    def open_menu(self):
        """On a phone, the toolbar's links are behind the Menu button."""
        if not self.phone:
            return
        menu = self.toolbar().get_by_role("button", name=self.words["menu"])
        if menu.get_attribute("aria-expanded") != "true":
            self.press(menu)
        expect(menu).to_have_attribute("aria-expanded", "true")

    def to(self, item):
        """Follow one of the toolbar's links, by its name in the words."""
        self.open_menu()
        if item == "notifications":
            link = self.toolbar().get_by_role("link", name=re.compile(f"^{self.words[item]}"))
        else:
            link = self.toolbar().get_by_role("link", name=self.words[item], exact=True)
        self.press(link)

    def badge(self):
        """The unread count the toolbar's badge shows."""
        self.open_menu()
        return self.page.locator("#unread-badge .badge > [aria-hidden=true]")

    def fits(self):
        if self.phone:
            width = self.page.locator("html").evaluate("html => html.scrollWidth")
            assert width <= PHONE, (self.page.url, width)


class Member:
    """One member in their own browser context."""

    def __init__(self, api, page, words, keyboard, phone):
        self.api, self.page, self.words = api, page, words
        self.hands = Hands(page, words, keyboard, phone)
        self.first = api.form["first_name"]
        self.name = f"{api.form['first_name']} {api.form['last_name']}"

    def log_in(self):
        page, hands = self.page, self.hands
        page.goto("/login")
        hands.type(page.locator("#username"), self.api.form["username"])
        hands.type(page.locator("#password"), self.api.form["password"])
        hands.press(page.locator("main form button[type=submit]"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            self.words["welcome"].format(first=self.first)
        )
        hands.fits()

    def heading(self):
        return self.page.get_by_role("heading", level=1)

    def status(self):
        return self.page.get_by_role("status")

    def region(self, name):
        return self.page.get_by_role("region", name=name)


JOURNEYS = {
    "english": ("en", None, False),
    "dutch": ("nl", None, False),
    "phone-keyboard-only": ("en", PHONE, True),
}


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_a_mentee_finds_a_mentor_asks_they_talk_and_one_ends_it(
    system, tmp_path, new_page, journey
):
    language, width, keyboard = JOURNEYS[journey]
    words = WORDS[language]
    surname = made_up_name()
    mentor_api = onboarded_member(
        system, tmp_path, registration(first_name="Fenna", last_name=surname, language=language)
    )
    mentee_api = onboarded_member(
        system,
        tmp_path,
        registration(first_name="Sem", last_name=made_up_name(), language=language),
        role="student",
    )

    def member(api):
        return Member(api, new_page(language, width=width), words, keyboard, phone=bool(width))

    mentor, mentee = member(mentor_api), member(mentee_api)

    # -- the mentor switches her availability on (the profile's Mentor tab) -----------
    mentor.log_in()
    hands, page = mentor.hands, mentor.page
    hands.to("profile")
    hands.press(
        page.get_by_role("navigation", name=words["profile_tabs"]).get_by_role(
            "link", name=words["mentor_tab"], exact=True
        )
    )
    expect(page).to_have_url(re.compile(r"/profile/mentor$"))
    hands.tick(page.get_by_role("checkbox", name=words["available"]))
    hands.tick(page.get_by_role("checkbox", name=words["cv_review"], exact=True))
    hands.tick(page.get_by_role("checkbox", name=words["mock_interview"], exact=True))
    hands.type(page.get_by_label(words["most_mentees"]), "2")
    hands.tick(page.get_by_role("checkbox", name=words["sector"], exact=True))
    hands.type(page.get_by_label(words["languages"]), "nl, en")
    hands.press(page.get_by_role("button", name=words["save_mentor"]))
    expect(page.get_by_text(words["now_available"])).to_be_visible()
    hands.fits()
    # Mentoring learns of the offer by event; the mentee is slower than that in
    # a browser, but a loaded machine is not.
    wait_until(
        lambda: (
            system.scalar(
                "mentoring",
                "SELECT available FROM mentor_offers WHERE user_id = %s",
                (str(mentor_api.user_id),),
            )
            is True
        ),
        15,
        0.1,
        "mentoring to know the offer",
    )
    before = int(hands.badge().inner_text())
    # Marks this very document: if the badge changes without a reload, it is still here.
    page.locator("#unread-badge").evaluate("badge => badge.dataset.sameDocument = 'yes'")

    # -- the mentee finds her by the sector cloud, and by search ----------------------
    mentee.log_in()
    hands, page = mentee.hands, mentee.page
    cloud = mentee.region(words["cloud"])
    hands.press(cloud.get_by_role("link", name=re.compile(f"^{re.escape(words['sector'])} \\(")))
    expect(page).to_have_url(re.compile(r"/search\?sector=transport$"))
    expect(page.get_by_role("heading", level=2)).to_have_text(words["results"])
    expect(page.get_by_role("link", name=mentor.name, exact=True)).to_be_visible()
    hands.fits()
    hands.to("home")
    box = page.get_by_role("searchbox", name=words["search_box"])
    hands.type(box, surname.lower())
    hands.press(page.locator("form").filter(has=box).get_by_role("button", name=words["search"]))
    expect(page).to_have_url(re.compile(rf"/search\?q={surname.lower()}$"))
    expect(page.get_by_role("heading", level=2)).to_have_text(words["results"])
    hands.fits()
    hands.press(page.get_by_role("link", name=mentor.name, exact=True))

    # -- ... and asks her on her page ---------------------------------------------------
    expect(mentee.heading()).to_have_text(mentor.name)
    expect(page.get_by_role("heading", name=words["ask"])).to_be_visible()
    hands.fits()
    hands.tick(page.get_by_role("checkbox", name=words["cv_review"], exact=True))
    hands.type(
        page.get_by_label(words["message"]),
        "I'd like to work in logistics; could you look at my CV?",
    )
    hands.press(page.get_by_role("button", name=words["send_request"]))
    expect(mentee.status()).to_contain_text(words["request_sent"])
    expect(page.get_by_role("region", name=words["ask"])).to_contain_text(words["waiting"])

    # -- the mentor's badge goes up where she is, without a reload ---------------------
    hands, page = mentor.hands, mentor.page
    expect(hands.badge()).to_have_text(str(before + 1), timeout=30_000)
    expect(page.locator("#unread-badge .badge")).to_have_class(re.compile(r"\bbadge-new\b"))
    expect(page.locator("#unread-badge")).to_have_attribute("data-same-document", "yes")
    expect(
        hands.toolbar().get_by_role("link", name=re.compile(f"^{words['notifications']}"))
    ).to_have_accessible_name(words["new"].format(n=before + 1))

    # -- she opens the notification and accepts with a reply --------------------------
    hands.to("notifications")
    hands.press(page.get_by_role("link", name=words["asks_you"].format(name=mentee.name)))
    expect(mentor.heading()).to_have_text(words["request_from"].format(name=mentee.name))
    expect(page.get_by_text("I'd like to work in logistics")).to_be_visible()
    hands.fits()
    hands.type(page.locator("#accept-reply"), "Gladly! Send it over.")
    hands.press(page.get_by_role("button", name=words["accept"]))
    expect(mentor.status()).to_contain_text(words["accepted"].format(name=mentee.name))

    # -- both dashboards show the relationship -----------------------------------------
    hands.to("home")
    expect(
        mentor.region(words["relationships"]).get_by_role("listitem").filter(has_text=mentee.name)
    ).to_contain_text(words["as_mentor"])
    hands.fits()
    hands, page = mentee.hands, mentee.page
    hands.to("home")
    expect(
        mentee.region(words["relationships"]).get_by_role("listitem").filter(has_text=mentor.name)
    ).to_contain_text(words["as_mentee"])

    # -- they write to each other through the inbox ------------------------------------
    # From the relationship's own page (the dashboard leads there).
    hands.press(
        mentee.region(words["relationships"]).get_by_role("link", name=words["all_relationships"])
    )
    hands.press(
        mentee.region(words["current"]).get_by_role(
            "link", name=words["mentors_you"].format(name=mentor.name)
        )
    )
    expect(mentee.heading()).to_have_text(words["mentors_you"].format(name=mentor.name))
    hands.fits()
    hands.press(page.get_by_role("link", name=words["write_to"].format(name=mentor.name)))
    hands.type(page.get_by_label(words["message"]), "Here is my CV, thank you!")
    hands.press(page.get_by_role("button", name=words["send"], exact=True))
    expect(mentee.status()).to_contain_text(words["message_sent"])
    expect(mentee.heading()).to_have_text(words["conversation"].format(name=mentor.name))
    hands.fits()

    hands, page = mentor.hands, mentor.page
    hands.to("inbox")
    hands.press(page.get_by_role("link", name=mentee.name))
    expect(mentor.heading()).to_have_text(words["conversation"].format(name=mentee.name))
    expect(page.locator(".message-body")).to_have_text(["Here is my CV, thank you!"])
    hands.type(page.get_by_label(words["message"]), "Thanks, I will read it tonight.")
    hands.press(page.get_by_role("button", name=words["send"], exact=True))
    expect(mentor.status()).to_contain_text(words["message_sent"])
    hands.fits()

    hands, page = mentee.hands, mentee.page
    hands.to("inbox")
    hands.press(page.get_by_role("link", name=mentor.name))
    expect(page.locator(".message-body")).to_have_text(
        ["Here is my CV, thank you!", "Thanks, I will read it tonight."]
    )

    # -- the mentee ends it, with a reason, after a confirmation -----------------------
    mentor.hands.badge()  # (on a phone, her menu is open to show it)
    told_before = int(mentor.hands.badge().inner_text())
    hands.to("home")
    hands.press(
        mentee.region(words["relationships"]).get_by_role("link", name=words["all_relationships"])
    )
    hands.press(
        mentee.region(words["current"]).get_by_role(
            "link", name=words["mentors_you"].format(name=mentor.name)
        )
    )
    expect(mentee.heading()).to_have_text(words["mentors_you"].format(name=mentor.name))
    hands.fits()
    hands.press(page.get_by_role("link", name=words["end"].format(name=mentor.name)))
    expect(mentee.heading()).to_have_text(words["end_heading"].format(name=mentor.name))
    hands.fits()
    hands.tick(page.get_by_label(words["completed"]))  # a radio: Space chooses it too
    hands.type(page.get_by_label(words["why_end"]), "I found a job. Thank you, Fenna!")
    hands.press(page.get_by_role("button", name=words["confirm_end"]))
    expect(mentee.status()).to_contain_text(words["ended"].format(name=mentor.name))
    expect(page.locator(".facts")).to_contain_text("I found a job. Thank you, Fenna!")

    # -- the mentor is told ------------------------------------------------------------
    hands, page = mentor.hands, mentor.page
    # Told that it ended, and asked for feedback: two notifications.
    expect(hands.badge()).to_have_text(str(told_before + 2), timeout=30_000)
    hands.to("notifications")
    told = page.get_by_role(
        "link", name=re.compile("^" + re.escape(words["ended_notice"].format(name=mentee.name)))
    )
    expect(told).to_contain_text("I found a job. Thank you, Fenna!")
    hands.press(told)
    expect(mentor.heading()).to_have_text(words["you_mentor"].format(name=mentee.name))
    expect(page.locator(".facts")).to_contain_text(words["ended_by"].format(name=mentee.name))
    expect(page.locator(".facts")).to_contain_text("I found a job. Thank you, Fenna!")
    hands.fits()
    hands.to("home")
    expect(mentor.region(words["relationships"])).to_contain_text(words["no_relationships"])
