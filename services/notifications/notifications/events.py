"""Events notifications publishes; payload contracts in mentornet_contracts.events."""

from mentornet_platform.outbox import record_event

SOURCE = "notifications"


def notification_recipient_created(session, member):
    return record_event(
        session,
        SOURCE,
        "notification_recipient_created",
        {"user_id": member.user_id, "created_at": member.created_at},
    )
