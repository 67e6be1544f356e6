"""Alembic environment of the mentoring service (runs under an advisory lock)."""

from alembic import context

from mentoring.models import metadata
from mentornet_platform.migrations import run_env

run_env(context, metadata, "mentoring")
