"""The dashboard through the gateway: what each side of a request sees on it,
and a page that still answers, with its other parts, when a service does not."""

from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member


def dashboard_of(member):
    response = member.get("/dashboard")
    assert response.status_code == 200, response.text
    return response.json()


def test_each_side_of_a_request_sees_it_with_its_state(system, tmp_path, new_registration):
    mentor = onboarded_member(
        system, tmp_path, new_registration(first_name="Marit"), role="alumnus"
    )
    mentee = onboarded_member(system, tmp_path, new_registration(first_name="Sem"), role="student")
    become_mentor(mentor, max_mentees=2)
    request_id = ask(mentee, mentor).json()["id"]

    mine = dashboard_of(mentee)
    assert [(r["id"], r["status"]) for r in mine["requests"]["sent"]] == [(request_id, "pending")]
    assert mine["requests"]["received"] == [] and mine["relationships"] == []
    assert mine["me"]["first_name"] == "Sem" and mine["me"]["username"] == mentee.form["username"]
    assert mine["me"]["photo"] is None and 0 <= mine["me"]["completeness"]["score"] <= 100
    assert mine["unavailable"] == []
    recommended = mine["recommended_mentors"]
    assert 0 < len(recommended) <= 5 and mentee.user_id not in [m["user_id"] for m in recommended]
    assert all({"offers", "room_left"} <= {r["reason"] for r in m["reasons"]} for m in recommended)
    assert any(
        item["sector"] == "arts_culture" and item["count"] >= 1 for item in mine["sector_cloud"]
    )

    theirs = wait_until(
        lambda: (lambda d: d if d["unread_count"] >= 2 else None)(dashboard_of(mentor)),
        15,
        0.1,
        "the request among the mentor's notifications",
    )
    assert [(r["id"], r["status"]) for r in theirs["requests"]["received"]] == [
        (request_id, "pending")
    ]
    assert theirs["me"]["mentor"]["available"] is True

    assert mentor.post(f"/mentoring/requests/{request_id}/accept").status_code == 200
    mine = dashboard_of(mentee)
    assert mine["requests"]["sent"][0]["status"] == "accepted"
    assert [r["mentor_id"] for r in mine["relationships"]] == [mentor.user_id]


def test_a_service_that_does_not_answer_leaves_only_its_part_empty(
    stack_factory, tmp_path, new_registration
):
    stack = stack_factory(RPC_TIMEOUT_SECONDS=3)
    for name in ("identity", "profiles", "mentoring", "notifications", "gateway"):
        stack.start(name)
    member = onboarded_member(stack, tmp_path, new_registration(first_name="Noor"))
    assert dashboard_of(member)["unavailable"] == []

    stack.stop("mentoring")
    page = dashboard_of(member)
    assert page["unavailable"] == ["mentoring"]
    assert page["relationships"] is None
    assert page["requests"] == {"sent": None, "received": None}
    assert page["me"]["first_name"] == "Noor" and page["unread_count"] >= 1
    assert page["sector_cloud"] is not None and page["service_updates"] is not None


def test_a_session_ended_elsewhere_gets_no_dashboard_where_its_token_was_known(
    system, tmp_path, new_registration
):
    member = onboarded_member(system, tmp_path, new_registration(first_name="Ilse"))
    known_token = member.token
    assert dashboard_of(member)["me"]["first_name"] == "Ilse"  # the gateway now knows the token
    other_session = member.login().json()["token"]

    member.token = other_session  # a password change ends the member's other sessions
    changed = member.post(
        "/me/password",
        {
            "current_password": member.form["password"],
            "password": "new canal tulip bicycle",
            "password_confirmation": "new canal tulip bicycle",
        },
    )
    assert changed.status_code == 200, changed.text

    member.token = known_token
    refused = member.get("/dashboard")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "session_invalid" and "me" not in refused.json()


def test_a_wrong_hint_never_shows_another_members_dashboard(system, tmp_path, new_registration):
    from gateway import create_app
    from gateway.auth import session_cache

    # Trusting nothing: every token is checked, beside the page's calls when known.
    app = create_app({"AMQP_URI": system.amqp_uri, "SESSION_CACHE_SECONDS": 0})
    client = app.test_client()
    alice = onboarded_member(system, tmp_path, new_registration(first_name="Alice"))
    bob = onboarded_member(system, tmp_path, new_registration(first_name="Bob"))
    as_alice = {"Authorization": f"Bearer {alice.token}"}
    assert client.get("/api/v1/dashboard", headers=as_alice).json["me"]["first_name"] == "Alice"

    with app.app_context():
        cache = session_cache()
    # as if the hint had gone stale
    cache.store(alice.token, {"user_id": bob.user_id, "username": "bob", "language": "en"}, None)
    page = client.get("/api/v1/dashboard", headers=as_alice)
    assert page.status_code == 200
    assert (page.json["me"]["user_id"], page.json["me"]["first_name"]) == (alice.user_id, "Alice")
    assert cache.hint(alice.token) == alice.user_id
