"""Operators' roles, the console's areas each role may act in, the scopes an
API key may hold, and the actions the audit log names.  Identity enforces
them (every operator RPC names its area); the gateway shows what identity
says an operator may do (``areas`` in ``operator_authenticate``'s answer)."""

ROLES = ("administrator", "reviewer", "editor")

# Areas of the console.  Every operator reads the audit log; the rest by role.
REVIEWER_AREAS = ("affiliation_reviews", "message_reports")
EDITOR_AREAS = ("service_updates", "policies", "guidelines")
ADMINISTRATOR_ONLY_AREAS = (
    "operators",
    "api_keys",
    "university_records",
    "dead_letters",
    "statistics",
)
EVERY_OPERATOR_AREAS = ("audit_log",)
ALL_AREAS = EVERY_OPERATOR_AREAS + REVIEWER_AREAS + EDITOR_AREAS + ADMINISTRATOR_ONLY_AREAS

AREAS_BY_ROLE = {
    "administrator": ALL_AREAS,
    "reviewer": EVERY_OPERATOR_AREAS + REVIEWER_AREAS,
    "editor": EVERY_OPERATOR_AREAS + EDITOR_AREAS,
}

# What automation may be given: any area but managing operators and keys.
API_KEY_SCOPES = (
    REVIEWER_AREAS + EDITOR_AREAS + ("university_records", "dead_letters", "statistics")
)

# The services whose dead-letter stores operators read and replay
# (mentornet_platform.deadletters), in the console and through the API.
DEAD_LETTER_SERVICES = ("identity", "profiles", "mentoring", "notifications")

# The audit log's actions (the console names each in the reader's language).
ACTIONS = (
    "operator_created",
    "operator_role_changed",
    "operator_disabled",
    "operator_enabled",
    "operator_second_factor_reset",
    "operator_logged_in",
    "operator_logged_out",
    "second_factor_enrolled",
    "api_key_created",
    "api_key_revoked",
    "affiliation_approved",
    "affiliation_rejected",
    "member_warned",
    "member_suspended",
    "member_unsuspended",
    "report_closed",
    "service_update_published",
    "service_update_withdrawn",
    "policy_published",
    "guidelines_published",
    "records_imported",
    "dead_letter_replayed",
)

# The university records' CSV file as the console uploads it (identity.records
# checks it whole and stages it): one file fits in one request under the
# gateway's 1 MiB body limit; a bigger register goes in as several files.
RECORDS_FILE_MAX_BYTES = 1_000_000
