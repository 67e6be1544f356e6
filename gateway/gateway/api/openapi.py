"""The OpenAPI 3 document of the public API (the paths built so far)."""
from flask import Blueprint, jsonify

blueprint = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/responses/Error"}
_BEARER = [{"bearerAuth": []}]


def _op(summary, responses, body=None, params=None, secured=False):
    operation = {"summary": summary, "responses": responses}
    if body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}}
    if params:
        operation["parameters"] = [
            {"name": name, "in": "query", "required": True, "schema": {"type": "string"}}
            for name in params]
    if secured:
        operation["security"] = _BEARER
    return operation


DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Mentor Network API", "version": "1.0.0",
             "description": "The public API of the Mentor Network gateway. Errors answer "
                            "{\"error\": {\"code\", \"message\", \"fields\"}}; every response "
                            "carries X-Request-ID."},
    "servers": [{"url": "/"}],
    "paths": {
        "/healthz": {"get": _op("The gateway is alive", {"200": {"description": "alive"}})},
        "/readyz": {"get": _op("Every service answers", {
            "200": {"description": "ready"}, "503": {"description": "names the services down"}})},
        "/api/v1/usernames/suggestion": {"get": _op(
            "Suggest a free username (firstname.lastname)", {"200": {"description": "suggestion"},
                                                              "422": _ERROR},
            params=["first_name", "last_name"])},
        "/api/v1/usernames/availability": {"get": _op(
            "Is a username free?", {"200": {"description": "availability"}, "422": _ERROR},
            params=["username"])},
        "/api/v1/accounts": {"post": _op(
            "Sign up manually (step 4 of the guide)",
            {"201": {"description": "account, token and onboarding"}, "400": _ERROR,
             "409": _ERROR, "415": _ERROR, "422": _ERROR, "503": _ERROR, "504": _ERROR},
            body="Registration")},
        "/api/v1/auth/login": {"post": _op(
            "Log in", {"200": {"description": "token and onboarding"}, "401": _ERROR,
                       "422": _ERROR}, body="Login")},
        "/api/v1/auth/logout": {"post": _op("Log out (ends the session)",
                                            {"204": {"description": "logged out"}, "401": _ERROR},
                                            secured=True)},
        "/api/v1/onboarding": {"get": _op(
            "Onboarding progress", {"200": {"description": "completed, next_step, account_ready"},
                                    "401": _ERROR}, secured=True)},
        "/api/v1/me/profile": {"get": _op("Own profile", {"200": {"description": "profile"},
                                                           "401": _ERROR}, secured=True)},
        "/api/v1/profiles/{user_id}": {"get": {
            **_op("Another member's profile, as they allow it to be seen",
                  {"200": {"description": "profile"}, "401": _ERROR, "404": _ERROR},
                  secured=True),
            "parameters": [{"name": "user_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}]}},
        "/api/v1/openapi.json": {"get": _op("This document", {"200": {"description": "OpenAPI"}})},
    },
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "responses": {"Error": {"description": "error", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {
                        "type": "array", "items": {"type": "string"}}}}}}},
            "Registration": {
                "type": "object", "additionalProperties": False,
                "required": ["first_name", "last_name", "date_of_birth", "username", "password",
                             "password_confirmation", "email", "email_confirmation",
                             "security_question", "security_answer", "accept_privacy_policy",
                             "accept_terms"],
                "properties": {
                    **{name: {"type": "string"} for name in (
                        "first_name", "middle_names", "last_name", "maiden_name", "username",
                        "password", "password_confirmation", "email", "email_confirmation",
                        "security_question", "security_answer")},
                    "date_of_birth": {"type": "string", "format": "date"},
                    "accept_privacy_policy": {"type": "boolean"},
                    "accept_terms": {"type": "boolean"},
                    "language": {"type": "string", "enum": ["en", "nl"]}}},
            "Login": {"type": "object", "required": ["username", "password"],
                      "properties": {"username": {"type": "string"},
                                     "password": {"type": "string"}}},
        },
    },
}


@blueprint.get("/api/v1/openapi.json")
def openapi_document():
    return jsonify(DOCUMENT)
