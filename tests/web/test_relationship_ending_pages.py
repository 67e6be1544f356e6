"""The ending and the feedback in a real browser, in English and Dutch: the
mentee ends the relationship saying how (a missing outcome is named), both are
asked for feedback by e-mail in their language, the mentee follows her mail's
link and rates it with a comment; the partner reads nothing of it on any page
or by any call he can make, while the operators' statistics count it.  Every
page passes axe."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

WORDS = {
    "en": {
        "end": "End the relationship with {name}",
        "completed": "Completed: we did what we set out to do",
        "how": "How did it end?",
        "confirm": "Yes, end the relationship",
        "no_outcome": "Say whether the relationship is completed or ended early.",
        "ended": "The relationship has ended. {name} is told.",
        "outcome": "Completed",
        "mail": "How did your mentoring relationship with {name} go?",
        "heading": "Feedback on your mentoring relationship with {name}",
        "rating": "5, excellent",
        "no_rating": "Choose a rating from 1 to 5.",
        "comment": "Your comment",
        "send": "Send feedback",
        "thanks": "Thank you for your feedback.",
        "already": "You have already given feedback on this relationship. Thank you.",
    },
    "nl": {
        "end": "De relatie met {name} beëindigen",
        "completed": "Voltooid: we hebben gedaan wat we ons voornamen",
        "how": "Hoe is het afgelopen?",
        "confirm": "Ja, beëindig de relatie",
        "no_outcome": "Geef aan of de relatie voltooid is of voortijdig beëindigd.",
        "ended": "De relatie is beëindigd. {name} krijgt bericht.",
        "outcome": "Voltooid",
        "mail": "Hoe ging je mentorrelatie met {name}?",
        "heading": "Feedback over je mentorrelatie met {name}",
        "rating": "5, uitstekend",
        "no_rating": "Kies een cijfer van 1 tot 5.",
        "comment": "Je opmerking",
        "send": "Feedback versturen",
        "thanks": "Bedankt voor je feedback.",
        "already": "Je hebt al feedback over deze relatie gegeven. Bedankt.",
    },
}


def name_of(member):
    return f"{member.form['first_name']} {member.form['last_name']}"


def logged_in(new_page, system, member, language):
    page = new_page(language)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_ending_with_its_outcome_and_feedback_the_partner_never_sees(
    system, tmp_path, new_page, mailbox, language
):
    words = WORDS[language]
    surname = "Feedback" + "".join(chr(ord("a") + int(d, 16)) for d in uuid.uuid4().hex[:6])
    mentor = onboarded_member(
        system, tmp_path, registration(first_name="Marit", last_name=surname, language=language)
    )
    mentee = onboarded_member(
        system,
        tmp_path,
        registration(first_name="Sem", last_name=surname, language=language),
        role="student",
    )
    become_mentor(mentor)
    request_id = ask(mentee, mentor).json()["id"]
    relationship_id = mentor.post(f"/mentoring/requests/{request_id}/accept", {}).json()[
        "relationship"
    ]["id"]

    page = logged_in(new_page, system, mentee, language)
    page.goto(f"/relationships/{relationship_id}")
    page.get_by_role("link", name=words["end"].format(name=name_of(mentor))).click()
    assert_accessible(page)
    # Without saying how, it is refused, the field named at the top and beside it.
    page.get_by_role("button", name=words["confirm"]).click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(words["no_outcome"])
    expect(page.locator("#outcome-field")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name=re.compile(re.escape(words["how"]))).click()
    expect(page.locator("#outcome")).to_be_focused()
    assert_accessible(page)
    assert mentee.get(f"/mentoring/relationships/{relationship_id}").json()["ended_at"] is None

    page.get_by_label(words["completed"]).check()
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["ended"].format(name=name_of(mentor)))
    expect(page.locator(".facts")).to_contain_text(words["outcome"])
    assert_accessible(page)

    # Both are asked by e-mail, in their language, with a link to the feedback page.
    asked = {}
    for member, partner in ((mentee, mentor), (mentor, mentee)):
        subject = re.escape(words["mail"].format(name=name_of(partner)))
        mail = wait_until(
            lambda m=member, s=subject: mailbox.to(m.form["email"], s), 20, 0.1, "the ask"
        )
        assert len(mail) == 1
        asked[member] = re.search(r"(http\S+/feedback)", mail[0]["body"]).group(1)
    assert asked[mentee].endswith(f"/relationships/{relationship_id}/feedback")

    page.goto(asked[mentee])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words["heading"].format(name=name_of(mentor))
    )
    assert_accessible(page)
    page.get_by_role("button", name=words["send"]).click()  # no rating chosen
    expect(page.locator("#error-summary")).to_contain_text(words["no_rating"])
    assert_accessible(page)
    secret = f"Sometimes late, a {uuid.uuid4().hex}"
    page.get_by_label(words["rating"]).check()
    page.get_by_label(words["comment"]).fill(secret)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["thanks"])
    expect(page.get_by_role("button", name=words["send"])).to_have_count(0)
    page.goto(asked[mentee])  # later, from the mail again
    expect(page.locator("main")).to_contain_text(words["already"])
    assert_accessible(page)
    # Kept, for the operators' statistics, with the outcome.
    stats = system.rpc.call("mentoring", "feedback_statistics", timeout=10)
    [completed] = [s for s in stats["by_outcome"] if s["outcome"] == "completed"]
    assert secret in completed["comments"] and completed["ratings"]["5"] >= 1

    # The partner: nothing of it on any page he can open ...
    theirs = logged_in(new_page, system, mentor, language)
    for path in (
        f"/relationships/{relationship_id}",
        f"/relationships/{relationship_id}/feedback",
        "/relationships",
        "/notifications",
        "/dashboard",
        f"/requests/{request_id}",
    ):
        assert theirs.goto(path).status == 200, path
        assert secret not in theirs.content(), path
    theirs.goto(asked[mentor])  # his own ask is still open to him
    expect(theirs.get_by_role("button", name=words["send"])).to_be_visible()
    assert_accessible(theirs)
    # ... nor by the API or any RPC he may make.
    for path in (
        f"/mentoring/relationships/{relationship_id}",
        f"/mentoring/relationships/{relationship_id}/feedback",
        "/mentoring/relationships?current=false",
        "/dashboard",
        "/notifications",
    ):
        response = mentor.get(path)
        assert response.status_code == 200 and secret not in response.text, path
    assert (
        mentor.get(f"/mentoring/relationships/{relationship_id}/feedback").json()["given"] is False
    )
    for method, kwargs in (
        ("get_relationship", {"relationship_id": relationship_id}),
        ("feedback_status", {"relationship_id": relationship_id}),
        ("list_relationships", {"current": False}),
        ("overview", {}),
    ):
        seen = system.rpc.call(
            "mentoring", method, kwargs={"user_id": mentor.user_id, **kwargs}, timeout=10
        )
        assert secret not in str(seen), method
