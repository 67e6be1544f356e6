"""The welcome e-mail: queued once per member in their language, delivered over
real SMTP (aiosmtpd), kept and retried while the SMTP server is unreachable."""

import uuid
from datetime import UTC, datetime

import pytest
from nameko.testing.services import worker_factory

from mentornet_platform.event_inbox import Inbox
from mentornet_testing import Mailbox, free_port
from notifications import mail, members
from notifications.mail import MailSender
from notifications.service import NotificationsService


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


def account_registered(language="en"):
    user_id = str(uuid.uuid4())
    return {
        "event_id": str(uuid.uuid4()),
        "type": "account_registered",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {
            "user_id": user_id,
            "username": f"sam.{user_id[:6]}",
            "email": f"sam.{user_id[:6]}@example.org",
            "first_name": "Sam",
            "middle_names": "",
            "last_name": "Bakker",
            "language": language,
            "registered_at": datetime.now(UTC).isoformat(),
        },
    }


def inbox(db):
    return Inbox(
        db.engine,
        {"on_account_registered": members.welcome_new_member},
        {"on_account_registered": "identity"},
    )


@pytest.mark.parametrize(
    "language,subject",
    [
        ("en", "Welcome to the Mentor Network, Sam"),
        ("nl", "Welkom bij het Mentornetwerk, Sam"),
        ("fr", "Welcome to the Mentor Network, Sam"),
    ],
)
def test_templates_exist_in_english_and_dutch(language, subject):
    rendered_subject, body = mail.render(
        "welcome",
        language,
        {"first_name": "Sam", "username": "sam.bakker", "base_url": "https://mentors.example"},
    )
    assert rendered_subject == subject
    assert "sam.bakker" in body and "https://mentors.example" in body


def test_a_welcome_is_queued_once_and_sent_over_smtp(db, service_database, mailbox):
    envelope = account_registered("nl")
    box = inbox(db)
    box.apply("on_account_registered", "identity", envelope)
    # A second delivery of the same cause under a new event id still queues one mail.
    envelope_again = dict(envelope, event_id=str(uuid.uuid4()))
    box.apply("on_account_registered", "identity", envelope_again)
    address = envelope["data"]["email"]
    assert (
        service_database.scalar(
            "SELECT count(*) FROM email_messages WHERE to_address = :a", {"a": address}
        )
        == 1
    )

    sender = MailSender(db.engine, "127.0.0.1", mailbox.port, "Mentor Network <no-reply@x.org>")
    while sender.send_due():
        pass
    [message] = mailbox.to(address)
    assert message["subject"] == "Welkom bij het Mentornetwerk, Sam"
    assert (
        service_database.scalar(
            "SELECT status FROM email_messages WHERE to_address = :a", {"a": address}
        )
        == "sent"
    )


def test_mail_waits_while_the_smtp_server_is_down(db, service_database, mailbox):
    envelope = account_registered()
    inbox(db).apply("on_account_registered", "identity", envelope)
    address = envelope["data"]["email"]
    down = MailSender(db.engine, "127.0.0.1", free_port(), "no-reply@x.org")
    assert down.send_due() == 0
    row = service_database.scalar(
        "SELECT status || ':' || attempts FROM email_messages WHERE to_address = :a", {"a": address}
    )
    assert row == "pending:1"
    with db.engine.begin() as connection:  # skip the back-off instead of waiting for it
        from sqlalchemy import text

        connection.execute(
            text("UPDATE email_messages SET next_attempt_at = now() WHERE to_address = :a"),
            {"a": address},
        )
    up = MailSender(db.engine, "127.0.0.1", mailbox.port, "no-reply@x.org")
    while up.send_due():
        pass
    assert len(mailbox.to(address)) == 1


def test_health_entrypoint(db):
    assert worker_factory(NotificationsService, db=db).health()["status"] == "ok"


def test_a_withheld_address_gets_no_welcome_and_its_owner_is_warned_once_an_hour(
    db, service_database
):
    envelope = account_registered()
    envelope["data"]["email"] = None  # another account confirmed the address given
    box = Inbox(
        db.engine,
        {
            "on_account_registered": members.welcome_new_member,
            "on_address_sign_up_attempted": members.warn_of_sign_up_attempt,
        },
        {"on_account_registered": "identity", "on_address_sign_up_attempted": "identity"},
    )
    box.apply("on_account_registered", "identity", envelope)
    user_id = envelope["data"]["user_id"]
    assert (
        service_database.scalar(
            "SELECT count(*) FROM email_messages WHERE user_id = :u", {"u": user_id}
        )
        == 0
    )
    assert (
        service_database.scalar(
            "SELECT count(*) FROM notifications WHERE user_id = :u", {"u": user_id}
        )
        == 1
    )  # the welcome, in-app only
    owner, now = str(uuid.uuid4()), datetime.now(UTC)
    for _ in range(2):  # tried again: still one mail this hour
        box.apply(
            "on_address_sign_up_attempted",
            "identity",
            {
                "event_id": str(uuid.uuid4()),
                "type": "address_sign_up_attempted",
                "version": 1,
                "occurred_at": now.isoformat(),
                "data": {
                    "user_id": owner,
                    "email": "owner@example.org",
                    "username": "o.wner",
                    "first_name": "Olga",
                    "language": "nl",
                    "attempted_at": now.isoformat(),
                },
            },
        )
    assert (
        service_database.scalar(
            "SELECT string_agg(subject, '|') FROM email_messages WHERE user_id = :u AND to_address = :a",
            {"u": owner, "a": "owner@example.org"},
        )
        == "Iemand probeerde zich aan te melden met je e-mailadres"
    )


def test_once_one_member_confirms_an_address_nobody_elses_mail_goes_there(db, service_database):
    from notifications import centre
    from notifications.models import Member

    first, second = account_registered(), account_registered()
    second["data"]["email"] = first["data"]["email"].upper()  # both gave it, unconfirmed
    box = Inbox(
        db.engine,
        {
            "on_account_registered": members.welcome_new_member,
            "on_account_email_confirmed": members.email_confirmed,
        },
        {"on_account_registered": "identity", "on_account_email_confirmed": "identity"},
    )
    box.apply("on_account_registered", "identity", first)
    box.apply(
        "on_account_email_confirmed",
        "identity",
        {
            "event_id": str(uuid.uuid4()),
            "type": "account_email_confirmed",
            "version": 1,
            "occurred_at": datetime.now(UTC).isoformat(),
            "data": {"user_id": first["data"]["user_id"], "email": first["data"]["email"]},
        },
    )
    # The second sign-up's event comes late: the address is the first member's by now.
    box.apply("on_account_registered", "identity", second)
    with db.transaction() as session:
        squatter = session.get(Member, second["data"]["user_id"])
        assert squatter.email is None
        centre.tell(
            session,
            squatter,
            "new_message",
            f"t:{uuid.uuid4()}",
            "Hello",
            "/inbox",
            "new_message",
            {"first_name": "Sam", "sender": "X", "preview": "hi", "link": "/inbox"},
        )
    assert (
        service_database.scalar(
            "SELECT count(*) FROM email_messages WHERE user_id = :u",
            {"u": second["data"]["user_id"]},
        )
        == 0
    )
