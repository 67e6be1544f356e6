"""The ending's feedback asks, the quiet relationship's nudge and the suggested
mentors, as notifications and queued mails in each member's language, once
however often their event arrives; and a message tells mentoring (who and
when, never what)."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import text

from mentornet_platform.event_inbox import Inbox
from notifications import centre, conversations
from notifications.handlers import HANDLERS
from services.notifications.tests.test_centre_and_inbox import join

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def deliver(db, handler, data, event_id=None):
    source, function = HANDLERS[handler]
    box = Inbox(db.engine, {handler: function}, {handler: source})
    box.apply(
        handler,
        source,
        {
            "event_id": event_id or str(uuid.uuid4()),
            "type": handler.removeprefix("on_"),
            "version": 1,
            "occurred_at": NOW.isoformat(),
            "data": data,
        },
    )


def mails(service_database, user_id, template):
    with service_database.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT subject, body, language FROM email_messages"
                " WHERE user_id = :u AND template = :t ORDER BY id"
            ),
            {"u": user_id, "t": template},
        ).all()


def notes(db, user_id, kind):
    return [n for n in centre.list_for(db, user_id)["items"] if n["type"] == kind]


def test_the_end_tells_the_partner_how_and_asks_both_for_feedback_once(db, service_database):
    mentor, mentee = join(db, "nl", first_name="Marit"), join(db, "en", first_name="Sem")
    ended = {
        "relationship_id": 41,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "ended_by": mentee,
        "reason": "Got the job",
        "at": NOW.isoformat(),
        "outcome": "completed",
    }
    once = str(uuid.uuid4())
    deliver(db, "on_relationship_ended", ended, once)
    deliver(db, "on_relationship_ended", ended, once)  # delivered twice
    [told] = notes(db, mentor, "relationship_ended")
    assert (
        told["text"] == "Sem Bakker heeft jullie mentorrelatie als voltooid afgesloten. Got the job"
    )
    for user_id, language, partner, subject in (
        (mentor, "nl", "Sem Bakker", "Hoe ging je mentorrelatie met Sem Bakker?"),
        (mentee, "en", "Marit Bakker", "How did your mentoring relationship with Marit Bakker go?"),
    ):
        [ask] = notes(db, user_id, "feedback_requested")
        assert ask["link"] == "/relationships/41/feedback"
        assert partner in ask["text"]
        [(mail_subject, body, mail_language)] = mails(
            service_database, user_id, "feedback_requested"
        )
        assert (mail_subject, mail_language) == (subject, language)
        assert "/relationships/41/feedback" in body
    # An end from before outcomes existed reads as ended early.
    deliver(db, "on_relationship_ended", dict(ended, relationship_id=42, outcome="ended_early"))
    texts = [n["text"] for n in notes(db, mentor, "relationship_ended")]
    assert "Sem Bakker heeft jullie mentorrelatie beëindigd. Got the job" in texts


def test_a_quiet_relationship_nudges_both_in_their_language_once_per_spell(db, service_database):
    mentor, mentee = join(db, "nl", first_name="Marit"), join(db, "en", first_name="Sem")
    quiet = {
        "relationship_id": 43,
        "mentor_id": mentor,
        "mentee_id": mentee,
        "last_activity_at": NOW.isoformat(),
        "quiet_weeks": 3,
    }
    deliver(db, "on_relationship_quiet", quiet)
    deliver(db, "on_relationship_quiet", quiet)
    [(subject, body, _)] = mails(service_database, mentor, "relationship_quiet")
    assert subject == "Het is stil in je mentorrelatie met Sem Bakker"
    assert "al 3 weken" in body and "/relationships/43" in body
    [(subject, body, _)] = mails(service_database, mentee, "relationship_quiet")
    assert subject == "It has been quiet in your mentoring relationship with Marit Bakker"
    assert len(notes(db, mentee, "relationship_quiet")) == 1
    # A later quiet spell is a new nudge.
    deliver(db, "on_relationship_quiet", dict(quiet, last_activity_at="2027-01-05T10:00:00+00:00"))
    assert len(mails(service_database, mentee, "relationship_quiet")) == 2


def suggested(mentor_id):
    return {
        "user_id": mentor_id,
        "first_name": "Marit",
        "last_name": "de Vries",
        "headline": "Curator",
        "reasons": [
            {"reason": "shared_programme", "programme": "Archaeology"},
            {"reason": "sector_of_interest", "sectors": ["arts_culture"]},
            {"reason": "offers", "activities": ["cv_review"]},
            {"reason": "room_left", "room_left": 1},
        ],
        "labels": {
            "en": {"sectors": {"arts_culture": "Arts"}, "activities": {"cv_review": "CV review"}},
            "nl": {
                "sectors": {"arts_culture": "Kunst"},
                "activities": {"cv_review": "Cv-beoordeling"},
            },
        },
    }


def test_suggested_mentors_come_with_their_reasons_in_the_members_language_once(
    db, service_database
):
    member, mentor_id = join(db, "nl"), str(uuid.uuid4())
    deliver(db, "on_mentors_suggested", {"user_id": member, "mentors": [suggested(mentor_id)]})
    deliver(db, "on_mentors_suggested", {"user_id": member, "mentors": [suggested(mentor_id)]})
    [(subject, body, _)] = mails(service_database, member, "mentors_suggested")
    assert subject == "Mentoren die je kunnen helpen"
    for said in (
        "Marit de Vries, Curator",
        "- Jullie studeerden allebei Archaeology",
        "- Werkt in een sector die je interesseert: Kunst",
        "- Biedt: Cv-beoordeling",
        "- Ruimte voor nog 1 mentee",
        f"/mentors/{mentor_id}",
    ):
        assert said in body, said
    assert len(notes(db, member, "mentors_suggested")) == 1
    # None to suggest: still a nudge, to search.
    alone = join(db, "en")
    deliver(db, "on_mentors_suggested", {"user_id": alone, "mentors": []})
    [(subject, body, _)] = mails(service_database, alone, "mentors_suggested")
    assert subject == "Mentors who could help you" and "/search" in body


def test_a_message_tells_mentoring_who_wrote_to_whom_and_when_never_what(db, service_database):
    a, b = join(db), join(db)
    sent = conversations.start_conversation(db, a, b, "A secret plan")["message"]
    with service_database.engine.connect() as connection:
        [envelope] = connection.execute(
            text(
                "SELECT envelope FROM outbox_events WHERE event_type = 'conversation_message_sent'"
                " AND envelope->'data'->>'message_id' = :id"
            ),
            {"id": str(sent["id"])},
        ).scalars()
    data = envelope["data"]
    assert (data["sender_id"], data["recipient_id"]) == (a, b)
    assert "secret" not in str(envelope)
