"""LinkedIn identities: signing in by LinkedIn's ``sub``, linking and unlinking.

The gateway checks LinkedIn's ID token (signature, issuer, audience, expiry,
nonce) and sends identity only its claims: ``sub``, ``email`` and
``email_verified``.  Accounts are found by ``sub`` alone, never by address:
anyone can put any address on a LinkedIn account, and even a verified one
only says LinkedIn checked it, not that its owner is the owner of an account
here.  A LinkedIn member is linked only by the logged-in member (Connect, or
after logging in with the password when their address had an account) or in
the sign-up that creates the account.
"""

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from identity import accounts, documents, events, exceptions, onboarding, throttling
from identity.models import Account, LinkedInIdentity
from identity.schemas import LinkedInClaimsSchema
from mentornet_contracts.errors import load_input


def _now():
    return datetime.now(UTC)


def claims(raw):
    """The claims the gateway sends, checked (``sub`` required)."""
    return load_input(LinkedInClaimsSchema(), raw, "The LinkedIn identity")


def linked_elsewhere():
    return exceptions.Conflict(
        "linkedin_linked_elsewhere",
        "This LinkedIn account is linked to another account of the Mentor Network.",
    )


def sign_in(db, raw_claims, client=None):
    """Log in the account linked to this LinkedIn member: ``{"token", "user_id",
    "onboarding"}``.  Not linked: ``{"linked": False, "address_has_account"}``,
    where the second says whether an account has confirmed the address
    LinkedIn verified (that member is asked to log in with the password and
    link; nothing is linked here).  Counts against the client's allowance of
    logins like a password login."""
    found = claims(raw_claims)
    with db.transaction() as session:
        throttling.spend_login(session, client)
        row = session.get(LinkedInIdentity, found["sub"])
        if row is not None and accounts._being_erased(session, row.account_id):
            row = None  # an account being erased is nobody's to log in to
        if row is None:
            owner = (
                accounts._owner_of(session, found["email"])
                if found.get("email") and found.get("email_verified")
                else None
            )
            return {"linked": False, "address_has_account": owner is not None}
        account = session.get(Account, row.account_id)
        token = accounts._open_session(session, account.id)
        return {
            "linked": True,
            "token": token,
            "user_id": account.id,
            "onboarding": onboarding.status(
                account, documents.current_version(session, "guidelines")
            ),
        }


def link(db, user_id, raw_claims):
    """Link the logged-in member's account to this LinkedIn member.  The same
    link again changes nothing; another account's LinkedIn member, or a second
    LinkedIn member for this account, is refused (unlink first)."""
    found = claims(raw_claims)
    try:
        with db.transaction() as session:
            account = accounts._account(session, user_id, lock=True)
            row = session.get(LinkedInIdentity, found["sub"])
            if row is not None:
                if row.account_id != account.id:
                    raise linked_elsewhere()
                return status_of(row)
            own = (
                session.execute(
                    select(LinkedInIdentity).where(LinkedInIdentity.account_id == account.id)
                )
                .scalars()
                .first()
            )
            if own is not None:
                raise exceptions.Conflict(
                    "linkedin_already_linked",
                    "Your account is linked to another LinkedIn account; unlink it first.",
                )
            row = add_link(session, account, found["sub"])
            return status_of(row)
    except IntegrityError:  # a concurrent link of the same sub or account
        raise linked_elsewhere()


def add_link(session, account, sub):
    row = LinkedInIdentity(sub=sub, account_id=account.id, linked_at=_now())
    session.add(row)
    session.flush()
    events.linkedin_linked(session, account, row.linked_at)
    return row


def unlink(db, user_id, password):
    """Unlinking needs the account's password (a stolen session alone cannot
    cut the member off from their own way in, nor hide a link it made)."""
    with db.transaction() as session:
        account = accounts._account(session, user_id)
    accounts._check_password(db, account, password, "password")
    with db.transaction() as session:
        gone = session.execute(
            delete(LinkedInIdentity).where(LinkedInIdentity.account_id == account.id)
        ).rowcount
        if gone:
            events.linkedin_unlinked(session, account, _now())
    return {"connected": False}


def status(db, user_id):
    with db.transaction() as session:
        accounts._account(session, user_id)
        row = (
            session.execute(select(LinkedInIdentity).where(LinkedInIdentity.account_id == user_id))
            .scalars()
            .first()
        )
        return status_of(row)


def status_of(row):
    if row is None:
        return {"connected": False, "linked_at": None}
    return {"connected": True, "linked_at": row.linked_at.isoformat()}
