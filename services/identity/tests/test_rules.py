"""Identity's rules as plain functions: names, usernames, passwords, the form."""

from datetime import date

import pytest
from marshmallow import ValidationError

from identity import onboarding, passwords, usernames
from identity.models import Account
from identity.schemas import RegistrationSchema


@pytest.mark.parametrize(
    "first,last,expected",
    [
        ("Zoë", "van der Berg", "zoe.vanderberg"),
        ("Jan", "de Vries", "jan.devries"),
        ("Ólafur", "Þórsson", "olafur.orsson"),
        ("Anne-Marie", "O'Neill", "annemarie.oneill"),
        ("李", "王", "member"),
        ("1st", "", "m1st"),
    ],
)
def test_suggested_usernames_are_lower_case_ascii_firstname_dot_lastname(first, last, expected):
    assert usernames.base_username(first, last) == expected


@pytest.mark.parametrize(
    "password,ok",
    [
        ("fourteen chars", False),
        ("fifteen chars!!", True),
        ("passwordpassword", False),
        ("PasswordPassword", False),
        ("1234567890123456", False),
        ("aaaaaaaaaaaaaaaaaaaa", False),
        ("x" * 128 + "y", False),
        ("tulip canal bicycle", True),
    ],
)
def test_password_rules_length_and_blocklist_without_composition_rules(password, ok):
    assert (passwords.password_problem(password) is None) is ok


def test_password_hashes_are_argon2id_with_the_required_cost():
    hashed = passwords.hash_password("tulip canal bicycle")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(hashed, "tulip canal bicycle")
    assert not passwords.verify_password(hashed, "tulip canal bicycle!")


def test_security_answers_are_normalised_for_case_and_spaces():
    assert passwords.normalise_answer("  Pluisje   de  Kat ") == passwords.normalise_answer(
        "pluisje de kat"
    )


def form(**overrides):
    data = {
        "first_name": "Jan",
        "last_name": "de Vries",
        "date_of_birth": "1990-01-31",
        "username": "Jan.DeVries",
        "password": "tulip canal bicycle",
        "password_confirmation": "tulip canal bicycle",
        "email": "Jan@Example.org",
        "email_confirmation": "jan@example.org",
        "security_question": "First pet's name?",
        "security_answer": "Rex",
        "accept_privacy_policy": True,
        "accept_terms": True,
    }
    data.update(overrides)
    return data


def test_the_form_normalises_username_and_email_and_drops_confirmations():
    loaded = RegistrationSchema().load(form())
    assert loaded["username"] == "jan.devries"
    assert loaded["email"] == "Jan@example.org"
    assert loaded["language"] == "en"
    assert "password_confirmation" not in loaded and "email_confirmation" not in loaded


def test_the_form_refuses_members_under_sixteen():
    today = date.today()
    too_young = date(today.year - 15, today.month, min(today.day, 28)).isoformat()
    with pytest.raises(ValidationError) as error:
        RegistrationSchema().load(form(date_of_birth=too_young))
    assert "date_of_birth" in error.value.messages


def test_names_allow_letters_of_any_script_with_spaces_hyphens_apostrophes():
    loaded = RegistrationSchema().load(form(first_name="Zoë-Ånne", last_name="d’Artagnan van Ñ"))
    assert loaded["first_name"] == "Zoë-Ånne"


CURRENT = "2027-01"  # the current guidelines' version


def test_onboarding_steps_follow_the_guide():
    account = Account(affiliation_status="none")
    assert onboarding.status(account, CURRENT) == {
        "completed": False,
        "next_step": "affiliation",
        "account_ready": False,
        "affiliation_status": "none",
        "joined_before": False,
    }
    account.affiliation_status = "pending_review"
    assert onboarding.next_step(account, CURRENT) == "affiliation"
    account.affiliation_status = "verified"
    assert onboarding.next_step(account, CURRENT) == "study_details"
    account.study_details_at = "x"
    assert onboarding.next_step(account, CURRENT) == "account_creation"
    account.profile_ready_at = account.mentoring_ready_at = account.notifications_ready_at = "x"
    assert onboarding.next_step(account, CURRENT) == "guidelines"
    account.guidelines_agreed_at, account.guidelines_version = "x", "an old version"
    assert onboarding.next_step(account, CURRENT) == "guidelines"
    account.guidelines_version = CURRENT
    assert onboarding.next_step(account, CURRENT) == "introduction"
    account.introduction_completed_at = "x"
    assert onboarding.status(account, CURRENT)["completed"] is True
