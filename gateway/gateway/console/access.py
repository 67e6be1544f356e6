"""Logging in to the console and out: the password, then the second factor
(a TOTP code; the first time, enrolment: the secret as a QR code and as text,
confirmed by a code).  Identity checks everything; these pages carry its
tokens in the page cookie (the half-open one only until the code is given)."""

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from gateway.console import OPERATOR_TOKEN, PENDING_TOKEN, blueprint, current_operator
from gateway.request_input import client_address
from gateway.rpc import RemoteError
from gateway.service_calls import call
from gateway.web.forms import form_values, refused_page, submit
from gateway.web.sessions import safe_next


def _home():
    return safe_next(request.values.get("next"), url_for("console.home"))


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_operator():
        return redirect(_home())
    if request.method == "GET":
        return render_template("console/login.html", refused=None, values={}, next=_home())
    values = form_values("username", "password")
    result, refused = submit(
        "identity",
        "operator_login",
        username=values["username"],
        password=values["password"],
        client=client_address(),
    )
    if refused:
        values.pop("password")
        return refused_page("console/login.html", refused, values=values, next=_home())
    session[PENDING_TOKEN] = result["token"]
    return redirect(url_for("console.second_factor", next=_home()))


def _qr_code(uri):
    """The otpauth:// address as an inline SVG QR code (no script, no style)."""
    return segno.make(uri, error="m").svg_inline(
        scale=4, title=_("QR code for your authenticator app"), dark="#000", light="#fff"
    )


def _second_factor_page(enrolment, refused=None):
    context = dict(
        enrolment=enrolment,
        qr_code=_qr_code(enrolment["uri"]) if enrolment.get("enrol") else None,
        next=_home(),
    )
    if refused:
        return refused_page("console/second_factor.html", refused, **context)
    return render_template("console/second_factor.html", refused=None, **context)


def _back_to_login(message):
    session.pop(PENDING_TOKEN, None)
    flash(message)
    return redirect(url_for("console.login", next=_home()))


@blueprint.route("/login/code", methods=["GET", "POST"])
def second_factor():
    token = session.get(PENDING_TOKEN)
    if not token:
        return redirect(url_for("console.login", next=_home()))
    try:
        enrolment = call("identity", "operator_enrolment", token=token)
    except RemoteError as exc:
        if exc.exc_type != "NotAuthenticated":
            raise
        return _back_to_login(_("Your login took too long; please log in again."))
    if request.method == "GET":
        return _second_factor_page(enrolment)
    result, refused = submit(
        "identity",
        "operator_second_factor",
        token=token,
        code=request.form.get("code", ""),
        client=client_address(),
    )
    if refused and refused.status == 401:
        return _back_to_login(_("Too many wrong codes; please log in again."))
    if refused:
        return _second_factor_page(enrolment, refused)
    session.pop(PENDING_TOKEN, None)
    session[OPERATOR_TOKEN] = result["token"]
    return redirect(_home())


@blueprint.post("/logout")
def logout():
    token = session.pop(OPERATOR_TOKEN, None)
    session.pop(PENDING_TOKEN, None)
    if token:
        call("identity", "operator_logout", token=token, client=client_address())
    flash(_("You are logged out of the console."))
    return redirect(url_for("console.login"))
