"""The notification centre, preferences, the inbox, the helpdesk and service
updates against notifications' real database, and e-mail over real SMTP."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from mentornet_platform.event_inbox import Inbox
from mentornet_testing import Mailbox, free_port
from notifications import (
    centre,
    conversations,
    helpdesk,
    members,
    overview,
    preferences,
    service_updates,
)
from notifications.exceptions import Forbidden, InvalidInput, NotFound, Throttled
from notifications.mail import MailSender


def join(db, language="en", verified=True, first_name="Sam"):
    user_id = str(uuid.uuid4())
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": "account_registered",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {
            "user_id": user_id,
            "username": f"u.{user_id[:8]}",
            "email": f"u.{user_id[:8]}@example.org",
            "first_name": first_name,
            "middle_names": "",
            "last_name": "Bakker",
            "language": language,
            "registered_at": datetime.now(UTC).isoformat(),
        },
    }
    box = Inbox(
        db.engine,
        {"welcome": members.welcome_new_member, "verified": members.mark_verified},
        {"welcome": "identity", "verified": "identity"},
    )
    box.apply("welcome", "identity", envelope)
    if verified:
        box.apply(
            "verified",
            "identity",
            {
                "event_id": str(uuid.uuid4()),
                "type": "affiliation_verified",
                "version": 1,
                "occurred_at": datetime.now(UTC).isoformat(),
                "data": {"user_id": user_id, "role": "alumnus", "method": "record"},
            },
        )
    return user_id


def test_the_welcome_is_a_notification_and_the_count_follows_reading(db):
    member = join(db, "nl")
    assert centre.unread_count(db, member) == {"unread_count": 1}
    page = centre.list_for(db, member)
    [welcome] = page["items"]
    assert welcome["type"] == "welcome" and welcome["text"].startswith(
        "Welkom bij het Mentornetwerk"
    )
    assert page["unread_count"] == 1
    assert centre.mark_read(db, member, welcome["id"])["unread_count"] == 0
    assert centre.mark_read(db, member, welcome["id"])["unread_count"] == 0  # twice: still 0


def test_nobody_reads_or_marks_another_members_notifications(db):
    owner, other = join(db), join(db)
    [welcome] = centre.list_for(db, owner)["items"]
    with pytest.raises(NotFound):
        centre.mark_read(db, other, welcome["id"])
    assert centre.list_for(db, other)["items"][0]["id"] != welcome["id"]
    assert centre.unread_count(db, owner)["unread_count"] == 1


def test_mark_all_read_and_pagination(db):
    a, b = join(db), join(db)
    for n in range(3):
        conversations.start_conversation(db, b, a, f"hello {n}")
    page = centre.list_for(db, a, page=1, per_page=2)
    assert (page["total"], len(page["items"]), page["unread_count"]) == (4, 2, 4)
    assert page["items"][0]["type"] == "new_message"  # newest first
    assert centre.mark_all_read(db, a) == {"unread_count": 0}
    assert centre.list_for(db, a, unread_only=True)["items"] == []
    with pytest.raises(InvalidInput):
        centre.list_for(db, a, per_page=500)


def test_preferences_default_and_change_what_arrives(db, service_database):
    a, b = join(db), join(db)
    mine = preferences.get(db, a)
    assert {"event_type": "new_message", "in_app": True, "email": True} in mine["items"]
    preferences.set(
        db, a, {"items": [{"event_type": "new_message", "in_app": False, "email": False}]}
    )
    conversations.start_conversation(db, b, a, "are you there?")
    assert [n["type"] for n in centre.list_for(db, a)["items"]] == ["welcome"]
    assert (
        service_database.scalar(
            "SELECT count(*) FROM email_messages WHERE user_id = :u AND template = 'new_message'",
            {"u": a},
        )
        == 0
    )
    with pytest.raises(InvalidInput) as error:
        preferences.set(
            db, a, {"items": [{"event_type": "horoscope", "in_app": True, "email": True}]}
        )
    assert "items.0.event_type" in error.value.fields


def test_who_may_write_to_whom(db):
    verified, unverified, private, contact = join(db), join(db, verified=False), join(db), join(db)
    preferences.set(db, private, {"allow_messages_from_members": False})
    with pytest.raises(Forbidden) as not_verified:
        conversations.start_conversation(db, unverified, verified, "hi")
    assert not_verified.value.code == "not_verified"
    with pytest.raises(Forbidden) as closed:
        conversations.start_conversation(db, verified, private, "hi")
    assert closed.value.code == "messages_not_accepted"
    with db.transaction() as session:  # a mentoring request between them (mentoring's events)
        conversations.add_contact(session, contact, private)
    assert conversations.start_conversation(db, contact, private, "about your request")["id"]
    conversations.block(db, private, contact)
    with pytest.raises(Forbidden) as blocked:
        conversations.start_conversation(db, contact, private, "hello again")
    assert blocked.value.code == "blocked"
    conversations.unblock(db, private, contact)
    assert conversations.start_conversation(db, contact, private, "thanks for unblocking")


def test_a_conversation_is_private_to_its_two_members(db, service_database):
    a, b, outsider = join(db), join(db), join(db)
    started = conversations.start_conversation(
        db, a, b, "<script>alert('hi')</script>\nsecond line"
    )
    conversation = started["id"]
    assert (
        started["message"]["body_html"]
        == "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;<br>second line"
    )
    reply = conversations.send_message(db, b, conversation, "Hello A")
    assert reply["recipient_id"] == a
    assert conversations.start_conversation(db, b, a, "same pair")["id"] == conversation
    assert (
        conversations.send_message(db, b, conversation, "from a form\r\nline two")["body"]
        == "from a form\nline two"
    )
    for attempt in (
        lambda: conversations.list_messages(db, outsider, conversation),
        lambda: conversations.send_message(db, outsider, conversation, "let me in"),
        lambda: conversations.report(db, outsider, reply["id"], "spam"),
        lambda: conversations.get_message(db, outsider, reply["id"]),
    ):
        with pytest.raises(NotFound):
            attempt()
    listing = conversations.list_conversations(db, a)
    assert listing["items"][0]["unread_count"] == 3  # B's reply, "same pair" and the form's
    messages = conversations.list_messages(db, a, conversation)
    assert [m["body"] for m in messages["items"]][1:3] == ["same pair", "Hello A"]
    assert conversations.list_conversations(db, a)["items"][0]["unread_count"] == 0
    assert messages["conversation"]["with"]["user_id"] == b
    assert messages["conversation"]["with"]["blocked_by_you"] is False
    assert conversations.get_message(db, a, reply["id"])["body"] == "Hello A"
    conversations.block(db, a, b)
    assert conversations.list_messages(db, a, conversation)["conversation"]["with"][
        "blocked_by_you"
    ]
    assert not conversations.list_messages(db, b, conversation)["conversation"]["with"][
        "blocked_by_you"
    ]
    assert conversations.report(db, a, reply["id"], "Not nice")["status"] == "open"
    assert conversations.list_reports(db)["items"][-1]["reason"] == "Not nice"


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001, "bell\x07"])
def test_message_bodies_are_bounded_plain_text(db, body):
    a, b = join(db), join(db)
    with pytest.raises(InvalidInput) as error:
        conversations.start_conversation(db, a, b, body)
    assert "body" in error.value.fields


def test_a_new_message_notifies_and_mails_the_recipient_in_their_language(db, service_database):
    a, b = join(db, first_name="Anna"), join(db, "nl")
    conversations.start_conversation(db, a, b, "Hoi!")
    [note] = [n for n in centre.list_for(db, b)["items"] if n["type"] == "new_message"]
    assert note["text"] == "Anna Bakker heeft je een bericht gestuurd." and note["link"].startswith(
        "/inbox/"
    )
    subject = service_database.scalar(
        "SELECT subject FROM email_messages WHERE user_id = :u AND template = 'new_message'",
        {"u": b},
    )
    assert subject == "Anna Bakker heeft je een bericht gestuurd op het Mentornetwerk"


def helpdesk_mail(service_database, request_id):
    return service_database.scalar(
        "SELECT string_agg(template || ':' || language || ':' || to_address, ',' ORDER BY template)"
        " FROM email_messages WHERE dedupe_key LIKE :k",
        {"k": f"helpdesk%:{request_id}"},
    )


def test_the_helpdesk_gets_the_message_and_a_visitor_no_receipt_and_floods_are_throttled(
    db, service_database
):
    address = f"visitor.{uuid.uuid4().hex[:6]}@example.org"
    form = {
        "name": "Visitor",
        "email": address,
        "subject": "Cannot log in",
        "message": "Help, please.",
        "language": "nl",
    }
    received = helpdesk.contact(db, form, client="198.51.100.7")
    # Nobody proved the visitor's address: their words are not mailed there.
    assert received["receipt_sent"] is False
    assert (
        helpdesk_mail(service_database, received["id"])
        == "helpdesk:en:helpdesk@mentornetwork.invalid"
    )
    for _ in range(4):
        helpdesk.contact(db, form, client="198.51.100.7")
    with pytest.raises(Throttled) as refused:
        helpdesk.contact(db, form, client="198.51.100.7")
    assert 3500 <= refused.value.retry_after <= 3600  # when the first of the five is an hour old
    with pytest.raises(InvalidInput) as error:
        helpdesk.contact(db, {"name": "", "email": "nope", "subject": "x", "message": "y"})
    assert {"name", "email"} <= set(error.value.fields)


def test_a_member_gets_a_receipt_only_at_the_address_they_confirmed(db, service_database):
    member = join(db, "nl")
    form = {
        "name": "Sam",
        "email": f"elsewhere.{uuid.uuid4().hex[:6]}@example.org",
        "subject": "A question",
        "message": "Where is my mentor?",
        "language": "en",
    }
    unconfirmed = helpdesk.contact(db, form, user_id=member)
    assert unconfirmed["receipt_sent"] is False
    assert (
        helpdesk_mail(service_database, unconfirmed["id"])
        == "helpdesk:en:helpdesk@mentornetwork.invalid"
    )
    confirmed = f"sam.{uuid.uuid4().hex[:6]}@example.org"
    Inbox(db.engine, {"confirmed": members.email_confirmed}, {"confirmed": "identity"}).apply(
        "confirmed",
        "identity",
        {
            "event_id": str(uuid.uuid4()),
            "type": "account_email_confirmed",
            "version": 1,
            "occurred_at": datetime.now(UTC).isoformat(),
            "data": {"user_id": member, "email": confirmed},
        },
    )
    received = helpdesk.contact(db, form, user_id=member)
    assert received["receipt_sent"] is True
    assert helpdesk_mail(service_database, received["id"]) == (
        f"helpdesk:en:helpdesk@mentornetwork.invalid,helpdesk_receipt:nl:{confirmed}"
    )
    staff = service_database.scalar(
        "SELECT body FROM email_messages WHERE dedupe_key = :k", {"k": f"helpdesk:{received['id']}"}
    )
    assert f"logged-in member {member}" in staff


@pytest.mark.parametrize(
    "field,value",
    [
        ("subject", "Invoice \u202egnp.exe"),
        ("subject", "a \u2066isolated\u2069 word"),
        ("subject", "a \x85 next line"),
        ("subject", "a \x9b C1 control"),
        ("subject", "tab\there"),
        ("name", "Eve \u202d"),
        ("message", "a bell \x07"),
        ("message", "C1 \x90 control"),
    ],
)
def test_the_helpdesk_refuses_control_and_direction_characters_naming_the_field(db, field, value):
    form = {
        "name": "Eve",
        "email": f"eve.{uuid.uuid4().hex[:6]}@example.org",
        "subject": "Hello",
        "message": "Line one\n\tLine two, indented.",
        "language": "en",
    }
    with pytest.raises(InvalidInput) as error:
        helpdesk.contact(db, dict(form, **{field: value}))
    assert list(error.value.fields) == [field]
    assert helpdesk.contact(db, form)["received"]  # line breaks and tabs in the message are fine


def update(title, body="", **more):
    """A service update's texts: the Dutch ones marked as such."""
    return {
        "title_en": title,
        "body_en": body or f"About {title}.",
        "title_nl": f"NL {title}",
        "body_nl": f"NL {body or title}",
        **more,
    }


def test_service_updates_show_until_they_end_or_are_withdrawn(db, service_database):
    ended = service_updates.publish(db, update("Old news"))
    with service_database.engine.begin() as connection:  # its end came (none is set in the past)
        connection.execute(
            text(
                "UPDATE service_updates SET expires_at = now() - interval '1 hour' WHERE id = :id"
            ),
            {"id": ended["id"]},
        )
    service_updates.publish(db, update("Maintenance on Sunday", "The network is down from 8 to 9."))
    withdrawn = service_updates.publish(db, update("A mistake"))
    assert service_updates.withdraw(db, withdrawn["id"])["state"] == "withdrawn"
    assert service_updates.withdraw(db, withdrawn["id"])["withdrawn_at"]  # again: no harm
    titles = [u["title"] for u in service_updates.current(db)["items"]]
    assert "Maintenance on Sunday" in titles
    assert "Old news" not in titles and "A mistake" not in titles
    states = {u["title_en"]: u["state"] for u in service_updates.listed(db)["items"]}
    assert states["Old news"] == "ended" and states["A mistake"] == "withdrawn"
    assert states["Maintenance on Sunday"] == "shown"
    with pytest.raises(NotFound):
        service_updates.withdraw(db, 10**9)


def test_a_service_update_shows_in_the_readers_language(db):
    service_updates.publish(
        db,
        update("Mentor week", "Meet mentors on campus.", expires_at="2099-12-31"),
    )
    english = service_updates.current(db, "en")["items"][0]
    dutch = service_updates.current(db, "nl")["items"][0]
    assert (english["title"], english["language"]) == ("Mentor week", "en")
    assert (dutch["title"], dutch["body"], dutch["language"]) == (
        "NL Mentor week",
        "NL Meet mentors on campus.",
        "nl",
    )
    assert english["expires_at"].startswith("2100-01-01T00:00:00")  # through the whole day


@pytest.mark.parametrize(
    "changed, field",
    [
        ({"title_nl": ""}, "title_nl"),
        ({"body_nl": "  "}, "body_nl"),
        ({"title_en": None}, "title_en"),
        ({"title_en": "x" * 201}, "title_en"),
        ({"expires_at": "next week"}, "expires_at"),
        ({"expires_at": "2001-01-01"}, "expires_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_service_update_needs_both_languages_and_names_what_is_wrong(db, changed, field):
    with pytest.raises(InvalidInput) as error:
        service_updates.publish(db, update("Complete", **changed))
    assert list(error.value.fields) == [field]


def test_an_update_ends_at_any_offset_python_reads_and_an_impossible_end_is_named(db):
    # PostgreSQL reads offsets up to 15:59 only: the moment is kept in UTC.
    far_east = update("Far east", expires_at="2124-08-06T03:40+22:14")
    assert service_updates.publish(db, far_east)["expires_at"] == "2124-08-05T05:26:00+00:00"
    for end in ("9999-12-31", "0001-01-01T00:00+01:00"):  # no day after it, no moment before
        with pytest.raises(InvalidInput) as error:
            service_updates.publish(db, update("Never", expires_at=end))
        assert list(error.value.fields) == ["expires_at"]


def test_the_overview_is_the_members_unread_count_and_the_current_updates(db):
    member, other, dutch = join(db), join(db), join(db, language="nl")
    centre.mark_all_read(db, other)
    service_updates.publish(db, update("Mentor week", "Meet mentors on campus."))
    mine, theirs = overview.overview(db, member), overview.overview(db, other)
    assert (mine["unread_count"], theirs["unread_count"]) == (1, 0)
    assert mine["service_updates"] == service_updates.current(db, "en")["items"]
    assert "Mentor week" in [u["title"] for u in mine["service_updates"]]
    # In the member's own language, unless the page asks for another.
    assert "NL Mentor week" in [u["title"] for u in overview.overview(db, dutch)["service_updates"]]
    asked = overview.overview(db, dutch, "en")["service_updates"]
    assert "Mentor week" in [u["title"] for u in asked]


class RefusingHandler:
    """An SMTP server that answers DATA with a chosen code."""

    def __init__(self, code):
        self.code = code

    async def handle_DATA(self, server, session, envelope):
        return f"{self.code} not now" if self.code >= 400 else "250 OK"


def test_mail_has_both_parts_and_a_temporary_refusal_is_retried_a_permanent_one_is_not(
    db, service_database
):
    a, b = join(db), join(db)
    conversations.start_conversation(db, a, b, "see https://example.org/x & more")
    with db.engine.begin() as connection:  # other tests' mail in this database is not ours to send
        connection.execute(
            text(
                "UPDATE email_messages SET status = 'sent' WHERE status = 'pending'"
                " AND user_id IS DISTINCT FROM :u"
            ),
            {"u": b},
        )
    port = free_port()
    for code, expected in ((451, "pending"), (550, "failed")):
        server = Controller(RefusingHandler(code), hostname="127.0.0.1", port=port)
        server.start()
        try:
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "UPDATE email_messages SET status = 'pending',"
                        " next_attempt_at = now() WHERE user_id = :u"
                    ),
                    {"u": b},
                )
            MailSender(db.engine, "127.0.0.1", port, "no-reply@x.org").send_due()
        finally:
            server.stop()
        assert (
            service_database.scalar(
                "SELECT status FROM email_messages WHERE user_id = :u AND template = 'new_message'",
                {"u": b},
            )
            == expected
        )
    box = Mailbox()
    try:
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE email_messages SET status = 'pending',"
                    " next_attempt_at = now() WHERE user_id = :u"
                ),
                {"u": b},
            )
        sender = MailSender(db.engine, "127.0.0.1", box.port, "no-reply@x.org")
        while sender.send_due():
            pass
        [mail] = [m for m in box.messages if "message" in m["subject"]]
        assert "https://example.org/x & more" in mail["body"]
        assert '<a href="https://example.org/x">' in mail["html"] and "&amp; more" in mail["html"]
    finally:
        box.stop()


def test_a_mail_claimed_by_a_sender_that_died_is_never_sent_again(db, service_database):
    a, b = join(db), join(db)
    conversations.start_conversation(db, a, b, "hello")
    with db.engine.begin() as connection:  # a sender claimed it, then the service died
        connection.execute(
            text(
                "UPDATE email_messages SET status = 'sending',"
                " claimed_at = now() - interval '11 minutes' WHERE user_id = :u"
            ),
            {"u": b},
        )
    box = Mailbox()
    try:
        MailSender(db.engine, "127.0.0.1", box.port, "no-reply@x.org").send_due()
        assert box.to(f"u.{b[:8]}@example.org") == []
    finally:
        box.stop()
    assert (
        service_database.scalar("SELECT status FROM email_messages WHERE user_id = :u", {"u": b})
        == "unknown"
    )


def mentoring_event(change, mentee, mentor):
    now = datetime.now(UTC)
    return {
        "event_id": str(uuid.uuid4()),
        "type": f"mentoring_request_{change}",
        "version": 1,
        "occurred_at": now.isoformat(),
        "data": {
            "request_id": 7,
            "mentee_id": mentee,
            "mentor_id": mentor,
            "activities": ["cv_review"],
            "actor_id": None,
            "at": now.isoformat(),
            "relationship_id": None,
            "reason": None,
            "expires_at": (now + timedelta(days=3)).isoformat(),
        },
    }


def test_mentoring_events_reach_the_member_they_concern(db, service_database):
    from notifications import mentoring_updates

    mentee, mentor = join(db, first_name="Sem"), join(db, "nl", first_name="Marit")
    box = Inbox(
        db.engine,
        {name: mentoring_updates.request_changed for name in ("created", "expiring", "declined")},
        {name: "mentoring" for name in ("created", "expiring", "declined")},
    )
    box.apply("created", "mentoring", mentoring_event("created", mentee, mentor))
    box.apply("expiring", "mentoring", mentoring_event("expiring", mentee, mentor))
    box.apply("declined", "mentoring", mentoring_event("declined", mentee, mentor))
    mentor_texts = [n["text"] for n in centre.list_for(db, mentor)["items"]]
    assert "Sem Bakker vraagt je om mentoring." in mentor_texts
    assert any("verloopt binnenkort" in text for text in mentor_texts)
    assert (
        centre.list_for(db, mentee)["items"][0]["text"]
        == "Marit Bakker declined your mentoring request."
    )
    assert (
        service_database.scalar(
            "SELECT count(*) FROM email_messages WHERE user_id = :u"
            " AND template = 'mentoring_update'",
            {"u": mentor},
        )
        == 2
    )
    # A request makes them contacts: the mentor may answer even though the mentee
    # does not accept messages from other members.
    preferences.set(db, mentee, {"allow_messages_from_members": False})
    assert conversations.start_conversation(db, mentor, mentee, "Graag!")["id"]


def test_a_link_event_retried_to_success_leaves_no_link_among_the_failures(db, service_database):
    member = join(db)
    link = f"http://localhost:8000/confirm-email?token={uuid.uuid4().hex}"
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": "email_confirmation_requested",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {
            "user_id": member,
            "email": "sam@example.org",
            "first_name": "Sam",
            "language": "en",
            "confirmation_url": link,
        },
    }
    failures = []

    def fails_once(session, data, envelope):
        if not failures:
            failures.append(1)
            raise RuntimeError("the database blinked")
        members.send_email_confirmation(session, data, envelope)

    box = Inbox(db.engine, {"confirm": fails_once}, {"confirm": "identity"}, retry_base=0.01)
    assert box.handle("confirm", "identity", envelope) == "failed"
    parked = "SELECT envelope->'data'->>'confirmation_url' FROM failed_events WHERE event_id = :id"
    assert service_database.scalar(parked, {"id": envelope["event_id"]}) == link  # needed to retry
    with db.engine.begin() as connection:  # its retry is due now
        connection.execute(
            text("UPDATE failed_events SET next_attempt_at = now() WHERE event_id = :id"),
            {"id": envelope["event_id"]},
        )
    assert box.retry_due() >= 1
    assert (
        service_database.scalar(
            "SELECT status FROM failed_events WHERE event_id = :id", {"id": envelope["event_id"]}
        )
        == "done"
    )
    assert service_database.scalar(parked, {"id": envelope["event_id"]}).startswith("(not kept")
    assert (
        service_database.scalar(
            "SELECT count(*) FROM email_messages WHERE user_id = :u AND template = 'confirm_email'",
            {"u": member},
        )
        == 1
    )


def test_mark_all_read_racing_a_new_notification_leaves_the_count_true(db, service_database):
    import threading
    import time

    member = join(db)
    session = db.Session()  # a notification being made, not committed yet
    centre.notify(session, member, "new_message", f"race:{uuid.uuid4()}", "Hello")
    session.flush()
    marking = threading.Thread(target=centre.mark_all_read, args=(db, member))
    marking.start()
    deadline = time.monotonic() + 10
    while not service_database.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE "
        "wait_event_type = 'Lock' AND datname = current_database()"
    ):
        assert time.monotonic() < deadline, "mark_all_read never waited"
        time.sleep(0.02)
    session.commit()
    session.close()
    marking.join()
    unread = service_database.scalar(
        "SELECT count(*) FROM notifications WHERE user_id = :u AND read_at IS NULL", {"u": member}
    )
    assert centre.unread_count(db, member)["unread_count"] == unread


def language_changed(user_id, language, changed_at):
    return {
        "event_id": str(uuid.uuid4()),
        "type": "account_language_changed",
        "version": 1,
        "occurred_at": changed_at.isoformat(),
        "data": {"user_id": user_id, "language": language, "changed_at": changed_at.isoformat()},
    }


def test_a_changed_language_is_used_for_the_next_notification_and_mail(db, service_database):
    box = Inbox(db.engine, {"changed": members.update_language}, {"changed": "identity"})
    a, b = join(db, first_name="Anna"), join(db, "nl")
    now = datetime.now(UTC)
    box.apply("changed", "identity", language_changed(b, "en", now))
    # A change made earlier but delivered later (a retry) does not undo it.
    box.apply("changed", "identity", language_changed(b, "nl", now - timedelta(seconds=5)))
    conversations.start_conversation(db, a, b, "Hi!")
    [note] = [n for n in centre.list_for(db, b)["items"] if n["type"] == "new_message"]
    assert note["text"] == "Anna Bakker sent you a message."
    assert (
        service_database.scalar(
            "SELECT subject FROM email_messages WHERE user_id = :u AND template = 'new_message'",
            {"u": b},
        )
        == "Anna Bakker sent you a message on the Mentor Network"
    )


def test_a_language_change_waits_for_the_member_and_is_dropped_for_a_forgotten_one(
    db, service_database
):
    box = Inbox(
        db.engine,
        {"changed": members.update_language, "forget": members.forget},
        {"changed": "identity", "forget": "identity"},
    )
    with pytest.raises(LookupError):  # the inbox retries it until account_registered is in
        box.apply(
            "changed", "identity", language_changed(str(uuid.uuid4()), "en", datetime.now(UTC))
        )
    gone = join(db)
    box.apply(
        "forget",
        "identity",
        {
            "event_id": str(uuid.uuid4()),
            "type": "account_deleted",
            "version": 1,
            "occurred_at": datetime.now(UTC).isoformat(),
            "data": {"user_id": gone, "deleted_at": datetime.now(UTC).isoformat()},
        },
    )
    assert (
        box.apply("changed", "identity", language_changed(gone, "nl", datetime.now(UTC)))
        == "applied"
    )
    assert (
        service_database.scalar("SELECT count(*) FROM members WHERE user_id = :u", {"u": gone}) == 0
    )


def test_notifications_quoting_a_members_words_come_html_escaped_too(db):
    from notifications import mentoring_updates

    mentee, mentor = join(db, first_name="Sem"), join(db, first_name="Marit")
    now = datetime.now(UTC)
    reason = 'We are done <img src=x onerror="alert(1)"> & thanks\nBye'
    box = Inbox(
        db.engine,
        {"ended": mentoring_updates.relationship_ended, "reviewed": members.affiliation_reviewed},
        {"ended": "mentoring", "reviewed": "identity"},
    )
    box.apply(
        "ended",
        "mentoring",
        {
            "event_id": str(uuid.uuid4()),
            "type": "relationship_ended",
            "version": 1,
            "occurred_at": now.isoformat(),
            "data": {
                "relationship_id": 3,
                "mentor_id": mentor,
                "mentee_id": mentee,
                "ended_by": mentor,
                "reason": reason,
                "at": now.isoformat(),
            },
        },
    )
    [ended] = [n for n in centre.list_for(db, mentee)["items"] if n["type"] == "relationship_ended"]
    assert ended["text"] == f"Marit Bakker ended your mentoring relationship. {reason}"
    assert ended["text_html"] == (
        "Marit Bakker ended your mentoring relationship. We are done &lt;img src=x "
        "onerror=&quot;alert(1)&quot;&gt; &amp; thanks<br>Bye"
    )
    box.apply(
        "reviewed",
        "identity",
        {
            "event_id": str(uuid.uuid4()),
            "type": "affiliation_reviewed",
            "version": 1,
            "occurred_at": now.isoformat(),
            "data": {"user_id": mentee, "approved": False, "reason": "<b>No record</b>"},
        },
    )
    rejected = centre.list_for(db, mentee)["items"][0]
    assert rejected["text_html"].endswith("&lt;b&gt;No record&lt;/b&gt;")
    assert all(
        "<" not in item["text_html"].replace("<br>", "")
        for item in centre.list_for(db, mentee)["items"]
    )


def test_reading_a_thread_reads_its_message_notifications_and_no_others(db):
    a, b, c = join(db), join(db), join(db)
    before = centre.unread_count(db, a)["unread_count"]
    conversation = conversations.start_conversation(db, b, a, "one")["id"]
    conversations.send_message(db, b, conversation, "two")
    conversations.start_conversation(db, c, a, "from someone else")
    assert centre.unread_count(db, a)["unread_count"] == before + 3
    conversations.list_messages(db, a, conversation)
    assert centre.unread_count(db, a)["unread_count"] == before + 1
    unread = centre.list_for(db, a, unread_only=True)["items"]
    assert [n["type"] for n in unread if n["type"] == "new_message"] == ["new_message"]
    conversations.list_messages(db, a, conversation)  # again: nothing left to mark, no count below
    assert centre.unread_count(db, a)["unread_count"] == before + 1
    assert (
        centre.unread_count(db, b)["unread_count"]
        == centre.list_for(db, b, unread_only=True)["total"]
    )
