"""The member's mentoring: requests sent and received."""
from flask import Blueprint, render_template

from gateway.requests_context import call_parallel
from gateway.web.i18n import current_language
from gateway.web.people import me, names
from gateway.web.sessions import member_required

blueprint = Blueprint("web_mentoring", __name__)


@blueprint.get("/requests")
@member_required
def requests_():
    boxes = call_parallel({
        **{box: ("mentoring", "list_requests", {"user_id": me(), "box": box, "status": None})
           for box in ("received", "sent")},
        "activities": ("profiles", "catalogue", {"kind": "activities",
                                                  "language": current_language()})})
    for result in boxes.values():
        if isinstance(result, Exception):
            raise result
    people = [r["mentee_id"] for r in boxes["received"]["items"]] + \
        [r["mentor_id"] for r in boxes["sent"]["items"]]
    return render_template("mentoring/requests.html", received=boxes["received"]["items"],
                           sent=boxes["sent"]["items"], names=names(people),
                           activities={a["id"]: a["label"] for a in boxes["activities"]})
