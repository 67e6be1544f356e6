"""Logging in and out of the pages."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.requests_context import client_address
from gateway.web import sessions
from gateway.web.forms import form_values, refused_page, submit

blueprint = Blueprint("web_accounts", __name__)


def after_login(onboarding):
    """Where a member goes once logged in: onboarding's next unfinished step
    (``/onboarding`` sends them on), else the dashboard."""
    if onboarding and not onboarding.get("completed"):
        return "/onboarding"
    return "/dashboard"


@blueprint.route("/login", methods=("GET", "POST"))
def login():
    target = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", values={}, refused=None, next=target)
    values = form_values("username", "password")
    result, refused = submit("identity", "login", username=values["username"],
                             password=values["password"], client=client_address())
    if refused:
        # The password is never sent back into the page.
        return refused_page("login.html", refused, values={"username": values["username"]},
                            next=target)
    sessions.log_in(result["token"])
    return redirect(sessions.safe_next(target, after_login(result.get("onboarding"))), 303)


@blueprint.post("/logout")
def logout():
    sessions.log_out()
    return redirect(url_for("pages.landing"), 303)
