"""The member's mentoring requests: sent and received, each with its own page
and history, answered (accept with a reply, decline with a reason and a
reply) or withdrawn.  Relationships have their own module
(gateway.web.relationships).  Mentoring decides every rule (who may answer, whether the
request is still open, the mentor's room): a refusal is its own answer, in
the page's language (gateway.web.messages).  Another member's request or
relationship is "not found", as mentoring answers it: the same page as one
that does not exist."""

from datetime import datetime

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gateway.service_calls import call_parallel
from gateway.web.forms import form_values, refused_page, submit
from gateway.web.i18n import current_language
from gateway.web.people import me, names
from gateway.web.sessions import member_required
from mentornet_contracts.events import DECLINE_REASONS
from mentornet_contracts.statuses import LEFT_THE_NETWORK, RequestStatus

blueprint = Blueprint("web_mentoring", __name__)

STATUSES = {
    RequestStatus.PENDING: _l("waiting for an answer"),
    RequestStatus.ACCEPTED: _l("accepted"),
    RequestStatus.DECLINED: _l("declined"),
    RequestStatus.WITHDRAWN: _l("withdrawn"),
    RequestStatus.EXPIRED: _l("expired"),
}
# What each change in a request's history says, from the side of who reads it.
CHANGES = {
    RequestStatus.PENDING: _l("Asked"),
    RequestStatus.ACCEPTED: _l("Accepted"),
    RequestStatus.DECLINED: _l("Declined"),
    RequestStatus.WITHDRAWN: _l("Withdrawn"),
    RequestStatus.EXPIRED: _l("Expired without an answer"),
}
# Labels of mentoring's decline reasons (the codes are mentoring's, in the contracts).
DECLINE_REASON_LABELS = {
    "no_capacity": _l("I have no room for another mentee now"),
    "not_my_expertise": _l("This is not my expertise"),
    "not_available_now": _l("I am not available now"),
    "other": _l("Another reason"),
}
DONE = {"accepted", "declined", "withdrawn"}


@blueprint.app_template_filter("member_words")
def member_words(text):
    """A reason or note as a member wrote it, or mentoring's own words when a
    member left, in the page's language."""
    return _("The member left the network.") if text == LEFT_THE_NETWORK else text


@blueprint.app_template_filter("local_date")
def local_date(value, with_time=False):
    """An ISO timestamp from a service as a date (and the time to the minute) in
    the page's language."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    day = format_date(moment, "medium")
    return f"{day}, {format_time(moment, 'short')}" if with_time else day


def _labels():
    return {
        "statuses": STATUSES,
        "changes": CHANGES,
        "decline_reasons": [
            (code, DECLINE_REASON_LABELS.get(code, code)) for code in DECLINE_REASONS
        ],
    }


def with_activities(name, method, **kwargs):
    """A mentoring call and the activities' labels, asked in parallel."""
    found = call_parallel(
        {
            name: ("mentoring", method, kwargs),
            "activities": (
                "profiles",
                "catalogue",
                {"kind": "activities", "language": current_language()},
            ),
        }
    )
    for result in found.values():
        if isinstance(result, Exception):
            raise result
    return found[name], {a["id"]: a["label"] for a in found["activities"]}


def _done():
    done = request.args.get("done")
    return done if done in DONE else None


# -- requests --------------------------------------------------------------------
@blueprint.get("/requests")
@member_required
def requests_():
    boxes, activities = with_activities("requests", "overview", user_id=me())
    received, sent = boxes["requests"]["received"], boxes["requests"]["sent"]
    people = [r["mentee_id"] for r in received] + [r["mentor_id"] for r in sent]
    return render_template(
        "mentoring/requests.html",
        received=received,
        sent=sent,
        names=names(people),
        activities=activities,
        **_labels(),
    )


def _request_page(request_id, refused=None, form=None, values=None):
    """The request's own page; after a refusal, ``form`` names the form it belongs
    to (accept, decline or withdraw) and ``values`` are what the member typed."""
    one, activities = with_activities("request", "get_request", user_id=me(), request_id=request_id)
    other = one["mentee_id"] if one["my_role"] == "mentor" else one["mentor_id"]
    context = dict(
        item=one,
        other_name=names([other]).get(other),
        activities=activities,
        refused_form=form,
        values=values or {},
        done=_done(),
        **_labels(),
    )
    if refused:
        return refused_page("mentoring/request.html", refused, **context)
    return render_template("mentoring/request.html", refused=None, **context)


@blueprint.get("/requests/<int:request_id>")
@member_required
def request_detail(request_id):
    return _request_page(request_id)


def _answer(request_id, form, method, values, **member):
    """Accept, decline or withdraw; back to the request's page, which says what
    happened, or shows the refusal beside the form with what was typed."""
    result, refused = submit("mentoring", method, request_id=request_id, **member, **values)
    if refused:
        return _request_page(request_id, refused, form, values)
    return redirect(
        url_for(
            "web_mentoring.request_detail",
            request_id=request_id,
            done=result["request"]["status"] if "request" in result else result["status"],
        ),
        303,
    )


@blueprint.post("/requests/<int:request_id>/accept")
@member_required
def accept(request_id):
    return _answer(request_id, "accept", "accept_request", form_values("reply"), mentor_id=me())


@blueprint.post("/requests/<int:request_id>/decline")
@member_required
def decline(request_id):
    return _answer(
        request_id, "decline", "decline_request", form_values("reason", "reply"), mentor_id=me()
    )


@blueprint.post("/requests/<int:request_id>/withdraw")
@member_required
def withdraw(request_id):
    return _answer(request_id, "withdraw", "withdraw_request", {}, mentee_id=me())
