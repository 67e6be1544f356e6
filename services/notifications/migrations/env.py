"""Alembic environment of the notifications service (runs under an advisory lock)."""
from alembic import context

from notifications.models import metadata
from mentornet_platform.migrations import run_env

run_env(context, metadata, "notifications")
