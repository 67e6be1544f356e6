"""The member's profile: the guide's Personal and Mentor tabs, each section
edited on its own form, and a member's public profile.

Profiles owns every rule (lengths, months, addresses, who may mentor): a page
sends the section's fields as the API's PATCH would and shows profiles' own
refusal, its field names mapped back to the form's inputs."""

import re
from datetime import date

from babel import Locale
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gateway.rpc import RemoteError
from gateway.service_calls import call, call_parallel
from gateway.web.forms import form_values, submit
from gateway.web.i18n import current_language
from gateway.web.people import me
from gateway.web.sessions import member_required

blueprint = Blueprint("web_profile", __name__)

# The profile's sections as profiles names them, in the order it lists them
# (the dashboard links to /profile#profile-<section>).
SECTIONS = ("headline", "bio", "professional_history", "education", "address", "email_web")

# What the live counter beside the headline counts down from.  Shown only:
# profiles refuses a longer headline, and without JavaScript its refusal is
# what the member sees.
HEADLINE_COUNTER = 125

# The sections edited on their own form: their inputs, each the PATCH's field
# (a dotted name is a part of the address, which profiles replaces whole).
SECTION_FIELDS = {
    "headline": ("headline",),
    "bio": ("bio",),
    "personal": ("first_name", "middle_names", "last_name"),
    "address": (
        "address.line1",
        "address.line2",
        "address.city",
        "address.region",
        "address.postcode",
        "address.country",
    ),
    "web": ("website", "linkedin_url", "skype"),
}
SECTION_TITLES = {
    "headline": _l("Headline"),
    "bio": _l("Bio"),
    "personal": _l("Personal details"),
    "address": _l("Address"),
    "web": _l("E-mail and web"),
}
# Where each form's section sits on the Personal tab.
SECTION_ANCHORS = {
    "headline": "profile-headline",
    "bio": "profile-bio",
    "personal": "profile-personal",
    "address": "profile-address",
    "web": "profile-email_web",
    "positions": "profile-professional_history",
    "education": "profile-education",
}

POSITION_FIELDS = (
    "organisation",
    "title",
    "sector",
    "location",
    "start_month",
    "end_month",
    "current",
)
STUDY_FIELDS = ("institution", "programme", "faculty", "year_started", "year_graduated")


# -- reading ---------------------------------------------------------------------
def _own_profile():
    return call("profiles", "get_profile", user_id=me(), viewer_id=me())


def _catalogues():
    """{"activities": {id: label}, "sectors": {id: label}} in the page's language."""
    language = current_language()
    found = call_parallel(
        {
            kind: ("profiles", "catalogue", {"kind": kind, "language": language})
            for kind in ("activities", "sectors")
        }
    )
    return {
        kind: {item["id"]: item["label"] for item in items}
        for kind, items in found.items()
        if not isinstance(items, Exception)
    }


@blueprint.app_template_filter("language_name")
def language_name(code):
    """A language's name in the page's language (nl -> Dutch / Nederlands)."""
    return Locale.parse(current_language()).languages.get(code, code.upper())


@blueprint.app_template_filter("country_name")
def country_name(code):
    return Locale.parse(current_language()).territories.get(code.upper(), code) if code else ""


@blueprint.app_template_filter("month")
def month(text):
    """'2019-07' -> 'July 2019' / 'juli 2019'."""
    if not text:
        return ""
    year, number = text.split("-")
    return format_date(date(int(year), int(number), 1), "LLLL yyyy")


def public_profile_context(profile):
    """What profile/_public_profile.html needs beside ``profile`` (also for the
    mentor's page of search, which includes it)."""
    labels = _catalogues()
    return {
        "profile": profile,
        "activity_labels": labels.get("activities", {}),
        "sector_labels": labels.get("sectors", {}),
    }


def _field_values(section, profile):
    address = profile.get("address") or {}
    return {
        name: (
            address.get(name.split(".", 1)[1]) if name.startswith("address.") else profile.get(name)
        )
        or ""
        for name in SECTION_FIELDS[section]
    }


def _narrowed(refused, prefix):
    """Profiles names a field inside a list by its place (positions.2.end_month):
    the form has only that entry's inputs (end_month)."""
    if refused:
        refused.fields = {
            (name[len(prefix) :] if name.startswith(prefix) else name): texts
            for name, texts in refused.fields.items()
        }
    return refused


def _saved(section):
    flash(_("Saved: %(section)s.", section=_section_title(section)))
    return redirect(url_for("web_profile.profile") + "#" + SECTION_ANCHORS[section], 303)


def _section_title(section):
    return {"positions": _("Professional history"), "education": _("Education")}.get(
        section
    ) or str(SECTION_TITLES[section])


# -- the Personal tab -----------------------------------------------------------------
@blueprint.get("/profile")
@member_required
def profile():
    own = _own_profile()
    return render_template(
        "profile/personal.html",
        profile=own,
        sections=SECTIONS,
        sectors=_catalogues().get("sectors", {}),
    )


@blueprint.route("/profile/edit/<section>", methods=("GET", "POST"))
@member_required
def edit_section(section):
    if section not in SECTION_FIELDS:
        abort(404)
    own = _own_profile()
    if request.method == "GET":
        return _section_page(section, own, _field_values(section, own), None)
    values = form_values(*SECTION_FIELDS[section])
    changes = {}
    for name, value in values.items():
        if name.startswith("address."):
            changes.setdefault("address", {})[name.split(".", 1)[1]] = value
        else:
            changes[name] = value
    saved, refused = submit("profiles", "update_profile", user_id=me(), changes=changes)
    if refused:
        return _section_page(section, own, values, refused)
    return _saved(section)


def _section_page(section, own, values, refused):
    return render_template(
        "profile/edit_section.html",
        section=section,
        profile=own,
        title=str(SECTION_TITLES[section]),
        values=values,
        refused=refused,
        headline_counter=HEADLINE_COUNTER,
        anchor=SECTION_ANCHORS[section],
    ), refused.status if refused else 200


# -- professional history: added, edited, moved and removed ---------------------------------
def _positions_as_sent(positions):
    """The positions as profiles takes them back (an id is shown, never sent)."""
    return [{name: position.get(name) for name in POSITION_FIELDS} for position in positions]


def _index_of(items, item_id):
    for index, item in enumerate(items):
        if item.get("id") == item_id:
            return index
    # Saved since the page was shown (a saved list gets new ids): say so, never
    # change another entry.
    abort(404)


def _posted_position():
    values = {name: request.form.get(name, "").strip() for name in POSITION_FIELDS}
    values["current"] = request.form.get("current") == "yes"
    return values


def _position_to_send(values):
    return {**values, "end_month": values["end_month"] or None}


@blueprint.route("/profile/positions/new", methods=("GET", "POST"))
@blueprint.route("/profile/positions/<int:position_id>", methods=("GET", "POST"))
@member_required
def position(position_id=None):
    own = _own_profile()
    positions = own["positions"]
    index = None if position_id is None else _index_of(positions, position_id)
    if request.method == "GET":
        values = positions[index] if index is not None else {"current": False}
        return _position_page(own, position_id, values, None)
    values = _posted_position()
    sent = _positions_as_sent(positions)
    if index is None:
        index = len(sent)  # a new position goes to the end; the member may move it up
        sent.append(_position_to_send(values))
    else:
        sent[index] = _position_to_send(values)
    saved, refused = submit("profiles", "update_profile", user_id=me(), changes={"positions": sent})
    if refused:
        return _position_page(own, position_id, values, _narrowed(refused, f"positions.{index}."))
    return _saved("positions")


def _position_page(own, position_id, values, refused):
    sectors = _catalogues().get("sectors", {})
    return render_template(
        "profile/position.html",
        profile=own,
        position_id=position_id,
        values=values,
        refused=refused,
        sector_options=sorted(sectors.items(), key=lambda item: item[1]),
    ), refused.status if refused else 200


@blueprint.post("/profile/positions/<int:position_id>/move")
@member_required
def move_position(position_id):
    positions = _own_profile()["positions"]
    index = _index_of(positions, position_id)
    other = index + (-1 if request.form.get("direction") == "up" else 1)
    if 0 <= other < len(positions):
        sent = _positions_as_sent(positions)
        sent[index], sent[other] = sent[other], sent[index]
        call("profiles", "update_profile", user_id=me(), changes={"positions": sent})
    return _saved("positions")


@blueprint.post("/profile/positions/<int:position_id>/remove")
@member_required
def remove_position(position_id):
    positions = _own_profile()["positions"]
    index = _index_of(positions, position_id)
    sent = _positions_as_sent(positions)
    del sent[index]
    call("profiles", "update_profile", user_id=me(), changes={"positions": sent})
    return _saved("positions")


# -- education: the member's own studies beside the verified one -------------------------
def _own_studies(own):
    """The studies the member added (the one from registration is the record's)."""
    return [study for study in own["education"] if study.get("source") == "member"]


def _studies_as_sent(studies):
    return [{name: study.get(name) for name in STUDY_FIELDS} for study in studies]


def _year(text):
    """A typed year as a number; anything else as typed, for profiles to name."""
    text = text.strip()
    return int(text) if re.fullmatch(r"\d{1,4}", text) else (text or None)


@blueprint.route("/profile/education/new", methods=("GET", "POST"))
@blueprint.route("/profile/education/<int:study_id>", methods=("GET", "POST"))
@member_required
def study(study_id=None):
    own = _own_profile()
    studies = _own_studies(own)
    index = None if study_id is None else _index_of(studies, study_id)
    if request.method == "GET":
        values = studies[index] if index is not None else {}
        return _study_page(own, study_id, values, None)
    values = {name: request.form.get(name, "").strip() for name in STUDY_FIELDS}
    entry = {
        **values,
        "year_started": _year(values["year_started"]),
        "year_graduated": _year(values["year_graduated"]),
    }
    sent = _studies_as_sent(studies)
    if index is None:
        index = len(sent)
        sent.append(entry)
    else:
        sent[index] = entry
    saved, refused = submit("profiles", "update_profile", user_id=me(), changes={"education": sent})
    if refused:
        return _study_page(own, study_id, values, _narrowed(refused, f"education.{index}."))
    return _saved("education")


def _study_page(own, study_id, values, refused):
    return render_template(
        "profile/study.html", profile=own, study_id=study_id, values=values, refused=refused
    ), refused.status if refused else 200


@blueprint.post("/profile/education/<int:study_id>/remove")
@member_required
def remove_study(study_id):
    studies = _own_studies(_own_profile())
    index = _index_of(studies, study_id)
    sent = _studies_as_sent(studies)
    del sent[index]
    call("profiles", "update_profile", user_id=me(), changes={"education": sent})
    return _saved("education")


# -- the Mentor tab -----------------------------------------------------------------------
MENTOR_INPUTS = ("available", "activities", "max_mentees", "sectors", "languages", "note")


def _mentor_values(mentor):
    return {
        **mentor,
        "languages": ", ".join(mentor["languages"]),
        "max_mentees": str(mentor["max_mentees"]),
    }


@blueprint.route("/profile/mentor", methods=("GET", "POST"))
@member_required
def mentor_settings():
    own = _own_profile()
    if request.method == "GET":
        return _mentor_page(own, _mentor_values(own["mentor"]), None)
    values = {
        "available": request.form.get("available") == "yes",
        "activities": request.form.getlist("activities"),
        "max_mentees": request.form.get("max_mentees", "").strip(),
        "sectors": request.form.getlist("sectors"),
        "languages": request.form.get("languages", ""),
        "note": request.form.get("note", ""),
    }
    settings = {
        **values,
        "max_mentees": int(values["max_mentees"])
        if values["max_mentees"].isdigit()
        else values["max_mentees"] or None,
        "languages": [code for code in re.split(r"[\s,;]+", values["languages"]) if code],
    }
    saved, refused = submit("profiles", "set_mentor_settings", user_id=me(), settings=settings)
    if refused:
        # One message per list, beside the whole list (activities.1 -> activities).
        refused.fields = {
            re.sub(r"\.\d+$", "", name): texts for name, texts in refused.fields.items()
        }
        return _mentor_page(own, values, refused)
    flash(_("Your mentor settings are saved."))
    return redirect(url_for("web_profile.mentor_settings"), 303)


def _mentor_page(own, values, refused):
    labels = _catalogues()
    return render_template(
        "profile/mentor.html",
        profile=own,
        values=values,
        refused=refused,
        activity_options=list(labels.get("activities", {}).items()),
        sector_options=sorted(labels.get("sectors", {}).items(), key=lambda item: item[1]),
    ), refused.status if refused else 200


# -- a member's public profile ----------------------------------------------------------
@blueprint.get("/members/<user_id>")
@member_required
def public_profile(user_id):
    """What a verified member sees of another; one's own as they would see it.
    A member one may not see is not found, like one who does not exist."""
    try:
        seen = call(
            "profiles", "get_profile", user_id=user_id, viewer_id=me(), as_member=user_id == me()
        )
    except RemoteError as exc:
        if exc.exc_type in ("NotFound", "Forbidden"):
            abort(404)
        raise
    return render_template(
        "profile/public.html", own=user_id == me(), **public_profile_context(seen)
    )
