"""Alembic environment of the notifications service (runs under an advisory lock)."""

from alembic import context

from mentornet_platform.migrations import run_env
from notifications.models import metadata

run_env(context, metadata, "notifications")
