"""Mentoring's foundation: its migrations and its health entrypoint."""
from nameko.testing.services import worker_factory

from mentoring.service import MentoringService


def test_migrations_create_the_messaging_tables(service_database):
    for table in ("outbox_events", "processed_events", "failed_events"):
        assert service_database.scalar("SELECT to_regclass(:t) IS NOT NULL", {"t": table})


def test_health_entrypoint_checks_the_database(db):
    assert worker_factory(MentoringService, db=db).health() == {"service": "mentoring",
                                                                 "status": "ok"}
