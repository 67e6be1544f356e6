"""Published versions of the policies and the guidelines, against identity's
own database: the university's settings' text until the first publication,
the newest version wins, nothing published is changed, members agree to new
guidelines again, and every publication is audited."""

import uuid

import psycopg2
import pyotp
import pytest
from sqlalchemy import text

from identity import accounts, audit, config, documents, onboarding, operators, policies
from identity.exceptions import Forbidden, InvalidInput, NotFound

PASSWORD = "a very long operator passphrase"


def operator_token(db, role):
    username = f"ed.{uuid.uuid4().hex[:8]}"
    operators.create(db, username, role, PASSWORD)
    started = operators.login(db, username, PASSWORD, "10.1.2.3")
    totp = pyotp.TOTP(operators.enrolment(db, started["token"])["secret"])
    done = operators.second_factor(db, started["token"], totp.now(), "10.1.2.3")
    return {"operator_token": done["token"]}, username


def texts(version, **more):
    return {
        "version": version,
        "title_en": f"Privacy policy {version}",
        "body_en": f"We keep less.\n\nVersion {version}.",
        "title_nl": f"Privacybeleid {version}",
        "body_nl": f"We bewaren minder.\n\nVersie {version}.",
        **more,
    }


def test_policies_are_the_settings_text_until_a_newer_version_is_published(
    db, service_database, sign_up_form
):
    seeded = policies.current(db, "en")["items"]
    dutch = policies.current(db, "nl")["items"]
    assert set(seeded) == set(dutch) == {"privacy_policy", "terms", "cookie_policy"}
    settings = config.university()
    for document in ("privacy_policy", "terms"):
        assert seeded[document]["version"] == settings["policy_versions"][document]
        assert seeded[document]["consent"] is True
    assert seeded["cookie_policy"]["consent"] is False and seeded["cookie_policy"]["version"]
    assert seeded["terms"]["title"] == "Terms and conditions"
    assert dutch["terms"]["title"] == "Gebruiksvoorwaarden" and dutch["terms"]["body"]
    assert policies.current(db, "fr")["language"] == "en"

    editor, name = operator_token(db, "editor")
    documents.publish(db, editor, "privacy_policy", texts("2027-01"), "10.1.2.3")
    documents.publish(db, editor, "privacy_policy", texts("2027-02"), "10.1.2.3")
    newest = policies.current(db, "nl")["items"]["privacy_policy"]
    assert (newest["version"], newest["title"]) == ("2027-02", "Privacybeleid 2027-02")
    assert newest["body"] == "We bewaren minder.\n\nVersie 2027-02."
    assert policies.current(db, "en")["items"]["terms"] == seeded["terms"]  # the others unchanged

    history = documents.versions(db, editor, "privacy_policy")["items"]
    assert [v["version"] for v in history] == [
        "2027-02",
        "2027-01",
        settings["policy_versions"]["privacy_policy"],  # the seed, written by the first
    ]
    assert [v["published_by"] for v in history] == [name, name, documents.SEED_PUBLISHER]
    assert history[-1]["title_en"] == seeded["privacy_policy"]["title"]

    # A member signing up now consents to the newest version.
    user_id = accounts.register(
        db, sign_up_form(first_name="Noor", last_name="Jansen", date_of_birth="1995-05-05")
    )["account"]["user_id"]
    consented = service_database.scalar(
        f"SELECT version FROM consents WHERE account_id = '{user_id}'"
        " AND document = 'privacy_policy'"
    )
    assert consented == "2027-02"

    # A label is published once; what is published is never changed.
    with pytest.raises(InvalidInput) as refused:
        documents.publish(db, editor, "privacy_policy", texts("2027-01"))
    assert list(refused.value.fields) == ["version"]
    for statement in (
        "UPDATE document_versions SET body_en = 'changed'",
        "DELETE FROM document_versions",
        "TRUNCATE document_versions",
    ):
        with psycopg2.connect(service_database.url) as connection, connection.cursor() as cursor:
            with pytest.raises(psycopg2.Error, match="published versions are kept as written"):
                cursor.execute(statement)
    assert policies.current(db, "en")["items"]["privacy_policy"]["version"] == "2027-02"

    entries = [
        (e["action"], e["subject"], e["details"].get("version"), e["actor_name"])
        for e in audit.entries(db, editor)["items"]
        if e["action"] == "policy_published"
    ]
    assert ("policy_published", "privacy_policy", "2027-02", name) in entries
    assert ("policy_published", "privacy_policy", "2027-01", name) in entries


@pytest.mark.parametrize(
    "changed, field",
    [
        ({"title_nl": ""}, "title_nl"),
        ({"body_nl": "  "}, "body_nl"),
        ({"body_en": None}, "body_en"),
        ({"title_en": "x" * 201}, "title_en"),
        ({"version": ""}, "version"),
        ({"version": "two words"}, "version"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_version_needs_every_text_in_both_languages_and_names_what_is_wrong(db, changed, field):
    editor, _ = operator_token(db, "editor")
    with pytest.raises(InvalidInput) as refused:
        documents.publish(db, editor, "terms", {**texts("2030-01"), **changed})
    assert list(refused.value.fields) == [field]


def test_only_editors_and_administrators_publish_and_only_known_documents(db):
    reviewer, _ = operator_token(db, "reviewer")
    with pytest.raises(Forbidden):
        documents.publish(db, reviewer, "cookie_policy", texts("2030-02"))
    with pytest.raises(Forbidden):
        documents.versions(db, reviewer, "guidelines")
    administrator, _ = operator_token(db, "administrator")
    with pytest.raises(NotFound):
        documents.publish(db, administrator, "house_rules", texts("2030-03"))


def test_members_agree_again_when_new_guidelines_are_published(db, sign_up_form):
    seeded = onboarding.get_guidelines(db, "nl")
    assert seeded["version"] == config.university()["guidelines"]["version"]
    assert seeded["title"] == "Richtlijnen van het mentornetwerk"
    assert [s["title"] for s in seeded["sections"]] == [
        "Voor mentoren",
        "Voor mentees",
        "Algemene afspraken",
    ]
    user_id = accounts.register(
        db, sign_up_form(first_name="Noor", last_name="Jansen", date_of_birth="1995-05-05")
    )["account"]["user_id"]
    with db.transaction() as session:  # through every step up to the guidelines
        session.execute(
            text(
                "UPDATE accounts SET affiliation_status = 'verified', role = 'alumnus',"
                " study_details_at = now(),"
                " profile_ready_at = now(), mentoring_ready_at = now(),"
                " notifications_ready_at = now() WHERE id = :id"
            ),
            {"id": user_id},
        )
    onboarding.agree_to_guidelines(db, user_id, seeded["version"], True)
    assert onboarding.complete_introduction(db, user_id)["next_step"] == "done"

    editor, name = operator_token(db, "editor")
    published = documents.publish(
        db,
        editor,
        "guidelines",
        {
            "version": "2027-03",
            "title_en": "Guidelines, revised",
            "body_en": "Be kind.\n\n## For mentors\n\nListen first.\n\n## For mentees\n\nAsk.",
            "title_nl": "Richtlijnen, herzien",
            "body_nl": "Wees vriendelijk.\n\n## Voor mentoren\n\nLuister eerst.",
        },
    )
    assert published["published_by"] == name
    assert accounts.get_onboarding(db, user_id)["next_step"] == "guidelines"
    english = onboarding.get_guidelines(db, "en")
    assert english["version"] == "2027-03" and english["title"] == "Guidelines, revised"
    assert english["sections"] == [
        {"id": "section-1", "title": "", "body": "Be kind."},
        {"id": "section-2", "title": "For mentors", "body": "Listen first."},
        {"id": "section-3", "title": "For mentees", "body": "Ask."},
    ]
    from identity.exceptions import Conflict

    with pytest.raises(Conflict):  # agreeing to what is no longer current
        onboarding.agree_to_guidelines(db, user_id, seeded["version"], True)
    assert onboarding.agree_to_guidelines(db, user_id, "2027-03", True)["next_step"] == "done"
    assert [
        e["details"]["version"]
        for e in audit.entries(db, editor)["items"]
        if e["action"] == "guidelines_published"
    ] == ["2027-03"]
