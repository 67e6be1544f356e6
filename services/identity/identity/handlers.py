"""Identity's event handlers: plain functions ``(session, data, envelope)`` run by
the inbox inside one transaction with the processed-event key."""
from identity.models import Account


def mark_profile_ready(session, data, envelope):
    """profiles.profile_created: the registration saga's provisioning step is done."""
    account = session.get(Account, str(data["user_id"]))
    if account is None:
        # The account was deleted meanwhile; nothing left to mark.
        return
    if account.profile_ready_at is None:
        account.profile_ready_at = data["created_at"]
