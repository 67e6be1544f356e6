"""Fixtures of the notifications service's own tests: its own throw-away database."""
import pytest

from mentornet_platform.testing import ThrowawayDatabase


@pytest.fixture(scope="session")
def service_database():
    database = ThrowawayDatabase("notifications")
    yield database
    database.close()


@pytest.fixture
def db(service_database):
    return service_database.database
