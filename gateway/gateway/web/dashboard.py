"""The member's home: the guide's eMentoring dashboard (the same composed parts
as GET /api/v1/dashboard)."""
from flask import Blueprint, g, redirect, render_template, url_for

from gateway import compose
from gateway.requests_context import call_parallel
from gateway.web.people import me
from gateway.web.profile import SECTIONS
from gateway.web.sessions import member_required

blueprint = Blueprint("web_dashboard", __name__)


@blueprint.get("/dashboard")
@member_required
def dashboard():
    # Onboarding's state is asked beside the dashboard's own calls: a member who
    # has not finished is sent on to their next step instead.
    results = call_parallel({**compose.dashboard_calls(me()),
                             "_onboarding": ("identity", "get_onboarding", {"user_id": me()})})
    onboarding = results.pop("_onboarding")
    if isinstance(onboarding, Exception):
        raise onboarding
    if not onboarding["completed"]:
        return redirect(url_for("web_onboarding.next_step"), 303)
    return render_template("dashboard/dashboard.html",
                           dashboard=compose.dashboard(results, g.member), sections=SECTIONS)
