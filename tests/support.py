"""What the cross-service tests share: a member driving the API like a client."""

import os
import re
import subprocess
import sys
import uuid

import requests

from mentornet_testing import ROOT, wait_until


class Member:
    """A member driving the API the way a client would."""

    def __init__(self, system, form):
        self.system, self.form, self.token = system, form, None

    def url(self, path):
        return self.system.gateway_url + "/api/v1" + path

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **kwargs):
        return requests.get(self.url(path), headers=self.headers(), timeout=10, **kwargs)

    def post(self, path, json=None, **kwargs):
        return requests.post(
            self.url(path), json=json, headers=self.headers(), timeout=10, **kwargs
        )

    def patch(self, path, json=None):
        return requests.patch(self.url(path), json=json, headers=self.headers(), timeout=10)

    def put(self, path, json=None):
        return requests.put(self.url(path), json=json, headers=self.headers(), timeout=10)

    def delete(self, path, json=None):
        return requests.delete(self.url(path), json=json, headers=self.headers(), timeout=10)

    def sign_up(self):
        response = self.post("/accounts", self.form)
        assert response.status_code == 201, response.text
        self.token = response.json()["token"]
        self.user_id = response.json()["account"]["user_id"]
        return response.json()

    def login(self, password=None):
        return requests.post(
            self.url("/auth/login"),
            timeout=10,
            json={"username": self.form["username"], "password": password or self.form["password"]},
        )

    def onboarding(self):
        return self.get("/onboarding").json()


def import_records(system, tmp_path, rows):
    path = tmp_path / f"records-{uuid.uuid4().hex[:6]}.csv"
    lines = [
        "record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
        "year_started,year_graduated,email"
    ] + [",".join(map(str, row)) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = dict(os.environ, IDENTITY_DATABASE_URL=system.urls["identity"])
    return subprocess.run(
        [sys.executable, "-m", "identity.records", str(path)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def record_number():
    return "S" + uuid.uuid4().hex[:7].upper()


def link_token(mailbox, address, subject):
    mail = wait_until(lambda: mailbox.to(address, subject), 15, 0.05, f"mail '{subject}'")[-1]
    return re.search(r"token=([A-Za-z0-9_\-]+)", mail["body"]).group(1)


def record_of(system, tmp_path, form, role="alumnus", started=2016):
    """The university's record of the person of a sign-up ``form`` (their name
    and date of birth; Archaeology, an alumnus graduated four years after
    ``started``), imported; answers its number."""
    number = record_number()
    result = import_records(
        system,
        tmp_path,
        [
            (
                number,
                role,
                form["first_name"],
                form["last_name"],
                form["date_of_birth"],
                "Archaeology",
                "Humanities",
                started,
                started + 4 if role == "alumnus" else "",
                "",
            )
        ],
    )
    assert result.returncode == 0, result.stderr
    return number


def onboarded_member(system, tmp_path, form, role="alumnus"):
    """A member who has been through every onboarding step (verified, done)."""
    member = Member(system, form)
    number = record_of(system, tmp_path, form, role, started=2010)
    member.sign_up()
    details = member.post(
        "/onboarding/affiliation", {"role": role, "record_number": number}
    ).json()["study_details"]
    assert member.put("/onboarding/study-details", details).status_code == 200
    wait_until(lambda: member.onboarding()["next_step"] == "guidelines", 15, 0.05, "the account")
    version = requests.get(member.url("/guidelines")).json()["version"]
    member.post("/onboarding/guidelines", {"version": version, "agree": True})
    assert member.post("/onboarding/introduction").json()["next_step"] == "done"
    wait_until(lambda: member.get("/me/profile").json().get("verified"), 15, 0.05, "verified")
    # Notifications learns of the verification by its own event, maybe later than
    # profiles: until then it refuses the member's first message (403).
    wait_until(
        lambda: system.scalar(
            "notifications",
            "SELECT verified FROM members WHERE user_id = %s",
            (str(member.user_id),),
        ),
        15,
        0.05,
        "verified in notifications",
    )
    return member


def become_mentor(member, max_mentees=1, activities=("cv_review", "mock_interview")):
    response = member.put(
        "/me/mentor-settings",
        {
            "available": True,
            "activities": list(activities),
            "max_mentees": max_mentees,
            "sectors": ["arts_culture"],
            "languages": ["en", "nl"],
        },
    )
    assert response.status_code == 200, response.text


def ask(mentee, mentor, activities=("cv_review",), message="Could you review my CV?"):
    def asked():
        response = mentee.post(
            "/mentoring/requests",
            {"mentor_id": mentor.user_id, "activities": list(activities), "message": message},
        )
        # The offer reaches mentoring by event; until then the mentor looks unavailable.
        if response.status_code == 409 and response.json()["error"]["code"] == "mentor_unavailable":
            return None
        return [response]  # a list: a 4xx response object is falsy

    return wait_until(asked, 15, 0.1, "mentoring to know the mentor's offer")[0]


# Operators made for the tests (identity's own command, as the first administrator is).
OPERATOR_PASSWORD = "lanterns over the quiet canal"


def make_operator(system, role, username=None):
    username = username or f"{role[:5]}.{uuid.uuid4().hex[:8]}"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "identity.operators",
            "create",
            "--username",
            username,
            "--role",
            role,
        ],
        env=dict(
            os.environ,
            IDENTITY_DATABASE_URL=system.urls["identity"],
            OPERATOR_PASSWORD=OPERATOR_PASSWORD,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    return username


# Refuses the profile of one member (the marker in the username): the cause
# the operator fixes by dropping the trigger.
REFUSE_ONE_PROFILE = """
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF NEW.username = '{username}' THEN
        RAISE EXCEPTION 'injected fault: no profile for {username}';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {name} BEFORE INSERT ON profiles FOR EACH ROW EXECUTE FUNCTION {name}();
"""
