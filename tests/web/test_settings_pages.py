"""The settings page's notification preferences and "who may write to me", in a
real browser: saved, shown again, and honoured by notifications (an e-mail
switched off is not sent, through the real SMTP catcher; a notification
switched off is not made; a member who allows only their contacts gets no
message from a stranger).  Axe in both languages, and 375 px."""

import pytest
from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.test_mentoring_pages import browser_of


def preference_box(page, legend, channel):
    return page.get_by_role("group", name=legend).get_by_label(channel)


def test_notification_preferences_are_saved_and_honoured(system, mailbox, tmp_path, new_page):
    mentor = onboarded_member(system, tmp_path, registration(first_name="Marit", language="en"))
    mentee = onboarded_member(
        system, tmp_path, registration(first_name="Sem", language="en"), role="student"
    )
    become_mentor(mentor)
    page = browser_of(new_page, system, mentor)
    page.goto("/settings")
    asked_box = preference_box(
        page, "Someone asks you for mentoring, or withdraws their request", "By e-mail"
    )
    message_box = preference_box(page, "A member sent you a message", "In the notification centre")
    expect(asked_box).to_be_checked()  # notifications' defaults, as it lists them
    expect(message_box).to_be_checked()
    asked_box.uncheck()
    message_box.uncheck()
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_role("status")).to_have_text("Your notification settings are saved.")
    page.reload()
    expect(
        preference_box(
            page, "Someone asks you for mentoring, or withdraws their request", "By e-mail"
        )
    ).not_to_be_checked()
    expect(
        preference_box(
            page,
            "Someone asks you for mentoring, or withdraws their request",
            "In the notification centre",
        )
    ).to_be_checked()
    expect(
        preference_box(page, "A member sent you a message", "In the notification centre")
    ).not_to_be_checked()
    expect(preference_box(page, "A member sent you a message", "By e-mail")).to_be_checked()
    saved = {
        item["event_type"]: (item["in_app"], item["email"])
        for item in mentor.get("/me/notification-preferences").json()["items"]
    }
    assert saved["mentoring_request_received"] == (True, False)
    assert saved["new_message"] == (False, True)

    # A request: the notification comes, the e-mail does not.
    assert ask(mentee, mentor).status_code == 201
    wait_until(
        lambda: any(
            n["type"] == "mentoring_request_received"
            for n in mentor.get("/notifications").json()["items"]
        ),
        15,
        0.1,
        "the in-app notification of the request",
    )
    # Then a message: its e-mail comes, its notification does not.  The request's
    # mail, had it been queued (with its notification, before this message), would
    # have been sent before the message's.
    assert (
        mentee.post(
            "/conversations", {"recipient_id": mentor.user_id, "body": "Hello!"}
        ).status_code
        == 201
    )
    wait_until(
        lambda: mailbox.to(mentor.form["email"], "sent you a message"),
        15,
        0.1,
        "the e-mail about the message",
    )
    assert mailbox.to(mentor.form["email"], "asks you for mentoring") == []
    assert [
        n["type"]
        for n in mentor.get("/notifications").json()["items"]
        if n["type"] == "new_message"
    ] == []
    page.goto("/notifications")
    expect(
        page.get_by_role(
            "link",
            name=f"{mentee.form['first_name']} {mentee.form['last_name']} asks you for mentoring.",
        )
    ).to_be_visible()


def test_who_may_write_to_me_is_saved_and_honoured(system, tmp_path, new_page):
    member = onboarded_member(system, tmp_path, registration(first_name="Ida", language="nl"))
    stranger = onboarded_member(system, tmp_path, registration(first_name="Eve", language="en"))
    page = browser_of(new_page, system, member, "nl")
    page.goto("/settings")
    expect(page.get_by_label("Elk geverifieerd lid")).to_be_checked()
    page.get_by_label(
        "Alleen leden met wie ik een verzoek om mentoring of een mentorrelatie heb"
    ).check()
    page.get_by_role("button", name="Opslaan wie je mag schrijven").click()
    expect(page.get_by_role("status")).to_have_text("Je keuze wie je mag schrijven is opgeslagen.")
    expect(
        page.get_by_label(
            "Alleen leden met wie ik een verzoek om mentoring of een mentorrelatie heb"
        )
    ).to_be_checked()
    refused = stranger.post("/conversations", {"recipient_id": member.user_id, "body": "Hi"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "messages_not_accepted"

    page.get_by_label("Elk geverifieerd lid").check()
    page.get_by_role("button", name="Opslaan wie je mag schrijven").click()
    expect(page.get_by_role("status")).to_have_text("Je keuze wie je mag schrijven is opgeslagen.")
    assert (
        stranger.post("/conversations", {"recipient_id": member.user_id, "body": "Hi"}).status_code
        == 201
    )


def test_a_forged_preference_is_refused_in_words(system, tmp_path, new_page):
    member = onboarded_member(system, tmp_path, registration(language="en"))
    page = browser_of(new_page, system, member)
    page.goto("/settings")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(
        "/settings/notifications",
        form={"csrf_token": token, "event_type": "no_such_event", "email-no_such_event": "on"},
    )
    assert response.status == 422
    page.set_content(response.text())  # what the browser would show
    expect(page.get_by_role("alert")).to_contain_text("Some fields need your attention.")
    assert [
        item["event_type"]
        for item in member.get("/me/notification-preferences").json()["items"]
        if item["event_type"] == "no_such_event"
    ] == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_settings_page_is_accessible_and_fits_a_phone(system, tmp_path, new_page, language):
    member = onboarded_member(system, tmp_path, registration(language=language))
    page = browser_of(new_page, system, member, language)
    page.goto("/settings")
    assert_accessible(page)
    page.locator("form[action='/settings/notifications'] button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page)
    phone = browser_of(new_page, system, member, language, width=375)
    phone.goto("/settings")
    assert phone.locator("html").evaluate("html => html.scrollWidth") <= 375
