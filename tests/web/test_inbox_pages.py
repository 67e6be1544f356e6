"""The inbox in a real browser: two members write to each other through the
pages, one reports a message and blocks the other (who is told in words, in
their language), another member's conversation is not found; axe-core on
every inbox page in English and Dutch, and a phone's 375 px."""

import re

import pytest
import requests
from playwright.sync_api import expect

from conftest import ADMIN_TOKEN, registration
from tests.support import onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

WORDS = {
    "en": {
        "write_link": "Write a message",
        "write_to": "Write to",
        "message": "Your message",
        "send": "Send",
        "sent": "Your message is sent.",
        "write_a_message": "Write a message.",
        "problem": "There is a problem",
        "conversation_with": "Conversation with",
        "unread": "1 unread",
        "report": "Report this message",
        "report_heading": "Report a message",
        "reason": "What is wrong with this message?",
        "send_report": "Send the report",
        "no_reason": "Say briefly (under 1000 characters) what is wrong.",
        "reported": "Thank you. Your report is sent",
        "block": "Block",
        "unblock": "Unblock",
        "you_blocked": "You blocked",
        "refused": "This member does not accept your messages.",
        "too_long": "Keep a message under 5000 characters.",
        "contacts_only": "This member only accepts messages from their mentoring contacts.",
        "not_found": "Page not found",
        "inbox": "Inbox",
    },
    "nl": {
        "write_link": "Schrijf een bericht",
        "write_to": "Een bericht aan",
        "message": "Je bericht",
        "send": "Versturen",
        "sent": "Je bericht is verstuurd.",
        "write_a_message": "Schrijf een bericht.",
        "problem": "Er is een probleem",
        "conversation_with": "Gesprek met",
        "unread": "1 ongelezen",
        "report": "Meld dit bericht",
        "report_heading": "Een bericht melden",
        "reason": "Wat is er mis met dit bericht?",
        "send_report": "Verstuur de melding",
        "no_reason": "Zeg kort (minder dan 1000 tekens) wat er mis is.",
        "reported": "Dank je. Je melding is",
        "block": "Blokkeer",
        "unblock": "Deblokkeer",
        "you_blocked": "Je hebt",
        "refused": "Dit lid neemt geen berichten van je aan.",
        "too_long": "Houd een bericht onder de 5000 tekens.",
        "contacts_only": "Dit lid neemt alleen berichten aan van mensen met wie het via "
        "mentoring contact heeft.",
        "not_found": "Pagina niet gevonden",
        "inbox": "Inbox",
    },
}


def logged_in(new_page, system, member, language, width=None):
    page = new_page(language, width)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


def send(page, words, text):
    page.get_by_label(words["message"]).fill(text)
    page.get_by_role("button", name=words["send"], exact=True).click()


@pytest.fixture
def pair(system, tmp_path):
    def make(language):
        anna = onboarded_member(
            system, tmp_path, registration(first_name="Anna", last_name="Jansen", language=language)
        )
        bram = onboarded_member(
            system,
            tmp_path,
            registration(first_name="Bram", last_name="de Vries", language=language),
        )
        return anna, bram

    return make


@pytest.mark.parametrize("language", ["en", "nl"])
def test_two_members_write_report_and_block_through_the_pages(system, new_page, pair, language):
    words = WORDS[language]
    anna, bram = pair(language)
    anna_page = logged_in(new_page, system, anna, language)
    bram_page = logged_in(new_page, system, bram, language)

    # Anna writes to Bram from his profile.
    anna_page.goto(f"/members/{bram.user_id}")
    anna_page.get_by_role("link", name=words["write_link"]).click()
    expect(anna_page.get_by_role("heading", level=1)).to_have_text(
        f"{words['write_to']} Bram de Vries"
    )
    assert_accessible(anna_page)
    send(anna_page, words, "   ")  # nothing written: notifications says so, in words
    summary = anna_page.get_by_role("alert")
    expect(summary).to_contain_text(words["problem"])
    expect(summary).to_contain_text(words["write_a_message"])
    expect(anna_page.get_by_label(words["message"])).to_have_attribute("aria-invalid", "true")
    assert_accessible(anna_page)
    send(anna_page, words, "x" * 5001)  # too long: the service's own limit, said on the page
    expect(anna_page.get_by_role("alert")).to_contain_text(words["too_long"])
    send(anna_page, words, "Hello Bram <b>not bold</b>\nSecond line")
    expect(anna_page).to_have_url(re.compile(r"/inbox/\d+#message-\d+$"))
    expect(anna_page.get_by_role("status")).to_contain_text(words["sent"])
    expect(anna_page.get_by_role("heading", level=1)).to_have_text(
        f"{words['conversation_with']} Bram de Vries"
    )
    expect(anna_page.locator(".message-body").last).to_have_text(
        "Hello Bram <b>not bold</b>\nSecond line"
    )  # as typed, never as markup
    conversation_url = anna_page.url.split("#")[0]
    assert_accessible(anna_page)

    # Bram sees it unread in his inbox, opens it (now read) and answers.
    bram_page.goto("/inbox")
    expect(bram_page.get_by_role("heading", level=1)).to_have_text(words["inbox"])
    unread = bram_page.locator("li.unread")
    expect(unread).to_contain_text("Anna Jansen")
    expect(unread).to_contain_text(words["unread"])
    assert_accessible(bram_page)
    bram_page.get_by_role("link", name="Anna Jansen").click()
    expect(bram_page.get_by_text("Hello Bram <b>not bold</b>")).to_be_visible()
    assert_accessible(bram_page)
    # Read here, so its notification is read too (the toolbar's count drops).
    unread = bram.get("/notifications?unread_only=true").json()["items"]
    assert not [n for n in unread if n["type"] == "new_message"], unread
    send(bram_page, words, "Hi Anna, nice to hear from you.")
    expect(bram_page.get_by_role("status")).to_contain_text(words["sent"])
    bram_page.goto("/inbox")
    expect(bram_page.locator("li.unread")).to_have_count(0)
    # Oldest first, as a conversation is read.
    anna_page.goto(conversation_url)
    expect(anna_page.locator(".message-body")).to_have_text(
        ["Hello Bram <b>not bold</b>\nSecond line", "Hi Anna, nice to hear from you."]
    )
    expect(anna_page.get_by_role("link", name=re.compile(words["report"]))).to_have_count(1)

    # Bram reports Anna's message, with a reason.
    bram_page.goto(conversation_url)
    bram_page.get_by_role("link", name=re.compile(words["report"])).click()
    expect(bram_page.get_by_role("heading", level=1)).to_have_text(words["report_heading"])
    expect(bram_page.locator("blockquote")).to_have_text("Hello Bram <b>not bold</b>\nSecond line")
    assert_accessible(bram_page)
    bram_page.get_by_role("button", name=words["send_report"]).click()
    expect(bram_page.get_by_role("alert")).to_contain_text(words["no_reason"])
    assert_accessible(bram_page)
    reason = f"Pushy, asks for my phone number ({language})"
    bram_page.get_by_label(words["reason"]).fill(reason)
    bram_page.get_by_role("button", name=words["send_report"]).click()
    expect(bram_page.get_by_role("status")).to_contain_text(words["reported"])
    expect(bram_page).to_have_url(conversation_url)
    reports = requests.get(
        system.gateway_url + "/api/v1/admin/message-reports",
        timeout=10,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ).json()["items"]
    assert [r["body"] for r in reports if r["reason"] == reason] == [
        "Hello Bram <b>not bold</b>\nSecond line"
    ]

    # Bram blocks Anna: her next message is refused, in words, and her text kept.
    bram_page.get_by_role("button", name=f"{words['block']} Anna Jansen", exact=True).click()
    expect(bram_page.locator("#block-state")).to_contain_text(f"{words['you_blocked']} ")
    expect(bram_page.locator("#block-state")).to_contain_text("Anna Jansen")
    assert_accessible(bram_page)
    anna_page.goto(conversation_url)
    send(anna_page, words, "Why no answer?")
    expect(anna_page.get_by_role("alert")).to_contain_text(words["refused"])
    expect(anna_page.get_by_label(words["message"])).to_have_value("Why no answer?")
    assert_accessible(anna_page)
    anna_page.goto(f"/inbox/new?to={bram.user_id}")  # nor by a new conversation
    send(anna_page, words, "Hello again")
    expect(anna_page.get_by_role("alert")).to_contain_text(words["refused"])
    bram_page.goto(conversation_url)
    expect(bram_page.locator(".message-body")).to_have_count(2)  # nothing got through

    # Unblocked, she may write again, unless he takes messages from his mentoring
    # contacts only (they have none together).
    bram_page.get_by_role("button", name=f"{words['unblock']} Anna Jansen", exact=True).click()
    expect(bram_page.locator("#block-state")).to_have_count(0)
    assert (
        bram.put("/me/notification-preferences", {"allow_messages_from_members": False}).status_code
        == 200
    )
    anna_page.goto(conversation_url)
    send(anna_page, words, "Are you there?")
    expect(anna_page.get_by_role("alert")).to_contain_text(words["contacts_only"])
    assert (
        bram.put("/me/notification-preferences", {"allow_messages_from_members": True}).status_code
        == 200
    )
    anna_page.goto(conversation_url)
    send(anna_page, words, "Sorry, I will keep it short.")
    expect(anna_page.get_by_role("status")).to_contain_text(words["sent"])


def test_another_members_conversation_or_message_is_not_found_and_names_nothing(
    system, tmp_path, new_page, pair
):
    words = WORDS["en"]
    anna, bram = pair("en")
    started = anna.post(
        "/conversations", {"recipient_id": bram.user_id, "body": "Our private plan"}
    )
    assert started.status_code == 201, started.text
    conversation, message = started.json()["id"], started.json()["message"]["id"]
    eve = onboarded_member(system, tmp_path, registration(first_name="Eve", language="en"))
    page = logged_in(new_page, system, eve, "en")

    def not_found(path):
        response = page.goto(path)
        assert response.status == 404, (path, response.status)
        expect(page.get_by_role("heading", level=1)).to_have_text(words["not_found"])
        return page.locator("main").inner_text()

    missing = not_found("/inbox/999999999")  # the page for a conversation that does not exist
    for path in (f"/inbox/{conversation}", f"/inbox/messages/{message}/report"):
        shown = not_found(path)
        assert shown == missing  # word for word: nothing says that it exists
        for secret in ("Anna", "Bram", "Jansen", "Vries", "private plan"):
            assert secret not in page.content(), (path, secret)
    assert_accessible(page)
    assert not_found("/inbox/new?to=00000000-0000-0000-0000-000000000000") == missing
    # Her own inbox shows none of it either.
    page.goto("/inbox")
    expect(page.get_by_role("link", name="Anna Jansen")).to_have_count(0)
    # And a reply posted to it through the page's own form is refused the same way.
    page.goto(f"/inbox/new?to={anna.user_id}")
    form = page.locator("main form")
    form.evaluate(f"form => form.action = '/inbox/{conversation}'")
    page.get_by_label(words["message"]).fill("let me in")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=words["send"], exact=True).click()
    assert answer.value.status == 404
    assert [
        m["body"] for m in bram.get(f"/conversations/{conversation}/messages").json()["items"]
    ] == ["Our private plan"]


def test_the_inbox_pages_fit_a_phone(system, new_page, pair):
    anna, bram = pair("nl")
    started = anna.post(
        "/conversations",
        {"recipient_id": bram.user_id, "body": "Eenheellangwoordzonderspaties" * 30},
    )
    assert started.status_code == 201, started.text
    conversation, message = started.json()["id"], started.json()["message"]["id"]
    page = logged_in(new_page, system, bram, "nl", width=375)
    for path in (
        "/inbox",
        f"/inbox/{conversation}",
        f"/inbox/messages/{message}/report",
        f"/inbox/new?to={anna.user_id}",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.locator("html").evaluate("html => html.scrollWidth")
        assert width <= 375, (path, width)
        assert_accessible(page)
