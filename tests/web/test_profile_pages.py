"""The profile in the browser: the guide's Personal and Mentor tabs, each
section edited on its own form in English and Dutch, profiles' refusals in the
page's language, the professional history ordered, the mentor settings that
make a member findable, and a member's public profile."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from tests.support import Member, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

WORDS = {
    "en": {
        "personal": "Personal",
        "mentor": "Mentor",
        "no bio": "No bio has been entered yet.",
        "add bio": "Add your bio",
        "bio": "My bio",
        "save": "Save",
        "saved": "Saved: Bio.",
        "add headline": "Add a headline",
        "headline": "Your personal headline",
        "left": "You have 5 characters left.",
        "left one": "You have 1 character left.",
        "over": "You have 5 characters too many.",
        "at most": "Use at most 125 characters.",
        "problem": "There is a problem",
        "verified": "Verified: confirmed by the university's records",
        "add address": "Add your address",
        "country": "Country",
        "city": "City",
        "bad country": "Use a two-letter ISO 3166 country code, such as NL.",
        "netherlands": "Netherlands",
        "add web": "Add your web links",
        "website": "Website",
        "bad website": "Enter a full web address starting with https://.",
        "edit personal": "Edit your personal details",
        "middle": "Middle names",
        "add study": "Add a study",
        "institution": "Institution",
        "study": "Study",
        "year started": "Year started",
        "save study": "Save the study",
        "year order": "The year you graduated comes before the year you started.",
        "year graduated": "Year graduated",
        "available": "I am available as a mentor: mentees may find me and ask me",
        "cv": "CV review",
        "interview": "Mock interview",
        "most": "Most mentees at once",
        "arts": "Arts and culture",
        "languages": "Languages you mentor in",
        "note": "A note for mentees",
        "save mentor": "Save your mentor settings",
        "choose activity": "Choose at least one activity to offer.",
        "number": "Enter a number from 1 to 20.",
        "mentor saved": "Your mentor settings are saved.",
        "see as member": "See my profile as a member sees it",
        "how others see": "This is how other members see your profile.",
        "not found": "Page not found",
        "room": "Available as a mentor: room for 2 more mentees.",
        "dutch": "Dutch",
    },
    "nl": {
        "personal": "Persoonlijk",
        "mentor": "Mentor",
        "no bio": "Bij Over mij is nog niets ingevuld.",
        "add bio": "Over mij invullen",
        "bio": "Over mij",
        "save": "Opslaan",
        "saved": "Opgeslagen: Over mij.",
        "add headline": "Kopregel toevoegen",
        "headline": "Je persoonlijke kopregel",
        "left": "Je hebt nog 5 tekens over.",
        "left one": "Je hebt nog 1 teken over.",
        "over": "Je hebt 5 tekens te veel.",
        "at most": None,
        "problem": None,
        "verified": "Geverifieerd: bevestigd door de gegevens van de universiteit",
        "add address": "Adres toevoegen",
        "country": "Land",
        "city": "Plaats",
        "bad country": "Gebruik een landcode van twee letters (ISO 3166), zoals NL.",
        "netherlands": "Nederland",
        "add web": "Weblinks toevoegen",
        "website": "Website",
        "bad website": "Vul een volledig webadres in dat begint met https://.",
        "edit personal": "Persoonsgegevens wijzigen",
        "middle": None,
        "add study": "Opleiding toevoegen",
        "institution": None,
        "study": "Opleiding",
        "year started": None,
        "save study": "Opleiding opslaan",
        "year order": None,
        "year graduated": None,
        "available": "Ik ben beschikbaar als mentor: mentees mogen me vinden en vragen",
        "cv": "Cv-feedback",
        "interview": "Oefensollicitatie",
        "most": "Hoogstens zoveel mentees tegelijk",
        "arts": "Kunst en cultuur",
        "languages": "Talen waarin je begeleidt",
        "note": "Een notitie voor mentees",
        "save mentor": "Mentorinstellingen opslaan",
        "choose activity": "Kies minstens één activiteit om aan te bieden.",
        "number": "Vul een getal van 1 tot en met 20 in.",
        "mentor saved": "Je mentorinstellingen zijn opgeslagen.",
        "see as member": "Bekijk mijn profiel zoals een lid het ziet",
        "how others see": "Zo zien andere leden je profiel.",
        "not found": None,
        "room": "Beschikbaar als mentor: ruimte voor nog 2 mentees.",
        "dutch": "Nederlands",
    },
}


def dutch_of(text):
    """A msgid's Dutch text from the gateway's catalogue (what the page shows)."""
    from babel.messages.pofile import read_po

    from mentornet_testing import ROOT

    with open(f"{ROOT}/gateway/gateway/translations/nl/LC_MESSAGES/messages.po", "rb") as source:
        message = read_po(source, locale="nl").get(text)
    assert message is not None and message.string, text
    return message.string


ENGLISH_FOR = {
    "at most": "Use at most %(count)s characters.",
    "problem": "There is a problem",
    "middle": "Middle names",
    "institution": "Institution",
    "year started": "Year started",
    "year graduated": "Year graduated",
    "year order": "The year you graduated comes before the year you started.",
    "not found": "Page not found",
}


def words(language):
    found = dict(WORDS[language])
    for key, msgid in ENGLISH_FOR.items():
        if found[key] is None:
            found[key] = dutch_of(msgid).replace("%(count)s", "125")
    return found


def logged_in(new_page, system, member, language, width=None):
    page = new_page(language, width=width)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


def onboarded(system, tmp_path, language, role="alumnus", **names):
    return onboarded_member(system, tmp_path, registration(language=language, **names), role=role)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_each_section_is_edited_on_its_own_form_in_the_pages_language(
    system, tmp_path, new_page, language
):
    w = words(language)
    member = onboarded(system, tmp_path, language, first_name="Ida")
    page = logged_in(new_page, system, member, language)
    page.goto("/profile")
    tabs = page.get_by_role("navigation", name=re.compile("Profile tabs|Tabbladen"))
    expect(tabs.get_by_role("link", name=w["personal"])).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name=w["mentor"])).not_to_have_attribute("aria-current", "page")
    # The guide's empty states, each with the way to fill it.
    expect(page.locator("#profile-bio")).to_contain_text(w["no bio"])
    # The study from registration, verified against the university's records.
    expect(page.locator("#profile-education")).to_contain_text("Archaeology")
    expect(page.locator("#profile-education")).to_contain_text(w["verified"])
    assert_accessible(page)

    # Bio
    page.locator("#profile-bio").get_by_role("link", name=w["add bio"]).click()
    page.get_by_label(w["bio"]).fill("I dig, then I count.\nMuseums are my thing.")
    page.get_by_role("button", name=w["save"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/profile#profile-bio$"))
    expect(page.get_by_role("status")).to_contain_text(w["saved"])
    expect(page.locator("#profile-bio")).to_contain_text("Museums are my thing.")

    # Headline: the live counter, then profiles' own refusal of a long one.
    page.locator("#profile-headline").get_by_role("link", name=w["add headline"]).click()
    headline = page.get_by_role("textbox", name=re.compile("^" + w["headline"]))
    headline.fill("a" * 120)
    expect(page.locator("#headline-count")).to_have_text(w["left"])
    headline.fill("a" * 124)
    expect(page.locator("#headline-count")).to_have_text(w["left one"])
    headline.fill("a" * 130)
    expect(page.locator("#headline-count")).to_have_text(w["over"])
    page.get_by_role("button", name=w["save"], exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(w["problem"])
    expect(summary).to_contain_text(w["at most"])
    expect(page.locator("#headline-error")).to_have_text(w["at most"])
    expect(headline).to_have_attribute("aria-invalid", "true")
    expect(headline).to_have_value("a" * 130)  # what was typed stays to be shortened
    assert_accessible(page)
    headline.fill("Archaeologist at the city museum")
    page.get_by_role("button", name=w["save"], exact=True).click()
    expect(page.locator("#profile-headline")).to_contain_text("Archaeologist at the city museum")

    # Address: a refused country, then a good one shown by its name.
    page.locator("#profile-address").get_by_role("link", name=w["add address"]).click()
    page.get_by_label(re.compile("^" + w["city"])).fill("Leiden")
    page.get_by_label(re.compile("^" + w["country"])).fill("XX")
    page.get_by_role("button", name=w["save"], exact=True).click()
    expect(page.locator("#address\\.country-error")).to_have_text(w["bad country"])
    expect(page.get_by_label(re.compile("^" + w["city"]))).to_have_value("Leiden")
    page.get_by_label(re.compile("^" + w["country"])).fill("nl")
    page.get_by_role("button", name=w["save"], exact=True).click()
    expect(page.locator("#profile-address")).to_contain_text("Leiden")
    expect(page.locator("#profile-address")).to_contain_text(w["netherlands"])

    # E-mail and web
    page.locator("#profile-email_web").get_by_role("link", name=w["add web"]).click()
    page.get_by_label(re.compile("^" + w["website"])).fill("museum.example.org")
    page.get_by_role("button", name=w["save"], exact=True).click()
    expect(page.locator("#website-error")).to_have_text(w["bad website"])
    page.get_by_label(re.compile("^" + w["website"])).fill("https://museum.example.org")
    page.get_by_role("button", name=w["save"], exact=True).click()
    expect(page.locator("#profile-email_web")).to_contain_text("https://museum.example.org")
    expect(page.locator("#profile-email_web")).to_contain_text(member.form["email"])

    # Personal details
    page.get_by_role("link", name=w["edit personal"]).click()
    page.get_by_label(re.compile("^" + w["middle"])).fill("Marie")
    page.get_by_role("button", name=w["save"], exact=True).click()
    expect(page.locator("#profile-personal")).to_contain_text("Marie")

    # Education: a study of one's own, refused years, then saved, edited and removed.
    page.locator("#profile-education").get_by_role("link", name=w["add study"]).click()
    page.get_by_label(re.compile("^" + w["institution"])).fill("Sorbonne")
    page.get_by_label(re.compile("^" + w["study"])).fill("French")
    page.get_by_label(re.compile("^" + w["year started"])).fill("2016")
    page.get_by_label(re.compile("^" + w["year graduated"])).fill("2015")
    page.get_by_role("button", name=w["save study"]).click()
    expect(page.locator("#year_graduated-error")).to_have_text(w["year order"])
    page.get_by_label(re.compile("^" + w["year graduated"])).fill("2017")
    page.get_by_role("button", name=w["save study"]).click()
    education = page.locator("#profile-education")
    expect(education.locator("li")).to_have_count(2)
    expect(education.locator("li").nth(1)).to_contain_text("French, Sorbonne")
    expect(education.locator("li").nth(1)).not_to_contain_text(w["verified"])

    stored = member.get("/me/profile").json()
    assert stored["headline"] == "Archaeologist at the city museum"
    assert stored["bio"] == "I dig, then I count.\nMuseums are my thing."
    assert stored["address"]["city"] == "Leiden" and stored["address"]["country"] == "NL"
    assert stored["website"] == "https://museum.example.org"
    assert stored["middle_names"] == "Marie"
    assert [(s["programme"], s["verified"]) for s in stored["education"]] == [
        ("Archaeology", True),
        ("French", False),
    ]
    assert stored["completeness"]["missing"] == ["professional_history"]


def test_positions_are_added_edited_moved_and_removed(system, tmp_path, new_page):
    member = onboarded(system, tmp_path, "en", first_name="Noor")
    page = logged_in(new_page, system, member, "en")
    page.goto("/profile")
    history = page.locator("#profile-professional_history")
    expect(history).to_contain_text("No employment information yet.")

    def add(title, organisation, start, end=None, sector=None):
        history.get_by_role("link", name="Add a position").click()
        page.get_by_label(re.compile("^Job title")).fill(title)
        page.get_by_label(re.compile("^Organisation")).fill(organisation)
        if sector:
            page.get_by_label(re.compile("^Sector")).select_option(label=sector)
        page.get_by_label(re.compile("^Start month")).fill(start)
        if end:
            page.get_by_label(re.compile("^End month")).fill(end)
        else:
            page.get_by_label("I work here now").check()
        page.get_by_role("button", name="Save the position").click()
        expect(page).to_have_url(re.compile(r"/profile#profile-professional_history$"))

    def titles():
        return [p["title"] for p in member.get("/me/profile").json()["positions"]]

    add("Curator", "City Museum", "2015-01", "2019-06", sector="Arts and culture")
    add("Analyst", "Statistics Office", "2019-07")
    add("Intern", "Archive", "2014-01", "2014-06")
    entries = history.locator("li")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text("Curator, City Museum")
    expect(entries.nth(0)).to_contain_text("Arts and culture")
    expect(entries.nth(0)).to_contain_text("January 2015")
    expect(entries.nth(1)).to_contain_text("now")
    assert titles() == ["Curator", "Analyst", "Intern"]
    assert_accessible(page)

    # The first has no "move up", the last no "move down".
    expect(entries.nth(0).get_by_role("button", name=re.compile("^Move up"))).to_have_count(0)
    expect(entries.nth(2).get_by_role("button", name=re.compile("^Move down"))).to_have_count(0)
    history.get_by_role("button", name="Move up Analyst, Statistics Office").click()
    expect(entries.nth(0)).to_contain_text("Analyst, Statistics Office")
    assert titles() == ["Analyst", "Curator", "Intern"]
    history.get_by_role("button", name="Move down Analyst, Statistics Office").click()
    expect(entries.nth(1)).to_contain_text("Analyst, Statistics Office")
    assert titles() == ["Curator", "Analyst", "Intern"]

    # Edited: profiles' rule about a current position with an end month, by its field.
    history.get_by_role("link", name="Edit Analyst, Statistics Office").click()
    expect(page.get_by_label(re.compile("^Job title"))).to_have_value("Analyst")
    page.get_by_label(re.compile("^End month")).fill("2021-01")
    page.get_by_role("button", name="Save the position").click()
    expect(page.locator("#end_month-error")).to_have_text("A current position has no end month.")
    expect(
        page.get_by_role("alert").get_by_role("link", name=re.compile("^End month"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I work here now").uncheck()
    page.get_by_label(re.compile("^Job title")).fill("Senior analyst")
    page.get_by_role("button", name="Save the position").click()
    expect(entries.nth(1)).to_contain_text("Senior analyst, Statistics Office")
    assert titles() == ["Curator", "Senior analyst", "Intern"]

    history.get_by_role("button", name="Remove Intern, Archive").click()
    expect(entries).to_have_count(2)
    assert titles() == ["Curator", "Senior analyst"]
    # A form from before a save names an entry that is gone: not found, nothing changed.
    stale = page.goto("/profile/positions/1")
    assert stale.status == 404
    assert titles() == ["Curator", "Senior analyst"]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_student_switches_availability_on_and_is_found(system, tmp_path, new_page, language):
    """Every verified member may mentor by default: a student too."""
    w = words(language)
    tag = "mentortag" + uuid.uuid4().hex[:8]
    member = onboarded(system, tmp_path, language, role="student", first_name="Lotte")
    assert member.patch("/me/profile", {"headline": f"Student and {tag}"}).status_code == 200
    page = logged_in(new_page, system, member, language)
    page.goto("/profile")
    page.get_by_role("link", name=w["mentor"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/profile/mentor$"))
    tabs = page.get_by_role("navigation", name=re.compile("Profile tabs|Tabbladen"))
    expect(tabs.get_by_role("link", name=w["mentor"])).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # A capacity of none, then available with nothing offered: each refused by its field.
    page.get_by_label(w["available"]).check()
    page.get_by_label(re.compile("^" + w["most"])).fill("0")
    page.get_by_role("button", name=w["save mentor"]).click()
    expect(page.locator("#max_mentees-error")).to_have_text(w["number"])
    expect(page.get_by_label(w["available"])).to_be_checked()
    assert_accessible(page)
    page.get_by_label(re.compile("^" + w["most"])).fill("2")
    page.get_by_role("button", name=w["save mentor"]).click()
    expect(page.locator("#activities-error")).to_have_text(w["choose activity"])
    expect(page.get_by_role("alert")).to_contain_text(w["choose activity"])

    page.get_by_label(w["cv"]).check()
    page.get_by_label(w["interview"]).check()
    page.get_by_label(re.compile("^" + w["most"])).fill("2")
    page.get_by_label(w["arts"]).check()
    page.get_by_label(re.compile("^" + w["languages"])).fill("nl, en")
    page.get_by_label(re.compile("^" + w["note"])).fill("Evenings suit me best.")
    page.get_by_role("button", name=w["save mentor"]).click()
    expect(page.get_by_role("status")).to_contain_text(w["mentor saved"])
    expect(page.get_by_label(w["cv"])).to_be_checked()
    expect(page.get_by_label(re.compile("^" + w["languages"]))).to_have_value("en, nl")

    settings = member.get("/me/profile").json()["mentor"]
    assert settings | {"current_mentees": 0} == {
        "available": True,
        "activities": ["cv_review", "mock_interview"],
        "max_mentees": 2,
        "sectors": ["arts_culture"],
        "languages": ["en", "nl"],
        "note": "Evenings suit me best.",
        "current_mentees": 0,
        "room_left": 2,
        "eligible": True,
    }
    # Search finds her (profiles' search_mentors, through the API).
    seeker = onboarded(system, tmp_path, "en", first_name="Sem")
    found = seeker.get("/mentors", params={"q": tag}).json()
    assert [item["user_id"] for item in found["items"]] == [member.user_id]
    assert found["items"][0]["activities"] == ["cv_review", "mock_interview"]
    # And her public profile says so, in the page's language.
    page.goto(f"/members/{member.user_id}")
    expect(page.get_by_role("main")).to_contain_text(w["room"])
    expect(page.get_by_role("main")).to_contain_text(w["cv"])
    expect(page.get_by_role("main")).to_contain_text(w["dutch"])


@pytest.mark.parametrize("language", ["en", "nl"])
def test_another_members_public_profile_and_one_not_to_be_seen(
    system, tmp_path, new_page, language
):
    w = words(language)
    owner = onboarded(system, tmp_path, language, first_name="Fenna")
    assert (
        owner.patch(
            "/me/profile",
            {
                "headline": "Curator of maps",
                "bio": "Old maps, new readers.",
                "website": "https://fenna.example.org",
                "address": {"city": "Delft", "country": "NL"},
                "positions": [
                    {
                        "organisation": "Map Library",
                        "title": "Curator",
                        "start_month": "2016-03",
                        "current": True,
                    }
                ],
            },
        ).status_code
        == 200
    )
    viewer = onboarded(system, tmp_path, language, first_name="Jort")
    page = logged_in(new_page, system, viewer, language)
    response = page.goto(f"/members/{owner.user_id}")
    assert response.status == 200
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fenna")
    expect(main).to_contain_text("Curator of maps")
    expect(main).to_contain_text("Old maps, new readers.")
    expect(main).to_contain_text("Curator, Map Library")
    expect(main).to_contain_text(w["verified"])
    expect(main.locator(f"a[href='/inbox/new?to={owner.user_id}']")).to_have_count(1)
    # Contact details and address are for mentoring partners only.
    expect(main).not_to_contain_text(owner.form["email"])
    expect(main).not_to_contain_text("fenna.example.org")
    expect(main).not_to_contain_text("Delft")
    assert_accessible(page)

    # Not there, not yet verified, or not an id: one and the same "not found".
    unverified = Member(system, registration(language=language))
    unverified.sign_up()
    for user_id in (str(uuid.uuid4()), unverified.user_id, "not-an-id"):
        response = page.goto(f"/members/{user_id}")
        assert response.status == 404, user_id
        expect(page.get_by_role("heading", level=1)).to_have_text(w["not found"])
        expect(main).not_to_contain_text(
            unverified.form["first_name"] + " " + unverified.form["last_name"]
        )
    assert_accessible(page)

    # The owner sees hers as a member does.
    own = logged_in(new_page, system, owner, language)
    own.goto("/profile")
    own.get_by_role("link", name=w["see as member"]).click()
    expect(own).to_have_url(re.compile(f"/members/{owner.user_id}$"))
    expect(own.get_by_role("main")).to_contain_text(w["how others see"])
    expect(own.get_by_role("main")).to_contain_text("Curator of maps")
    expect(own.get_by_role("main")).not_to_contain_text("fenna.example.org")
    expect(own.locator(f"main a[href='/inbox/new?to={owner.user_id}']")).to_have_count(0)
    assert_accessible(own)


def owned_pages(member):
    """Every page of the profile, with something in each list to edit."""
    profile = member.get("/me/profile").json()
    position = profile["positions"][0]["id"]
    study = next(s["id"] for s in profile["education"] if s["source"] == "member")
    return [
        "/profile",
        "/profile/edit/headline",
        "/profile/edit/bio",
        "/profile/edit/personal",
        "/profile/edit/address",
        "/profile/edit/web",
        "/profile/positions/new",
        f"/profile/positions/{position}",
        "/profile/education/new",
        f"/profile/education/{study}",
        "/profile/mentor",
        f"/members/{member.user_id}",
    ]


def fill_profile(member):
    long_word = "Rijksdienstvoorhetcultureelerfgoedenarchiefbeheer" * 2
    assert (
        member.patch(
            "/me/profile",
            {
                "headline": "Archivist " + long_word[:100],
                "bio": long_word,
                "website": "https://" + "a" * 60 + ".example.org/" + "b" * 80,
                "address": {"line1": long_word[:150], "city": "Leiden", "country": "NL"},
                "positions": [
                    {
                        "organisation": long_word[:180],
                        "title": "Archivist",
                        "start_month": "2016-03",
                        "current": True,
                    }
                ],
                "education": [{"institution": "Sorbonne", "programme": "French"}],
            },
        ).status_code
        == 200
    )


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_profile_page_is_accessible(system, tmp_path, new_page, language):
    member = onboarded(system, tmp_path, language)
    fill_profile(member)
    page = logged_in(new_page, system, member, language)
    for path in owned_pages(member):
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)


def test_the_profile_pages_fit_a_phone(system, tmp_path, new_page):
    """At 375 px nothing is wider than the screen, long words and addresses included."""
    member = onboarded(system, tmp_path, "nl")
    fill_profile(member)
    page = logged_in(new_page, system, member, "nl", width=375)
    for path in owned_pages(member):
        page.goto(path)
        width = page.locator("html").evaluate("html => html.scrollWidth")
        assert width <= 375, (path, width)


def test_a_university_that_narrows_who_mentors_says_so_on_the_page(
    stack_factory, browser, tmp_path
):
    """MENTOR_ROLES=alumnus,staff: a student is told, and profiles refuses
    availability in the page's language."""
    stack = stack_factory(MENTOR_ROLES="alumnus,staff")
    stack.start_all()
    student = onboarded_member(stack, tmp_path, registration(language="nl"), role="student")
    context = browser.new_context(
        base_url=stack.gateway_url, locale="nl-NL", extra_http_headers={"Accept-Language": "nl"}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    PageMember(stack, student.form, student.user_id).log_in(page)
    page.goto("/profile/mentor")
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        dutch_of(
            "At this university your role cannot offer mentoring; you can still keep your settings "
            "and ask mentors for help."
        )
    )
    page.get_by_label(WORDS["nl"]["available"]).check()
    page.get_by_label(WORDS["nl"]["cv"]).check()
    page.get_by_role("button", name=WORDS["nl"]["save mentor"]).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        dutch_of("At this university your role cannot offer mentoring, so availability stays off.")
    )
    expect(page.locator("#available-error")).to_have_text(
        dutch_of("You cannot switch availability on.")
    )
    assert_accessible(page)
    assert student.get("/me/profile").json()["mentor"]["available"] is False
    context.close()
