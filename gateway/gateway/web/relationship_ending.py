"""The end of a relationship and the feedback after it.

Ending says why: completed (its goals met) or ended early, with an optional
reason; it is asked on its own page first, since it cannot be undone.  After
the end each member is asked (by notifications, with a link here) for short
feedback: a rating from 1 to 5 and an optional comment.  Mentoring decides
every rule (who may end or give feedback, when, once) and keeps the feedback:
this page only ever shows the member whether they gave theirs, never what the
partner gave.  Another member's relationship is "not found", as mentoring
answers it."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from gateway.service_calls import call_parallel
from gateway.web.forms import form_values, refused_page, submit
from gateway.web.people import me, names
from gateway.web.relationships import partner_of
from gateway.web.sessions import member_required
from mentornet_contracts.events import RELATIONSHIP_OUTCOMES

blueprint = Blueprint("web_relationship_ending", __name__)

# Labels of mentoring's outcomes (the codes are the contracts').
OUTCOME_LABELS = {
    "completed": _l("Completed: we did what we set out to do"),
    "ended_early": _l("Ended early"),
}
assert set(OUTCOME_LABELS) == set(RELATIONSHIP_OUTCOMES)
RATING_LABELS = {
    "1": _l("1, poor"),
    "2": _l("2"),
    "3": _l("3"),
    "4": _l("4"),
    "5": _l("5, excellent"),
}


def _page(template, relationship_id, refused=None, values=None, with_feedback=False):
    """``template`` about one of the member's relationships (and, for the
    feedback page, whether they may give theirs), asked in parallel."""
    calls = {
        "relationship": (
            "mentoring",
            "get_relationship",
            {"user_id": me(), "relationship_id": relationship_id},
        )
    }
    if with_feedback:
        calls["feedback"] = (
            "mentoring",
            "feedback_status",
            {"user_id": me(), "relationship_id": relationship_id},
        )
    found = call_parallel(calls)
    for result in found.values():
        if isinstance(result, Exception):
            raise result  # another member's relationship: not found, like a missing one
    relationship = found["relationship"]
    partner = partner_of(relationship)
    context = dict(
        relationship=relationship,
        feedback=found.get("feedback"),
        partner_name=names([partner]).get(partner),
        outcomes=list(OUTCOME_LABELS.items()),
        ratings=list(RATING_LABELS.items()),
        values=values or {},
        done="given" if request.args.get("done") == "given" else None,
    )
    if refused:
        return refused_page(template, refused, **context)
    return render_template(template, refused=None, **context)


@blueprint.get("/relationships/<int:relationship_id>/end")
@member_required
def end_confirmation(relationship_id):
    """Ending is final, so it is asked first: this page, then its POST."""
    return _page("relationships/ending.html", relationship_id)


@blueprint.post("/relationships/<int:relationship_id>/end")
@member_required
def end(relationship_id):
    values = form_values("outcome", "reason")
    _, refused = submit(
        "mentoring",
        "end_relationship",
        user_id=me(),
        relationship_id=relationship_id,
        outcome=values["outcome"] or None,
        reason=values["reason"],
    )
    if refused:
        return _page("relationships/ending.html", relationship_id, refused, values)
    # Back to the relationship, which says it ended and links to the feedback.
    return redirect(
        url_for("web_relationships.relationship", relationship_id=relationship_id, done="ended"),
        303,
    )


@blueprint.get("/relationships/<int:relationship_id>/feedback")
@member_required
def feedback(relationship_id):
    return _page("relationships/ending_feedback.html", relationship_id, with_feedback=True)


@blueprint.post("/relationships/<int:relationship_id>/feedback")
@member_required
def give_feedback(relationship_id):
    values = form_values("rating", "comment")
    _, refused = submit(
        "mentoring",
        "give_feedback",
        user_id=me(),
        relationship_id=relationship_id,
        rating=values["rating"] or None,
        comment=values["comment"],
    )
    if refused:
        return _page(
            "relationships/ending_feedback.html",
            relationship_id,
            refused,
            values,
            with_feedback=True,
        )
    return redirect(url_for(".feedback", relationship_id=relationship_id, done="given"), 303)
