"""The dashboard: one call that composes what four services know, asked in
parallel so the page costs about the slowest call, not their sum.  A service
that does not answer leaves its part empty and is named in ``unavailable``
instead of failing the whole page."""
from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.requests_context import call_parallel

blueprint = Blueprint("dashboard", __name__, url_prefix="/api/v1")


@blueprint.get("/dashboard")
@login_required
def dashboard():
    me = g.member["user_id"]
    results = call_parallel({
        "profile": ("profiles", "get_profile", {"user_id": me, "viewer_id": me}),
        "unread": ("notifications", "unread_count", {"user_id": me}),
        "relationships": ("mentoring", "list_relationships", {"user_id": me}),
        "sent": ("mentoring", "list_requests", {"user_id": me, "box": "sent"}),
        "received": ("mentoring", "list_requests", {"user_id": me, "box": "received"}),
        "sector_cloud": ("profiles", "sector_cloud", {}),
        "recommended": ("profiles", "recommend_mentors", {"user_id": me}),
        "service_updates": ("notifications", "service_updates", {}),
    })
    failed = {name for name, result in results.items() if isinstance(result, Exception)}

    def part(name, default=None):
        return default if name in failed else results[name]

    profile = part("profile")
    body = {
        "me": None if profile is None else {
            "user_id": me, "username": g.member["username"],
            "first_name": profile["first_name"], "last_name": profile["last_name"],
            "photo": None,  # placeholder until members can upload a photo
            "completeness": profile["completeness"], "mentor": profile["mentor"]},
        "unread_count": part("unread", {}).get("unread_count"),
        "relationships": part("relationships", {}).get("items"),
        "requests": {"sent": part("sent", {}).get("items"),
                     "received": part("received", {}).get("items")},
        "sector_cloud": part("sector_cloud"),
        "recommended_mentors": part("recommended", {}).get("items"),
        "service_updates": part("service_updates", {}).get("items"),
        "unavailable": sorted(failed),
    }
    return jsonify(body)
