"""A member changes their language after sign-up: identity owns it, and the
mails and notifications that follow come in the new language.  Real HTTP,
RabbitMQ, PostgreSQL and SMTP."""

import requests

from mentornet_testing import wait_until
from tests.support import Member, onboarded_member


def test_a_changed_language_makes_the_next_mails_and_notifications_come_in_it(
    system, mailbox, tmp_path, new_registration
):
    anna = onboarded_member(system, tmp_path, new_registration(first_name="Anna", language="en"))
    bram = onboarded_member(system, tmp_path, new_registration(first_name="Bram", language="nl"))

    changed = bram.put("/me/language", {"language": "en"})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"user_id": bram.user_id, "language": "en"}

    # A mail identity asks for (the reset link) is in English at once.
    requests.post(bram.url("/password-resets"), json={"login": bram.form["username"]}, timeout=10)
    reset = wait_until(
        lambda: mailbox.to(bram.form["email"], "password"), 15, 0.05, "the reset mail"
    )
    assert reset[-1]["subject"] == "Reset your Mentor Network password"

    # Notifications learns it by event; once it has, its own mails follow.
    wait_until(
        lambda: (
            system.scalar(
                "notifications", "SELECT language FROM members WHERE user_id = %s", (bram.user_id,)
            )
            == "en"
        ),
        15,
        0.05,
        "notifications to learn the language",
    )
    assert (
        anna.post(
            "/conversations", {"recipient_id": bram.user_id, "body": "Hello Bram"}
        ).status_code
        == 201
    )
    mail = wait_until(
        lambda: mailbox.to(bram.form["email"], "sent you a message"),
        15,
        0.05,
        "the e-mail about the message",
    )
    assert mail[-1]["subject"] == "Anna van der Berg sent you a message on the Mentor Network"
    texts = [item["text"] for item in bram.get("/notifications").json()["items"]]
    assert "Anna van der Berg sent you a message." in texts
    assert not mailbox.to(bram.form["email"], "bericht gestuurd")


def test_only_english_and_dutch_and_only_for_oneself(system, new_registration):
    member = Member(system, new_registration(language="en"))
    member.sign_up()
    refused = member.put("/me/language", {"language": "fr"})
    assert refused.status_code == 422 and set(refused.json()["error"]["fields"]) == {"language"}
    missing = member.put("/me/language", {})
    assert missing.status_code == 422 and "language" in missing.json()["error"]["fields"]
    stranger = requests.put(member.url("/me/language"), json={"language": "nl"}, timeout=10)
    assert stranger.status_code == 401
    assert member.put("/me/language", {"language": "nl"}).json()["language"] == "nl"
