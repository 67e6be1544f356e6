"""Events mentoring publishes; payload contracts in mentornet_contracts.events."""
from mentornet_platform.outbox import record_event

SOURCE = "mentoring"


def mentoring_member_created(session, member):
    return record_event(session, SOURCE, "mentoring_member_created",
                        {"user_id": member.user_id, "created_at": member.created_at})
