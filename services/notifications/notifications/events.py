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


def conversation_message_sent(session, message):
    """Who wrote to whom and when (never what): mentoring counts it as activity
    of their relationship, if they have one."""
    return record_event(
        session,
        SOURCE,
        "conversation_message_sent",
        {
            "conversation_id": message.conversation_id,
            "message_id": message.id,
            "sender_id": message.sender_id,
            "recipient_id": message.recipient_id,
            "sent_at": message.created_at,
        },
    )
