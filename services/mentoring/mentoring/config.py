"""Mentoring's settings (environment, with defaults)."""

from mentornet_contracts.events import (  # noqa: F401  (the codes members choose from)
    DECLINE_REASONS,
    RELATIONSHIP_OUTCOMES,
)
from mentornet_contracts.statuses import Role
from mentornet_platform import settings


def _list(name, default):
    return [item.strip() for item in settings.get(name, default).split(",") if item.strip()]


MAX_OPEN_REQUESTS = int(settings.get("MAX_OPEN_REQUESTS", "3"))
REQUEST_EXPIRY_DAYS = float(settings.get("REQUEST_EXPIRY_DAYS", "14"))
# The mentor is reminded this many days before an unanswered request expires.
REQUEST_REMINDER_DAYS = float(settings.get("REQUEST_REMINDER_DAYS", "3"))
MESSAGE_MAX = 2000
# A current relationship with no meeting, message or goal activity for this many
# weeks nudges both members (once per quiet spell).
NUDGE_AFTER_WEEKS = float(settings.get("NUDGE_AFTER_WEEKS", "3"))
# A member who finished onboarding this many days ago and has asked nobody is
# suggested mentors (once).
SUGGEST_MENTORS_AFTER_DAYS = float(settings.get("SUGGEST_MENTORS_AFTER_DAYS", "7"))


def mentee_roles():
    """Who may ask for mentoring.  By default every verified member ("all
    participants are eligible to be both mentors and mentees", the guide says);
    a university may narrow it, e.g. MENTEE_ROLES=student,alumnus."""
    return _list("MENTEE_ROLES", ",".join(Role))


# Meetings: how many times a member may propose at once, how long a meeting
# may be, how long before it both are reminded, and the time zone of a member
# who never chose one (an IANA name; the university's own).
MEETING_TIMES_MAX = int(settings.get("MEETING_TIMES_MAX", "5"))
MEETING_MINUTES_MAX = 480
MEETING_REMINDER_HOURS = float(settings.get("MEETING_REMINDER_HOURS", "24"))
DEFAULT_TIME_ZONE = settings.get("DEFAULT_TIME_ZONE", "Europe/Amsterdam")
