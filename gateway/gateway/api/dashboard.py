"""The dashboard: one call that composes what three services know.  Each
service answers its whole part in one call (its ``overview``), the three asked
in parallel, so the page costs about the slowest of them, and a busy machine
pays three calls' fixed cost rather than eight (benchmarks/dashboard.py).  A
service that does not answer leaves its part empty and is named in
``unavailable`` instead of failing the whole page."""
from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.requests_context import call_parallel

blueprint = Blueprint("dashboard", __name__, url_prefix="/api/v1")


@blueprint.get("/dashboard")
@login_required
def dashboard():
    me = g.member["user_id"]
    results = call_parallel({
        "profiles": ("profiles", "overview", {"user_id": me}),
        "mentoring": ("mentoring", "overview", {"user_id": me}),
        "notifications": ("notifications", "overview", {"user_id": me}),
    })
    unavailable = sorted(name for name, result in results.items()
                         if isinstance(result, Exception))

    def part(service):
        return {} if service in unavailable else results[service]

    profiles, mentoring, notifications = part("profiles"), part("mentoring"), part("notifications")
    me_part = profiles.get("me")
    return jsonify({
        "me": None if me_part is None else {**me_part, "username": g.member["username"],
                                             "photo": None},  # no photo uploads yet
        "unread_count": notifications.get("unread_count"),
        "relationships": mentoring.get("relationships"),
        "requests": mentoring.get("requests", {"sent": None, "received": None}),
        "sector_cloud": profiles.get("sector_cloud"),
        "recommended_mentors": profiles.get("recommended_mentors"),
        "service_updates": notifications.get("service_updates"),
        "unavailable": unavailable,
    })
