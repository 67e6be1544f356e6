"""Signing up, confirming the e-mail address, logging in and out, and a
forgotten password: the guide's step 4 and what follows from it.  Each form
forwards its fields to identity, which checks them."""

import uuid

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from gateway.request_input import client_address
from gateway.service_calls import call, call_parallel
from gateway.web import linkedin, sessions
from gateway.web.forms import form_values, refused_page, submit
from gateway.web.i18n import current_language

blueprint = Blueprint("web_accounts", __name__)

OWN_QUESTION = "own"
NAME_FIELDS = ("first_name", "middle_names", "last_name", "maiden_name")
TEXT_FIELDS = NAME_FIELDS + ("username", "email", "email_confirmation")
RESET_GRANT = "reset_grant"


ONBOARDING = "/onboarding"  # sends a member on to their next unfinished step, or the dashboard


def after_login(onboarding):
    """Where a member goes once logged in: onboarding's next unfinished step,
    else (known to be done) straight to the dashboard."""
    if onboarding and onboarding.get("completed"):
        return "/dashboard"
    return ONBOARDING


# -- sign-up (step 4) ------------------------------------------------------------
def _sign_up_settings():
    """The security questions and the policies' current versions, asked at once."""
    language = current_language()
    found = call_parallel(
        {
            "questions": ("identity", "security_questions", {}),
            "policies": ("identity", "policies", {"language": language}),
        }
    )
    for result in found.values():
        if isinstance(result, Exception):
            raise result
    questions = found["questions"].get(language) or found["questions"]["en"]
    return questions, found["policies"]["items"]


def _date_of_birth(form):
    """day/month/year as the service's YYYY-MM-DD; the service checks the date.
    Nothing typed: left out, so the service names it as required."""
    day, month, year = (
        form.get(f"date_of_birth_{part}", "").strip() for part in ("day", "month", "year")
    )
    if not (day or month or year):
        return None
    return f"{year:0>4}-{month:0>2}-{day:0>2}"


def _registration(form):
    registration = {name: form.get(name, "") for name in TEXT_FIELDS}
    registration.update(
        password=form.get("password", ""),
        password_confirmation=form.get("password_confirmation", ""),
        security_answer=form.get("security_answer", ""),
        accept_privacy_policy=form.get("accept_privacy_policy") == "yes",
        accept_terms=form.get("accept_terms") == "yes",
        language=current_language(),
    )
    choice = form.get("security_question", "")
    registration["security_question"] = (
        form.get("own_security_question", "") if choice == OWN_QUESTION else choice
    )
    date_of_birth = _date_of_birth(form)
    if date_of_birth is not None:
        registration["date_of_birth"] = date_of_birth
    return registration


def _from_linkedin(values):
    """Sign-up with LinkedIn: the form starts with what LinkedIn gave."""
    claims = linkedin.pending()
    if claims:
        for field, claim in (
            ("first_name", "given_name"),
            ("last_name", "family_name"),
            ("email", "email"),
            ("email_confirmation", "email"),
        ):
            values.setdefault(field, claims.get(claim) or "")
    return values


def _sign_up_page(values, refused=None, username_status=None):
    # Asked only to draw the form: an accepted sign-up needs neither (one RPC
    # call instead of three, benchmarks/pages.py).
    questions, policies = _sign_up_settings()
    context = dict(
        values=values,
        question_options=[(q, q) for q in questions],
        policies=policies,
        own=OWN_QUESTION,
        username_status=username_status,
        idempotency_key=values.get("idempotency_key") or uuid.uuid4().hex,
    )
    if refused:
        return refused_page("sign_up.html", refused, **context)
    return render_template("sign_up.html", refused=None, **context)


def _username_status(username):
    """(username, available) for the availability line, or None if not asked."""
    username = (username or "").strip()
    if not username:
        return None
    return {
        "username": username,
        "available": call("identity", "username_available", username=username),
    }


def _suggestion(first_name, last_name):
    if not (first_name or "").strip() or not (last_name or "").strip():
        return None
    return call(
        "identity", "suggest_username", first_name=first_name.strip(), last_name=last_name.strip()
    )


@blueprint.route("/sign-up", methods=("GET", "POST"))
def sign_up():
    if sessions.current_member():
        return redirect(ONBOARDING, 303)
    if request.method == "GET":
        return _sign_up_page(_from_linkedin({}))
    form = request.form
    values = {
        name: form.get(name, "")
        for name in TEXT_FIELDS
        + (
            "security_question",
            "own_security_question",
            "username_suggested",
            "date_of_birth_day",
            "date_of_birth_month",
            "date_of_birth_year",
            "accept_privacy_policy",
            "accept_terms",
            "idempotency_key",
        )
    }
    if form.get("action") == "check_username":
        # Without JavaScript: suggest a username from the names (if none is
        # typed) and say whether it is free, keeping what was filled in.
        if not values["username"].strip():
            values["username"] = _suggestion(values["first_name"], values["last_name"]) or ""
        return _sign_up_page(values, username_status=_username_status(values["username"]))
    claims = linkedin.pending()
    result, refused = submit(
        "identity",
        "register_account",
        registration=_registration(form),
        client=client_address(),
        idempotency_key=values["idempotency_key"] or None,
        **({"linkedin": linkedin.identity_claims(claims)} if claims else {}),
    )
    if refused:
        return _sign_up_page(values, refused)
    sessions.log_in(result["token"])  # also forgets the pending LinkedIn member: linked now
    if claims:
        linkedin.import_picture(result["account"]["user_id"], claims.get("picture"))
    flash(_("Your account has been created. We have sent you an e-mail to confirm your address."))
    return redirect(after_login(result.get("onboarding")), 303)


@blueprint.get("/sign-up/username")
def username_suggestion():
    """htmx, as the names are typed: a new suggestion replaces the username
    field, unless the member has typed one of their own (204: nothing to swap)."""
    typed = request.args.get("username", "").strip()
    if typed and typed != request.args.get("suggested", ""):
        return "", 204
    suggestion = _suggestion(request.args.get("first_name"), request.args.get("last_name"))
    if not suggestion or suggestion == typed:
        return "", 204
    return render_template(
        "_username_field.html",
        values={"username": suggestion},
        suggested=suggestion,
        username_status=_username_status(suggestion),
        refused=None,
    )


@blueprint.get("/sign-up/username-availability")
def username_availability():
    """htmx, as the username is typed: the availability line alone."""
    return render_template(
        "_username_status.html", username_status=_username_status(request.args.get("username"))
    )


# -- the address -------------------------------------------------------------------
@blueprint.route("/confirm-email", methods=("GET", "POST"))
def confirm_email():
    """The mailed link.  Its token is single-use, so opening the link only shows
    a button: mail scanners that fetch links do not spend it; pressing the
    button (a POST with the form token) confirms."""
    token = request.values.get("token", "")
    if request.method == "GET":
        return render_template("confirm_email.html", token=token, confirmed=None, refused=None)
    result, refused = submit("identity", "confirm_email", token=token, client=client_address())
    if refused:
        return refused_page("confirm_email.html", refused, token=token, confirmed=None)
    return render_template("confirm_email.html", token=None, confirmed=result, refused=None)


# -- logging in and out --------------------------------------------------------------
@blueprint.route("/login", methods=("GET", "POST"))
def login():
    target = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", values={}, refused=None, next=target)
    values = form_values("username", "password")
    result, refused = submit(
        "identity",
        "login",
        username=values["username"],
        password=values["password"],
        client=client_address(),
    )
    if refused:
        # The password is never sent back into the page.
        return refused_page(
            "login.html", refused, values={"username": values["username"]}, next=target
        )
    waiting = linkedin.pending()
    sessions.log_in(result["token"])
    if waiting:
        # Logged in with the password: now they may link the LinkedIn member
        # whose verified address is this account's.
        linkedin.keep_pending(waiting)
        return redirect(url_for("web_linkedin.link"), 303)
    return redirect(sessions.safe_next(target, after_login(result.get("onboarding"))), 303)


@blueprint.post("/logout")
def logout():
    sessions.log_out()
    return redirect(url_for("pages.landing"), 303)


# -- a forgotten password: link, security question, new password --------------------
@blueprint.route("/password-reset", methods=("GET", "POST"))
def request_password_reset():
    if request.method == "GET":
        return render_template("password_reset.html", values={}, refused=None, sent=False)
    values = form_values("login")
    _, refused = submit(
        "identity", "request_password_reset", login=values["login"], client=client_address()
    )
    if refused:
        return refused_page("password_reset.html", refused, values=values, sent=False)
    return render_template("password_reset.html", values={}, refused=None, sent=True)


@blueprint.route("/reset-password", methods=("GET", "POST"))
def reset_password():
    """The mailed link: the security question, then (with the right answer) a
    short-lived grant kept in the page session, never in the page."""
    token = request.values.get("token", "")
    question, refused = submit("identity", "reset_question", token=token, client=client_address())
    if refused:
        return refused_page("reset_password.html", refused, token=None, question=None)
    if request.method == "GET":
        return render_template(
            "reset_password.html", token=token, refused=None, question=question["security_question"]
        )
    result, refused = submit(
        "identity",
        "verify_password_reset",
        token=token,
        security_answer=request.form.get("security_answer", ""),
        client=client_address(),
    )
    if refused:
        if refused.code == "token_invalid":  # the last wrong answer spent the link
            return refused_page("reset_password.html", refused, token=None, question=None)
        return refused_page(
            "reset_password.html", refused, token=token, question=question["security_question"]
        )
    session[RESET_GRANT] = result["reset_token"]
    return redirect(url_for("web_accounts.new_password"), 303)


@blueprint.route("/reset-password/new", methods=("GET", "POST"))
def new_password():
    grant = session.get(RESET_GRANT)
    if not grant:
        return redirect(url_for("web_accounts.request_password_reset"), 303)
    if request.method == "GET":
        return render_template("new_password.html", refused=None)
    result, refused = submit(
        "identity",
        "complete_password_reset",
        reset_token=grant,
        password=request.form.get("password", ""),
        password_confirmation=request.form.get("password_confirmation", ""),
        client=client_address(),
    )
    if refused:
        if refused.code == "token_invalid":
            session.pop(RESET_GRANT, None)
        return refused_page("new_password.html", refused)
    sessions.log_in(result["token"])
    flash(_("Your password has been changed and you are logged in."))
    return redirect(ONBOARDING, 303)
