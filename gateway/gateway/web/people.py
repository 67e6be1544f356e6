"""What several member pages need about the people they show."""

from flask import g

from gateway.service_calls import call_parallel

MOST_NAMES = 20  # names looked up for one page


def me():
    """The logged-in member's user id (pages behind ``member_required``)."""
    return g.member["user_id"]


def names(user_ids):
    """{user_id: "First Last"} of the members a page mentions, asked in parallel
    (a member one may not see, or who left, has no name here)."""
    wanted = sorted(set(user_ids))[:MOST_NAMES]
    results = (
        call_parallel(
            {
                user_id: ("profiles", "get_profile", {"user_id": user_id, "viewer_id": me()})
                for user_id in wanted
            }
        )
        if wanted
        else {}
    )
    return {
        user_id: f"{result['first_name']} {result['last_name']}"
        for user_id, result in results.items()
        if not isinstance(result, Exception)
    }
