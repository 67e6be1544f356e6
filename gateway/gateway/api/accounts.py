"""Sign-up, usernames, login and logout (step 4 of the guide)."""
from flask import Blueprint, g, jsonify, request

from gateway.auth import login_required
from gateway.errors import ApiError
from gateway.requests_context import call, json_body

blueprint = Blueprint("accounts", __name__, url_prefix="/api/v1")

def _required_query(*names):
    values, missing = {}, {}
    for name in names:
        value = request.args.get(name, "").strip()
        if not value:
            missing[name] = ["This parameter is required."]
        values[name] = value
    if missing:
        raise ApiError(422, "invalid_input", "Some parameters are missing.", missing)
    return values


@blueprint.get("/usernames/suggestion")
def username_suggestion():
    names = _required_query("first_name", "last_name")
    return jsonify({"username": call("identity", "suggest_username", **names)})


@blueprint.get("/usernames/availability")
def username_availability():
    username = _required_query("username")["username"]
    return jsonify({"username": username,
                    "available": call("identity", "username_available", username=username)})


@blueprint.post("/accounts")
def register():
    form = json_body()
    # Identity validates every field (and refuses unknown ones); the key makes
    # a retried POST create one account, not two.
    result = call("identity", "register_account", registration=form,
                  idempotency_key=request.headers.get("Idempotency-Key") or None)
    return jsonify(result), 201


@blueprint.post("/auth/login")
def login():
    body = json_body()
    unknown = sorted(set(body) - {"username", "password"})
    if unknown:
        raise ApiError(422, "invalid_input", "Unknown fields.",
                       {name: ["Unknown field."] for name in unknown})
    result = call("identity", "login", username=body.get("username"),
                  password=body.get("password"))
    return jsonify({"token": result["token"], "user_id": result["user_id"],
                    "onboarding": result["onboarding"]})


@blueprint.post("/auth/logout")
@login_required
def logout():
    call("identity", "logout", token=g.token)
    return "", 204
