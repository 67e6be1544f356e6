"""The journey the guide describes, through the gateway: two members register,
one becomes a mentor, the other finds them, asks, is accepted, both see the
relationship on their dashboards, one ends it.  Plus the refusals and the
authorisation checks at the gateway and at the RPC layer."""

import pytest

from gateway.rpc import RemoteError
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member


@pytest.fixture
def mentor_and_mentee(system, tmp_path, new_registration):
    mentor = onboarded_member(
        system, tmp_path, new_registration(first_name="Marit"), role="alumnus"
    )
    mentee = onboarded_member(system, tmp_path, new_registration(first_name="Sem"), role="student")
    become_mentor(mentor)
    return mentor, mentee


def test_the_whole_journey_from_search_to_an_ended_relationship(system, mailbox, mentor_and_mentee):
    mentor, mentee = mentor_and_mentee
    found = wait_until(
        lambda: [
            m
            for m in mentee.get("/mentors", params={"q": "van der Berg"}).json()["items"]
            if m["user_id"] == mentor.user_id
        ],
        15,
        0.1,
        "the mentor in search",
    )
    assert found[0]["room_left"] == 1

    asked = ask(mentee, mentor)
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    received = mentor.get("/mentoring/requests", params={"box": "received"}).json()["items"]
    assert [r["id"] for r in received] == [request_id]
    wait_until(
        lambda: mailbox.to(mentor.form["email"], "(asks you for mentoring|vraagt je om mentoring)"),
        15,
        0.05,
        "the mentor's e-mail about the request",
    )

    accepted = mentor.post(f"/mentoring/requests/{request_id}/accept", {"reply": "Gladly!"})
    assert accepted.status_code == 200, accepted.text
    relationship_id = accepted.json()["relationship"]["id"]

    for member, role in ((mentor, "mentor"), (mentee, "mentee")):
        dashboard = wait_until(
            lambda: (lambda d: d if d["relationships"] else None)(member.get("/dashboard").json()),
            15,
            0.1,
            "the relationship on the dashboard",
        )
        assert dashboard["relationships"][0]["id"] == relationship_id
        assert dashboard["relationships"][0]["my_role"] == role
        assert dashboard["unavailable"] == []
        assert dashboard["me"]["user_id"] == member.user_id
    # Partners may now see each other's contact details.
    wait_until(
        lambda: "email" in mentee.get(f"/profiles/{mentor.user_id}").json(),
        15,
        0.1,
        "contact details for the partner",
    )
    # The mentor is full now, so search no longer offers them.
    wait_until(
        lambda: all(
            m["user_id"] != mentor.user_id
            for m in mentee.get("/mentors", params={"q": "van der Berg"}).json()["items"]
        ),
        15,
        0.1,
        "the full mentor to leave search",
    )

    ended = mentee.post(
        f"/mentoring/relationships/{relationship_id}/end",
        {"outcome": "completed", "reason": "Got the job"},
    )
    assert ended.status_code == 200 and ended.json()["ended_by"] == mentee.user_id
    assert mentor.get("/mentoring/relationships").json()["items"] == []
    wait_until(
        lambda: any(
            n["type"] == "relationship_ended" for n in mentor.get("/notifications").json()["items"]
        ),
        15,
        0.1,
        "the mentor is told",
    )
    history = mentee.get(f"/mentoring/requests/{request_id}/history").json()["items"]
    assert [h["status"] for h in history] == ["pending", "accepted"]
    one = mentor.get(f"/mentoring/requests/{request_id}").json()
    assert (one["my_role"], one["reply"], [h["status"] for h in one["history"]]) == (
        "mentor",
        "Gladly!",
        ["pending", "accepted"],
    )
    kept = mentor.get(f"/mentoring/relationships/{relationship_id}").json()
    assert (kept["my_role"], kept["ended_by"], kept["end_reason"], kept["request_id"]) == (
        "mentor",
        mentee.user_id,
        "Got the job",
        request_id,
    )


def test_refusals_and_authorisation(system, tmp_path, mentor_and_mentee, new_registration):
    mentor, mentee = mentor_and_mentee
    not_offered = ask(mentee, mentor, activities=("astrology",))
    assert not_offered.status_code == 422
    assert not_offered.json()["error"]["code"] == "activity_not_offered"
    request_id = ask(mentee, mentor).json()["id"]
    twice = mentee.post(
        "/mentoring/requests",
        {"mentor_id": mentor.user_id, "activities": ["cv_review"], "message": "again"},
    )
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "request_open"

    stranger = onboarded_member(system, tmp_path, new_registration(first_name="Eve"))
    assert stranger.post(f"/mentoring/requests/{request_id}/accept").status_code == 404
    assert mentee.post(f"/mentoring/requests/{request_id}/accept").status_code == 404
    assert stranger.get(f"/mentoring/requests/{request_id}/history").status_code == 404
    assert stranger.get(f"/mentoring/requests/{request_id}").status_code == 404
    with pytest.raises(RemoteError) as error:  # the same refusal straight at the service
        system.rpc.call(
            "mentoring",
            "accept_request",
            kwargs={"mentor_id": stranger.user_id, "request_id": request_id},
        )
    assert error.value.exc_type == "NotFound"
    # Accepting and declining both call the mentor's own words "reply".
    old_name = mentor.post(
        f"/mentoring/requests/{request_id}/decline",
        {"reason": "not_my_expertise", "message": "Try Piet"},
    )
    assert old_name.status_code == 422
    assert old_name.json()["error"]["fields"] == {"message": ["Unknown field."]}
    declined = mentor.post(
        f"/mentoring/requests/{request_id}/decline",
        {"reason": "not_my_expertise", "reply": "Try Piet"},
    )
    assert declined.status_code == 200, declined.text
    assert (
        declined.json()["status"],
        declined.json()["decline_reason"],
        declined.json()["reply"],
    ) == ("declined", "not_my_expertise", "Try Piet")
    history = mentee.get(f"/mentoring/requests/{request_id}/history").json()["items"]
    assert [(h["status"], h["note"]) for h in history] == [
        ("pending", ""),
        ("declined", "Try Piet"),
    ]
    wait_until(
        lambda: any(
            n["type"] == "mentoring_request_answered"
            for n in mentee.get("/notifications").json()["items"]
        ),
        15,
        0.1,
        "the mentee is told",
    )
