"""LinkedIn identities: linked by sub only, never by address; the link's events."""

import uuid

import pytest
from sqlalchemy import text

from identity import accounts, linkedin
from identity.exceptions import Conflict, InvalidInput
from mentornet_contracts.events import validate_payload


def sub():
    return f"li-{uuid.uuid4().hex[:10]}"


def confirm(db, user_id):
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE accounts SET email_confirmed_at = now() WHERE id = :id"), {"id": user_id}
        )


def test_sign_up_with_linkedin_links_and_confirms_the_verified_address(
    db, sign_up_form, outbox_for
):
    data = sign_up_form()
    claims = {"sub": sub(), "email": data["email"].upper(), "email_verified": True}
    result = accounts.register(db, data, linkedin=claims)
    user_id = result["account"]["user_id"]
    assert linkedin.status(db, user_id)["connected"] is True
    assert outbox_for(user_id, "account_email_confirmed")
    assert not outbox_for(user_id, "email_confirmation_requested")  # no link mailed
    [event] = outbox_for(user_id, "linkedin_linked")
    validate_payload("identity", "linkedin_linked", 1, event["data"])
    # Signing in by the same sub logs in that account.
    signed_in = linkedin.sign_in(db, claims)
    assert signed_in["linked"] and signed_in["user_id"] == user_id and signed_in["token"]


def test_an_unverified_or_different_address_is_confirmed_by_link_as_usual(
    db, sign_up_form, outbox_for
):
    for other_address, verified in ((True, True), (False, False)):
        data = sign_up_form()
        result = accounts.register(
            db,
            data,
            linkedin={
                "sub": sub(),
                "email": "someone.else@example.org" if other_address else data["email"],
                "email_verified": verified,
            },
        )
        user_id = result["account"]["user_id"]
        assert linkedin.status(db, user_id)["connected"] is True
        assert outbox_for(user_id, "email_confirmation_requested")
        assert not outbox_for(user_id, "account_email_confirmed")


def test_an_address_with_an_account_never_signs_in_or_links_by_itself(db, sign_up_form):
    owner = accounts.register(db, sign_up_form())["account"]
    confirm(db, owner["user_id"])
    claims = {"sub": sub(), "email": owner["email"], "email_verified": True}
    answer = linkedin.sign_in(db, claims)
    assert answer == {"linked": False, "address_has_account": True}
    assert linkedin.status(db, owner["user_id"])["connected"] is False
    # Not verified by LinkedIn: not even told that the address has an account.
    assert linkedin.sign_in(db, {**claims, "email_verified": False})["address_has_account"] is False
    # Only the logged-in owner links it.
    assert linkedin.link(db, owner["user_id"], claims)["connected"] is True
    assert linkedin.sign_in(db, claims)["user_id"] == owner["user_id"]


def test_one_linkedin_member_per_account_and_one_account_per_linkedin_member(db, sign_up_form):
    first = accounts.register(db, sign_up_form())["account"]["user_id"]
    second = accounts.register(db, sign_up_form())["account"]["user_id"]
    claims = {"sub": sub(), "email": None, "email_verified": False}
    linkedin.link(db, first, claims)
    assert linkedin.link(db, first, claims)["connected"] is True  # again: nothing changes
    with pytest.raises(Conflict) as refused:
        linkedin.link(db, second, claims)
    assert refused.value.code == "linkedin_linked_elsewhere"
    with pytest.raises(Conflict) as refused:
        linkedin.link(db, first, {"sub": sub()})
    assert refused.value.code == "linkedin_already_linked"
    with pytest.raises(Conflict):  # a sign-up cannot take a linked sub either
        accounts.register(db, sign_up_form(), linkedin=claims)


def test_unlinking_needs_the_password(db, sign_up_form, outbox_for):
    data = sign_up_form()
    user_id = accounts.register(db, data)["account"]["user_id"]
    linkedin.link(db, user_id, {"sub": sub()})
    with pytest.raises(InvalidInput) as refused:
        linkedin.unlink(db, user_id, "not my password")
    assert refused.value.code == "wrong_password"
    assert linkedin.status(db, user_id)["connected"] is True
    assert linkedin.unlink(db, user_id, data["password"]) == {"connected": False}
    assert linkedin.status(db, user_id)["connected"] is False
    [event] = outbox_for(user_id, "linkedin_unlinked")
    validate_payload("identity", "linkedin_unlinked", 1, event["data"])


def test_claims_without_a_subject_are_refused(db):
    with pytest.raises(InvalidInput):
        linkedin.sign_in(db, {"email": "a@example.org", "email_verified": True})
