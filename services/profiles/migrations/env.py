"""Alembic environment of the profiles service (runs under an advisory lock)."""

from alembic import context

from mentornet_platform.migrations import run_env
from profiles.models import metadata

run_env(context, metadata, "profiles")
