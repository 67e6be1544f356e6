"""The affiliation review queue in a real browser: a reviewer opens two
members' requests (each beside the closest university records), rejects one
without a reason (the error, in the page's language), approves it, rejects the
other with a reason; each member then sees the outcome on their own pages,
and the audit log names both decisions.  An editor's role is refused.  Axe on
every page in English and Dutch."""

import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from tests.support import Member, import_records, record_number
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember
from tests.web.console import ConsoleOperator, make_operator

TEXTS = {
    "en": {
        "reviews": "Affiliation reviews",
        "review_of": "Affiliation review of {name}",
        "reject": "Reject",
        "approve": "Approve",
        "reason": "Why you reject it",
        "no_reason": "Say why the review is rejected: the member is told.",
        "approved": "The review is approved",
        "rejected": "The review is rejected",
        "study": "Your study details",
        "not_verified": "not verified",
        "audit": "Audit log",
        "audit_approved": "Affiliation review approved",
        "audit_rejected": "Affiliation review rejected",
        "agrees": "date of birth, last name",
    },
    "nl": {
        "reviews": "Controles van verbondenheid",
        "review_of": "Controle van {name}",
        "reject": "Afwijzen",
        "approve": "Goedkeuren",
        "reason": "Waarom je het afwijst",
        "no_reason": "Zeg waarom de controle is afgewezen: het lid krijgt dit te horen.",
        "approved": "De controle is goedgekeurd",
        "rejected": "De controle is afgewezen",
        "study": "Je studiegegevens",
        "not_verified": "niet bevestigd",
        "audit": "Auditlog",
        "audit_approved": "Controle van verbondenheid goedgekeurd",
        "audit_rejected": "Controle van verbondenheid afgewezen",
        "agrees": "geboortedatum, achternaam",
    },
}


def letters():
    """A unique ending for a name (names take letters only)."""
    return "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:8])


def asking_for_a_review(system, first_name, last_name, language):
    """A member whose number matched nothing, who asked a person to check."""
    form = registration(
        first_name=first_name, last_name=last_name, date_of_birth="1991-02-03", language=language
    )
    member = Member(system, form)
    member.sign_up()
    asked = member.post(
        "/onboarding/affiliation",
        {
            "role": "alumnus",
            "record_number": "NOSUCH1",
            "request_review": True,
            "note": f"I studied here as {first_name} {last_name}.",
        },
    )
    assert asked.status_code == 200, asked.text
    return PageMember(system, form, member.user_id)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_reviewer_approves_one_review_and_rejects_another_with_a_reason(
    system, new_page, tmp_path, language
):
    texts = TEXTS[language]
    suffix = letters()
    anna = asking_for_a_review(system, "Anna", f"Kuiper{suffix}", language)
    bram = asking_for_a_review(system, "Bram", f"Smit{suffix}", language)
    # Anna's real record: another number, her name and date of birth.
    annas_number = record_number()
    imported = import_records(
        system,
        tmp_path,
        [
            (
                annas_number,
                "alumnus",
                "Anna",
                f"Kuiper{suffix}",
                "1991-02-03",
                "History",
                "Humanities",
                2009,
                2013,
                "",
            )
        ],
    )
    assert imported.returncode == 0, imported.stderr

    reviewer = ConsoleOperator(make_operator(system, "reviewer"))
    page = new_page(language)
    reviewer.log_in(page)
    page.locator("header nav a", has_text=texts["reviews"]).click()
    expect(page.locator("h1")).to_have_text(texts["reviews"])
    assert page.request.get("/console/reviews/999999999").status == 404
    queue = page.locator("table.affiliation-reviews tbody tr")
    expect(queue.filter(has_text=f"Kuiper{suffix}")).to_have_count(1)
    expect(queue.filter(has_text=f"Smit{suffix}")).to_have_count(1)
    assert_accessible(page)

    # Anna's request, beside the closest records: hers first.
    queue.filter(has_text=f"Kuiper{suffix}").locator("a").click()
    anna_name = f"Anna Kuiper{suffix}"
    expect(page.locator("h1")).to_have_text(texts["review_of"].format(name=anna_name))
    expect(page.locator(".review-details")).to_contain_text("NOSUCH1")
    best = page.locator("table.closest-records tbody tr").first
    expect(best).to_contain_text(annas_number)
    expect(best).to_contain_text(texts["agrees"])
    assert_accessible(page)
    # Rejecting needs a reason: identity's refusal, in the page's language.
    page.get_by_role("button", name=texts["reject"], exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text(texts["no_reason"])
    expect(page.get_by_label(texts["reason"])).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_role("button", name=texts["approve"]).click()
    expect(page.locator("h1")).to_have_text(texts["reviews"])
    expect(page.locator("main [role=status]")).to_contain_text(texts["approved"])
    expect(queue.filter(has_text=f"Kuiper{suffix}")).to_have_count(0)

    queue.filter(has_text=f"Smit{suffix}").locator("a").click()
    reason = "No record has this name and date of birth; write to the helpdesk with your diploma."
    page.get_by_label(texts["reason"]).fill(reason)
    page.get_by_role("button", name=texts["reject"], exact=True).click()
    expect(page.locator("h1")).to_have_text(texts["reviews"])
    expect(page.locator("main [role=status]")).to_contain_text(texts["rejected"])
    expect(queue.filter(has_text=f"Smit{suffix}")).to_have_count(0)

    # Each member sees the outcome: Anna goes on to her study details, Bram
    # reads why he was not verified.
    anna_page = new_page(language)
    anna.log_in(anna_page)
    anna_page.goto("/onboarding")
    expect(anna_page.locator("h1")).to_have_text(texts["study"])
    bram_page = new_page(language)
    bram.log_in(bram_page)
    bram_page.goto("/onboarding/review")
    expect(bram_page.locator("main")).to_contain_text(texts["not_verified"])
    expect(bram_page.locator("main q")).to_have_text(reason)

    page.locator("header nav a", has_text=texts["audit"]).click()
    mine = page.locator("table.audit-log tbody tr", has_text=reviewer.username)
    expect(mine.filter(has_text=texts["audit_approved"])).to_have_count(1)
    expect(mine.filter(has_text=texts["audit_approved"])).to_contain_text(anna.form["username"])
    rejected = mine.filter(has_text=texts["audit_rejected"])
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text(bram.form["username"])
    expect(rejected).to_contain_text(reason)
    assert_accessible(page)


def test_an_editor_may_not_review_affiliations(system, new_page):
    editor = ConsoleOperator(make_operator(system, "editor"))
    page = new_page()
    editor.log_in(page)
    expect(page.locator("header nav a", has_text="Affiliation reviews")).to_have_count(0)
    page.goto("/console/reviews")
    expect(page.locator("h1")).to_have_text("This was refused")
    expect(page.locator("main")).to_contain_text("Your role does not allow this page.")
    assert page.request.get("/console/reviews").status == 403
