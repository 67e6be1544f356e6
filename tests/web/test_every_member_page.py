"""Checks across every member page, listed from the gateway's own routes (the
web blueprints' GET rules behind ``member_required``), so a page added later
cannot be forgotten: the test fails until it is named here.

- axe-core finds no serious or critical violation on any of them, in English
  and in Dutch.
- Another member's object (a request, a relationship, a conversation, a
  message, a profile entry) opened by its URL is the same "not found" page as
  one that never existed, and nothing of it is in the HTML.
"""

import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from gateway import create_app
from gateway.web import BLUEPRINTS
from gateway.web.sessions import member_required
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

# Each member page's rule, and what to open for it: (who looks, the path).
# ``mentor`` and ``mentee`` have a request, a relationship and a conversation
# together; the mentor's profile has a position and a study of her own.
PAGES = {
    "/dashboard": [("mentor", "/dashboard")],
    "/profile": [("mentor", "/profile")],
    "/profile/edit/<section>": [
        ("mentor", f"/profile/edit/{section}")
        for section in ("headline", "bio", "personal", "address", "web")
    ],
    "/profile/positions/new": [("mentor", "/profile/positions/new")],
    "/profile/positions/<int:position_id>": [("mentor", "/profile/positions/{position}")],
    "/profile/education/new": [("mentor", "/profile/education/new")],
    "/profile/education/<int:study_id>": [("mentor", "/profile/education/{study}")],
    "/profile/mentor": [("mentor", "/profile/mentor")],
    "/members/<user_id>": [("mentor", "/members/{mentee_id}")],
    "/search": [("mentee", "/search"), ("mentee", "/search?q={surname}")],
    "/mentors/<uuid:user_id>": [
        ("mentee", "/mentors/{mentor_id}"),
        ("mentor", "/mentors/{other_mentor_id}"),
    ],
    "/directory": [("mentee", "/directory?q={surname}")],
    "/requests": [("mentor", "/requests")],
    "/requests/<int:request_id>": [
        ("mentor", "/requests/{pending_request}"),
        ("mentee", "/requests/{request}"),
    ],
    "/relationships": [("mentor", "/relationships")],
    "/relationships/<int:relationship_id>": [("mentor", "/relationships/{relationship}")],
    "/relationships/<int:relationship_id>/end": [("mentee", "/relationships/{relationship}/end")],
    "/relationships/<int:relationship_id>/feedback": [
        ("mentee", "/relationships/{relationship}/feedback")
    ],
    "/inbox": [("mentor", "/inbox")],
    "/inbox/<int:conversation_id>": [("mentor", "/inbox/{conversation}")],
    "/inbox/new": [("mentee", "/inbox/new?to={other_mentor_id}")],
    "/inbox/messages/<int:message_id>/report": [("mentor", "/inbox/messages/{message}/report")],
    "/notifications": [("mentor", "/notifications")],
    "/settings": [("mentor", "/settings")],
    "/settings/data": [("mentor", "/settings/data")],
    "/settings/delete-account": [("mentor", "/settings/delete-account")],
    "/linkedin/archive": [("mentor", "/linkedin/archive")],
}
# Member routes that are not pages of their own, and where they are tested.
NOT_PAGES = {
    "/onboarding": "sends the member to their next step (test_onboarding_pages.py)",
    "/linkedin/link": "only right after a LinkedIn sign-in (test_linkedin.py)",
    "/members/<user_id>/photo": "an image",
    "/settings/data/download": "only through the one-time link of an export (test_data_rights_pages.py)",
}
# The onboarding steps are member pages too, for a member who is not done yet:
# a finished member is sent on from them.  test_onboarding_pages.py runs axe on
# each, in both languages.
ONBOARDING = "/onboarding/"

# Pages about one object of the member's own: for anyone else, not found.
# (Public profiles and a mentor's page are the other rules with an argument.)
PRIVATE = (
    "/requests/<int:request_id>",
    "/relationships/<int:relationship_id>",
    "/relationships/<int:relationship_id>/end",
    "/relationships/<int:relationship_id>/feedback",
    "/inbox/<int:conversation_id>",
    "/inbox/messages/<int:message_id>/report",
    "/profile/positions/<int:position_id>",
    "/profile/education/<int:study_id>",
)
PUBLIC_WITH_ARGUMENTS = ("/members/<user_id>", "/mentors/<uuid:user_id>", "/profile/edit/<section>")

SECRETS = {
    "request": "Private: my salary is 31,000 and I want to leave",
    "reply": "Private reply about the salary",
    "message": "Private message: the reorganisation is next month",
    "organisation": "Privatecompanyname BV",
    "study": "Secretstudyname",
}


def member_rules():
    """The GET rules of the web blueprints whose view is member_required's wrapper."""
    app = create_app()
    wrapper = member_required(lambda: None).__code__
    blueprints = {blueprint.name for blueprint in BLUEPRINTS}
    return {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in blueprints
        and "GET" in rule.methods
        and getattr(app.view_functions[rule.endpoint], "__code__", None) is wrapper
    }


def test_every_member_page_is_in_these_lists():
    rules = {rule for rule in member_rules() if not rule.startswith(ONBOARDING)}
    missing = rules - set(PAGES) - set(NOT_PAGES)
    assert not missing, f"member pages no test opens here: add them to PAGES: {sorted(missing)}"
    gone = (set(PAGES) | set(NOT_PAGES)) - rules
    assert not gone, f"no longer member pages (or renamed): {sorted(gone)}"
    with_arguments = {rule for rule in PAGES if "<" in rule}
    assert with_arguments == set(PRIVATE) | set(PUBLIC_WITH_ARGUMENTS), (
        "say whether each page about one object is private (PRIVATE) or not"
    )


def made_up_name():
    letters = "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:9])
    return letters.capitalize()


def cast(system, tmp_path, language):
    """Two mentors and a mentee with something on every page; what each page needs."""
    surname = made_up_name()

    def person(first, role="alumnus"):
        return onboarded_member(
            system,
            tmp_path,
            registration(first_name=first, last_name=surname, language=language),
            role=role,
        )

    mentor, other_mentor, mentee = person("Marit"), person("Joost"), person("Sem", "student")
    become_mentor(mentor, max_mentees=3)
    become_mentor(other_mentor, max_mentees=3)
    asked = ask(mentee, mentor, message=SECRETS["request"])
    assert asked.status_code == 201, asked.text
    accepted = mentor.post(
        f"/mentoring/requests/{asked.json()['id']}/accept", {"reply": SECRETS["reply"]}
    )
    assert accepted.status_code == 200, accepted.text
    pending = ask(other_mentor, mentor, message="A request still waiting for an answer " * 10)
    assert pending.status_code == 201, pending.text
    started = mentee.post(
        "/conversations", {"recipient_id": mentor.user_id, "body": SECRETS["message"]}
    )
    assert started.status_code == 201, started.text
    assert (
        mentor.patch(
            "/me/profile",
            {
                "headline": "Curator",
                "bio": "I look after collections.",
                "positions": [
                    {
                        "organisation": SECRETS["organisation"],
                        "title": "Curator",
                        "start_month": "2016-03",
                        "current": True,
                    }
                ],
                "education": [{"institution": "Sorbonne", "programme": SECRETS["study"]}],
            },
        ).status_code
        == 200
    )
    profile = mentor.get("/me/profile").json()
    values = {
        "surname": surname.lower(),
        "mentor_id": mentor.user_id,
        "mentee_id": mentee.user_id,
        "other_mentor_id": other_mentor.user_id,
        "request": asked.json()["id"],
        "pending_request": pending.json()["id"],
        "relationship": accepted.json()["relationship"]["id"],
        "conversation": started.json()["id"],
        "message": started.json()["message"]["id"],
        "position": profile["positions"][0]["id"],
        "study": next(s["id"] for s in profile["education"] if s["source"] == "member"),
    }
    return {"mentor": mentor, "mentee": mentee}, values


def logged_in(new_page, system, member, language):
    page = new_page(language)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_member_page_is_accessible(system, tmp_path, new_page, language):
    members, values = cast(system, tmp_path, language)
    pages = {who: logged_in(new_page, system, member, language) for who, member in members.items()}
    for rule, visits in PAGES.items():
        for who, path in visits:
            page = pages[who]
            response = page.goto(path.format(**values))
            assert response.status == 200, (rule, page.url, response.status)
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page)


def test_another_members_object_is_not_found_and_nothing_of_it_shows(system, tmp_path, new_page):
    _, values = cast(system, tmp_path, "en")
    stranger = onboarded_member(system, tmp_path, registration(first_name="Eve", language="en"))
    page = logged_in(new_page, system, stranger, "en")
    never = {key: 999999999 if isinstance(value, int) else value for key, value in values.items()}
    names = (values["surname"], "Marit", "Joost")
    for rule in PRIVATE:
        for _, path in PAGES[rule]:
            assert page.goto(path.format(**never)).status == 404
            not_found = page.locator("main").inner_text()
            url = path.format(**values)
            response = page.goto(url)
            assert response.status == 404, (url, response.status)
            # Word for word the page of one that never existed ...
            assert page.locator("main").inner_text() == not_found, url
            # ... and nothing of the object anywhere in the HTML.
            html = page.content().lower()
            for secret in (*SECRETS.values(), *names):
                assert secret.lower() not in html, (url, secret)
