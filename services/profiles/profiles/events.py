"""Events profiles publishes; payload contracts in mentornet_contracts.events."""

from datetime import UTC, datetime

from mentornet_platform.outbox import record_event

SOURCE = "profiles"


def profile_created(session, profile):
    return record_event(
        session,
        SOURCE,
        "profile_created",
        {"user_id": profile.user_id, "created_at": profile.created_at},
    )


def mentor_settings_changed(session, profile):
    """So mentoring can check offers and capacity without calling profiles."""
    return record_event(
        session,
        SOURCE,
        "mentor_settings_changed",
        {
            "user_id": profile.user_id,
            "available": profile.mentor_available,
            "activities": list(profile.mentor_activities),
            "max_mentees": profile.mentor_max_mentees,
            "changed_at": datetime.now(UTC),
        },
    )


def mentors_suggested(session, user_id, mentors):
    return record_event(
        session, SOURCE, "mentors_suggested", {"user_id": user_id, "mentors": mentors}
    )
