"""The Requests and Relationships pages in a real browser, each member in their
own browser context: a mentor accepts with a reply or declines with a reason
and a reply and the mentee sees them; a mentee withdraws; every refusal is
said in words (already answered, withdrawn, no room); a relationship is ended
after a confirmation and the other member is told in-app and by e-mail;
another member's request or relationship is not found and shows nothing of
it; every page passes axe in English and Dutch and fits 375 px."""

import re

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember


def browser_of(new_page, system, member, language="en", width=None):
    """A page in a new browser context, logged in as ``member``."""
    page = new_page(language, width=width)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


def name_of(member):
    return f"{member.form['first_name']} {member.form['last_name']}"


@pytest.fixture
def people(system, tmp_path):
    """A mentor (room for one mentee) and two students; language: English."""

    def make(language="en", max_mentees=1):
        mentor = onboarded_member(
            system, tmp_path, registration(first_name="Marit", language=language)
        )
        mentee = onboarded_member(
            system, tmp_path, registration(first_name="Sem", language=language), role="student"
        )
        become_mentor(mentor, max_mentees=max_mentees)
        return mentor, mentee

    return make


def asked(mentee, mentor, message="Could you review my CV?"):
    response = ask(mentee, mentor, message=message)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def notifications_of(member):
    return [n["text"] for n in member.get("/notifications").json()["items"]]


def test_the_mentor_accepts_with_a_reply_and_the_mentee_sees_it(system, new_page, people):
    mentor, mentee = people()
    request_id = asked(mentee, mentor, "Could you look at my CV? <b>thanks</b>")
    page = browser_of(new_page, system, mentor)
    page.goto("/requests")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring requests")
    received = page.get_by_role("region", name="Waiting for your answer and answered")
    expect(received.get_by_text("waiting for an answer")).to_be_visible()
    received.get_by_role("link", name=f"Request from {name_of(mentee)}").click()
    expect(page).to_have_url(re.compile(rf"/requests/{request_id}$"))
    expect(page.get_by_text("Could you look at my CV? <b>thanks</b>")).to_be_visible()  # as typed
    page.get_by_label("Your reply").first.fill("Gladly! Send it over.")
    page.get_by_role("button", name="Accept the request").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"You accepted the request. {name_of(mentee)} is told, with your reply."
    )
    expect(page.locator(".facts .status")).to_have_text("accepted")
    expect(page.get_by_role("button", name="Accept the request")).to_have_count(0)
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("listitem")).to_have_count(2)
    expect(history.get_by_role("listitem").nth(1)).to_contain_text("Accepted by you")
    expect(history.get_by_role("listitem").nth(1)).to_contain_text("Gladly! Send it over.")

    theirs = browser_of(new_page, system, mentee)
    theirs.goto("/requests")
    theirs.get_by_role("region", name="Requests you made").get_by_role(
        "link", name=f"Request to {name_of(mentor)}"
    ).click()
    expect(theirs.get_by_role("heading", level=1)).to_have_text(
        f"Your request to {name_of(mentor)}"
    )
    expect(
        theirs.get_by_role("definition").filter(has_text="Gladly! Send it over.")
    ).to_be_visible()
    expect(theirs.get_by_text(f"Reply from {name_of(mentor)}")).to_be_visible()
    expect(
        theirs.get_by_role("region", name="History").get_by_role("listitem").nth(1)
    ).to_contain_text(f"Accepted by {name_of(mentor)}")
    theirs.get_by_role("link", name=f"Open your relationship with {name_of(mentor)}").click()
    expect(theirs.get_by_role("heading", level=1)).to_have_text(f"{name_of(mentor)} mentors you")
    # From there, the partner's profile and a message to them.
    theirs.get_by_role("link", name=f"Write a message to {name_of(mentor)}").click()
    expect(theirs).to_have_url(re.compile(rf"/inbox/new\?to={mentor.user_id}$"))
    theirs.go_back()
    theirs.get_by_role("link", name=f"Profile of {name_of(mentor)}").click()
    expect(theirs).to_have_url(re.compile(rf"/members/{mentor.user_id}$"))
    expect(theirs.get_by_role("heading", level=1)).to_contain_text(name_of(mentor))


def test_the_mentor_declines_with_a_reason_and_a_reply_and_the_mentee_sees_both(
    system, new_page, people
):
    mentor, mentee = people(language="nl")
    request_id = asked(mentee, mentor)
    page = browser_of(new_page, system, mentor, "nl")
    page.goto(f"/requests/{request_id}")
    # No reason chosen: mentoring refuses, and the page says why beside the choice.
    page.get_by_label("Je antwoord").nth(1).fill("Probeer Piet, hij weet er meer van.")
    page.get_by_role("button", name="Verzoek afwijzen").click()
    expect(page.get_by_role("alert")).to_contain_text("Kies waarom je afwijst.")
    expect(page.locator("#reason-field")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#decline-reply")).to_have_value("Probeer Piet, hij weet er meer van.")
    assert_accessible(page)
    page.get_by_label("Dit is niet mijn vakgebied").check()
    page.get_by_role("button", name="Verzoek afwijzen").click()
    expect(page.get_by_role("status")).to_contain_text("Je hebt het verzoek afgewezen.")
    expect(page.locator(".facts .status")).to_have_text("afgewezen")

    theirs = browser_of(new_page, system, mentee, "nl")
    theirs.goto(f"/requests/{request_id}")
    facts = theirs.locator(".facts")
    expect(facts).to_contain_text("Dit is niet mijn vakgebied")
    expect(facts).to_contain_text("Probeer Piet, hij weet er meer van.")
    expect(theirs.get_by_role("button", name="Je verzoek intrekken")).to_have_count(0)
    # The mentee is told: a notification that leads to this request.
    wait_until(
        lambda: any("afgewezen" in text for text in notifications_of(mentee)),
        15,
        0.1,
        "the mentee's notification",
    )
    theirs.goto("/notifications")
    theirs.get_by_role("link", name=re.compile("heeft je verzoek om mentoring afgewezen")).click()
    expect(theirs).to_have_url(re.compile(rf"/requests/{request_id}$"))
    expect(theirs.locator(".facts")).to_contain_text("Probeer Piet, hij weet er meer van.")
    assert (
        mentee.get(f"/mentoring/requests/{request_id}").json()["reply"]
        == "Probeer Piet, hij weet er meer van."
    )


def test_a_mentee_withdraws_and_an_answer_that_comes_too_late_is_told_in_words(
    system, tmp_path, new_page, people
):
    mentor, mentee = people()
    request_id = asked(mentee, mentor)
    mentors_page = browser_of(new_page, system, mentor)
    mentors_page.goto(f"/requests/{request_id}")  # open before the mentee withdraws
    expect(mentors_page.get_by_role("button", name="Accept the request")).to_be_visible()

    page = browser_of(new_page, system, mentee)
    page.goto("/requests")
    page.get_by_role("link", name=f"Request to {name_of(mentor)}").click()
    page.get_by_role("button", name="Withdraw your request").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"You withdrew your request. {name_of(mentor)} is told."
    )
    expect(page.locator(".facts .status")).to_have_text("withdrawn")
    expect(page.get_by_role("button", name="Withdraw your request")).to_have_count(0)

    mentors_page.get_by_role("button", name="Accept the request").click()
    expect(mentors_page.get_by_role("alert")).to_contain_text("This request is already withdrawn.")
    expect(mentors_page.locator(".facts .status")).to_have_text("withdrawn")
    assert mentor.get("/mentoring/relationships").json()["items"] == []

    # A full mentor is told so in words: room for one, and it is taken.
    first = asked(mentee, mentor)
    other = onboarded_member(
        system, tmp_path, registration(first_name="Noor", language="en"), role="student"
    )
    second = asked(other, mentor)
    assert mentor.post(f"/mentoring/requests/{first}/accept", {"reply": "Yes"}).status_code == 200
    mentors_page.goto(f"/requests/{second}")
    mentors_page.get_by_role("button", name="Accept the request").click()
    expect(mentors_page.get_by_role("alert")).to_contain_text(
        "You have no room for another mentee; end a relationship or raise your maximum first."
    )
    expect(mentors_page.locator(".facts .status")).to_have_text("waiting for an answer")


def test_ending_a_relationship_asks_first_and_the_other_member_is_told(
    system, mailbox, new_page, people
):
    mentor, mentee = people()
    request_id = asked(mentee, mentor)
    relationship_id = mentor.post(
        f"/mentoring/requests/{request_id}/accept", {"reply": "Gladly"}
    ).json()["relationship"]["id"]
    page = browser_of(new_page, system, mentee)
    page.goto("/relationships")
    current = page.get_by_role("region", name="Current")
    current.get_by_role("link", name=f"{name_of(mentor)} mentors you").click()
    expect(page).to_have_url(re.compile(rf"/relationships/{relationship_id}$"))
    page.get_by_role("link", name=f"End the relationship with {name_of(mentor)}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"End your mentoring relationship with {name_of(mentor)}?"
    )
    page.get_by_role("link", name="No, keep it").click()  # changing one's mind ends nothing
    expect(page).to_have_url(re.compile(rf"/relationships/{relationship_id}$"))
    assert mentee.get(f"/mentoring/relationships/{relationship_id}").json()["ended_at"] is None

    page.get_by_role("link", name=f"End the relationship with {name_of(mentor)}").click()
    page.get_by_label("Ended early").check()
    page.get_by_label("Why you end it").fill("I got the job. Thank you!")
    page.get_by_role("button", name="Yes, end the relationship").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"The relationship has ended. {name_of(mentor)} is told."
    )
    expect(page.locator(".facts")).to_contain_text("I got the job. Thank you!")
    expect(page.get_by_role("link", name=re.compile("^End the relationship"))).to_have_count(0)
    page.goto("/relationships")
    expect(
        page.get_by_role("region", name="Ended").get_by_role(
            "link", name=f"{name_of(mentor)} mentors you"
        )
    ).to_be_visible()

    # The mentor is told: in the notification centre and by e-mail, with the reason.
    mail = wait_until(
        lambda: mailbox.to(mentor.form["email"], "ended your mentoring relationship"),
        15,
        0.1,
        "the mentor's e-mail",
    )[-1]
    assert "I got the job. Thank you!" in mail["body"]
    theirs = browser_of(new_page, system, mentor)
    theirs.goto("/notifications")
    told = theirs.get_by_role(
        "link", name=re.compile(f"{name_of(mentee)} ended your mentoring relationship")
    )
    expect(told).to_contain_text("I got the job. Thank you!")
    told.click()  # the notification opens the relationship it is about
    expect(theirs).to_have_url(re.compile(rf"/relationships/{relationship_id}$"))
    expect(theirs.get_by_role("heading", level=1)).to_have_text(f"You mentor {name_of(mentee)}")
    expect(theirs.locator(".facts")).to_contain_text(f"by {name_of(mentee)}")
    expect(theirs.locator(".facts")).to_contain_text("I got the job. Thank you!")


def test_another_members_request_or_relationship_is_not_found_and_shows_nothing(
    system, tmp_path, new_page, people
):
    mentor, mentee = people()
    secret = "My salary is 31,000 and I want to leave"
    request_id = asked(mentee, mentor, secret)
    relationship_id = mentor.post(
        f"/mentoring/requests/{request_id}/accept", {"reply": "Private reply"}
    ).json()["relationship"]["id"]
    stranger = onboarded_member(system, tmp_path, registration(first_name="Eve", language="en"))
    page = browser_of(new_page, system, stranger)
    missing = {}
    for path in (f"/requests/{request_id + 100000}", f"/relationships/{relationship_id + 100000}"):
        response = page.goto(path)
        assert response.status == 404
        missing[path.split("/")[1]] = page.locator("main").inner_text()
    for path in (
        f"/requests/{request_id}",
        f"/relationships/{relationship_id}",
        f"/relationships/{relationship_id}/end",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        main = page.locator("main").inner_text()
        assert main == missing[path.split("/")[1]]  # exactly as for one that does not exist
        body = page.content()
        for private in (secret, "Private reply", mentor.form["last_name"], "Marit", "Sem"):
            assert private not in body, (path, private)
    assert_accessible(page)
    # Acting on them by a forged form is not found either, and changes nothing.
    page.goto("/settings")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for path, form in (
        (f"/requests/{request_id}/withdraw", {}),
        (f"/relationships/{relationship_id}/end", {"reason": "gone"}),
    ):
        response = page.request.post(path, form={"csrf_token": token, **form})
        assert response.status == 404, (path, response.status)
        assert secret not in response.text()
    assert mentor.get(f"/mentoring/relationships/{relationship_id}").json()["ended_at"] is None


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_mentoring_page_is_accessible_and_fits_a_phone(
    system, tmp_path, new_page, people, language
):
    mentor, mentee = people(language=language, max_mentees=2)
    accepted = asked(mentee, mentor)
    relationship_id = mentor.post(
        f"/mentoring/requests/{accepted}/accept", {"reply": "Gladly"}
    ).json()["relationship"]["id"]
    other = onboarded_member(
        system, tmp_path, registration(first_name="Noor", language=language), role="student"
    )
    pending = asked(other, mentor, "A long message " * 40)
    pages = {
        mentor: (
            "/requests",
            f"/requests/{pending}",
            f"/requests/{accepted}",
            "/relationships",
            f"/relationships/{relationship_id}",
            f"/relationships/{relationship_id}/end",
            "/requests/999999999",
        ),
        other: ("/requests", f"/requests/{pending}"),
    }
    for member, paths in pages.items():
        for width in (None, 375):
            page = browser_of(new_page, system, member, language, width=width)
            for path in paths:
                page.goto(path)
                expect(page.locator("html")).to_have_attribute("lang", language)
                if width:
                    scroll = page.locator("html").evaluate("html => html.scrollWidth")
                    assert scroll <= 375, (path, scroll)
                else:
                    assert_accessible(page)
