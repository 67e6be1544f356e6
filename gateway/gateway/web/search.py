"""Search (the guide's "Search for mentors"), a mentor's page with "Ask for
mentoring", and the directory (the guide's second module).

Search and the directory are GET forms, so a result page is a link (the
dashboard's sector cloud links to ``/search?sector=<id>``).  Profiles checks
every filter and mentoring every request: a refused value or request is the
service's own answer, shown in the page's language (``gateway.web.messages``).
"""

import re

from babel import Locale
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gateway.rpc import RemoteError
from gateway.service_calls import call_parallel
from gateway.web.forms import refusal, refused_page, submit
from gateway.web.i18n import current_language
from gateway.web.people import me
from gateway.web.sessions import member_required
from mentornet_contracts.api import DirectoryQuery, MentorSearchQuery
from mentornet_contracts.inputs import Paging
from mentornet_contracts.statuses import RequestStatus

blueprint = Blueprint("web_search", __name__)

# The query parameters each page's form sends: the API's own (profiles checks
# them with the same schema and the page shows its answer), less the paging.
SEARCH_FILTERS = tuple(name for name in MentorSearchQuery().fields if name not in Paging().fields)
DIRECTORY_FILTERS = tuple(name for name in DirectoryQuery().fields if name not in Paging().fields)
# Results per page, unless the link asks for another number (profiles allows 1 to 50).
PER_PAGE = "10"

_CODE = re.compile(r"^[A-Z]{2}$")
# Babel's two-letter territories that are no country (profiles takes ISO 3166 codes only).
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}


def _filters(names):
    """The form's values as the URL carries them, blanks left out (blank = any)."""
    return {
        name: request.args.get(name, "").strip()
        for name in names
        if request.args.get(name, "").strip()
    }


def _page_number():
    return request.args.get("page", "").strip() or "1"  # profiles checks it with the filters


def countries():
    """(ISO 3166 code, name) in the page's language, by name."""
    names = Locale.parse(current_language()).territories
    return sorted(
        (
            (code, name)
            for code, name in names.items()
            if _CODE.match(code) and code not in _NOT_COUNTRIES
        ),
        key=lambda c: c[1],
    )


def languages():
    """(ISO 639-1 code, name) in the page's language, by name."""
    names = Locale.parse(current_language()).languages
    return sorted(
        (
            (code, name[:1].upper() + name[1:])
            for code, name in names.items()
            if len(code) == 2 and code.isalpha()
        ),
        key=lambda c: c[1],
    )


def _with_catalogues(calls):
    """``call_parallel`` of ``calls`` beside profiles' sector and activity
    catalogues in the page's language (labelled {id: label}): the page costs
    its slowest call.  A catalogue that fails is raised (the error page)."""
    found = call_parallel(
        {
            **calls,
            **{
                kind: ("profiles", "catalogue", {"kind": kind, "language": current_language()})
                for kind in ("sectors", "activities")
            },
        }
    )
    for kind in ("sectors", "activities"):
        if isinstance(found[kind], Exception):
            raise found[kind]
        found[kind] = {item["id"]: item["label"] for item in found[kind]}
    return found


def _pages(result):
    last = max(1, -(-result["total"] // result["per_page"]))
    return {
        "current": result["page"],
        "last": last,
        "previous": result["page"] - 1 if result["page"] > 1 else None,
        "next": result["page"] + 1 if result["page"] < last else None,
    }


@blueprint.get("/search")
@member_required
def search():
    filters = _filters(SEARCH_FILTERS + ("per_page",))
    found = _with_catalogues(
        {
            "result": (
                "profiles",
                "search_mentors",
                {
                    "viewer_id": me(),
                    "filters": {"per_page": PER_PAGE, **filters, "page": _page_number()},
                },
            )
        }
    )
    result = found["result"]
    context = {
        "filters": filters,
        "sectors": found["sectors"],
        "activities": found["activities"],
        "countries": countries(),
        "languages": languages(),
    }
    if isinstance(result, Exception):
        return refused_page(
            "search/search.html", refusal(result), result=None, pages=None, **context
        )
    return render_template(
        "search/search.html", refused=None, result=result, pages=_pages(result), **context
    )


@blueprint.get("/directory")
@member_required
def directory():
    filters = _filters(DIRECTORY_FILTERS + ("per_page",))
    result, refused = submit(
        "profiles",
        "directory",
        viewer_id=me(),
        **{"per_page": PER_PAGE, **filters},
        page=_page_number(),
    )
    if refused:
        return refused_page(
            "search/directory.html", refused, filters=filters, result=None, pages=None
        )
    return render_template(
        "search/directory.html", refused=None, filters=filters, result=result, pages=_pages(result)
    )


@blueprint.app_template_global()
def public_profile_url(user_id):
    """A member's public profile (the profile pages' /members/<id>)."""
    if "web_profile.public_profile" in current_app.view_functions:
        return url_for("web_profile.public_profile", user_id=user_id)
    return f"/members/{user_id}"


# -- a mentor's page ----------------------------------------------------------------
def _mentor_page(mentor_id):
    """What the mentor's page shows: their profile as the member may see it, the
    catalogues' labels, and the member's own pending request to them, if any."""
    found = _with_catalogues(
        {
            # One's own page as another member sees it.
            "profile": (
                "profiles",
                "get_profile",
                {"user_id": mentor_id, "viewer_id": me(), "as_member": mentor_id == me()},
            ),
            "sent": (
                "mentoring",
                "list_requests",
                {"user_id": me(), "box": "sent", "status": RequestStatus.PENDING},
            ),
        }
    )
    profile = found["profile"]
    if isinstance(profile, RemoteError) and profile.exc_type == "NotFound":
        abort(404)  # nobody, or not a verified member: nothing to tell
    for result in found.values():
        if isinstance(result, Exception):
            raise result
    pending = next((r for r in found["sent"]["items"] if r["mentor_id"] == mentor_id), None)
    return {
        "mentor": profile,
        "pending": pending,
        "own": mentor_id == me(),
        "sectors": found["sectors"],
        "activities": found["activities"],
    }


@blueprint.get("/mentors/<uuid:user_id>")
@member_required
def mentor(user_id):
    return render_template(
        "search/mentor.html", refused=None, chosen=[], message="", **_mentor_page(str(user_id))
    )


@blueprint.post("/mentors/<uuid:user_id>")
@member_required
def ask(user_id):
    mentor_id = str(user_id)
    chosen = request.form.getlist("activities")
    message = request.form.get("message", "")
    _sent, refused = submit(
        "mentoring",
        "request_mentoring",
        mentee_id=me(),
        mentor_id=mentor_id,
        activities=chosen,
        message=message,
    )
    if refused:
        # The summary already says what is wrong with the mentor (full, unavailable,
        # yourself...): the form has no mentor field to put it beside.
        refused.fields.pop("mentor_id", None)
        return refused_page(
            "search/mentor.html", refused, chosen=chosen, message=message, **_mentor_page(mentor_id)
        )
    flash(_("Your request has been sent. You will be told when the mentor answers."))
    return redirect(url_for("web_search.mentor", user_id=user_id), 303)
