"""LinkedIn on the pages: sign up and sign in with LinkedIn, Connect on the
profile, the archive import, and linking after a password login.

The protocol is Authlib's (``gateway.linkedin``); identity links accounts by
LinkedIn's ``sub`` only.  A LinkedIn member we do not know yet is kept in the
page session (``PENDING``: the verified claims) while they sign up (the form
comes pre-filled) or, when LinkedIn verified an address that an account here
has confirmed, while they log in with that account's password: only then may
they link it (``/linkedin/link``).  Nothing is ever linked by address.
"""

import base64
import logging
from datetime import datetime
from urllib.parse import urlsplit

import requests
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from gateway import linkedin, linkedin_archive
from gateway.request_input import client_address
from gateway.service_calls import call
from gateway.web import sessions
from gateway.web.forms import Refusal, refused_page, submit
from gateway.web.people import me
from gateway.web.sessions import member_required

log = logging.getLogger(__name__)
blueprint = Blueprint("web_linkedin", __name__)

PENDING = "linkedin_pending"  # a LinkedIn member not linked yet: their verified claims
INTENT = "linkedin_intent"  # what the round trip to LinkedIn is for
KEPT_CLAIMS = ("sub", "given_name", "family_name", "email", "email_verified", "picture")
PICTURE_MAX_BYTES = 1024 * 1024


def _enabled():
    if not current_app.config.get("LINKEDIN_ENABLED"):
        abort(404)


def _redirect_uri():
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("web_linkedin.callback")


def pending():
    """The LinkedIn member waiting to be linked in this page session, or None."""
    return session.get(PENDING)


def keep_pending(claims):
    session[PENDING] = {name: claims.get(name) for name in KEPT_CLAIMS}


# -- the round trip -------------------------------------------------------------------
@blueprint.post("/linkedin/sign-in")
def sign_in():
    """Sign in, or sign up, with LinkedIn (a POST with the form token: no other
    site can start it for the visitor)."""
    _enabled()
    session[INTENT] = {"for": "sign_in"}
    return linkedin.authorize_redirect(_redirect_uri())


@blueprint.post("/linkedin/connect")
@member_required
def connect():
    _enabled()
    session[INTENT] = {"for": "connect", "user_id": me()}
    return linkedin.authorize_redirect(_redirect_uri())


def _failed():
    return render_template("linkedin/failed.html"), 400


@blueprint.get("/linkedin/callback")
def callback():
    _enabled()
    intent = session.pop(INTENT, None) or {}
    try:
        claims = linkedin.finish()
    except linkedin.SignInFailed:
        return _failed()
    if intent.get("for") == "connect":
        member = sessions.current_member()
        if not member or member["user_id"] != intent.get("user_id"):
            return _failed()  # the session changed hands since Connect was pressed
        return _link_and_import(claims)
    result = call(
        "identity", "linkedin_sign_in", claims=identity_claims(claims), client=client_address()
    )
    if result["linked"]:
        sessions.log_in(result["token"])
        from gateway.web.accounts import after_login

        return redirect(after_login(result.get("onboarding")), 303)
    keep_pending(claims)
    if result["address_has_account"]:
        # An account here confirmed the address LinkedIn verified: its owner
        # proves it is theirs with the password before anything is linked.
        return redirect(url_for("web_accounts.login"), 303)
    return redirect(url_for("web_accounts.sign_up"), 303)


def identity_claims(claims):
    return {
        "sub": claims["sub"],
        "email": claims.get("email"),
        "email_verified": bool(claims.get("email_verified")),
    }


def _link_and_import(claims):
    """Connect: link (identity), then import the names and the photo (profiles)."""
    linked, refused = submit(
        "identity", "link_linkedin", user_id=me(), claims=identity_claims(claims)
    )
    if refused:
        flash(refused.message)
        return redirect(url_for("web_profile.profile"), 303)
    names = {
        k: v
        for k, v in (
            ("first_name", claims.get("given_name")),
            ("last_name", claims.get("family_name")),
        )
        if v
    }
    imported, refused = submit("profiles", "import_from_linkedin", user_id=me(), changes=names)
    photo = import_picture(me(), claims.get("picture"))
    if refused:
        flash(
            _(
                "Your profile is connected to LinkedIn, but your names from LinkedIn could not "
                "be used: %(reason)s",
                reason="; ".join(m for messages in refused.fields.values() for m in messages),
            )
        )
    else:
        flash(
            _("Your profile is connected to LinkedIn: your names were imported.")
            + (" " + _("Your photo from LinkedIn is on your profile.") if photo else "")
        )
    return redirect(url_for("web_profile.profile"), 303)


def import_picture(user_id, url):
    """LinkedIn's ``picture``, fetched once and handed to profiles, which
    re-encodes it like any upload.  Only from the hosts the settings allow
    (``LINKEDIN_PICTURE_HOSTS``; https unless the host is this machine), no
    redirects, at most 1 MB.  Any failure leaves the photo as it was."""
    if not url:
        return False
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost")
    if parts.hostname not in current_app.config["LINKEDIN_PICTURE_HOSTS"] or not (
        parts.scheme == "https" or (local and parts.scheme == "http")
    ):
        log.info("LinkedIn picture from %s not fetched: host not allowed", parts.hostname)
        return False
    try:
        with requests.get(url, timeout=5, stream=True, allow_redirects=False) as response:
            if response.status_code != 200:
                return False
            data = response.raw.read(PICTURE_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        log.info("LinkedIn picture not fetched: %s", exc)
        return False
    if len(data) > PICTURE_MAX_BYTES:
        return False
    stored, refused = submit(
        "profiles",
        "set_photo",
        user_id=user_id,
        image=base64.b64encode(data).decode("ascii"),
        source="linkedin",
    )
    return refused is None


# -- linking after a password login -------------------------------------------------
@blueprint.route("/linkedin/link", methods=("GET", "POST"))
@member_required
def link():
    waiting = pending()
    if not waiting:
        return redirect(url_for("web_profile.profile"), 303)
    if request.method == "GET":
        return render_template("linkedin/link.html", claims=waiting)
    session.pop(PENDING, None)
    if request.form.get("action") != "link":
        flash(_("Your account was not linked to LinkedIn."))
        return redirect(url_for("web_dashboard.dashboard"), 303)
    return _link_and_import(waiting)


@blueprint.post("/linkedin/unlink")
@member_required
def unlink():
    unlinked, refused = submit(
        "identity", "unlink_linkedin", user_id=me(), password=request.form.get("password", "")
    )
    if refused:
        flash(refused.message)
    else:
        flash(_("Your profile is no longer connected to LinkedIn."))
    return redirect(url_for("web_profile.profile"), 303)


# -- the archive ----------------------------------------------------------------------
def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="linkedin-archive")


def _row_refusal(refused, lines):
    """The profile's field errors as the archive's rows: 'Positions.csv, line 4:
    Started On: ...'."""
    columns = {
        "positions": (
            "Positions.csv",
            {
                "organisation": "Company Name",
                "title": "Title",
                "location": "Location",
                "start_month": "Started On",
                "end_month": "Finished On",
            },
        ),
        "education": (
            "Education.csv",
            {
                "institution": "School Name",
                "programme": "Degree Name",
                "year_started": "Start Date",
                "year_graduated": "End Date",
            },
        ),
    }
    named = []
    for path, messages in refused.fields.items():
        parts = path.split(".")
        if (
            parts[0] in columns
            and len(parts) >= 2
            and parts[1].isdigit()
            and int(parts[1]) < len(lines.get(parts[0], []))
        ):
            file, names = columns[parts[0]]
            column = names.get(parts[2], parts[2]) if len(parts) > 2 else ""
            where = _("%(file)s, line %(line)s", file=file, line=lines[parts[0]][int(parts[1])])
            named.extend(f"{where}: {column}: {m}" if column else f"{where}: {m}" for m in messages)
        else:
            named.extend(f"{path}: {m}" for m in messages)
    return named


@blueprint.route("/linkedin/archive", methods=("GET", "POST"))
@member_required
def archive():
    """Upload LinkedIn's archive, see what it will overwrite, confirm."""
    if request.method == "GET":
        return render_template("linkedin/archive.html", refused=None, preview=None, problems=[])
    if request.form.get("action") == "confirm":
        try:
            changes = _serializer().loads(request.form.get("changes", ""))
        except BadSignature:
            abort(400)
        result, refused = submit("profiles", "import_from_linkedin", user_id=me(), changes=changes)
        if refused:
            return refused_page("linkedin/archive.html", refused, preview=None, problems=[])
        flash(_("Your LinkedIn data was imported."))
        return redirect(url_for("web_profile.profile"), 303)
    upload = request.files.get("archive")
    raw = upload.read() if upload else b""
    if not raw:
        refused = Refusal(
            422,
            "invalid_input",
            "Choose the ZIP archive you downloaded from LinkedIn.",
            {"archive": ["Choose the ZIP archive you downloaded from LinkedIn."]},
        )
        return refused_page("linkedin/archive.html", refused, preview=None, problems=[])
    try:
        changes, lines = linkedin_archive.changes_from(linkedin_archive.read_archive(raw))
    except linkedin_archive.ArchiveRefused as exc:
        message = _(exc.message, **exc.params)
        refused = Refusal(422, "invalid_input", message, {"archive": [message]})
        return refused_page("linkedin/archive.html", refused, preview=None, problems=[])
    result, refused = submit(
        "profiles", "import_from_linkedin", user_id=me(), changes=changes, dry_run=True
    )
    if refused:
        return refused_page(
            "linkedin/archive.html", refused, preview=None, problems=_row_refusal(refused, lines)
        )
    return render_template(
        "linkedin/archive.html",
        refused=None,
        problems=[],
        preview={
            "changes": changes,
            "replaced": result["replaced"],
            "token": _serializer().dumps(changes),
        },
    )


def init_app(app):
    app.config.setdefault("PUBLIC_BASE_URL", "http://localhost:8000")
    app.jinja_env.globals["linkedin_pending"] = pending
    app.jinja_env.filters["linkedin_time"] = _when


def _when(value):
    """An ISO time from a service, in the page's language and time zone."""
    return format_datetime(datetime.fromisoformat(value), "medium") if value else ""
