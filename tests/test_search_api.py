"""Mentor search, the sector cloud and the directory through the gateway: members
sign up and get verified the way the guide describes (records, affiliation,
study details), an alumna offers mentoring, and others find her.  Real HTTP,
RabbitMQ and PostgreSQL (the session's ``system``)."""

import os
import subprocess
import sys
import uuid

import pytest
import requests

from mentornet_testing import ROOT, wait_until


def word():
    """A made-up word no other member has, so each test finds only its own members."""
    return "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:10])


class Member:
    def __init__(self, system, form):
        self.system, self.form, self.token = system, form, None

    def request(self, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return requests.request(
            method,
            self.system.gateway_url + "/api/v1" + path,
            headers=headers,
            timeout=10,
            **kwargs,
        )

    def get(self, path, **params):
        return self.request("GET", path, params=params)

    def sign_up(self):
        response = self.request("POST", "/accounts", json=self.form)
        assert response.status_code == 201, response.text
        self.token = response.json()["token"]
        self.user_id = response.json()["account"]["user_id"]
        return self


def verified_member(system, tmp_path, form, role="alumnus", programme="Archaeology"):
    """Signed up, affiliation verified against an imported record, study details
    sent; returns once profiles has the member as verified."""
    number = "S" + uuid.uuid4().hex[:7].upper()
    records = tmp_path / f"records-{number}.csv"
    records.write_text(
        "record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
        "year_started,year_graduated,email\n"
        f"{number},{role},{form['first_name']},{form['last_name']},{form['date_of_birth']},"
        f"{programme},Humanities,2008,{2012 if role != 'student' else ''},\n",
        encoding="utf-8",
    )
    loaded = subprocess.run(
        [sys.executable, "-m", "identity.records", str(records)],
        env=dict(os.environ, IDENTITY_DATABASE_URL=system.urls["identity"]),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert loaded.returncode == 0, loaded.stderr
    member = Member(system, form).sign_up()
    affiliation = member.request(
        "POST", "/onboarding/affiliation", json={"role": role, "record_number": number}
    )
    assert affiliation.json()["status"] == "verified", affiliation.text
    details = member.request(
        "PUT", "/onboarding/study-details", json=affiliation.json()["study_details"]
    )
    assert details.status_code == 200, details.text
    wait_until(
        lambda: member.get("/me/profile").json().get("verified"),
        15,
        0.05,
        "profiles to hear the member is verified",
    )
    return member


@pytest.fixture
def searcher(system, tmp_path, new_registration):
    return verified_member(system, tmp_path, new_registration(first_name="Sam"), role="student")


def test_an_alumna_who_offers_mentoring_is_found_and_counted(
    system, tmp_path, new_registration, searcher
):
    before = {item["sector"]: item["count"] for item in searcher.get("/mentors/sectors").json()}
    tag = word()
    alumna = verified_member(system, tmp_path, new_registration(), programme="Egyptology")
    assert (
        alumna.request(
            "PATCH",
            "/me/profile",
            json={"headline": f"Curator and {tag}", "address": {"country": "NL"}},
        ).status_code
        == 200
    )
    assert searcher.get("/mentors", q=tag).json()["total"] == 0  # not offering yet
    offer = {
        "available": True,
        "activities": ["cv_review", "mock_interview"],
        "max_mentees": 2,
        "sectors": ["arts_culture", "education"],
        "languages": ["nl", "en"],
    }
    assert alumna.request("PUT", "/me/mentor-settings", json=offer).status_code == 200

    found = searcher.get("/mentors", q=tag)
    assert found.status_code == 200, found.text
    assert found.json() | {"items": None} == {"items": None, "total": 1, "page": 1, "per_page": 20}
    (item,) = found.json()["items"]
    assert item == {
        "user_id": alumna.user_id,
        "first_name": "Zoë",
        "last_name": "van der Berg",
        "headline": f"Curator and {tag}",
        "role": "alumnus",
        "current_position": None,
        "study": {"programme": "Egyptology", "year_graduated": 2012},
        "sectors": ["arts_culture", "education"],
        "activities": ["cv_review", "mock_interview"],
        "languages": ["en", "nl"],
        "room_left": 2,
    }
    narrowed = searcher.get(
        "/mentors",
        q=f"CURATOR {tag}",
        sector="education",
        activity="cv_review",
        language="nl",
        country="nl",
        programme="egyptology",
        graduated_from="2010",
        graduated_to="2012",
    )
    assert [i["user_id"] for i in narrowed.json()["items"]] == [alumna.user_id]
    assert searcher.get("/mentors", q=tag, sector="legal").json()["total"] == 0
    assert alumna.get("/mentors", q=tag).json()["total"] == 0  # never oneself

    after = {item["sector"]: item["count"] for item in searcher.get("/mentors/sectors").json()}
    for sector in ("arts_culture", "education"):
        assert after[sector] == before.get(sector, 0) + 1

    directory = searcher.get("/directory", q=tag).json()
    assert [i["user_id"] for i in directory["items"]] == [alumna.user_id]
    assert directory["items"][0]["available_as_mentor"] is True
    other = word()  # the directory is everyone verified, students too
    searcher.request("PATCH", "/me/profile", json={"headline": f"Student of {other}"})
    listed = searcher.get("/directory", q=other, per_page="5").json()
    assert [i["user_id"] for i in listed["items"]] == [searcher.user_id]
    assert listed["items"][0]["available_as_mentor"] is False
    # The directory narrows to a study too: the alumna's Egyptology, 2010 to 2012.
    assert [
        i["user_id"]
        for i in searcher.get(
            "/directory", q=tag, programme="egyptology", graduated_from="2012"
        ).json()["items"]
    ] == [alumna.user_id]
    assert searcher.get("/directory", q=tag, programme="law").json()["total"] == 0
    # Her name however it is typed (profiles' name forms, migration 0007).
    for typed in ("vanderberg", "VanDerBerg", "berg", "zoe"):
        assert [
            i["user_id"] for i in searcher.get("/directory", q=f"{typed} {tag}").json()["items"]
        ] == [alumna.user_id], typed


def test_the_sector_cloud_is_biggest_first(searcher):
    cloud = searcher.get("/mentors/sectors")
    assert cloud.status_code == 200
    counts = [item["count"] for item in cloud.json()]
    assert counts == sorted(counts, reverse=True)
    assert all(set(item) == {"sector", "label", "count"} for item in cloud.json())


@pytest.mark.parametrize(
    "path,query,fields",
    [
        (
            "/mentors",
            "q=x&colour=blue&size=3",
            {"colour": ["Unknown parameter."], "size": ["Unknown parameter."]},
        ),
        ("/mentors", "sector=legal&sector=media", {"sector": ["Give this parameter once."]}),
        ("/directory", "q=x&sector=legal", {"sector": ["Unknown parameter."]}),
        ("/mentors/sectors", "language=nl", {"language": ["Unknown parameter."]}),
    ],
)
def test_unknown_parameters_are_refused_by_name(searcher, path, query, fields):
    response = searcher.request("GET", f"{path}?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["fields"] == fields


@pytest.mark.parametrize(
    "path,params,field",
    [
        ("/mentors", {"per_page": "0"}, "per_page"),
        ("/mentors", {"sector": "astrology"}, "sector"),
        ("/mentors", {"graduated_from": "soon"}, "graduated_from"),
        ("/mentors", {"country": "Netherlands"}, "country"),
        ("/directory", {"page": "0"}, "page"),
        ("/directory", {"graduated_from": "2020", "graduated_to": "2010"}, "graduated_to"),
    ],
)
def test_bad_values_are_named_by_profiles(searcher, path, params, field):
    response = searcher.get(path, **params)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]


def test_members_not_yet_verified_may_not_search(system, new_registration):
    newcomer = Member(system, new_registration(first_name="Nieuw")).sign_up()
    for path in ("/mentors", "/directory"):
        response = newcomer.get(path)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_verified"
    anonymous = Member(system, None)
    for path in ("/mentors", "/mentors/sectors", "/directory"):
        assert anonymous.get(path).status_code == 401
