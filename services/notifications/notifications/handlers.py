"""Notifications' event handlers: what notifications does with the events it consumes.

The functions live beside their domain; this table is the one place the service
says what it consumes."""

from mentornet_contracts.events import MEETING_CHANGES
from notifications import data_rights, meetings, members, mentoring_updates, nudges

# The events this service consumes: handler name (on_<event type>) -> (source
# service, function(session, data, envelope)).  The inbox runs each in one
# transaction with the processed-event key; tests/test_contracts.py checks
# this table against the contracts' SUBSCRIPTIONS.
HANDLERS = {
    "on_account_registered": ("identity", members.welcome_new_member),
    "on_email_confirmation_requested": ("identity", members.send_email_confirmation),
    "on_password_reset_requested": ("identity", members.send_password_reset),
    "on_address_sign_up_attempted": ("identity", members.warn_of_sign_up_attempt),
    "on_account_email_changed": ("identity", members.update_email),
    "on_account_email_confirmed": ("identity", members.email_confirmed),
    "on_account_language_changed": ("identity", members.update_language),
    "on_affiliation_verified": ("identity", members.mark_verified),
    "on_affiliation_reviewed": ("identity", members.affiliation_reviewed),
    "on_account_deleted": ("identity", data_rights.erase),
    "on_data_export_requested": ("identity", data_rights.export_part),
    "on_data_export_ready": ("identity", data_rights.export_ready),
    **{
        f"on_{change}": ("mentoring", mentoring_updates.request_changed)
        for change in mentoring_updates.ROUTES
    },
    "on_relationship_ended": ("mentoring", mentoring_updates.relationship_ended),
    "on_relationship_quiet": ("mentoring", nudges.relationship_quiet),
    "on_mentors_suggested": ("profiles", nudges.mentors_suggested),
    **{
        f"on_meeting_{change}": ("mentoring", meetings.meeting_changed)
        for change in MEETING_CHANGES
    },
}
