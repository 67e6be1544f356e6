"""Message reports in a real browser: a member reports another's message; a
reviewer reads it among the messages around it, warns the writer (who is told
in their language; a warning without words is refused, in the page's
language), suspends them (they cannot log in and the directory no longer finds
them), lifts the suspension (both again), and closes the report; the audit
log names every action.  Axe on every page in English and Dutch."""

import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember
from tests.web.console import ConsoleOperator, make_operator

TEXTS = {
    "en": {
        "reports": "Message reports",
        "report": "Message report",
        "reported": "the reported message",
        "warning": "What you warn them about",
        "warn": "Warn the member",
        "no_warning": "Say what the member is warned about, in 1 to 400 characters: they are told.",
        "warned": "The member is warned",
        "told": "The operators warned you about a message you wrote: ",
        "why": "Why",
        "suspend": "Suspend the member",
        "suspended": "The member is suspended",
        "suspended_login": "This account is suspended after a report",
        "unsuspend": "Lift the suspension",
        "unsuspended": "The member's suspension is lifted.",
        "close": "Close the report",
        "closed": "The report is closed.",
        "audit": "Audit log",
        "actions": (
            "Member warned",
            "Member suspended",
            "Member's suspension lifted",
            "Report closed",
        ),
    },
    "nl": {
        "reports": "Meldingen van berichten",
        "report": "Melding van een bericht",
        "reported": "het gemelde bericht",
        "warning": "Waarvoor je het lid waarschuwt",
        "warn": "Waarschuw het lid",
        "no_warning": "Zeg waarvoor het lid gewaarschuwd wordt, in 1 tot 400 tekens: "
        "het lid krijgt dit te horen.",
        "warned": "Het lid is gewaarschuwd",
        "told": "De beheerders waarschuwen je om een bericht dat je schreef: ",
        "why": "Waarom",
        "suspend": "Schors het lid",
        "suspended": "Het lid is geschorst",
        "suspended_login": "Dit account is geschorst na een melding",
        "unsuspend": "Hef de schorsing op",
        "unsuspended": "De schorsing van het lid is opgeheven.",
        "close": "Sluit de melding",
        "closed": "De melding is gesloten.",
        "audit": "Auditlog",
        "actions": (
            "Lid gewaarschuwd",
            "Lid geschorst",
            "Schorsing van lid opgeheven",
            "Melding gesloten",
        ),
    },
}


def letters():
    """A unique name (names take letters only; the directory finds it alone)."""
    return "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:10]).title()


def found_in_directory(page, name):
    page.goto(f"/directory?q={name}")
    return page.locator("ul.cards > li h3 a").count()


def a_reported_conversation(writer, reader, rude):
    started = writer.post("/conversations", {"recipient_id": reader.user_id, "body": "Hello Rita"})
    assert started.status_code == 201, started.text
    conversation = started.json()["id"]

    def say(member, body):
        sent = member.post(f"/conversations/{conversation}/messages", {"body": body})
        assert sent.status_code == 201, sent.text
        return sent.json()["id"]

    say(reader, "Hi, how can I help?")
    rude_id = say(writer, rude)
    say(reader, "Please stop.")
    reported = reader.post(f"/messages/{rude_id}/report", {"reason": "Insulting me"})
    assert reported.status_code == 201, reported.text


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_reported_member_is_warned_suspended_unsuspended_and_the_report_closed(
    system, new_page, tmp_path, language
):
    texts = TEXTS[language]
    surname = letters()
    writer = onboarded_member(
        system, tmp_path, registration(first_name="Wim", last_name=surname, language=language)
    )
    reader = onboarded_member(
        system, tmp_path, registration(first_name="Rita", last_name="Jansen", language=language)
    )
    rude = f"You are hopeless, {surname}."
    a_reported_conversation(writer, reader, rude)
    reader_page = new_page(language)
    PageMember(system, reader.form, reader.user_id).log_in(reader_page)
    assert found_in_directory(reader_page, surname) == 1

    reviewer = ConsoleOperator(make_operator(system, "reviewer"))
    page = new_page(language)
    reviewer.log_in(page)
    page.locator("header nav a", has_text=texts["reports"]).click()
    expect(page.locator("h1")).to_have_text(texts["reports"])
    assert page.request.get("/console/reports/999999999").status == 404
    row = page.locator("table.message-reports tbody tr", has_text=writer.form["username"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text(reader.form["username"])
    assert_accessible(page)

    # The report: the message among the messages around it, the reported one marked.
    row.locator("a").click()
    expect(page.locator("h1")).to_contain_text(texts["report"])
    context = page.locator("ol.report-context > li")
    expect(context).to_have_count(4)
    expect(context.nth(0)).to_contain_text("Hello Rita")
    expect(context.nth(2)).to_contain_text(rude)
    expect(context.nth(2)).to_contain_text(texts["reported"])
    expect(context.nth(3)).to_contain_text("Please stop.")
    assert_accessible(page)

    # A warning needs words: notifications' refusal, in the page's language.
    page.get_by_role("button", name=texts["warn"]).click()
    expect(page.locator("#error-summary")).to_contain_text(texts["no_warning"])
    expect(page.get_by_label(texts["warning"])).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label(texts["warning"]).fill("Insults are not allowed here.")
    page.get_by_role("button", name=texts["warn"]).click()
    expect(page.locator("main [role=status]")).to_contain_text(texts["warned"])
    warnings = [
        n["text"]
        for n in writer.get("/notifications").json()["items"]
        if n["type"] == "member_warned"
    ]
    assert warnings == [texts["told"] + "Insults are not allowed here."]

    # Suspended: the writer cannot log in, and the directory no longer finds them.
    page.get_by_label(texts["why"], exact=True).fill("Insulted another member after a warning.")
    page.get_by_role("button", name=texts["suspend"]).click()
    expect(page.locator("main [role=status]")).to_contain_text(texts["suspended"])
    assert_accessible(page)
    writer_page = new_page(language)
    writer_page.goto("/login")
    writer_page.locator("#username").fill(writer.form["username"])
    writer_page.locator("#password").fill(writer.form["password"])
    writer_page.locator("main form button[type=submit]").click()
    expect(writer_page.locator("#error-summary")).to_contain_text(texts["suspended_login"])
    expect(writer_page.locator("form[action='/logout']")).to_have_count(0)
    wait_until(
        lambda: found_in_directory(reader_page, surname) == 0, 60, 0.5, "out of the directory"
    )

    # The suspension lifted: found again, and able to log in.
    page.get_by_label(texts["why"], exact=True).fill("Apologised to the member.")
    page.get_by_role("button", name=texts["unsuspend"]).click()
    expect(page.locator("main [role=status]")).to_contain_text(texts["unsuspended"])
    wait_until(
        lambda: found_in_directory(reader_page, surname) == 1, 60, 0.5, "in the directory again"
    )
    PageMember(system, writer.form, writer.user_id).log_in(writer_page)

    page.get_by_role("button", name=texts["close"]).click()
    expect(page.locator("h1")).to_have_text(texts["reports"])
    expect(page.locator("main [role=status]")).to_contain_text(texts["closed"])
    expect(
        page.locator("table.message-reports tbody tr", has_text=writer.form["username"])
    ).to_have_count(0)

    page.locator("header nav a", has_text=texts["audit"]).click()
    mine = page.locator("table.audit-log tbody tr", has_text=reviewer.username)
    for action in texts["actions"]:
        entry = mine.filter(has_text=action)
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text(writer.form["username"])
    assert_accessible(page)


def test_an_editor_may_not_handle_message_reports(system, new_page):
    editor = ConsoleOperator(make_operator(system, "editor"))
    page = new_page()
    editor.log_in(page)
    expect(page.locator("header nav a", has_text="Message reports")).to_have_count(0)
    for path in ("/console/reports", "/console/reports/1"):
        response = page.request.get(path)
        assert response.status == 403, path
        assert "Your role does not allow this page." in response.text()
    # Posted anyway (with the session's own CSRF token): refused before anything is done.
    token = page.locator("form[action='/console/logout'] input[name=csrf_token]").input_value()
    for path, form in (
        ("/console/reports/1/warn", {"warning": "Be nice."}),
        ("/console/reports/1/suspend", {"reason": "Spam."}),
        ("/console/reports/1/close", {}),
    ):
        response = page.request.post(path, form={"csrf_token": token, **form})
        assert response.status == 403, path
