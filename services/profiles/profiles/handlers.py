"""Profiles' event handlers: what profiles does with the events it consumes.

The functions live beside their domain; this table is the one place the service
says what it consumes."""

from profiles import data_rights, linkedin, member_profiles, recommend

# The events this service consumes: handler name (on_<event type>) -> (source
# service, function(session, data, envelope)).  The inbox runs each in one
# transaction with the processed-event key; tests/test_contracts.py checks
# this table against the contracts' SUBSCRIPTIONS.
HANDLERS = {
    "on_account_registered": ("identity", member_profiles.create_for_account),
    "on_study_details_submitted": ("identity", member_profiles.record_study_details),
    "on_account_deleted": ("identity", data_rights.erase),
    "on_data_export_requested": ("identity", data_rights.export_part),
    "on_account_email_changed": ("identity", member_profiles.update_email),
    "on_mentoring_request_accepted": ("mentoring", member_profiles.relationship_started),
    "on_relationship_ended": ("mentoring", member_profiles.relationship_ended),
    "on_linkedin_linked": ("identity", linkedin.linkedin_linked),
    "on_linkedin_unlinked": ("identity", linkedin.linkedin_unlinked),
    "on_mentor_suggestion_due": ("mentoring", recommend.suggest_to),
    "on_account_suspended": ("identity", member_profiles.suspend),
    "on_account_unsuspended": ("identity", member_profiles.unsuspend),
}
