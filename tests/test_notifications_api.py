"""The toolbar through the gateway: notifications, the inbox, preferences, the
helpdesk and service updates; and that no member reads another's, at the
gateway and at the RPC layer."""

import uuid

import pytest
import requests

from conftest import ADMIN_TOKEN
from gateway.rpc import RemoteError
from mentornet_testing import wait_until
from tests.support import Member, link_token, onboarded_member


@pytest.fixture
def two_members(system, tmp_path, new_registration):
    anna = onboarded_member(system, tmp_path, new_registration(first_name="Anna", language="en"))
    bram = onboarded_member(system, tmp_path, new_registration(first_name="Bram", language="nl"))
    return anna, bram


def test_a_conversation_with_notifications_and_mail_in_the_recipients_language(
    system, mailbox, two_members
):
    anna, bram = two_members
    wait_until(
        lambda: bram.get("/notifications/unread-count").json()["unread_count"] >= 1,
        15,
        0.05,
        "Bram's welcome notification",
    )
    bram.post("/notifications/read-all")
    started = anna.post("/conversations", {"recipient_id": bram.user_id, "body": "Hi Bram <3"})
    assert started.status_code == 201, started.text
    created = started.json()
    conversation = created["id"]
    assert created["message"]["body_html"] == "Hi Bram &lt;3"
    # The created resource is the conversation itself, as the list shows it.
    assert created["with"] == {"user_id": bram.user_id, "name": "Bram van der Berg"}
    assert {k: v for k, v in created.items() if k != "message"} == anna.get(
        "/conversations"
    ).json()["items"][0]

    assert bram.get("/notifications/unread-count").json() == {"unread_count": 1}
    page = bram.get("/notifications").json()
    assert page["items"][0]["text"] == "Anna van der Berg heeft je een bericht gestuurd."
    mail = wait_until(
        lambda: mailbox.to(bram.form["email"], "bericht gestuurd"),
        15,
        0.05,
        "the e-mail about the message",
    )
    assert "Hi Bram <3" in mail[0]["body"] and "Hi Bram &lt;3" in mail[0]["html"]

    listing = bram.get("/conversations").json()
    assert listing["items"][0]["id"] == conversation and listing["items"][0]["unread_count"] == 1
    reply = bram.post(f"/conversations/{conversation}/messages", {"body": "Hoi Anna"})
    assert reply.status_code == 201
    thread = anna.get(f"/conversations/{conversation}/messages").json()
    assert [m["body"] for m in thread["items"]] == ["Hoi Anna", "Hi Bram <3"]
    assert thread["conversation"]["with"] == {
        "user_id": bram.user_id,
        "name": "Bram van der Berg",
        "blocked_by_you": False,
    }
    assert bram.post(f"/notifications/{page['items'][0]['id']}/read").json()["unread_count"] == 0


def test_no_member_reads_anothers_notifications_or_conversations(
    system, tmp_path, two_members, new_registration
):
    anna, bram = two_members
    conversation = anna.post(
        "/conversations", {"recipient_id": bram.user_id, "body": "private"}
    ).json()["id"]
    eve = onboarded_member(system, tmp_path, new_registration(first_name="Eve"))
    assert eve.get(f"/conversations/{conversation}/messages").status_code == 404
    assert eve.post(f"/conversations/{conversation}/messages", {"body": "hi"}).status_code == 404
    anna_note = anna.get("/notifications").json()["items"][0]["id"]
    assert eve.post(f"/notifications/{anna_note}/read").status_code == 404
    assert all(c["id"] != conversation for c in eve.get("/conversations").json()["items"])
    # The same refusal at the RPC layer: the service checks ownership itself.
    with pytest.raises(RemoteError) as error:
        system.rpc.call(
            "notifications",
            "list_messages",
            kwargs={"user_id": eve.user_id, "conversation_id": conversation},
        )
    assert error.value.exc_type == "NotFound"
    with pytest.raises(RemoteError):
        system.rpc.call(
            "notifications",
            "mark_read",
            kwargs={"user_id": eve.user_id, "notification_id": anna_note},
        )


def test_preferences_block_and_report(system, two_members):
    anna, bram = two_members
    preferences = bram.get("/me/notification-preferences").json()
    assert preferences["allow_messages_from_members"] is True
    changed = bram.put("/me/notification-preferences", {"allow_messages_from_members": False})
    assert changed.json()["allow_messages_from_members"] is False
    refused = anna.post("/conversations", {"recipient_id": bram.user_id, "body": "hello?"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "messages_not_accepted"
    bram.put("/me/notification-preferences", {"allow_messages_from_members": True})
    sent = anna.post("/conversations", {"recipient_id": bram.user_id, "body": "rude words"}).json()
    report = bram.post(f"/messages/{sent['message']['id']}/report", {"reason": "Unkind"})
    assert report.status_code == 201
    reports = requests.get(
        anna.url("/admin/message-reports"), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ).json()["items"]
    assert any(r["message_id"] == sent["message"]["id"] for r in reports)
    assert bram.post(f"/members/{anna.user_id}/block").status_code == 200
    blocked = anna.post(f"/conversations/{sent['id']}/messages", {"body": "again"})
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "blocked"


def test_an_operators_review_decision_reaches_the_member(system, mailbox, new_registration):
    member = Member(system, new_registration(language="en"))
    member.sign_up()
    member.post(
        "/onboarding/affiliation", {"role": "staff", "record_number": "X1", "request_review": True}
    )
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    reviews = requests.get(member.url("/admin/affiliation-reviews"), headers=admin).json()["items"]
    [mine] = [r for r in reviews if r["user_id"] == member.user_id]
    requests.post(member.url(f"/admin/affiliation-reviews/{mine['id']}/approve"), headers=admin)
    wait_until(
        lambda: any(
            n["type"] == "affiliation_reviewed"
            for n in member.get("/notifications").json()["items"]
        ),
        15,
        0.05,
        "the review notification",
    )
    mail = wait_until(
        lambda: mailbox.to(member.form["email"], "affiliation is verified"),
        15,
        0.05,
        "the review e-mail",
    )
    assert member.form["first_name"] in mail[0]["body"]


def test_the_helpdesk_is_open_to_visitors_but_mails_receipts_only_to_confirmed_members(
    system, mailbox, new_registration
):
    helpdesk = system.gateway_url + "/api/v1/helpdesk"
    address = f"visitor.{uuid.uuid4().hex[:6]}@example.org"
    response = requests.post(
        helpdesk,
        json={
            "name": "A Visitor",
            "email": address,
            "subject": "Question about mentoring",
            "message": "Buy cheap watches at example.com",
            "language": "nl",
        },
    )
    assert response.status_code == 202, response.text
    assert response.json()["receipt_sent"] is False
    wait_until(
        lambda: mailbox.to("helpdesk@mentornetwork.invalid", "Question about mentoring"),
        15,
        0.05,
        "the helpdesk's copy",
    )

    member = Member(system, new_registration(language="en"))
    member.sign_up()
    token = link_token(mailbox, member.form["email"], "^(Confirm|Bevestig)")
    assert member.post("/email-confirmations", {"token": token}).status_code == 200
    subject = f"My mentor is away {uuid.uuid4().hex[:4]}"

    # The confirmation reaches notifications by event (it says so in the centre).
    wait_until(
        lambda: any(
            n["type"] == "email_confirmed" for n in member.get("/notifications").json()["items"]
        ),
        15,
        0.05,
        "notifications to know the confirmed address",
    )
    # Five a client an hour: this test's whole system shares one client address.
    answer = member.post(
        "/helpdesk", {"name": "Zoë", "email": address, "subject": subject, "message": "What now?"}
    )
    assert answer.status_code == 202 and answer.json()["receipt_sent"] is True, answer.text
    receipt = wait_until(lambda: mailbox.to(member.form["email"], subject), 15, 0.05, "the receipt")
    assert "What now?" in receipt[0]["body"]
    # The mail sender goes in order: the visitor's address, written to before the
    # member's receipt was queued, got nothing in all that time.
    assert mailbox.to(address) == []

    forged = requests.post(
        helpdesk,
        headers={"Authorization": "Bearer not-a-session"},
        json={"name": "A Visitor", "email": address, "subject": "x", "message": "y"},
    )
    assert forged.status_code == 401
    # The contract names the missing fields before the helpdesk reads the address.
    missing = requests.post(helpdesk, json={"email": "x"})
    assert missing.status_code == 422 and {"name", "subject", "message"} <= set(
        missing.json()["error"]["fields"]
    )
    bad = requests.post(
        helpdesk, json={"name": "A Visitor", "email": "x", "subject": "x", "message": "y"}
    )
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"email"}
    rlo = requests.post(
        helpdesk,
        json={
            "name": "A Visitor",
            "email": address,
            "subject": "Invoice \u202egnp.exe",
            "message": "y",
        },
    )
    assert rlo.status_code == 422 and list(rlo.json()["error"]["fields"]) == ["subject"]


def test_operators_publish_service_updates_everyone_sees(system):
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    title = f"Maintenance {uuid.uuid4().hex[:4]}"
    published = requests.post(
        system.gateway_url + "/api/v1/admin/service-updates",
        headers=admin,
        json={
            "title_en": title,
            "body_en": "Down for an hour on Sunday.",
            "title_nl": f"Onderhoud {title}",
            "body_nl": "Zondag een uur uit de lucht.",
        },
    )
    assert published.status_code == 201
    assert published.json()["state"] == "shown"
    english_only = requests.post(
        system.gateway_url + "/api/v1/admin/service-updates",
        headers=admin,
        json={"title_en": "x", "body_en": "y"},
    )
    assert english_only.status_code == 422
    assert set(english_only.json()["error"]["fields"]) == {"title_nl", "body_nl"}
    assert (
        requests.post(
            system.gateway_url + "/api/v1/admin/service-updates", json={"title": "x", "body": "y"}
        ).status_code
        == 401
    )
    updates = requests.get(system.gateway_url + "/api/v1/service-updates").json()["items"]
    assert (updates[0]["title"], updates[0]["language"]) == (title, "en")
    dutch = requests.get(system.gateway_url + "/api/v1/service-updates?language=nl").json()
    assert dutch["items"][0]["title"] == f"Onderhoud {title}"


def test_the_helpdesk_limit_counts_the_connection_not_a_header_the_client_sends(stack_factory):
    stack = stack_factory(HELPDESK_MAX_PER_HOUR=2)
    stack.start("notifications")
    stack.start("gateway")

    def ask(number):
        return requests.post(
            stack.gateway_url + "/api/v1/helpdesk",
            timeout=10,
            json={
                "name": "A Visitor",
                "email": f"visitor{number}.{uuid.uuid4().hex[:6]}@example.org",
                "subject": "Question",
                "message": "How do I start?",
                "language": "en",
            },
            headers={"X-Forwarded-For": f"203.0.113.{number}"},
        )  # made up by the client

    answers = [ask(n) for n in range(3)]
    assert [answer.status_code for answer in answers] == [202, 202, 429]
    assert 3500 <= int(answers[2].headers["Retry-After"]) <= 3600
