"""The profile through the gateway: what step 10 of the guide shows, who sees
what, and an alumna switching on her availability as a mentor."""

import requests

from tests.support import Member, onboarded_member


def test_the_profile_carries_the_verified_study_and_can_be_completed(
    system, tmp_path, new_registration
):
    member = onboarded_member(system, tmp_path, new_registration())
    profile = member.get("/me/profile").json()
    assert profile["education"][0]["verified"] is True
    assert profile["completeness"]["score"] < 100
    changed = member.patch(
        "/me/profile",
        {
            "headline": "Archaeologist at the national museum",
            "bio": "Ask me about fieldwork.",
            "positions": [
                {
                    "organisation": "National Museum",
                    "title": "Curator",
                    "sector": "arts_culture",
                    "start_month": "2016-09",
                    "current": True,
                }
            ],
            "address": {"line1": "Rapenburg 1", "city": "Leiden", "country": "nl"},
            "website": "https://zoe.example.org",
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["completeness"] == {"score": 100, "missing": []}


def test_bad_profile_fields_are_named(system, tmp_path, new_registration):
    member = onboarded_member(system, tmp_path, new_registration())
    response = member.patch(
        "/me/profile",
        {
            "positions": [
                {"organisation": "A", "title": "B", "start_month": "2030-01", "current": True}
            ]
        },
    )
    assert response.status_code == 422
    assert "positions.0.start_month" in response.json()["error"]["fields"]


def test_a_stranger_never_sees_contact_details(system, tmp_path, new_registration):
    owner = onboarded_member(system, tmp_path, new_registration())
    owner.patch(
        "/me/profile", {"address": {"city": "Leiden", "country": "NL"}, "skype": "zoe.leiden"}
    )
    stranger = onboarded_member(system, tmp_path, new_registration(first_name="Piet"))
    seen = stranger.get(f"/profiles/{owner.user_id}")
    assert seen.status_code == 200
    body = seen.json()
    assert body["last_name"] == "van der Berg"
    assert not {"email", "skype", "address", "website", "linkedin_url"} & set(body)
    newcomer = Member(system, new_registration(first_name="Nieuw"))
    newcomer.sign_up()
    assert newcomer.get(f"/profiles/{owner.user_id}").status_code == 403


def test_an_alumna_switches_on_her_availability(system, tmp_path, new_registration):
    alumna = onboarded_member(system, tmp_path, new_registration())
    offer = {
        "available": True,
        "activities": ["cv_review", "mock_interview"],
        "max_mentees": 2,
        "sectors": ["arts_culture"],
        "languages": ["nl", "en"],
        "note": "Evenings and weekends.",
    }
    response = alumna.put("/me/mentor-settings", offer)
    assert response.status_code == 200, response.text
    assert response.json()["available"] is True and response.json()["room_left"] == 2
    assert alumna.get("/me/profile").json()["mentor"]["activities"] == [
        "cv_review",
        "mock_interview",
    ]

    # Every verified member may be both a mentor and a mentee (MENTOR_ROLES narrows it).
    student = onboarded_member(system, tmp_path, new_registration(first_name="Sam"), role="student")
    assert student.get("/me/profile").json()["mentor"]["eligible"] is True
    assert student.put("/me/mentor-settings", offer).status_code == 200


def test_the_catalogues_in_both_languages(system):
    activities = requests.get(system.gateway_url + "/api/v1/activities").json()["items"]
    sectors = requests.get(system.gateway_url + "/api/v1/sectors", params={"language": "nl"}).json()
    assert {"id": "cv_review", "label": "CV review"} in activities
    assert {"id": "legal", "label": "Juridisch"} in sectors["items"]
