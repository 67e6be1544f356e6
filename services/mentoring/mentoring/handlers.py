"""Mentoring's event handlers: what mentoring does with the events it consumes.

The functions live beside their domain; this table is the one place the service
says what it consumes."""

from mentoring import data_rights, members, nudges

# The events this service consumes: handler name (on_<event type>) -> (source
# service, function(session, data, envelope)).  The inbox runs each in one
# transaction with the processed-event key; tests/test_contracts.py checks
# this table against the contracts' SUBSCRIPTIONS.
HANDLERS = {
    "on_account_registered": ("identity", members.enrol),
    "on_account_deleted": ("identity", data_rights.erase),
    "on_data_export_requested": ("identity", data_rights.export_part),
    "on_onboarding_completed": ("identity", members.mark_onboarded),
    "on_mentor_settings_changed": ("profiles", members.record_offer),
    "on_conversation_message_sent": ("notifications", nudges.message_sent),
}
