"""Alembic environment of the identity service (runs under an advisory lock)."""

from alembic import context

from identity.models import metadata
from mentornet_platform.migrations import run_env

run_env(context, metadata, "identity")
