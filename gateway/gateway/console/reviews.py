"""The affiliation review queue (reviewers and administrators): each pending
review with what the member gave beside the university's closest records
(identity ranks them: ``affiliation.closest_records``), approved or rejected
with a reason through the same RPC as the operators' API.  Identity tells the
member (``affiliation_reviewed``) and writes the audit entry with the decision."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gateway.console import actor, blueprint, operator_required
from gateway.request_input import client_address
from gateway.service_calls import call
from gateway.web.forms import submit

ROLE_LABELS = {"student": _l("Student"), "alumnus": _l("Alumnus"), "staff": _l("Staff")}

# What a record may agree on with the member's details (identity's ``agrees``).
AGREEMENT_LABELS = {
    "record_number": _l("number"),
    "date_of_birth": _l("date of birth"),
    "last_name": _l("last name"),
    "first_name": _l("first name"),
    "role": _l("role"),
}


@blueprint.get("/reviews")
@operator_required("affiliation_reviews")
def reviews():
    pending = call("identity", "list_affiliation_reviews", actor=actor())["items"]
    return render_template("console/reviews.html", reviews=pending, role_labels=ROLE_LABELS)


def _review_page(review_id, refused=None, values=None, status=200):
    review = call("identity", "affiliation_review", actor=actor(), review_id=review_id)
    page = render_template(
        "console/review.html",
        review=review,
        refused=refused,
        values=values or {},
        role_labels=ROLE_LABELS,
        agreement_labels=AGREEMENT_LABELS,
    )
    return page, status


@blueprint.get("/reviews/<int:review_id>")
@operator_required("affiliation_reviews")
def review(review_id):
    return _review_page(review_id)


@blueprint.post("/reviews/<int:review_id>/<any(approve, reject):decision>")
@operator_required("affiliation_reviews")
def decide_review(review_id, decision):
    values = {"reason": request.form.get("reason", "")}
    decided, refused = submit(
        "identity",
        "decide_affiliation_review",
        actor=actor(),
        review_id=review_id,
        approve=decision == "approve",
        reason=values["reason"],
        client=client_address(),
    )
    if refused:
        return _review_page(review_id, refused=refused, values=values, status=refused.status)
    if decided["status"] == "approved":
        flash(_("The review is approved: the member is verified and told so."))
    else:
        flash(_("The review is rejected: the member is told why."))
    return redirect(url_for("console.reviews"), 303)
