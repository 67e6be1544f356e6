"""The dashboard: one call that composes what three services know.  Each
service answers its whole part in one call (its ``overview``), the three asked
in parallel (with the token check too, see gateway.auth), so the page costs
about the slowest of them, and a busy machine pays four calls' fixed cost
rather than nine (benchmarks/dashboard.py).  A
service that does not answer leaves its part empty and is named in
``unavailable`` instead of failing the whole page."""
from flask import Blueprint, g, jsonify

from gateway.auth import authenticated_parallel

blueprint = Blueprint("dashboard", __name__, url_prefix="/api/v1")


@blueprint.get("/dashboard")
def dashboard():
    # The token check runs beside these calls when this process knows the token.
    results = authenticated_parallel(lambda me: {
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
