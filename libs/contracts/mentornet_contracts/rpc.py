"""RPC signatures: the methods each service exposes to the gateway.

The gateway only calls what is listed here and each service's tests check that
its entrypoints accept exactly these parameters.  Service-to-service RPC is for
read-only look-ups only (DESIGN.md section 1).
"""

METHODS = {
    "identity": {
        "health": [],
        "suggest_username": ["first_name", "last_name"],
        "username_available": ["username"],
        "register_account": ["registration", "idempotency_key"],
        "login": ["username", "password"],
        "logout": ["token"],
        "authenticate": ["token"],
        "get_onboarding": ["user_id"],
        "security_questions": [],
        "confirm_email": ["token"],
        "verify_affiliation": ["user_id", "role", "record_number", "request_review", "note"],
        "submit_study_details": ["user_id", "details"],
        "get_guidelines": ["language"],
        "agree_to_guidelines": ["user_id", "version", "agree"],
        "complete_introduction": ["user_id"],
        "delete_account": ["user_id", "password"],
        "change_password": ["user_id", "token", "current_password", "password",
                            "password_confirmation"],
        "change_email": ["user_id", "email", "email_confirmation", "password"],
        "request_password_reset": ["login"],
        "reset_question": ["token"],
        "verify_password_reset": ["token", "security_answer"],
        "complete_password_reset": ["reset_token", "password", "password_confirmation"],
        "list_affiliation_reviews": ["status"],
        "decide_affiliation_review": ["review_id", "approve", "operator", "reason"],
    },
    "profiles": {
        "health": [],
        "get_profile": ["user_id", "viewer_id"],
        "update_profile": ["user_id", "changes"],
        "set_mentor_settings": ["user_id", "settings"],
        "catalogue": ["kind", "language"],
    },
    "mentoring": {
        "health": [],
        "request_mentoring": ["mentee_id", "mentor_id", "activities", "message"],
        "accept_request": ["mentor_id", "request_id", "reply"],
        "decline_request": ["mentor_id", "request_id", "reason", "message"],
        "withdraw_request": ["mentee_id", "request_id"],
        "list_requests": ["user_id", "box", "status"],
        "request_history": ["user_id", "request_id"],
        "list_relationships": ["user_id", "current"],
        "end_relationship": ["user_id", "relationship_id", "reason"],
    },
    "notifications": {
        "health": [],
        "unread_count": ["user_id"],
        "list_notifications": ["user_id", "page", "per_page", "unread_only"],
        "mark_read": ["user_id", "notification_id"],
        "mark_all_read": ["user_id"],
        "get_preferences": ["user_id"],
        "set_preferences": ["user_id", "preferences_"],
        "list_conversations": ["user_id", "page", "per_page"],
        "start_conversation": ["user_id", "recipient_id", "body"],
        "list_messages": ["user_id", "conversation_id", "page", "per_page"],
        "send_message": ["user_id", "conversation_id", "body"],
        "block_member": ["user_id", "other_id"],
        "unblock_member": ["user_id", "other_id"],
        "report_message": ["user_id", "message_id", "reason"],
        "list_message_reports": ["status"],
        "contact_helpdesk": ["form", "client"],
        "publish_service_update": ["title", "body", "expires_at"],
        "service_updates": [],
    },
}

SERVICES = tuple(METHODS)
