"""Events identity publishes; their payload contracts live in
mentornet_contracts.events (AccountRegisteredV1)."""
from mentornet_platform.outbox import record_event

SOURCE = "identity"


def account_registered(session, account):
    return record_event(session, SOURCE, "account_registered", {
        "user_id": account.id,
        "username": account.username,
        "email": account.email,
        "first_name": account.first_name,
        "middle_names": account.middle_names,
        "last_name": account.last_name,
        "language": account.language,
        "registered_at": account.created_at,
    })
