"""The OpenAPI 3 document of the public API (the paths built so far)."""

from flask import Blueprint, jsonify

from mentornet_contracts.events import DECLINE_REASONS

blueprint = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/responses/Error"}
_BEARER = [{"bearerAuth": []}]


def _op(summary, responses, body=None, params=None, secured=False, optional=()):
    """``params``: required query parameters (strings); ``optional``: (name, schema)
    of optional ones."""
    operation = {"summary": summary, "responses": responses}
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    if params or optional:
        operation["parameters"] = [
            {"name": name, "in": "query", "required": True, "schema": {"type": "string"}}
            for name in params or ()
        ] + [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in optional
        ]
    if secured:
        operation["security"] = _BEARER
    return operation


def _body(*names, required=()):
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": {name: {} for name in names},
    }


_E = {
    code: _ERROR for code in ("400", "401", "403", "404", "409", "415", "422", "429", "503", "504")
}


def _ok(description, status="200"):
    return {status: {"description": description}, **_E}


LANGUAGE = [("language", {"type": "string", "enum": ["en", "nl"]})]
PAGING = [
    ("page", {"type": "integer", "minimum": 1, "maximum": 1000}),
    ("per_page", {"type": "integer", "minimum": 1, "maximum": 50}),
]

REQUEST_ID = {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}
RELATIONSHIP_ID = {
    "name": "relationship_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}

PATHS = {
    "/healthz": {"get": _op("The gateway is alive", {"200": {"description": "alive"}})},
    "/readyz": {
        "get": _op(
            "Every service answers",
            {"200": {"description": "ready"}, "503": {"description": "names the services down"}},
        )
    },
    "/api/v1/openapi.json": {"get": _op("This document", {"200": {"description": "OpenAPI"}})},
    "/api/v1/usernames/suggestion": {
        "get": _op(
            "Suggest a free username (firstname.lastname)",
            _ok("suggestion"),
            params=["first_name", "last_name"],
        )
    },
    "/api/v1/usernames/availability": {
        "get": _op("Is a username free?", _ok("availability"), params=["username"])
    },
    "/api/v1/security-questions": {
        "get": _op("The configured security questions", _ok("list"), optional=LANGUAGE)
    },
    "/api/v1/accounts": {
        "post": _op(
            "Sign up manually (step 4 of the guide); the same answer "
            "whether or not the address has an account",
            _ok("account, token and onboarding", "201"),
            body="Registration",
        )
    },
    "/api/v1/email-confirmations": {
        "post": _op("Confirm an address with its e-mailed link", _ok("confirmed"), body="Token")
    },
    "/api/v1/auth/login": {
        "post": _op("Log in (username or e-mail)", _ok("token and onboarding"), body="Login")
    },
    "/api/v1/auth/logout": {"post": _op("Log out", _ok("logged out", "204"), secured=True)},
    "/api/v1/onboarding": {
        "get": _op("Onboarding progress and the next step", _ok("status"), secured=True)
    },
    "/api/v1/onboarding/affiliation": {
        "post": _op(
            "Verify as student, alumnus or staff (step 5)",
            _ok("verified or pending_review"),
            body="Affiliation",
            secured=True,
        )
    },
    "/api/v1/onboarding/study-details": {
        "put": _op("Study details (step 6)", _ok("status"), body="StudyDetails", secured=True)
    },
    "/api/v1/guidelines": {
        "get": _op("The current, versioned guidelines", _ok("guidelines"), optional=LANGUAGE)
    },
    "/api/v1/onboarding/guidelines": {
        "post": _op(
            "Agree to the guidelines (step 8)", _ok("status"), body="Agreement", secured=True
        )
    },
    "/api/v1/onboarding/introduction": {
        "post": _op("The quick introduction was read (step 9)", _ok("status"), secured=True)
    },
    "/api/v1/me/password": {
        "post": _op(
            "Change password (needs the current one)",
            _ok("a new token"),
            body="PasswordChange",
            secured=True,
        )
    },
    "/api/v1/me/email": {
        "put": _op(
            "Change e-mail (confirmed by a link to the new address)",
            _ok("pending", "202"),
            body="EmailChange",
            secured=True,
        )
    },
    "/api/v1/me/language": {
        "put": _op(
            "Change the language (en, nl) of my pages, e-mails and notifications from now on",
            _ok("user_id and language"),
            body="Language",
            secured=True,
        )
    },
    "/api/v1/me/account": {
        "delete": _op(
            "Delete the account: every session ends now and each service erases the member",
            _ok("erasure started", "204"),
            body="Password",
            secured=True,
        )
    },
    "/api/v1/me/data-exports": {
        "post": _op(
            "Ask for my data: the archive is assembled by the services and I am told",
            _ok("the export (state pending)", "202"),
            secured=True,
        ),
        "get": _op("My latest data export and its state", _ok("export or null"), secured=True),
    },
    "/api/v1/me/data-exports/download": {
        "post": _op(
            "Download the archive once with the link's token (a zip file)",
            _ok("application/zip"),
            body="DownloadToken",
            secured=True,
        )
    },
    "/api/v1/password-resets": {
        "post": _op("Ask for a reset link", _ok("accepted", "202"), body="ResetRequest")
    },
    "/api/v1/password-resets/question": {
        "get": _op("The security question of a reset link", _ok("question"), params=["token"])
    },
    "/api/v1/password-resets/verify": {
        "post": _op(
            "Link + security answer give a reset token", _ok("reset token"), body="ResetVerify"
        )
    },
    "/api/v1/password-resets/complete": {
        "post": _op("Choose the new password", _ok("token"), body="ResetComplete")
    },
    "/api/v1/me/profile": {
        "get": _op(
            "Own profile, with completeness and missing sections", _ok("profile"), secured=True
        ),
        "patch": _op(
            "Change the profile (fields given replace; lists replace whole)",
            _ok("profile"),
            body="ProfilePatch",
            secured=True,
        ),
    },
    "/api/v1/me/mentor-settings": {
        "put": _op(
            "Availability, activities, capacity, sectors, languages",
            _ok("settings"),
            body="MentorSettings",
            secured=True,
        )
    },
    "/api/v1/activities": {
        "get": _op("The activity catalogue (?language=)", _ok("list"), optional=LANGUAGE)
    },
    "/api/v1/sectors": {
        "get": _op("The sector catalogue (?language=)", _ok("list"), optional=LANGUAGE)
    },
    "/api/v1/mentors": {
        "get": {
            **_op(
                "Mentor search: open mentors (available, verified, room left) other than the "
                "caller; every filter given must hold; by relevance with q, else most room left "
                "then name. {items, total, page, per_page}; unknown parameters are a 422",
                _ok("a page of mentors"),
                secured=True,
            ),
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": schema}
                for name, schema in (
                    ("q", {"type": "string", "maxLength": 200}),
                    ("sector", {"type": "string"}),
                    ("activity", {"type": "string"}),
                    ("programme", {"type": "string", "maxLength": 200}),
                    ("graduated_from", {"type": "integer"}),
                    ("graduated_to", {"type": "integer"}),
                    ("country", {"type": "string", "minLength": 2, "maxLength": 2}),
                    ("language", {"type": "string", "minLength": 2, "maxLength": 2}),
                    ("page", {"type": "integer", "minimum": 1, "maximum": 1000}),
                    ("per_page", {"type": "integer", "minimum": 1, "maximum": 50}),
                )
            ],
        }
    },
    "/api/v1/mentors/sectors": {
        "get": _op(
            "The sector cloud: [{sector, label, count}] of open mentors, most first",
            _ok("list"),
            secured=True,
        )
    },
    "/api/v1/directory": {
        "get": {
            **_op(
                "The member directory: every verified member, by relevance with q, else by "
                "name; programme (its start, folded) and graduation years narrow it to one "
                "study. {items, total, page, per_page}",
                _ok("a page of members"),
                secured=True,
            ),
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": schema}
                for name, schema in (
                    ("q", {"type": "string", "maxLength": 200}),
                    ("programme", {"type": "string", "minLength": 2, "maxLength": 200}),
                    ("graduated_from", {"type": "integer"}),
                    ("graduated_to", {"type": "integer"}),
                    ("page", {"type": "integer", "minimum": 1, "maximum": 1000}),
                    ("per_page", {"type": "integer", "minimum": 1, "maximum": 50}),
                )
            ],
        }
    },
    "/api/v1/profiles/{user_id}": {
        "get": {
            **_op(
                "Another member's profile, as they allow it to be seen",
                _ok("profile"),
                secured=True,
            ),
            "parameters": [
                {"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
        }
    },
    "/api/v1/notifications": {
        "get": _op(
            "Own notifications, newest first (?page, per_page, "
            "unread_only) with unread_count; each as `text` and "
            "HTML-escaped `text_html`",
            _ok("page"),
            secured=True,
            optional=PAGING + [("unread_only", {"type": "boolean"})],
        )
    },
    "/api/v1/notifications/unread-count": {
        "get": _op("The toolbar's count", _ok("count"), secured=True)
    },
    "/api/v1/notifications/{notification_id}/read": {
        "post": {
            **_op("Mark one read", _ok("read"), secured=True),
            "parameters": [
                {
                    "name": "notification_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
        }
    },
    "/api/v1/notifications/read-all": {"post": _op("Mark all read", _ok("read"), secured=True)},
    "/api/v1/me/notification-preferences": {
        "get": _op("Which events reach me in-app and by e-mail", _ok("preferences"), secured=True),
        "put": _op("Change them", _ok("preferences"), body="Preferences", secured=True),
    },
    "/api/v1/conversations": {
        "get": _op(
            "My conversations, newest first, with unread counts",
            _ok("page"),
            secured=True,
            optional=PAGING,
        ),
        "post": _op(
            "Write to a member: the conversation with them (started, or the pair's "
            "existing one) as the list gives it (id, with, last_message_at, "
            "unread_count), and the message sent",
            _ok("the conversation, with its id", "201"),
            body="NewConversation",
            secured=True,
        ),
    },
    "/api/v1/conversations/{conversation_id}/messages": {
        "get": (
            lambda op: {
                **op,
                "parameters": [
                    {
                        "name": "conversation_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    *op["parameters"],
                ],
            }
        )(
            _op(
                "Messages, newest first (reading marks them read); conversation says who it is "
                "with and whether you blocked them",
                _ok("page"),
                secured=True,
                optional=PAGING,
            )
        ),
        "post": {
            **_op("Send a message", _ok("sent", "201"), body="NewMessage", secured=True),
            "parameters": [
                {
                    "name": "conversation_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
        },
    },
    "/api/v1/members/{user_id}/block": {
        "post": {
            **_op("Block a member's messages", _ok("blocked"), secured=True),
            "parameters": [
                {"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
        },
        "delete": {
            **_op("Unblock", _ok("unblocked"), secured=True),
            "parameters": [
                {"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
        },
    },
    "/api/v1/messages/{message_id}/report": {
        "post": {
            **_op(
                "Report a message to the operators",
                _ok("reported", "201"),
                body="Report",
                secured=True,
            ),
            "parameters": [
                {
                    "name": "message_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
        }
    },
    "/api/v1/helpdesk": {
        "post": {
            **_op(
                "Contact the helpdesk (open to visitors, throttled); a logged-in member gets a "
                "receipt at their confirmed address (receipt_sent), a visitor none",
                _ok("received", "202"),
                body="Helpdesk",
            ),
            "security": [{}, *_BEARER],
        }
    },
    "/api/v1/service-updates": {"get": _op("Current announcements", _ok("list"))},
    "/api/v1/admin/service-updates": {
        "post": _op(
            "Operators: publish an announcement",
            _ok("published", "201"),
            body="ServiceUpdate",
            secured=True,
        )
    },
    "/api/v1/admin/message-reports": {
        "get": _op(
            "Operators: reported messages",
            _ok("list"),
            secured=True,
            optional=[("status", {"type": "string"})],
        )
    },
    "/api/v1/dashboard": {
        "get": _op(
            "One call: me, unread_count, relationships, requests (sent, received), sector_cloud, "
            "recommended_mentors (with reasons), service_updates; unavailable names the services "
            "(profiles, mentoring, notifications) that did not answer, whose parts are null",
            _ok("dashboard"),
            secured=True,
        )
    },
    "/api/v1/mentoring/requests": {
        "get": _op(
            "Requests made (?box=sent) or awaiting my answer (?box=received), ?status=",
            _ok("list"),
            secured=True,
            optional=[
                ("box", {"type": "string", "enum": ["sent", "received"]}),
                ("status", {"type": "string"}),
            ],
        ),
        "post": _op(
            "Ask a mentor for offered activities",
            _ok("created", "201"),
            body="MentoringRequest",
            secured=True,
        ),
    },
    "/api/v1/mentoring/requests/{request_id}": {
        "get": {
            **_op(
                "One request sent or received, with its history and my_role",
                _ok("request"),
                secured=True,
            ),
            "parameters": [REQUEST_ID],
        }
    },
    "/api/v1/mentoring/requests/{request_id}/history": {
        "get": {
            **_op("Every state change of a request", _ok("history"), secured=True),
            "parameters": [REQUEST_ID],
        }
    },
    "/api/v1/mentoring/requests/{request_id}/accept": {
        "post": {
            **_op(
                "The mentor accepts (optional reply)",
                _ok("relationship"),
                body="Reply",
                secured=True,
            ),
            "parameters": [REQUEST_ID],
        }
    },
    "/api/v1/mentoring/requests/{request_id}/decline": {
        "post": {
            **_op(
                "The mentor declines with a reason and an optional reply",
                _ok("declined"),
                body="Decline",
                secured=True,
            ),
            "parameters": [REQUEST_ID],
        }
    },
    "/api/v1/mentoring/requests/{request_id}/withdraw": {
        "post": {
            **_op("The requester withdraws a pending request", _ok("withdrawn"), secured=True),
            "parameters": [REQUEST_ID],
        }
    },
    "/api/v1/mentoring/relationships": {
        "get": _op(
            "Current relationships (?current=false: all)",
            _ok("list"),
            secured=True,
            optional=[("current", {"type": "boolean"})],
        )
    },
    "/api/v1/mentoring/relationships/{relationship_id}": {
        "get": {
            **_op("One relationship, current or ended", _ok("relationship"), secured=True),
            "parameters": [RELATIONSHIP_ID],
        }
    },
    "/api/v1/mentoring/relationships/{relationship_id}/end": {
        "post": {
            **_op(
                "Either party ends it (optional reason)",
                _ok("ended"),
                body="EndRelationship",
                secured=True,
            ),
            "parameters": [RELATIONSHIP_ID],
        }
    },
    "/api/v1/admin/affiliation-reviews": {
        "get": _op(
            "Operators: affiliation reviews (?status=pending|approved|rejected|all)",
            _ok("list"),
            secured=True,
            optional=[
                ("status", {"type": "string", "enum": ["pending", "approved", "rejected", "all"]})
            ],
        )
    },
    "/api/v1/admin/affiliation-reviews/{review_id}/{decision}": {
        "post": {
            **_op(
                "Operators: approve or reject a review",
                _ok("decided"),
                body="Decision",
                secured=True,
            ),
            "parameters": [
                {
                    "name": "review_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                },
                {
                    "name": "decision",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["approve", "reject"]},
                },
            ],
        }
    },
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "Mentor Network API",
        "version": "1.0.0",
        "description": "The public API of the Mentor Network gateway. Errors answer "
        '{"error": {"code", "message", "fields"}}; every response '
        "carries X-Request-ID.",
    },
    "servers": [{"url": "/"}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "responses": {
            "Error": {
                "description": "error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                "headers": {
                    "Retry-After": {
                        "description": "with a 429: the seconds to wait before trying again",
                        "schema": {"type": "integer"},
                    }
                },
            }
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "fields": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": "array",
                                    "items": {"type": "string"},
                                },
                            },
                        },
                    }
                },
            },
            "Registration": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "username",
                    "password",
                    "password_confirmation",
                    "email",
                    "email_confirmation",
                    "security_question",
                    "security_answer",
                    "accept_privacy_policy",
                    "accept_terms",
                ],
                "properties": {
                    **{
                        name: {"type": "string"}
                        for name in (
                            "first_name",
                            "middle_names",
                            "last_name",
                            "maiden_name",
                            "username",
                            "password",
                            "password_confirmation",
                            "email",
                            "email_confirmation",
                            "security_question",
                            "security_answer",
                        )
                    },
                    "date_of_birth": {"type": "string", "format": "date"},
                    "accept_privacy_policy": {"type": "boolean"},
                    "accept_terms": {"type": "boolean"},
                    "language": {"type": "string", "enum": ["en", "nl"]},
                },
            },
            "Login": _body("username", "password", required=("username", "password")),
            "Token": _body("token", required=("token",)),
            "Affiliation": _body(
                "role",
                "record_number",
                "request_review",
                "note",
                required=("role", "record_number"),
            ),
            "StudyDetails": _body(
                "institution",
                "programme",
                "faculty",
                "year_started",
                "year_graduated",
                required=("institution", "programme", "year_started"),
            ),
            "Agreement": _body("version", "agree", required=("version", "agree")),
            "PasswordChange": _body(
                "current_password",
                "password",
                "password_confirmation",
                required=("current_password", "password", "password_confirmation"),
            ),
            "EmailChange": _body(
                "email",
                "email_confirmation",
                "password",
                required=("email", "email_confirmation", "password"),
            ),
            "Password": _body("password", required=("password",)),
            "Language": {
                "type": "object",
                "additionalProperties": False,
                "required": ["language"],
                "properties": {"language": {"type": "string", "enum": ["en", "nl"]}},
            },
            "ResetRequest": _body("login", required=("login",)),
            "DownloadToken": _body("token", required=("token",)),
            "ResetVerify": _body("token", "security_answer", required=("token", "security_answer")),
            "ResetComplete": _body(
                "reset_token",
                "password",
                "password_confirmation",
                required=("reset_token", "password", "password_confirmation"),
            ),
            "Decision": _body("operator", "reason"),
            "MentoringRequest": _body(
                "mentor_id",
                "activities",
                "message",
                required=("mentor_id", "activities", "message"),
            ),
            # Accepting and declining name the mentor's own words the same: reply.
            "Reply": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"reply": {"type": "string"}},
            },
            "Decline": {
                "type": "object",
                "additionalProperties": False,
                "required": ["reason"],
                "properties": {
                    "reason": {"type": "string", "enum": list(DECLINE_REASONS)},
                    "reply": {"type": "string"},
                },
            },
            "EndRelationship": _body("reason"),
            "Preferences": _body("items", "allow_messages_from_members"),
            "NewConversation": _body("recipient_id", "body", required=("recipient_id", "body")),
            "NewMessage": _body("body", required=("body",)),
            "Report": _body("reason", required=("reason",)),
            "Helpdesk": _body(
                "name",
                "email",
                "subject",
                "message",
                "language",
                required=("name", "email", "subject", "message"),
            ),
            "ServiceUpdate": _body("title", "body", "expires_at", required=("title", "body")),
            "ProfilePatch": _body(
                "first_name",
                "middle_names",
                "last_name",
                "headline",
                "bio",
                "positions",
                "education",
                "address",
                "website",
                "skype",
                "linkedin_url",
            ),
            "MentorSettings": _body(
                "available",
                "activities",
                "max_mentees",
                "sectors",
                "languages",
                "note",
                required=("available", "activities", "max_mentees"),
            ),
        },
    },
}


@blueprint.get("/api/v1/openapi.json")
def openapi_document():
    return jsonify(DOCUMENT)
