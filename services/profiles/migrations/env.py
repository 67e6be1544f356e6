"""Alembic environment of the profiles service (runs under an advisory lock)."""
from alembic import context

from profiles.models import metadata
from mentornet_platform.migrations import run_env

run_env(context, metadata, "profiles")
