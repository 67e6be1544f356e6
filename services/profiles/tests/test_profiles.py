"""Profiles' domain and entrypoints against its real database, and its side of
the account_registered / profile_created contracts."""
import uuid
from datetime import datetime, timezone

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text

from mentornet_contracts.events import validate_payload
from mentornet_platform.inbox import Inbox
from profiles import profiles
from profiles.exceptions import NotFound
from profiles.service import ProfilesService


def account_registered(user_id=None, **data):
    """An event exactly as the contract describes it (the consumer's side)."""
    user_id = user_id or str(uuid.uuid4())
    payload = {"user_id": user_id, "username": f"m.{user_id[:8]}",
               "email": f"m.{user_id[:8]}@example.org", "first_name": "Mila",
               "middle_names": "", "last_name": "Jansen", "language": "en",
               "registered_at": datetime.now(timezone.utc).isoformat()}
    payload.update(data)
    return {"event_id": str(uuid.uuid4()), "type": "account_registered", "version": 1,
            "occurred_at": datetime.now(timezone.utc).isoformat(), "data": payload}


def inbox(db):
    return Inbox(db.engine, {"on_account_registered": profiles.create_for_account},
                 {"on_account_registered": "identity"})


def test_account_registered_creates_the_profile_and_announces_it(db, service_database):
    envelope = account_registered()
    assert inbox(db).apply("on_account_registered", "identity", envelope) == "applied"
    user_id = envelope["data"]["user_id"]
    profile = profiles.get_profile(db, user_id, user_id)
    assert (profile["first_name"], profile["last_name"]) == ("Mila", "Jansen")
    with db.engine.connect() as connection:
        announced = connection.execute(text(
            "SELECT envelope FROM outbox_events WHERE envelope->'data'->>'user_id' = :id"),
            {"id": user_id}).scalars().all()
    assert len(announced) == 1 and announced[0]["type"] == "profile_created"
    validate_payload("profiles", "profile_created", 1, announced[0]["data"])  # producer's side


def test_the_same_event_twice_has_one_effect(db, service_database):
    envelope = account_registered()
    box = inbox(db)
    assert box.apply("on_account_registered", "identity", envelope) == "applied"
    assert box.apply("on_account_registered", "identity", envelope) == "duplicate"
    assert service_database.scalar(
        "SELECT count(*) FROM outbox_events WHERE envelope->'data'->>'user_id' = :id",
        {"id": envelope["data"]["user_id"]}) == 1


def test_an_event_breaking_its_contract_is_parked_not_retried(db, service_database):
    envelope = account_registered()
    del envelope["data"]["email"]
    assert inbox(db).handle("on_account_registered", "identity", envelope) == "failed"
    status = service_database.scalar(
        "SELECT status FROM failed_events WHERE event_id = :id", {"id": envelope["event_id"]})
    assert status == "dead"


def test_others_see_the_public_sections_only(db):
    envelope = account_registered()
    inbox(db).apply("on_account_registered", "identity", envelope)
    user_id = envelope["data"]["user_id"]
    own = profiles.get_profile(db, user_id, user_id)
    other = profiles.get_profile(db, user_id, str(uuid.uuid4()))
    assert own["email"] == envelope["data"]["email"]
    assert "email" not in other and "username" not in other
    assert other["first_name"] == "Mila"


def test_unknown_profiles_are_not_found(db):
    with pytest.raises(NotFound):
        profiles.get_profile(db, str(uuid.uuid4()), None)


def test_entrypoints_are_thin_over_the_domain(db):
    service = worker_factory(ProfilesService, db=db)
    assert service.health() == {"service": "profiles", "status": "ok"}
    envelope = account_registered()
    inbox(db).apply("on_account_registered", "identity", envelope)
    user_id = envelope["data"]["user_id"]
    assert service.get_profile(user_id, user_id)["user_id"] == user_id
