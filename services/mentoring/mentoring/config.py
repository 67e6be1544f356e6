"""Mentoring's settings (environment, with defaults)."""

from mentornet_contracts.events import DECLINE_REASONS  # noqa: F401  (the codes mentors choose from)
from mentornet_contracts.statuses import Role
from mentornet_platform import settings


def _list(name, default):
    return [item.strip() for item in settings.get(name, default).split(",") if item.strip()]


MAX_OPEN_REQUESTS = int(settings.get("MAX_OPEN_REQUESTS", "3"))
REQUEST_EXPIRY_DAYS = float(settings.get("REQUEST_EXPIRY_DAYS", "14"))
# The mentor is reminded this many days before an unanswered request expires.
REQUEST_REMINDER_DAYS = float(settings.get("REQUEST_REMINDER_DAYS", "3"))
MESSAGE_MAX = 2000


def mentee_roles():
    """Who may ask for mentoring.  By default every verified member ("all
    participants are eligible to be both mentors and mentees", the guide says);
    a university may narrow it, e.g. MENTEE_ROLES=student,alumnus."""
    return _list("MENTEE_ROLES", ",".join(Role))
