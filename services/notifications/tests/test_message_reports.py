"""Operators' handling of a message report against notifications' real
database: the report with the messages around it, a warning to the writer
(once, in their language, as a notification and an e-mail), closing it."""

import pytest
from sqlalchemy import text

from notifications import centre, conversations, reports
from notifications.exceptions import Conflict, InvalidInput, NotFound
from services.notifications.tests.test_centre_and_inbox import join


def reported_conversation(db):
    """Nine messages between a writer (in Dutch) and a reader, who reports the fifth."""
    writer, reader = join(db, "nl", first_name="Wim"), join(db, first_name="Rita")
    started = conversations.start_conversation(db, writer, reader, "message 1")
    conversation = started["id"]
    sent = [started["message"]]
    for number in range(2, 10):
        author = writer if number % 2 else reader
        sent.append(conversations.send_message(db, author, conversation, f"message {number}"))
    report = conversations.report(db, reader, sent[4]["id"], "Rude")
    return writer, reader, report["id"]


def test_a_report_shows_the_message_among_its_neighbours(db):
    writer, reader, report_id = reported_conversation(db)
    found = reports.report_in_context(db, report_id)
    assert [m["body"] for m in found["context"]] == [f"message {n}" for n in range(2, 9)]
    assert [m["reported"] for m in found["context"]] == [False] * 3 + [True] + [False] * 3
    assert found["writer"] == {"user_id": writer, "name": "Wim Bakker"}
    assert found["reporter"] == {"user_id": reader, "name": "Rita Bakker"}
    assert (found["status"], found["reason"], found["warned_at"]) == ("open", "Rude", None)
    with pytest.raises(NotFound):
        reports.report_in_context(db, 10**9)


def test_the_writer_is_warned_once_and_the_report_closed(db):
    writer, reader, report_id = reported_conversation(db)
    for empty in ("", "   ", "x" * 401, None):
        with pytest.raises(InvalidInput) as refused:
            reports.warn_writer(db, report_id, empty)
        assert "warning" in refused.value.fields
    warned = reports.warn_writer(db, report_id, "Be polite.")
    assert warned["user_id"] == writer
    [notification] = [
        n for n in centre.list_for(db, writer)["items"] if n["type"] == "member_warned"
    ]
    assert notification["text"] == (
        "De beheerders waarschuwen je om een bericht dat je schreef: Be polite."
    )
    with db.engine.connect() as connection:
        subject = connection.execute(
            text("SELECT subject FROM email_messages WHERE user_id = :u AND template = :t"),
            {"u": writer, "t": "member_warned"},
        ).scalar_one()
    assert subject == "Een waarschuwing van de beheerders van het Mentornetwerk"
    with pytest.raises(Conflict) as again:
        reports.warn_writer(db, report_id, "Be polite.")
    assert again.value.code == "already_warned"
    assert reports.report_in_context(db, report_id)["warned_at"]

    closed = reports.close(db, report_id)
    assert closed == {"id": report_id, "status": "closed", "user_id": writer}
    assert report_id not in [r["id"] for r in conversations.list_reports(db)["items"]]
    assert report_id in [r["id"] for r in conversations.list_reports(db, "closed")["items"]]
    for after_closing in (
        lambda: reports.close(db, report_id),
        lambda: reports.warn_writer(db, report_id, "Again."),
    ):
        with pytest.raises(Conflict) as refused:
            after_closing()
        assert refused.value.code == "report_closed"
