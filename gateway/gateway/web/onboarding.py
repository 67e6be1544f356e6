"""The guide's steps 5 to 9 as pages, resumable: ``/onboarding`` asks identity
where the member is (``get_onboarding``) and sends them to that step's page;
every step page does the same when opened out of turn, so a bookmark, the
Back button or a login always lands on the next unfinished step, and a member
who is done lands on the dashboard.

Identity keeps the rules (which step is open, what matches a record, which
guidelines version counts); a page only shows its answer and its refusals.
"""

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from gateway.service_calls import call
from gateway.web import sessions
from gateway.web.forms import form_values, submit
from gateway.web.i18n import current_language
from gateway.web.sessions import member_required
from mentornet_contracts.statuses import AffiliationStatus, Role

blueprint = Blueprint("web_onboarding", __name__)

# identity's next_step -> the page of that step
STEP_PAGES = {
    "affiliation": "web_onboarding.affiliation",
    "study_details": "web_onboarding.study_details",
    "account_creation": "web_onboarding.account_creation",
    "guidelines": "web_onboarding.guidelines",
    "introduction": "web_onboarding.introduction",
    "done": "web_dashboard.dashboard",
}
ROLES = [
    (Role.ALUMNUS, _l("An alumnus: I graduated here")),
    (Role.STUDENT, _l("A student")),
    (Role.STAFF, _l("A member of staff")),
]
STUDY_FIELDS = ("institution", "programme", "faculty", "year_started", "year_graduated")


def _progress():
    return call("identity", "get_onboarding", user_id=g.member["user_id"])


def _to_step(progress):
    return redirect(url_for(STEP_PAGES[progress["next_step"]]), 303)


def _out_of_turn(progress, step):
    """The redirect to the member's real next step when ``step`` is not it."""
    return None if progress["next_step"] == step else _to_step(progress)


def _wrong_step(refused):
    # Identity refused because another step is open now (a second tab, Back):
    # go to that step rather than show an error about it.
    return refused is not None and refused.code == "wrong_step"


@blueprint.get("/onboarding")
@member_required
def next_step():
    return _to_step(_progress())


# -- step 5: affiliation ------------------------------------------------------
def _affiliation_page(progress, values, refused=None, offer_review=False):
    return render_template(
        "onboarding/affiliation.html",
        progress=progress,
        values=values,
        refused=refused,
        roles=ROLES,
        offer_review=offer_review,
    )


@blueprint.route("/onboarding/affiliation", methods=("GET", "POST"))
@member_required
def affiliation():
    progress = _progress()
    if progress["affiliation_status"] == AffiliationStatus.PENDING_REVIEW:
        return redirect(url_for("web_onboarding.review"), 303)
    if (moved := _out_of_turn(progress, "affiliation")) is not None:
        return moved
    if request.method == "GET":
        return _affiliation_page(progress, {"role": progress.get("role") or ""})
    values = form_values("role", "record_number")
    refused = _verify_affiliation(values, request_review=False)
    if refused:
        # No match (or no tries left): the member may ask a person to check instead.
        offer = refused.code in ("record_not_matched", "too_many_attempts")
        return _affiliation_page(progress, values, refused, offer_review=offer), refused.status
    return redirect(url_for("web_onboarding.study_details"), 303)


def _verify_affiliation(values, request_review):
    """Identity matches the form's role and record number against the records,
    or (``request_review``) queues them, with the note, for a person to check;
    answers the refusal, if any."""
    _, refused = submit(
        "identity",
        "verify_affiliation",
        user_id=g.member["user_id"],
        role=values["role"],
        record_number=values["record_number"],
        request_review=request_review,
        note=values.get("note", ""),
    )
    return refused


@blueprint.route("/onboarding/review", methods=("GET", "POST"))
@member_required
def review():
    """Ask for a manual review (POST), and the review's status (GET)."""
    progress = _progress()
    if request.method == "GET":
        if progress["affiliation_status"] not in (
            AffiliationStatus.PENDING_REVIEW,
            AffiliationStatus.REJECTED,
        ):
            return _to_step(progress)
        return render_template(
            "onboarding/review.html", progress=progress, review=progress.get("review")
        )
    if progress["affiliation_status"] == AffiliationStatus.VERIFIED:
        return _to_step(progress)
    values = form_values("role", "record_number", "note")
    refused = _verify_affiliation(values, request_review=True)
    if refused:
        if refused.code == "review_pending":
            return redirect(url_for("web_onboarding.review"), 303)
        return _affiliation_page(progress, values, refused, offer_review=True), refused.status
    return redirect(url_for("web_onboarding.review"), 303)


# -- step 6: study details ------------------------------------------------------
def _year(text):
    """A form's year as identity expects it: a number, None when left empty, and
    anything else as typed, for identity to refuse by name."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


@blueprint.route("/onboarding/study-details", methods=("GET", "POST"))
@member_required
def study_details():
    progress = _progress()
    if (moved := _out_of_turn(progress, "study_details")) is not None:
        return moved
    if request.method == "GET":
        values = {
            name: "" if value is None else value
            for name, value in progress["study_details"].items()
        }
        return render_template(
            "onboarding/study_details.html", progress=progress, values=values, refused=None
        )
    values = form_values(*STUDY_FIELDS)
    details = {name: values[name].strip() for name in ("institution", "programme", "faculty")}
    details.update(
        year_started=_year(values["year_started"]), year_graduated=_year(values["year_graduated"])
    )
    result, refused = submit(
        "identity", "submit_study_details", user_id=g.member["user_id"], details=details
    )
    if _wrong_step(refused):
        return redirect(url_for("web_onboarding.next_step"), 303)
    if refused:
        return render_template(
            "onboarding/study_details.html", progress=progress, values=values, refused=refused
        ), refused.status
    return _to_step(result)


# -- step 7: the account is being created ------------------------------------------
@blueprint.get("/onboarding/account")
@member_required
def account_creation():
    progress = _progress()
    if (moved := _out_of_turn(progress, "account_creation")) is not None:
        return moved
    return render_template("onboarding/account_creation.html", progress=progress)


@blueprint.get("/onboarding/account/progress")
@member_required
def account_progress():
    """htmx polls this fragment; 286 (htmx's "stop polling") once the account is
    ready, with a way on in its place."""
    progress = _progress()
    fragment = render_template("onboarding/_account_progress.html", progress=progress)
    return fragment, 286 if progress["account_ready"] else 200


# -- step 8: guidelines -----------------------------------------------------------
@blueprint.route("/onboarding/guidelines", methods=("GET", "POST"))
@member_required
def guidelines():
    progress = _progress()
    if (moved := _out_of_turn(progress, "guidelines")) is not None:
        return moved
    text = call("identity", "get_guidelines", language=current_language())
    if request.method == "GET":
        return render_template("onboarding/guidelines.html", guidelines=text, refused=None)
    agree = request.form.get("agree") == "yes"
    result, refused = submit(
        "identity",
        "agree_to_guidelines",
        user_id=g.member["user_id"],
        version=request.form.get("version", ""),
        agree=agree,
    )
    if refused and refused.code == "guidelines_not_accepted":
        return redirect(url_for("web_onboarding.not_agreed"), 303)
    if _wrong_step(refused):
        return redirect(url_for("web_onboarding.next_step"), 303)
    if refused:  # e.g. the guidelines changed while they were being read
        return render_template(
            "onboarding/guidelines.html", guidelines=text, refused=refused
        ), refused.status
    return _to_step(result)


@blueprint.route("/onboarding/not-agreed", methods=("GET", "POST"))
@member_required
def not_agreed():
    """One cannot join without agreeing: say so, and offer to delete the
    unfinished account (with the password, as identity asks).  A member who
    joined before and declines new guidelines is no newcomer: they may agree
    after all, or leave through the settings' account deletion (the erasure
    of everything they did in the network), not this one."""
    progress = _progress()
    if progress["completed"]:
        return _to_step(progress)
    joined_before = progress["joined_before"]
    if request.method == "GET" or joined_before:
        return render_template(
            "onboarding/not_agreed.html", refused=None, joined_before=joined_before
        )
    result, refused = submit(
        "identity",
        "delete_account",
        user_id=g.member["user_id"],
        password=request.form.get("password", ""),
    )
    if refused:
        return render_template("onboarding/not_agreed.html", refused=refused), refused.status
    # The account and its sessions are gone in identity; the page session goes too.
    sessions.log_out()
    return redirect(url_for("web_onboarding.account_deleted"), 303)


@blueprint.get("/account-deleted")
def account_deleted():
    return render_template("onboarding/account_deleted.html")


# -- step 9: the quick introduction ------------------------------------------------
@blueprint.route("/onboarding/introduction", methods=("GET", "POST"))
@member_required
def introduction():
    progress = _progress()
    if (moved := _out_of_turn(progress, "introduction")) is not None:
        return moved
    if request.method == "GET":
        return render_template("onboarding/introduction.html")
    result, refused = submit("identity", "complete_introduction", user_id=g.member["user_id"])
    if refused and not _wrong_step(refused):
        return render_template("onboarding/introduction.html", refused=refused), refused.status
    return redirect(url_for("web_onboarding.next_step"), 303)
