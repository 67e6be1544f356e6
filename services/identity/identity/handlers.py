"""Identity's event handlers: plain functions ``(session, data, envelope)`` run by
the inbox inside one transaction with the processed-event key.  Each marks one
step of the registration saga done; ``account_ready`` needs all three.  The
export and erasure sagas' steps live in data_exports.py and erasure.py."""

from identity import data_exports, erasure
from identity.models import Account


def _mark(column):
    def handler(session, data, envelope):
        account = session.get(Account, str(data["user_id"]), with_for_update=True)
        if account is None:
            return  # the account was deleted meanwhile; nothing left to mark
        if getattr(account, column) is None:
            setattr(account, column, data["created_at"])

    handler.__name__ = f"mark_{column}"
    return handler


mark_profile_ready = _mark("profile_ready_at")
mark_mentoring_ready = _mark("mentoring_ready_at")
mark_notifications_ready = _mark("notifications_ready_at")


# The events this service consumes: handler name (on_<event type>) -> (source
# service, function(session, data, envelope)).  The inbox runs each in one
# transaction with the processed-event key; tests/test_contracts.py checks
# this table against the contracts' SUBSCRIPTIONS.
HANDLERS = {
    "on_profile_created": ("profiles", mark_profile_ready),
    "on_mentoring_member_created": ("mentoring", mark_mentoring_ready),
    "on_notification_recipient_created": ("notifications", mark_notifications_ready),
    # Members' data rights: the export saga's parts and the erasure saga's confirmations.
    "on_profiles_data_exported": ("profiles", data_exports.receive_profiles_part),
    "on_mentoring_data_exported": ("mentoring", data_exports.receive_mentoring_part),
    "on_notifications_data_exported": ("notifications", data_exports.receive_notifications_part),
    "on_profile_erased": ("profiles", erasure.confirm_profiles),
    "on_mentoring_member_erased": ("mentoring", erasure.confirm_mentoring),
    "on_notification_recipient_erased": ("notifications", erasure.confirm_notifications),
}
