"""Reads composed from several services, shared by the JSON API and the pages
so both show the same thing from the same calls.

The dashboard: each service answers its whole part in one call (its
``overview``), the three asked in parallel, so the page costs about the
slowest of them, and a busy machine pays four calls' fixed cost rather than
nine (benchmarks/dashboard.py).  A service that does not answer leaves its
part empty and is named in ``unavailable`` instead of failing the whole page.
"""


def dashboard_calls(user_id, language=None):
    """The calls the dashboard makes, for ``call_parallel`` (or, with the token
    check beside them, ``auth.authenticated_parallel``); the sector and
    activity labels come in ``language`` (English by default), the service
    updates in it too (by default the member's own language)."""
    return {
        "profiles": ("profiles", "overview", {"user_id": user_id, "language": language or "en"}),
        "mentoring": ("mentoring", "overview", {"user_id": user_id}),
        "notifications": (
            "notifications",
            "overview",
            {"user_id": user_id, "language": language},
        ),
    }


def dashboard(results, member):
    """The dashboard of ``member`` (identity's answer: user_id, username) from
    the results of ``dashboard_calls``; an exception in place of a result
    leaves that service's part empty."""
    unavailable = sorted(name for name, result in results.items() if isinstance(result, Exception))

    def part(service):
        return {} if service in unavailable else results[service]

    profiles, mentoring, notifications = part("profiles"), part("mentoring"), part("notifications")
    me_part = profiles.get("me")
    return {
        # "photo": the digest of the member's photo (its page address's version:
        # /members/<user_id>/photo?v=<digest>), or None without one.
        "me": None
        if me_part is None
        else {"photo": None, **me_part, "username": member["username"]},
        "unread_count": notifications.get("unread_count"),
        "relationships": mentoring.get("relationships"),
        "requests": mentoring.get("requests", {"sent": None, "received": None}),
        "sector_cloud": profiles.get("sector_cloud"),
        "recommended_mentors": profiles.get("recommended_mentors"),
        "service_updates": notifications.get("service_updates"),
        "unavailable": unavailable,
    }
