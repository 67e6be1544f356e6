"""The dead-letter RPCs every service inherits (mentornet_platform.deadletters),
against profiles' real database: a parked event is listed with its error,
shown with its payload, and replayed back into the retry queue."""

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text

from mentornet_contracts.errors import NotFound
from profiles.service import ProfilesService
from services.profiles.tests.test_profiles import account_registered, inbox


def test_a_parked_event_is_listed_shown_and_replayed(db):
    box = inbox(db)
    broken = account_registered(first_name=None)  # breaks the contract: parked at once
    assert box.handle("on_account_registered", "identity", broken) == "failed"
    service = worker_factory(ProfilesService, db=db, event_inbox=box)

    listed = [
        letter
        for letter in service.list_dead_letters()["items"]
        if letter["event_id"] == broken["event_id"]
    ]
    assert len(listed) == 1
    letter = listed[0]
    assert (letter["event_type"], letter["handler"], letter["status"], letter["attempts"]) == (
        "account_registered",
        "on_account_registered",
        "dead",
        1,
    )
    assert "first_name" in letter["error"] and "PoisonEvent" in letter["error"]

    shown = service.get_dead_letter(dead_letter_id=letter["id"])
    assert shown["source"] == "identity" and shown["version"] == 1
    assert shown["payload"]["username"] == broken["data"]["username"]
    with pytest.raises(NotFound):
        service.get_dead_letter(dead_letter_id=10**9)

    assert service.replay_dead_letters(dead_letter_ids=[letter["id"]]) == {
        "replayed": [letter["id"]]
    }
    ids = [item["id"] for item in service.list_dead_letters()["items"]]
    assert letter["id"] not in ids
    with db.engine.connect() as connection:
        status, attempts, due = connection.execute(
            text(
                "SELECT status, attempts, next_attempt_at <= now() FROM failed_events"
                " WHERE id = :id"
            ),
            {"id": letter["id"]},
        ).one()
    assert (status, attempts, due) == ("retrying", 0, True)


def test_replaying_every_parked_event_of_the_service(db):
    box = inbox(db)
    parked = [account_registered(last_name=None) for _ in range(2)]
    for envelope in parked:
        box.handle("on_account_registered", "identity", envelope)
    service = worker_factory(ProfilesService, db=db, event_inbox=box)
    ids = {
        letter["id"]
        for letter in service.list_dead_letters()["items"]
        if letter["event_id"] in {envelope["event_id"] for envelope in parked}
    }
    assert len(ids) == 2
    replayed = service.replay_dead_letters(every_dead=True)["replayed"]
    assert ids <= set(replayed)
    assert not ids & {item["id"] for item in service.list_dead_letters()["items"]}
