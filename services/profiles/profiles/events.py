"""Events profiles publishes; payload contracts in mentornet_contracts.events
(ProfileCreatedV1)."""
from mentornet_platform.outbox import record_event

SOURCE = "profiles"


def profile_created(session, profile):
    return record_event(session, SOURCE, "profile_created",
                        {"user_id": profile.user_id, "created_at": profile.created_at})
