"""Fixtures of the mentoring service's own tests: its own throw-away database."""

from mentornet_testing import database_fixtures

service_database, db = database_fixtures("mentoring")
