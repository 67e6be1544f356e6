"""The member's home: the guide's eMentoring dashboard (the same composed parts
as GET /api/v1/dashboard), each service's part in its own panel."""

from flask import Blueprint, g, redirect, render_template, url_for

from gateway import compose
from gateway.service_calls import call_parallel
from gateway.web.i18n import current_language
from gateway.web.people import me, names
from gateway.web.profile import SECTIONS
from gateway.web.sessions import member_required

blueprint = Blueprint("web_dashboard", __name__)

SHOWN_REQUESTS = 5  # of each box; the requests page has them all

# The sector cloud's five sizes, by a sector's share of the busiest sector's mentors.
CLOUD_SIZES = 5


def cloud(sectors):
    """The sector cloud with a size (1 to 5) for each sector by its mentors, in
    the catalogue's alphabetical order of labels, as a cloud is read."""
    if not sectors:
        return []
    most = max(item["count"] for item in sectors)
    return sorted(
        ({**item, "size": 1 + (CLOUD_SIZES - 1) * item["count"] // most} for item in sectors),
        key=lambda item: item["label"].casefold(),
    )


def named_reasons(recommended):
    """Each reason's sectors or activities by their labels (profiles sends them
    in the member's language beside the ids), as ``named``."""
    for mentor in recommended or []:
        for reason in mentor["reasons"]:
            for kind in ("sectors", "activities"):
                if kind in reason:
                    labels = mentor["labels"][kind]
                    reason["named"] = ", ".join(labels.get(key, key) for key in reason[kind])
    return recommended


def _people_in(board):
    mentoring_people = [
        r["mentor_id"] if r["my_role"] == "mentee" else r["mentee_id"]
        for r in board["relationships"] or []
    ]
    mentoring_people += [r["mentor_id"] for r in (board["requests"]["sent"] or [])[:SHOWN_REQUESTS]]
    mentoring_people += [
        r["mentee_id"] for r in (board["requests"]["received"] or [])[:SHOWN_REQUESTS]
    ]
    return mentoring_people


@blueprint.get("/dashboard")
@member_required
def dashboard():
    # Onboarding's state is asked beside the dashboard's own calls: a member who
    # has not finished is sent on to their next step instead.
    results = call_parallel(
        {
            **compose.dashboard_calls(me(), current_language()),
            "_onboarding": ("identity", "get_onboarding", {"user_id": me()}),
        }
    )
    onboarding = results.pop("_onboarding")
    if isinstance(onboarding, Exception):
        raise onboarding
    if not onboarding["completed"]:
        return redirect(url_for("web_onboarding.next_step"), 303)
    board = compose.dashboard(results, g.member)
    named_reasons(board["recommended_mentors"])
    g.unread_count = board["unread_count"]  # the toolbar's badge, from the same answer
    # The other side of each relationship and request, by name: a second round,
    # only for the few shown, and not while profiles (who knows the names) is down.
    people = {} if "profiles" in board["unavailable"] else names(_people_in(board))
    return render_template(
        "dashboard/dashboard.html",
        dashboard=board,
        sections=SECTIONS,
        cloud=cloud(board["sector_cloud"]),
        names=people,
        shown_requests=SHOWN_REQUESTS,
    )
