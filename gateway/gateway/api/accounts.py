"""Sign-up, usernames, login, the account itself and a forgotten password
(step 4 of the guide and what follows from it)."""

import base64

from flask import Blueprint, Response, g, jsonify, request

from gateway.auth import forget_sessions_of, login_required, session_cache
from gateway.request_input import client_address, query_parameters, request_body
from gateway.service_calls import call

blueprint = Blueprint("accounts", __name__, url_prefix="/api/v1")


@blueprint.get("/usernames/suggestion")
def username_suggestion():
    names = query_parameters()
    return jsonify({"username": call("identity", "suggest_username", **names)})


@blueprint.get("/usernames/availability")
def username_availability():
    username = query_parameters()["username"]
    return jsonify(
        {
            "username": username,
            "available": call("identity", "username_available", username=username),
        }
    )


@blueprint.get("/security-questions")
def security_questions():
    language = query_parameters()["language"]
    questions = call("identity", "security_questions")
    return jsonify(
        {"items": questions.get(language) or questions["en"], "own_question_allowed": True}
    )


@blueprint.post("/accounts")
def register():
    form = request_body()
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
    body = request_body()
    return jsonify(call("identity", "confirm_email", token=body["token"], client=client_address()))


@blueprint.post("/auth/login")
def login():
    body = request_body()
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
    body = request_body()
    changed = call("identity", "change_password", user_id=g.member["user_id"], **body)
    forget_sessions_of(g.member["user_id"])  # here at once; elsewhere by session_ended
    return jsonify(changed)


@blueprint.put("/me/email")
@login_required
def change_email():
    body = request_body()
    return jsonify(call("identity", "change_email", user_id=g.member["user_id"], **body)), 202


@blueprint.put("/me/language")
@login_required
def change_language():
    body = request_body()
    changed = call(
        "identity", "change_language", user_id=g.member["user_id"], language=body["language"]
    )
    forget_sessions_of(g.member["user_id"])  # the cached language; elsewhere by its event
    return jsonify(changed)


@blueprint.delete("/me/account")
@login_required
def delete_account():
    body = request_body()
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
    body = request_body()
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
    body = request_body()
    return jsonify(
        call("identity", "request_password_reset", login=body["login"], client=client_address())
    ), 202


@blueprint.get("/password-resets/question")
def reset_question():
    token = query_parameters()["token"]
    return jsonify(call("identity", "reset_question", token=token, client=client_address()))


@blueprint.post("/password-resets/verify")
def verify_password_reset():
    body = request_body()
    return jsonify(call("identity", "verify_password_reset", client=client_address(), **body))


@blueprint.post("/password-resets/complete")
def complete_password_reset():
    body = request_body()
    return jsonify(call("identity", "complete_password_reset", client=client_address(), **body))
