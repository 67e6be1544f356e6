"""Search, a mentor's page with "Ask for mentoring", and the directory, in the
browser: filters and paging, the sector cloud's link, a request sent (and seen
by the mentor through the API), each refusal said in words in English and
Dutch, names found however they are typed, axe on every page in both
languages, and a phone's width."""

import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember


def word():
    """A made-up word nobody else has: each test searches only its own members."""
    return "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:10])


class Cast:
    """The members of this module, made once (onboarding each takes a while)."""


@pytest.fixture(scope="module")
def cast(system, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-pages")
    tag = word()

    def person(first, last, language, role="alumnus", headline=None):
        member = onboarded_member(
            system,
            tmp,
            registration(first_name=first, last_name=last, language=language),
            role=role,
        )
        if headline:
            assert member.patch("/me/profile", {"headline": headline}).status_code == 200
        return member

    c = Cast()
    c.tag = tag
    c.mentee_en = person("Sem", "Visser", "en", role="student")
    c.mentee_nl = person("Noor", "Bakker", "nl", role="student")
    c.maassen = person("Jürgen", "Maaßen", "en", headline=f"Archivaris {tag}")
    c.berg = person("Eva", "van den Berg", "en", headline=f"Notaris {tag}")
    c.third = person("Lotte", "Smit", "en", headline=f"Curator {tag}")
    become_mentor(c.maassen, max_mentees=3)
    become_mentor(c.berg, max_mentees=1)
    become_mentor(c.third, max_mentees=2, activities=("career_advice",))
    return c


def logged_in(new_page, system, member, language="en", width=None):
    page = new_page(language, width=width)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


def offered_in_mentoring(system, member, available=True):
    """Mentoring learns of an offer by event: wait until it has this one."""
    wait_until(
        lambda: (
            system.scalar(
                "mentoring",
                "SELECT available FROM mentor_offers WHERE user_id = %s",
                (str(member.user_id),),
            )
            is available
        ),
        15,
        0.1,
        "mentoring to know the offer",
    )


def cards(page):
    return page.locator("ul.cards > li h3 a")


# -- search -----------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "nl"])
def test_search_with_filters_and_paging(new_page, system, cast, language):
    page = logged_in(
        new_page, system, cast.mentee_en if language == "en" else cast.mentee_nl, language
    )
    page.goto("/search?per_page=2")
    page.locator("#q").fill(cast.tag)
    page.locator("#sector").select_option("arts_culture")
    page.locator("form.search-form button[type=submit]").click()
    expect(page.locator("#results-heading")).to_contain_text("3")
    assert "sector=arts_culture" in page.url and f"q={cast.tag}" in page.url
    first = cards(page).all_inner_texts()
    assert len(first) == 2
    expect(page.locator("nav.pager")).to_contain_text("1")
    assert_accessible(page)
    page.locator("nav.pager a[rel=next]").click()
    expect(page.locator("nav.pager a[rel=prev]")).to_have_count(1)
    second = cards(page).all_inner_texts()
    assert len(second) == 1 and not set(first) & set(second)
    names = set(first + second)
    assert names == {"Jürgen Maaßen", "Eva van den Berg", "Lotte Smit"}
    # An activity only one of them offers narrows it to her; a card says her places.
    page.goto(f"/search?q={cast.tag}&activity=career_advice")
    expect(cards(page)).to_have_text(["Lotte Smit"])
    expect(page.locator("ul.cards")).to_contain_text(
        "2 free places" if language == "en" else "2 vrije plaatsen"
    )
    expect(page.locator("#activity")).to_have_value("career_advice")


def test_the_sector_clouds_link_opens_the_search_filtered_by_it(page, system, cast):
    PageMember(system, cast.mentee_en.form, cast.mentee_en.user_id).log_in(page)
    page.goto(f"/search?sector=arts_culture&q={cast.tag}")
    expect(page.locator("#sector")).to_have_value("arts_culture")
    expect(cards(page)).to_have_count(3)
    page.goto(f"/search?sector=legal&q={cast.tag}")
    expect(page.locator("main")).to_contain_text("No mentor matches this search.")
    expect(cards(page)).to_have_count(0)


@pytest.mark.parametrize(
    "language, query, said",
    [
        ("en", "graduated_from=2020&graduated_to=2010", "Must not come before the first year."),
        ("nl", "graduated_from=2020&graduated_to=2010", "Mag niet voor het eerste jaar liggen."),
        ("en", "graduated_from=soon", "Must be a whole number."),
        ("nl", "graduated_from=soon", "Vul een geheel getal in."),
        ("en", "sector=astrology", "Choose a sector from the list."),
        ("nl", "country=XQ", "Gebruik een landcode van twee letters (ISO 3166), zoals NL."),
    ],
)
def test_a_bad_filter_is_named_in_the_pages_language(new_page, system, cast, language, query, said):
    page = logged_in(
        new_page, system, cast.mentee_en if language == "en" else cast.mentee_nl, language
    )
    response = page.goto(f"/search?{query}")
    assert response.status == 422
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(said)
    expect(summary).to_contain_text(
        "There is a problem" if language == "en" else "Er is een probleem"
    )
    assert_accessible(page)


# -- a mentor's page and asking ------------------------------------------------------------
def test_a_mentee_finds_a_mentor_by_name_and_asks(new_page, system, cast):
    page = logged_in(new_page, system, cast.mentee_en)
    offered_in_mentoring(system, cast.maassen)
    page.goto("/search")
    page.locator("#q").fill(f"maassen {cast.tag}")
    page.locator("form.search-form button[type=submit]").click()
    cards(page).filter(has_text="Jürgen Maaßen").click()
    assert page.url.endswith(f"/mentors/{cast.maassen.user_id}")
    offer = page.locator("section[aria-labelledby=public-mentor]")
    expect(offer).to_contain_text("CV review")
    expect(offer).to_contain_text("Mock interview")
    expect(offer).to_contain_text("room for 3 more mentees")
    assert_accessible(page)
    page.get_by_label("Mock interview").check()
    page.locator("#message").fill("Could you practise an interview with me?")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("Your request has been sent.")
    expect(page.locator("section[aria-labelledby=ask-heading]")).to_contain_text(
        "the request is waiting for an answer"
    )
    received = cast.maassen.get("/mentoring/requests", params={"box": "received"}).json()
    [request] = [r for r in received["items"] if r["mentee_id"] == cast.mentee_en.user_id]
    assert request["activities"] == ["mock_interview"]
    assert request["message"] == "Could you practise an interview with me?"
    assert request["status"] == "pending"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_refused_form_says_what_is_missing(new_page, system, cast, language):
    page = logged_in(
        new_page, system, cast.mentee_en if language == "en" else cast.mentee_nl, language
    )
    offered_in_mentoring(system, cast.third)
    page.goto(f"/mentors/{cast.third.user_id}")
    page.locator("section[aria-labelledby=ask-heading] button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(
        "Tell the mentor what you would like help with."
        if language == "en"
        else "Vertel de mentor waarmee je hulp wilt."
    )
    expect(page.locator("#message")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


REFUSED = {
    "full": (
        "This mentor has no free place for another mentee now.",
        "Deze mentor heeft nu geen vrije plaats voor nog een mentee.",
    ),
    "already asked": (
        "You already asked this mentor; your request is waiting for an answer.",
        "Je hebt deze mentor al gevraagd; je verzoek wacht op antwoord.",
    ),
    "unavailable": (
        "This mentor is not available now, so you cannot ask them.",
        "Deze mentor is nu niet beschikbaar, dus je kunt hem of haar niet vragen.",
    ),
}


def open_ask_forms(new_page, system, mentees, mentor):
    """Each mentee's mentor page, open with the form filled in (as a member would
    leave it in a tab), in their own language."""
    offered_in_mentoring(system, mentor)
    pages = []
    for mentee, language in mentees:
        page = logged_in(new_page, system, mentee, language)
        page.goto(f"/mentors/{mentor.user_id}")
        page.locator("#activities-field input[type=checkbox]").first.check()
        page.locator("#message").fill("I would like your advice.")
        pages.append((page, language))
    return pages


def send_and_expect(pages, refusal):
    for page, language in pages:
        page.locator("section[aria-labelledby=ask-heading] button[type=submit]").click()
        summary = page.locator("#error-summary")
        expect(summary).to_contain_text(REFUSED[refusal][0 if language == "en" else 1])
        assert_accessible(page)


def test_refusals_said_in_words_when_the_mentor_is_full(new_page, system, cast, tmp_path):
    mentor = onboarded_member(system, tmp_path, registration(first_name="Fenna", language="en"))
    become_mentor(mentor, max_mentees=1)
    pages = open_ask_forms(
        new_page, system, [(cast.mentee_en, "en"), (cast.mentee_nl, "nl")], mentor
    )
    other = onboarded_member(
        system, tmp_path, registration(first_name="Olaf", language="en"), role="student"
    )
    asked = ask(other, mentor)
    assert (
        mentor.post(
            f"/mentoring/requests/{asked.json()['id']}/accept", {"reply": "Welcome"}
        ).status_code
        == 200
    )
    send_and_expect(pages, "full")
    # Once profiles knows, the page itself says so, without a form.
    page = pages[0][0]
    wait_until(
        lambda: mentor.get("/me/profile").json()["mentor"]["room_left"] == 0,
        15,
        0.1,
        "profiles to count the mentee",
    )
    page.goto(f"/mentors/{mentor.user_id}")
    expect(page.locator("section[aria-labelledby=ask-heading]")).to_contain_text(
        "has no free places now"
    )
    expect(page.locator("#message")).to_have_count(0)


def test_refusals_said_in_words_when_already_asked(new_page, system, cast, tmp_path):
    mentor = onboarded_member(system, tmp_path, registration(first_name="Gijs", language="en"))
    become_mentor(mentor, max_mentees=2)
    pages = open_ask_forms(
        new_page, system, [(cast.mentee_en, "en"), (cast.mentee_nl, "nl")], mentor
    )
    for mentee in (cast.mentee_en, cast.mentee_nl):  # asked meanwhile, in another tab
        assert ask(mentee, mentor).status_code == 201
    send_and_expect(pages, "already asked")


def test_refusals_said_in_words_when_the_mentor_is_unavailable(new_page, system, cast, tmp_path):
    mentor = onboarded_member(system, tmp_path, registration(first_name="Hanna", language="en"))
    become_mentor(mentor, max_mentees=2)
    pages = open_ask_forms(
        new_page, system, [(cast.mentee_en, "en"), (cast.mentee_nl, "nl")], mentor
    )
    assert (
        mentor.put(
            "/me/mentor-settings",
            {
                "available": False,
                "activities": ["cv_review"],
                "max_mentees": 2,
                "sectors": ["arts_culture"],
                "languages": ["en"],
            },
        ).status_code
        == 200
    )
    offered_in_mentoring(system, mentor, available=False)
    send_and_expect(pages, "unavailable")
    page = pages[1][0]
    page.goto(f"/mentors/{mentor.user_id}")
    expect(page.locator("section[aria-labelledby=public-mentor]")).to_contain_text(
        "Nu niet beschikbaar als mentor."
    )
    expect(page.locator("section[aria-labelledby=ask-heading]")).to_contain_text(
        "zolang die niet beschikbaar is"
    )


def test_ones_own_mentor_page_offers_no_form_and_an_unknown_one_is_not_found(page, system, cast):
    PageMember(system, cast.third.form, cast.third.user_id).log_in(page)
    page.goto(f"/mentors/{cast.third.user_id}")
    expect(page.locator("section[aria-labelledby=ask-heading]")).to_contain_text("This is you")
    expect(page.locator("#message")).to_have_count(0)
    assert page.goto(f"/mentors/{uuid.uuid4()}").status == 404
    assert page.goto("/mentors/not-an-id").status == 404


# -- the directory ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "language, typed, name",
    [
        ("en", "maassen", "Jürgen Maaßen"),
        ("nl", "MAASSEN", "Jürgen Maaßen"),
        ("en", "vandenberg", "Eva van den Berg"),
        ("nl", "berg", "Eva van den Berg"),
    ],
)
def test_the_directory_finds_names_however_typed(new_page, system, cast, language, typed, name):
    page = logged_in(
        new_page, system, cast.mentee_en if language == "en" else cast.mentee_nl, language
    )
    page.goto("/directory")
    page.locator("#q").fill(f"{typed} {cast.tag}")
    page.locator("form.search-form button[type=submit]").click()
    expect(cards(page)).to_have_text([name])
    member = cast.maassen if "Maaßen" in name else cast.berg
    expect(cards(page)).to_have_attribute("href", f"/members/{member.user_id}")
    assert_accessible(page)


def test_the_directory_narrows_by_programme_and_year(page, system, cast):
    PageMember(system, cast.mentee_en.form, cast.mentee_en.user_id).log_in(page)
    # Every member here studied Archaeology; the alumni graduated in 2014.
    page.goto(f"/directory?q={cast.tag}&programme=archae&graduated_from=2014&graduated_to=2014")
    expect(cards(page)).to_have_count(3)
    page.goto(f"/directory?q={cast.tag}&programme=law")
    expect(page.locator("main")).to_contain_text("Nobody matches this search.")


# -- a phone's width -------------------------------------------------------------------------
def test_the_pages_fit_a_phone(new_page, system, cast):
    page = logged_in(new_page, system, cast.mentee_nl, "nl", width=375)
    for path in (
        f"/search?q={cast.tag}",
        f"/mentors/{cast.maassen.user_id}",
        f"/directory?q={cast.tag}",
        "/search?graduated_from=soon",
    ):
        page.goto(path)
        width = page.locator("html").evaluate("html => html.scrollWidth")
        assert width <= 375, (path, width)
    assert_accessible(page)
