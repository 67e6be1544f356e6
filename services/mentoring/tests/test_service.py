"""Mentoring's foundation: its migrations and its health entrypoint."""

import os

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import create_engine, text

from mentoring.service import MentoringService
from mentornet_platform import migrations
from mentornet_testing import create_database, drop_database, unique_name


def test_migrations_create_the_messaging_tables(service_database):
    for table in ("outbox_events", "processed_events", "failed_events"):
        assert service_database.scalar("SELECT to_regclass(:t) IS NOT NULL", {"t": table})


def test_health_entrypoint_checks_the_database(db):
    assert worker_factory(MentoringService, db=db).health() == {
        "service": "mentoring",
        "status": "ok",
    }


def test_migration_0004_names_pairs_with_two_current_relationships_instead_of_failing_blind():
    service_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    name = unique_name("mentornet_unit_mentoring_0004")
    url = create_database(name)
    engine = create_engine(url)
    try:
        migrations.upgrade("mentoring", service_dir, url, "0003")
        with engine.begin() as connection:  # what the code before 0004 allowed
            connection.execute(
                text(
                    "INSERT INTO relationships (id, mentor_id, mentee_id, activities, request_id,"
                    " started_at) VALUES (1, 'm', 'e', '{cv_review}', 1, now()),"
                    " (2, 'm', 'e', '{cv_review}', 2, now())"
                )
            )
        with pytest.raises(RuntimeError, match=r"mentor m, mentee e: relationships \[1, 2\]"):
            migrations.upgrade("mentoring", service_dir, url)
        with engine.begin() as connection:
            connection.execute(text("UPDATE relationships SET ended_at = now() WHERE id = 2"))
        migrations.upgrade("mentoring", service_dir, url)
        with engine.connect() as connection:
            assert connection.execute(
                text("SELECT to_regclass('uq_relationships_current_pair') IS NOT NULL")
            ).scalar()
    finally:
        engine.dispose()
        drop_database(name)
