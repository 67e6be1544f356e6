"""Fixtures of the identity service's own tests: its own throw-away database,
a valid sign-up form and the outbox's events for a member."""

import uuid

import pytest
from sqlalchemy import text

from mentornet_testing import database_fixtures

service_database, db = database_fixtures("identity")


@pytest.fixture
def sign_up_form():
    """Makes a valid sign-up form with a username and address no one has yet;
    keywords change fields (the username and address follow ``first_name``)."""

    def make(first_name="Jan", **overrides):
        suffix = uuid.uuid4().hex[:8]
        return {
            "first_name": first_name,
            "last_name": "de Vries",
            "date_of_birth": "1990-01-31",
            "username": f"{first_name.lower()}.{suffix}",
            "password": "tulip canal bicycle",
            "password_confirmation": "tulip canal bicycle",
            "email": f"{first_name.lower()}.{suffix}@example.org",
            "email_confirmation": f"{first_name.lower()}.{suffix}@example.org",
            "security_question": "First pet's name?",
            "security_answer": "Rex",
            "accept_privacy_policy": True,
            "accept_terms": True,
            "language": "nl",
            **overrides,
        }

    return make


@pytest.fixture
def outbox_for(db):
    """The envelopes in the outbox about one member, of one event type, oldest first."""

    def envelopes(user_id, event_type="account_registered"):
        with db.engine.connect() as connection:
            return (
                connection.execute(
                    text(
                        "SELECT envelope FROM outbox_events"
                        " WHERE envelope->'data'->>'user_id' = :id AND event_type = :type ORDER BY id"
                    ),
                    {"id": user_id, "type": event_type},
                )
                .scalars()
                .all()
            )

    return envelopes
