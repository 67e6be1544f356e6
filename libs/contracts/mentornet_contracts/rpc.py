"""RPC signatures: the methods each service exposes to the gateway.

The gateway only calls what is listed here and each service's tests check that
its entrypoints accept exactly these parameters.  Service-to-service RPC is for
read-only look-ups only (docs/architecture.md, section 2).
"""

METHODS = {
    "identity": {
        "health": [],
        "suggest_username": ["first_name", "last_name"],
        "username_available": ["username"],
        "register_account": ["registration", "client", "idempotency_key", "linkedin"],
        "linkedin_sign_in": ["claims", "client"],
        "link_linkedin": ["user_id", "claims"],
        "unlink_linkedin": ["user_id", "password"],
        "linkedin_status": ["user_id"],
        "login": ["username", "password", "client"],
        "logout": ["token"],
        "authenticate": ["token"],
        "record_activity": ["seen"],
        "get_onboarding": ["user_id"],
        "security_questions": [],
        "policies": ["language"],
        "confirm_email": ["token", "client"],
        "verify_affiliation": ["user_id", "role", "record_number", "request_review", "note"],
        "submit_study_details": ["user_id", "details"],
        "get_guidelines": ["language"],
        "agree_to_guidelines": ["user_id", "version", "agree"],
        "complete_introduction": ["user_id"],
        "delete_account": ["user_id", "password"],
        "request_data_export": ["user_id"],
        "data_export_status": ["user_id"],
        "download_data_export": ["user_id", "token"],
        "change_password": ["user_id", "current_password", "password", "password_confirmation"],
        "change_email": ["user_id", "email", "email_confirmation", "password"],
        "change_language": ["user_id", "language"],
        "request_password_reset": ["login", "client"],
        "reset_question": ["token", "client"],
        "verify_password_reset": ["token", "security_answer", "client"],
        "complete_password_reset": ["reset_token", "password", "password_confirmation", "client"],
        # operators (the console and the admin API); ``actor`` is the caller's
        # credentials: {"operator_token": ...} or {"api_key": ...}
        "operator_login": ["username", "password", "client"],
        "operator_enrolment": ["token"],
        "operator_second_factor": ["token", "code", "client"],
        "operator_authenticate": ["token"],
        "operator_logout": ["token", "client"],
        "authenticate_api_key": ["key", "area", "client"],
        "create_api_key": ["actor", "name", "scopes", "client"],
        "revoke_api_key": ["actor", "key_id", "client"],
        "list_api_keys": ["actor"],
        "list_operators": ["actor"],
        "create_operator": ["actor", "username", "role", "password", "client"],
        "change_operator": ["actor", "operator_id", "change", "role", "client"],
        "audit_log": ["actor", "page"],
        "record_operator_action": ["actor", "area", "action", "subject", "details", "client"],
        "list_document_versions": ["actor", "document"],
        "publish_document_version": ["actor", "document", "texts", "client"],
        "list_affiliation_reviews": ["actor", "status"],
        "affiliation_review": ["actor", "review_id"],
        "decide_affiliation_review": ["actor", "review_id", "approve", "reason", "client"],
        "member_standing": ["actor", "user_ids"],
        "suspend_member": ["actor", "user_id", "reason", "client"],
        "unsuspend_member": ["actor", "user_id", "reason", "client"],
        # the university records' CSV uploaded in the console: ``content`` is
        # the file's bytes in base64; staged under an id until confirmed
        "stage_records_upload": ["actor", "file_name", "content", "client"],
        "records_upload": ["actor", "upload_id"],
        "confirm_records_upload": ["actor", "upload_id", "checksum", "client"],
        # The console's statistics: members by role and affiliation, sign-ups per week.
        "member_statistics": ["actor"],
    },
    "profiles": {
        "health": [],
        # Operators only (the console's statistics): mentors and places, aggregates.
        "mentor_statistics": [],
        "import_from_linkedin": ["user_id", "changes", "dry_run"],
        "set_photo": ["user_id", "image", "source"],
        "get_photo": ["user_id", "viewer_id"],
        "remove_photo": ["user_id"],
        "get_profile": ["user_id", "viewer_id", "as_member"],
        "update_profile": ["user_id", "changes"],
        "set_mentor_settings": ["user_id", "settings"],
        "catalogue": ["kind", "language"],
        "overview": ["user_id", "language"],
        "search_mentors": ["viewer_id", "filters"],
        "sector_cloud": [],
        "directory": [
            "viewer_id",
            "q",
            "page",
            "per_page",
            "programme",
            "graduated_from",
            "graduated_to",
        ],
    },
    "mentoring": {
        "health": [],
        "request_mentoring": ["mentee_id", "mentor_id", "activities", "message"],
        "accept_request": ["mentor_id", "request_id", "reply"],
        "decline_request": ["mentor_id", "request_id", "reason", "reply"],
        "withdraw_request": ["mentee_id", "request_id"],
        "list_requests": ["user_id", "box", "status"],
        "request_history": ["user_id", "request_id"],
        "get_request": ["user_id", "request_id"],
        "get_relationship": ["user_id", "relationship_id"],
        "list_relationships": ["user_id", "current"],
        "end_relationship": ["user_id", "relationship_id", "outcome", "reason"],
        "give_feedback": ["user_id", "relationship_id", "rating", "comment"],
        "feedback_status": ["user_id", "relationship_id"],
        # Operators only (no member id in or out): counts and averages by outcome.
        "feedback_statistics": [],
        # Operators only (the console's statistics): requests and relationships, aggregates.
        "network_statistics": [],
        "overview": ["user_id"],
        # The relationship's workspace: only its two members, anyone else NotFound.
        "get_workspace": ["user_id", "relationship_id"],
        "add_goal": ["user_id", "relationship_id", "title"],
        "complete_goal": ["user_id", "relationship_id", "goal_id"],
        "propose_meeting": ["user_id", "relationship_id", "proposal"],
        "pick_meeting_time": ["user_id", "meeting_id", "time_id"],
        "move_meeting": ["user_id", "meeting_id", "starts_at", "time_zone"],
        "cancel_meeting": ["user_id", "meeting_id"],
        "add_meeting_note": ["user_id", "meeting_id", "body", "shared"],
        "workspace_statistics": [],
    },
    "notifications": {
        "health": [],
        "unread_count": ["user_id"],
        "list_notifications": ["user_id", "page", "per_page", "unread_only"],
        "mark_read": ["user_id", "notification_id"],
        "mark_all_read": ["user_id"],
        "get_preferences": ["user_id"],
        "set_preferences": ["user_id", "choices"],
        "list_conversations": ["user_id", "page", "per_page"],
        "start_conversation": ["user_id", "recipient_id", "body"],
        "list_messages": ["user_id", "conversation_id", "page", "per_page"],
        "send_message": ["user_id", "conversation_id", "body"],
        "get_message": ["user_id", "message_id"],
        "block_member": ["user_id", "other_id"],
        "unblock_member": ["user_id", "other_id"],
        "report_message": ["user_id", "message_id", "reason"],
        "list_message_reports": ["status"],
        # The operators' handling of a report (the console checks the operator).
        "message_report": ["report_id"],
        "warn_reported_member": ["report_id", "warning"],
        "close_message_report": ["report_id"],
        "contact_helpdesk": ["form", "client", "user_id"],
        "publish_service_update": ["update"],
        "withdraw_service_update": ["update_id"],
        "list_service_updates": [],
        "service_updates": ["language"],
        "overview": ["user_id", "language"],
    },
}

# Every service's dead-letter store, for the console (administrators; the
# gateway checks the area): mentornet_platform.deadletters.DeadLetterEntrypoints.
DEAD_LETTER_METHODS = {
    "list_dead_letters": [],
    "get_dead_letter": ["dead_letter_id"],
    "replay_dead_letters": ["dead_letter_ids", "every_dead"],
}
for _methods in METHODS.values():
    _methods.update(DEAD_LETTER_METHODS)

SERVICES = tuple(METHODS)
