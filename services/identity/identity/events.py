"""Events identity publishes; their payload contracts live in
mentornet_contracts.events."""

from datetime import UTC, datetime

from mentornet_platform.outbox import record_event

SOURCE = "identity"


def account_registered(session, account, email):
    """``email`` is None when another account has confirmed the address: nothing
    may be mailed there for this one (its address follows once it confirms one)."""
    return record_event(
        session,
        SOURCE,
        "account_registered",
        {
            "user_id": account.id,
            "username": account.username,
            "email": email,
            "first_name": account.first_name,
            "middle_names": account.middle_names,
            "last_name": account.last_name,
            "language": account.language,
            "registered_at": account.created_at,
        },
    )


def account_deleted(session, account_id):
    return record_event(
        session, SOURCE, "account_deleted", {"user_id": account_id, "deleted_at": datetime.now(UTC)}
    )


def study_details_submitted(session, account):
    return record_event(
        session,
        SOURCE,
        "study_details_submitted",
        {
            "user_id": account.id,
            "institution": account.institution,
            "programme": account.programme,
            "faculty": account.faculty or "",
            "year_started": account.year_started,
            "year_graduated": account.year_graduated,
            "role": account.role,
            "verified": account.study_details_verified,
        },
    )


def email_confirmation_requested(session, account, email, url):
    return record_event(
        session,
        SOURCE,
        "email_confirmation_requested",
        {
            "user_id": account.id,
            "email": email,
            "first_name": account.first_name,
            "language": account.language,
            "confirmation_url": url,
        },
    )


def password_reset_requested(session, account, url, expires_at):
    return record_event(
        session,
        SOURCE,
        "password_reset_requested",
        {
            "user_id": account.id,
            "email": account.email,
            "first_name": account.first_name,
            "language": account.language,
            "reset_url": url,
            "expires_at": expires_at,
        },
    )


def account_email_changed(session, account):
    return record_event(
        session, SOURCE, "account_email_changed", {"user_id": account.id, "email": account.email}
    )


def account_language_changed(session, account):
    return record_event(
        session,
        SOURCE,
        "account_language_changed",
        {"user_id": account.id, "language": account.language, "changed_at": datetime.now(UTC)},
    )


def affiliation_verified(session, account, method):
    return record_event(
        session,
        SOURCE,
        "affiliation_verified",
        {"user_id": account.id, "role": account.role, "method": method},
    )


def affiliation_reviewed(session, account, approved, reason):
    return record_event(
        session,
        SOURCE,
        "affiliation_reviewed",
        {"user_id": account.id, "approved": approved, "reason": reason or ""},
    )


def account_email_confirmed(session, account):
    return record_event(
        session, SOURCE, "account_email_confirmed", {"user_id": account.id, "email": account.email}
    )


def onboarding_completed(session, account):
    return record_event(
        session,
        SOURCE,
        "onboarding_completed",
        {
            "user_id": account.id,
            "role": account.role,
            "completed_at": account.introduction_completed_at,
        },
    )


def address_sign_up_attempted(session, owner):
    """Someone signed up with ``owner``'s confirmed address: the owner is told."""
    return record_event(
        session,
        SOURCE,
        "address_sign_up_attempted",
        {
            "user_id": owner.id,
            "email": owner.email,
            "username": owner.username,
            "first_name": owner.first_name,
            "language": owner.language,
            "attempted_at": datetime.now(UTC),
        },
    )


def session_ended(session, account_id, digests, reason):
    """Sessions ended (``digests``: their tokens' SHA-256, as stored): every
    gateway process forgets them at once instead of trusting its cache."""
    return record_event(
        session,
        SOURCE,
        "session_ended",
        {
            "user_id": account_id,
            "sessions": list(digests),
            "reason": reason,
            "ended_at": datetime.now(UTC),
        },
    )


def linkedin_linked(session, account, linked_at):
    """The account was linked to a LinkedIn member (profiles shows it connected)."""
    return record_event(
        session, SOURCE, "linkedin_linked", {"user_id": account.id, "linked_at": linked_at}
    )


def linkedin_unlinked(session, account, unlinked_at):
    return record_event(
        session, SOURCE, "linkedin_unlinked", {"user_id": account.id, "unlinked_at": unlinked_at}
    )


def data_export_requested(session, export):
    return record_event(
        session,
        SOURCE,
        "data_export_requested",
        {"export_id": export.id, "user_id": export.account_id, "requested_at": export.requested_at},
    )


def data_export_ready(session, export, url):
    return record_event(
        session,
        SOURCE,
        "data_export_ready",
        {
            "export_id": export.id,
            "user_id": export.account_id,
            "download_url": url,
            "expires_at": export.expires_at,
        },
    )


def account_suspended(session, account):
    """An operator suspended the member: hidden from search until unsuspended."""
    return record_event(
        session, SOURCE, "account_suspended", {"user_id": account.id, "at": account.suspended_at}
    )


def account_unsuspended(session, account):
    return record_event(
        session, SOURCE, "account_unsuspended", {"user_id": account.id, "at": datetime.now(UTC)}
    )
