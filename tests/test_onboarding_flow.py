"""The guide's sign-up, steps 4 to 9, through the gateway: affiliation against
the university's records, study details, the saga, guidelines, introduction;
and login, recovery and leaving.  Real HTTP, RabbitMQ, PostgreSQL and SMTP."""

import uuid

import pytest
import requests

from conftest import ADMIN_TOKEN
from mentornet_testing import wait_until
from tests.support import Member, import_records, link_token, record_number


@pytest.fixture
def member(system, new_registration):
    return Member(system, new_registration())


@pytest.fixture
def verified_alumnus(system, tmp_path, member):
    number = record_number()
    result = import_records(
        system,
        tmp_path,
        [
            (
                number,
                "alumnus",
                "Zoe",
                "VAN DER BERG",
                "1998-04-12",
                "Archaeology",
                "Humanities",
                2016,
                2020,
                "",
            )
        ],
    )
    assert result.returncode == 0, result.stderr
    member.sign_up()
    member.record_number = number
    return member


def test_the_whole_sign_up_from_account_to_done_and_straight_to_the_dashboard_next_time(
    system, verified_alumnus
):
    member = verified_alumnus
    assert member.onboarding()["next_step"] == "affiliation"

    verified = member.post(
        "/onboarding/affiliation",
        {"role": "alumnus", "record_number": member.record_number.lower()},
    )
    assert verified.status_code == 200, verified.text
    details = verified.json()["study_details"]
    assert verified.json()["status"] == "verified"
    assert details == {
        "institution": "Example University",
        "programme": "Archaeology",
        "faculty": "Humanities",
        "year_started": 2016,
        "year_graduated": 2020,
    }
    assert member.onboarding()["next_step"] == "study_details"

    saved = member.put("/onboarding/study-details", details)
    assert saved.status_code == 200, saved.text
    status = wait_until(
        lambda: (lambda s: s if s["next_step"] == "guidelines" else None)(member.onboarding()),
        15,
        0.05,
        "the account to be created",
    )
    assert status["account_ready"] is True

    guidelines = requests.get(member.url("/guidelines"), params={"language": "nl"}).json()
    assert guidelines["language"] == "nl" and len(guidelines["sections"]) == 3
    agreed = member.post(
        "/onboarding/guidelines", {"version": guidelines["version"], "agree": True}
    )
    assert agreed.json()["next_step"] == "introduction"
    finished = member.post("/onboarding/introduction")
    assert finished.json() == {
        "completed": True,
        "next_step": "done",
        "account_ready": True,
        "affiliation_status": "verified",
        "joined_before": True,
    }

    login = member.login()
    assert login.json()["onboarding"]["next_step"] == "done"
    profile = wait_until(
        lambda: (lambda p: p if p.get("education") else None)(member.get("/me/profile").json()),
        15,
        0.05,
        "the study on the profile",
    )
    assert profile["education"][0] | {"id": None} == {
        "id": None,
        "institution": "Example University",
        "programme": "Archaeology",
        "faculty": "Humanities",
        "year_started": 2016,
        "year_graduated": 2020,
        "verified": True,
        "source": "registration",
    }


def test_onboarding_resumes_at_the_step_where_the_member_left(system, verified_alumnus):
    member = verified_alumnus
    member.post(
        "/onboarding/affiliation", {"role": "alumnus", "record_number": member.record_number}
    )
    member.token = member.login().json()["token"]  # a new session, another day
    assert member.onboarding()["next_step"] == "study_details"
    early = member.post("/onboarding/introduction")
    assert early.status_code == 409 and "study_details" in early.json()["error"]["message"]


def test_a_record_must_agree_on_number_role_birth_date_and_last_name(system, tmp_path, member):
    number = record_number()
    import_records(
        system,
        tmp_path,
        [(number, "student", "Zoë", "van der Berg", "1998-04-13", "Law", "Law", 2021, "", "")],
    )
    member.sign_up()
    wrong_birthday = member.post(
        "/onboarding/affiliation", {"role": "student", "record_number": number}
    )
    assert wrong_birthday.status_code == 422
    assert wrong_birthday.json()["error"]["code"] == "record_not_matched"
    assert "record_number" in wrong_birthday.json()["error"]["fields"]
    wrong_role = member.post("/onboarding/affiliation", {"role": "staff", "record_number": number})
    assert wrong_role.status_code == 422
    assert member.onboarding()["affiliation_status"] == "none"


def test_accents_and_case_of_the_last_name_do_not_matter(system, tmp_path, new_registration):
    member = Member(system, new_registration(last_name="Ölund-Dárcy"))
    number = record_number()
    import_records(
        system,
        tmp_path,
        [(number, "staff", "X", "olund darcy", "1998-04-12", "", "Science", "", "", "")],
    )
    member.sign_up()
    assert (
        member.post("/onboarding/affiliation", {"role": "staff", "record_number": number}).json()[
            "status"
        ]
        == "verified"
    )


def test_failed_matches_are_limited_and_a_manual_review_can_be_approved(system, member):
    member.sign_up()
    for _ in range(5):
        assert (
            member.post(
                "/onboarding/affiliation", {"role": "student", "record_number": record_number()}
            ).status_code
            == 422
        )
    probing = member.post("/onboarding/affiliation", {"role": "student", "record_number": "S1"})
    assert probing.status_code == 429 and probing.json()["error"]["code"] == "too_many_attempts"

    review = member.post(
        "/onboarding/affiliation",
        {
            "role": "student",
            "record_number": "S0001",
            "request_review": True,
            "note": "New student",
        },
    )
    assert review.json()["status"] == "pending_review"
    state = member.onboarding()  # read once: the saga may finish between two reads
    assert (state["next_step"], state["affiliation_status"]) == ("affiliation", "pending_review")

    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    listing_url = member.url("/admin/affiliation-reviews")
    assert requests.get(listing_url).status_code == 401
    assert requests.get(listing_url, headers={"Authorization": "Bearer guess"}).status_code == 401
    pending = requests.get(listing_url, headers=admin).json()["items"]
    [mine] = [item for item in pending if item["user_id"] == member.user_id]
    assert mine["record_number"] == "S0001" and mine["note"] == "New student"
    bad = requests.post(
        f"{listing_url}/{mine['id']}/approve",
        headers=admin,
        json={"operator": "x", "reason": ["not", "text"]},
    )
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"operator", "reason"}
    bad = requests.post(
        f"{listing_url}/{mine['id']}/approve", headers=admin, json={"reason": ["not", "text"]}
    )
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"reason"}
    approved = requests.post(
        f"{listing_url}/{mine['id']}/approve",
        headers=admin,
        json={"reason": "checked the paper file"},
    )
    assert approved.json()["status"] == "approved"
    again = requests.post(f"{listing_url}/{mine['id']}/reject", headers=admin)
    assert again.status_code == 409
    assert member.onboarding()["next_step"] == "study_details"


@pytest.mark.parametrize(
    "details,field",
    [
        (
            {
                "institution": "Example University",
                "programme": "Law",
                "year_started": 2019,
                "year_graduated": 2017,
            },
            "year_graduated",
        ),
        (
            {
                "institution": "Example University",
                "programme": "Law",
                "year_started": 1850,
                "year_graduated": 1900,
            },
            "year_started",
        ),
        (
            {"institution": "Example University", "programme": "Law", "year_started": "2019"},
            "year_started",
        ),
        ({"institution": "Example University", "year_started": 2019}, "programme"),
        (
            {"institution": "Example University", "programme": "Law", "year_started": 2016},
            "year_graduated",
        ),
    ],
)
def test_study_details_are_checked(system, verified_alumnus, details, field):
    member = verified_alumnus
    member.post(
        "/onboarding/affiliation", {"role": "alumnus", "record_number": member.record_number}
    )
    response = member.put("/onboarding/study-details", details)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"]
    assert member.onboarding()["next_step"] == "study_details"


def test_study_details_wait_for_the_affiliation(system, member):
    member.sign_up()
    response = member.put(
        "/onboarding/study-details",
        {"institution": "Example University", "programme": "Law", "year_started": 2019},
    )
    assert response.status_code == 409


def test_refusing_the_guidelines_says_why_and_the_unfinished_account_can_be_deleted(
    system, verified_alumnus
):
    member = verified_alumnus
    details = member.post(
        "/onboarding/affiliation", {"role": "alumnus", "record_number": member.record_number}
    ).json()["study_details"]
    member.put("/onboarding/study-details", details)
    wait_until(lambda: member.onboarding()["next_step"] == "guidelines", 15, 0.05, "guidelines")
    version = requests.get(member.url("/guidelines")).json()["version"]
    refused = member.post("/onboarding/guidelines", {"version": version, "agree": False})
    assert refused.status_code == 422
    assert "cannot join" in refused.json()["error"]["message"]
    stale = member.post("/onboarding/guidelines", {"version": "1999-01", "agree": True})
    assert stale.status_code == 409

    wrong = member.delete("/me/account", {"password": "not my password at all"})
    assert wrong.status_code == 422 and "password" in wrong.json()["error"]["fields"]
    assert member.delete("/me/account", {"password": member.form["password"]}).status_code == 204
    assert member.login().status_code == 401
    assert member.get("/onboarding").status_code == 401
    system_ = member.system
    wait_until(
        lambda: (
            system_.scalar(
                "profiles", "SELECT count(*) FROM profiles WHERE user_id = %s", (member.user_id,)
            )
            == 0
        ),
        15,
        0.05,
        "the profile to go",
    )
    wait_until(
        lambda: (
            system_.scalar(
                "notifications",
                "SELECT count(*) FROM members WHERE user_id = %s",
                (member.user_id,),
            )
            == 0
        ),
        15,
        0.05,
        "the member to go",
    )
    wait_until(
        lambda: (
            system_.scalar(
                "mentoring", "SELECT count(*) FROM members WHERE user_id = %s", (member.user_id,)
            )
            == 0
        ),
        15,
        0.05,
        "the mentoring member to go",
    )


def test_a_sign_up_with_a_members_address_answers_as_usual_and_only_warns_the_owner(
    system, mailbox, member, new_registration
):
    owner_answer = member.sign_up()
    address = member.form["email"]
    token = link_token(mailbox, address, "^(Confirm|Bevestig)")
    assert member.post("/email-confirmations", {"token": token}).status_code == 200
    stranger = Member(
        system,
        new_registration(
            email=address.upper(),
            email_confirmation=address.upper(),
            password="a stranger's own passphrase",
            password_confirmation="a stranger's own passphrase",
        ),
    )
    answer = stranger.sign_up()  # 201, as for any address
    assert answer.keys() == owner_answer.keys()
    assert answer["account"].keys() == owner_answer["account"].keys()
    assert answer["onboarding"].keys() == owner_answer["onboarding"].keys()
    warning = wait_until(
        lambda: mailbox.to(address, "(tried to sign up|probeerde zich aan te melden)"),
        15,
        0.05,
        "the owner's warning",
    )
    assert member.form["username"] in warning[0]["body"]
    # Once notifications knows the stranger, nothing was ever queued for them.
    wait_until(lambda: stranger.onboarding()["account_ready"], 15, 0.05, "the stranger's account")
    assert (
        system.scalar(
            "notifications",
            "SELECT count(*) FROM email_messages WHERE user_id = %s",
            (stranger.user_id,),
        )
        == 0
    )
    assert (
        system.scalar(
            "notifications", "SELECT email FROM members WHERE user_id = %s", (stranger.user_id,)
        )
        is None
    )
    assert (
        system.scalar(
            "profiles", "SELECT email FROM profiles WHERE user_id = %s", (stranger.user_id,)
        )
        == ""
    )
    # The address logs in to its owner only.
    by_address = requests.post(
        member.url("/auth/login"),
        timeout=10,
        json={"username": address, "password": stranger.form["password"]},
    )
    assert by_address.status_code == 401
    assert (
        requests.post(
            member.url("/auth/login"),
            timeout=10,
            json={"username": address, "password": member.form["password"]},
        ).json()["user_id"]
        == member.user_id
    )


def test_the_address_is_confirmed_with_a_single_use_link(system, mailbox, member):
    member.sign_up()
    token = link_token(mailbox, member.form["email"], "^(Confirm|Bevestig)")
    confirmed = requests.post(member.url("/email-confirmations"), json={"token": token})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    again = requests.post(member.url("/email-confirmations"), json={"token": token})
    assert again.status_code == 404 and again.json()["error"]["code"] == "token_invalid"


def test_single_use_links_are_not_kept_once_they_are_on_their_way(system, mailbox, member):
    member.sign_up()
    requests.post(member.url("/password-resets"), json={"login": member.form["email"]})
    for subject in ("^(Confirm|Bevestig)", "^(Reset|Stel)"):
        token = link_token(mailbox, member.form["email"], subject)
        # identity's outbox keeps the event, not the link in it
        wait_until(
            lambda: (
                system.scalar(
                    "identity",
                    "SELECT count(*) FROM outbox_events WHERE envelope->'data'->>'user_id' = %s"
                    " AND envelope->'data' ?| array['confirmation_url', 'reset_url']"
                    " AND published_at IS NOT NULL",
                    (member.user_id,),
                )
                == 2
            ),
            15,
            0.05,
            "both published",
        )
        assert not system.query(
            "identity", "SELECT id FROM outbox_events WHERE envelope::text LIKE %s", (f"%{token}%",)
        )
        # notifications' mail row says who, what and when, not the link
        wait_until(
            lambda: (
                not system.query(
                    "notifications",
                    "SELECT id FROM email_messages WHERE body LIKE %s OR html LIKE %s",
                    (f"%{token}%", f"%{token}%"),
                )
            ),
            15,
            0.05,
            "the sent mail to forget the link",
        )
    sent = system.query(
        "notifications",
        "SELECT template, status, body FROM email_messages"
        " WHERE user_id = %s AND template IN ('confirm_email', 'password_reset')",
        (member.user_id,),
    )
    assert sorted((template, status) for template, status, _ in sent) == [
        ("confirm_email", "sent"),
        ("password_reset", "sent"),
    ]
    assert all(body.startswith("(not kept") for _, _, body in sent)


def test_a_forgotten_password_needs_the_link_then_the_security_answer(system, mailbox, member):
    member.sign_up()
    old_session = member.token
    unknown = requests.post(member.url("/password-resets"), json={"login": "nobody@example.org"})
    known = requests.post(member.url("/password-resets"), json={"login": member.form["email"]})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()

    token = link_token(mailbox, member.form["email"], "^(Reset|Stel)")
    question = requests.get(member.url("/password-resets/question"), params={"token": token})
    assert question.json()["security_question"] == member.form["security_question"]
    wrong = requests.post(
        member.url("/password-resets/verify"), json={"token": token, "security_answer": "Minoes"}
    )
    assert wrong.status_code == 422 and "security_answer" in wrong.json()["error"]["fields"]
    grant = requests.post(
        member.url("/password-resets/verify"),
        json={"token": token, "security_answer": "  PLUISJE "},
    )
    assert grant.status_code == 200, grant.text
    reused = requests.post(
        member.url("/password-resets/verify"), json={"token": token, "security_answer": "Pluisje"}
    )
    assert reused.status_code == 404

    weak = requests.post(
        member.url("/password-resets/complete"),
        json={
            "reset_token": grant.json()["reset_token"],
            "password": "short",
            "password_confirmation": "short",
        },
    )
    assert weak.status_code == 422 and "password" in weak.json()["error"]["fields"]
    new_password = "a brand new lantern by the canal"
    done = requests.post(
        member.url("/password-resets/complete"),
        json={
            "reset_token": grant.json()["reset_token"],
            "password": new_password,
            "password_confirmation": new_password,
        },
    )
    assert done.status_code == 200
    assert (
        requests.get(
            member.url("/onboarding"), headers={"Authorization": f"Bearer {old_session}"}
        ).status_code
        == 401
    )
    assert member.login().status_code == 401
    assert member.login(new_password).status_code == 200


def test_the_security_answer_alone_never_resets_a_password(system, member):
    member.sign_up()
    response = requests.post(
        member.url("/password-resets/verify"),
        json={"token": "guessed", "security_answer": "Pluisje"},
    )
    assert response.status_code == 404


def test_repeated_failures_lock_the_login_but_not_the_password_reset(system, mailbox, member):
    member.sign_up()
    for _ in range(5):
        assert member.login("wrong wrong wrong wrong").status_code == 401
    locked = member.login()
    assert locked.status_code == 429 and "reset your password" in locked.json()["error"]["message"]
    # An unknown name is throttled the same way: the lock-out reveals nothing.
    ghost = {"username": f"ghost.{uuid.uuid4().hex[:6]}", "password": "wrong wrong wrong wrong"}
    for _ in range(5):
        assert requests.post(member.url("/auth/login"), json=ghost).status_code == 401
    assert requests.post(member.url("/auth/login"), json=ghost).status_code == 429

    requests.post(member.url("/password-resets"), json={"login": member.form["username"]})
    token = link_token(mailbox, member.form["email"], "^(Reset|Stel)")
    grant = requests.post(
        member.url("/password-resets/verify"), json={"token": token, "security_answer": "pluisje"}
    ).json()
    new_password = "tulips and bicycles forever"
    requests.post(
        member.url("/password-resets/complete"),
        json={
            "reset_token": grant["reset_token"],
            "password": new_password,
            "password_confirmation": new_password,
        },
    )
    assert member.login(new_password).status_code == 200


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(system, member):
    member.sign_up()
    other_device = member.login().json()["token"]
    wrong = member.post(
        "/me/password",
        {
            "current_password": "not it at all, sorry",
            "password": "a new and long password",
            "password_confirmation": "a new and long password",
        },
    )
    assert wrong.status_code == 422 and "current_password" in wrong.json()["error"]["fields"]
    changed = member.post(
        "/me/password",
        {
            "current_password": member.form["password"],
            "password": "a new and long password",
            "password_confirmation": "a new and long password",
        },
    )
    assert changed.status_code == 200
    assert (
        requests.get(
            member.url("/onboarding"), headers={"Authorization": f"Bearer {other_device}"}
        ).status_code
        == 401
    )
    member.token = changed.json()["token"]
    assert member.get("/onboarding").status_code == 200


def test_a_new_address_counts_once_confirmed(system, mailbox, member):
    member.sign_up()
    new_address = f"new.{uuid.uuid4().hex[:8]}@example.org"
    pending = member.put(
        "/me/email",
        {
            "email": new_address,
            "email_confirmation": new_address,
            "password": member.form["password"],
        },
    )
    assert pending.status_code == 202
    assert member.get("/me/profile").json()["email"] == member.form["email"]
    token = link_token(mailbox, new_address, "^(Confirm|Bevestig)")
    assert (
        requests.post(member.url("/email-confirmations"), json={"token": token}).status_code == 200
    )
    wait_until(
        lambda: member.get("/me/profile").json()["email"] == new_address,
        15,
        0.05,
        "the profile's address",
    )
    assert (
        requests.post(
            member.url("/auth/login"),
            json={"username": new_address, "password": member.form["password"]},
        ).status_code
        == 200
    )


def test_security_questions_are_offered_in_both_languages(system):
    base = system.gateway_url + "/api/v1/security-questions"
    english = requests.get(base).json()
    dutch = requests.get(base, params={"language": "nl"}).json()
    assert english["own_question_allowed"] is True
    assert len(english["items"]) == len(dutch["items"]) >= 3
    assert english["items"] != dutch["items"]


def test_importing_records_updates_rows_and_refuses_a_bad_file_whole(system, tmp_path):
    number = record_number()
    first = import_records(
        system, tmp_path, [(number, "student", "A", "B", "2000-01-01", "Law", "Law", 2020, "", "")]
    )
    assert first.returncode == 0 and "imported 1 record" in first.stdout
    again = import_records(
        system,
        tmp_path,
        [(number, "student", "A", "B", "2000-01-01", "Medicine", "Medicine", 2020, "", "")],
    )
    assert again.returncode == 0
    assert (
        system.scalar(
            "identity",
            "SELECT programme FROM university_records WHERE record_number = %s",
            (number,),
        )
        == "Medicine"
    )
    bad = import_records(
        system,
        tmp_path,
        [
            (record_number(), "student", "A", "B", "2000-01-01", "Law", "", 2020, "", ""),
            (record_number(), "wizard", "A", "B", "2000-13-01", "Law", "", 2020, "", ""),
        ],
    )
    assert bad.returncode == 1
    assert "line 3" in bad.stderr and "wizard" in bad.stderr and "nothing imported" in bad.stderr
    assert (
        system.scalar(
            "identity",
            "SELECT count(*) FROM university_records"
            " WHERE role = 'student' AND programme = 'Law' AND last_name = 'B'"
            " AND record_number <> %s",
            (number,),
        )
        == 0
    )
