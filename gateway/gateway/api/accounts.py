"""Sign-up, usernames, login, the account itself and a forgotten password
(step 4 of the guide and what follows from it)."""

import base64

from flask import Blueprint, Response, g, jsonify, request

from gateway.auth import forget_sessions_of, login_required, session_cache
from gateway.request_input import body_with, client_address, json_body, query_parameters
from gateway.service_calls import call
from mentornet_contracts import api

blueprint = Blueprint("accounts", __name__, url_prefix="/api/v1")


@blueprint.get("/usernames/suggestion")
def username_suggestion():
    names = query_parameters(api.UsernameSuggestionQuery())
    return jsonify({"username": call("identity", "suggest_username", **names)})


@blueprint.get("/usernames/availability")
def username_availability():
    username = query_parameters(api.UsernameQuery())["username"]
    return jsonify(
        {
            "username": username,
            "available": call("identity", "username_available", username=username),
        }
    )


@blueprint.get("/security-questions")
def security_questions():
    language = query_parameters(api.LanguageQuery())["language"]
    questions = call("identity", "security_questions")
    return jsonify(
        {"items": questions.get(language) or questions["en"], "own_question_allowed": True}
    )


@blueprint.post("/accounts")
def register():
    form = json_body()
    # Identity validates every field (and refuses unknown ones); the key makes
    # a retried POST create one account, not two.
    result = call(
        "identity",
        "register_account",
        registration=form,
        client=client_address(),
        idempotency_key=request.headers.get("Idempotency-Key") or None,
    )
    return jsonify(result), 201


@blueprint.post("/email-confirmations")
def confirm_email():
    body = body_with(("token",), ("token",))
    return jsonify(call("identity", "confirm_email", token=body["token"], client=client_address()))


@blueprint.post("/auth/login")
def login():
    body = body_with(("username", "password"))
    result = call(
        "identity",
        "login",
        username=body.get("username"),
        password=body.get("password"),
        client=client_address(),
    )
    return jsonify(
        {"token": result["token"], "user_id": result["user_id"], "onboarding": result["onboarding"]}
    )


@blueprint.post("/auth/logout")
@login_required
def logout():
    call("identity", "logout", token=g.token)
    session_cache().forget_token(g.token)
    return "", 204


@blueprint.post("/me/password")
@login_required
def change_password():
    body = body_with(
        ("current_password", "password", "password_confirmation"),
        ("current_password", "password", "password_confirmation"),
    )
    changed = call("identity", "change_password", user_id=g.member["user_id"], **body)
    forget_sessions_of(g.member["user_id"])  # here at once; elsewhere by session_ended
    return jsonify(changed)


@blueprint.put("/me/email")
@login_required
def change_email():
    body = body_with(
        ("email", "email_confirmation", "password"), ("email", "email_confirmation", "password")
    )
    return jsonify(call("identity", "change_email", user_id=g.member["user_id"], **body)), 202


@blueprint.put("/me/language")
@login_required
def change_language():
    body = body_with(("language",), ("language",))
    changed = call(
        "identity", "change_language", user_id=g.member["user_id"], language=body["language"]
    )
    forget_sessions_of(g.member["user_id"])  # the cached language; elsewhere by its event
    return jsonify(changed)


@blueprint.delete("/me/account")
@login_required
def delete_account():
    body = body_with(("password",), ("password",))
    call("identity", "delete_account", user_id=g.member["user_id"], password=body["password"])
    forget_sessions_of(g.member["user_id"])
    return "", 204


@blueprint.post("/me/data-exports")
@login_required
def request_data_export():
    return jsonify(call("identity", "request_data_export", user_id=g.member["user_id"])), 202


@blueprint.get("/me/data-exports")
@login_required
def data_export_status():
    return jsonify(call("identity", "data_export_status", user_id=g.member["user_id"]))


@blueprint.post("/me/data-exports/download")
@login_required
def download_data_export():
    body = body_with(("token",), ("token",))
    result = call(
        "identity", "download_data_export", user_id=g.member["user_id"], token=body["token"]
    )
    return Response(
        base64.b64decode(result["archive"]),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{result["filename"]}"'},
    )


@blueprint.post("/password-resets")
def request_password_reset():
    body = body_with(("login",), ("login",))
    return jsonify(
        call("identity", "request_password_reset", login=body["login"], client=client_address())
    ), 202


@blueprint.get("/password-resets/question")
def reset_question():
    token = query_parameters(api.ResetQuestionQuery())["token"]
    return jsonify(call("identity", "reset_question", token=token, client=client_address()))


@blueprint.post("/password-resets/verify")
def verify_password_reset():
    body = body_with(("token", "security_answer"), ("token", "security_answer"))
    return jsonify(call("identity", "verify_password_reset", client=client_address(), **body))


@blueprint.post("/password-resets/complete")
def complete_password_reset():
    body = body_with(
        ("reset_token", "password", "password_confirmation"),
        ("reset_token", "password", "password_confirmation"),
    )
    return jsonify(call("identity", "complete_password_reset", client=client_address(), **body))
