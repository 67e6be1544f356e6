"""Where a member is in the guide's sign-up steps, and steps 6, 8 and 9."""

from datetime import UTC, datetime

from sqlalchemy import select

from identity import config, documents, events, exceptions
from identity.models import Account, AffiliationReview, Consent, UniversityRecord
from identity.schemas import StudyDetailsSchema
from mentornet_contracts.errors import load_input
from mentornet_contracts.statuses import AffiliationStatus, Role


def _now():
    return datetime.now(UTC)


def account_ready(account):
    """True once the registration saga has provisioned the member in profiles,
    mentoring and notifications."""
    return None not in (
        account.profile_ready_at,
        account.mentoring_ready_at,
        account.notifications_ready_at,
    )


def next_step(account, guidelines_version):
    """The member's next step; ``guidelines_version`` is the current guidelines'
    (documents.current_version): a member who agreed to an older one agrees again."""
    if account.affiliation_status != AffiliationStatus.VERIFIED:
        return "affiliation"
    if account.study_details_at is None:
        return "study_details"
    if not account_ready(account):
        return "account_creation"
    if account.guidelines_agreed_at is None or account.guidelines_version != guidelines_version:
        return "guidelines"
    if account.introduction_completed_at is None:
        return "introduction"
    return "done"


def status(account, guidelines_version):
    step = next_step(account, guidelines_version)
    return {
        "completed": step == "done",
        "next_step": step,
        "account_ready": account_ready(account),
        "affiliation_status": account.affiliation_status or AffiliationStatus.NONE,
        # Finished onboarding once: a step now open again is new guidelines.
        "joined_before": account.introduction_completed_at is not None,
    }


def progress(session, account):
    """The status and what a page shows beside the step: the role, the study
    details so far (pre-filled from the record when it matched), which parts of
    the account the other services have created, and the latest manual review."""
    review = session.execute(
        select(AffiliationReview)
        .where(AffiliationReview.account_id == account.id)
        .order_by(AffiliationReview.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return {
        **status(account, documents.current_version(session, "guidelines")),
        "role": account.role,
        "study_details": {
            "institution": account.institution or config.university()["university_name"],
            "programme": account.programme or "",
            "faculty": account.faculty or "",
            "year_started": account.year_started,
            "year_graduated": account.year_graduated,
        },
        "account_parts": {
            "profile": account.profile_ready_at is not None,
            "mentoring": account.mentoring_ready_at is not None,
            "notifications": account.notifications_ready_at is not None,
        },
        "review": None
        if review is None
        else {
            "status": review.status,
            "role": review.role,
            "reason": review.reason,
            "requested_at": review.created_at.isoformat(),
            "decided_at": review.decided_at.isoformat() if review.decided_at else None,
        },
    }


def _require_step(session, account, *allowed):
    step = next_step(account, documents.current_version(session, "guidelines"))
    if step not in allowed:
        raise exceptions.Conflict(
            "wrong_step", f"This step is not open now; the next step is {step}.", None
        )


def _account(session, user_id):
    account = session.get(Account, user_id, with_for_update=True)
    if account is None:
        raise exceptions.NotFound("account_not_found", "No such account.")
    return account


def submit_study_details(db, user_id, details):
    """Step 6.  Details that match the university's record stay verified."""
    data = load_input(StudyDetailsSchema(), details, "The study details")
    with db.transaction() as session:
        account = _account(session, user_id)
        _require_step(
            session,
            account,
            "study_details",
            "account_creation",
            "guidelines",
            "introduction",
            "done",
        )
        if account.role == Role.ALUMNUS and data["year_graduated"] is None:
            raise exceptions.invalid("year_graduated", "Alumni need the year they graduated.")
        # Compared with the university's record itself, not with what the account
        # last held: a member's own earlier submission proves nothing.
        record = account.affiliation_record_number and session.get(
            UniversityRecord, (account.affiliation_record_number, account.role)
        )
        for name, value in data.items():
            setattr(account, name, value)
        account.study_details_verified = bool(record) and (
            record.programme,
            record.year_started,
            record.year_graduated,
            config.university()["university_name"],
        ) == (data["programme"], data["year_started"], data["year_graduated"], data["institution"])
        account.study_details_at = _now()
        events.study_details_submitted(session, account)
        return status(account, documents.current_version(session, "guidelines"))


def get_guidelines(db, language="en"):
    """The current guidelines in ``language`` (English for any other), in sections."""
    text = documents.in_language(documents.current(db, "guidelines"), language)
    return {
        "version": text["version"],
        "language": text["language"],
        "title": text["title"],
        "sections": documents.sections(text["body"]),
    }


def agree_to_guidelines(db, user_id, version, agree):
    """Step 8, and again whenever a new version is published: agreeing records
    the version; without agreeing one cannot join."""
    if agree is not True:
        raise exceptions.InvalidInput(
            "guidelines_not_accepted",
            "You cannot join the mentor network without agreeing to the guidelines. "
            "If you do not wish to agree, you can delete your unfinished account.",
            {"agree": ["You must agree to the guidelines to join."]},
        )
    with db.transaction() as session:
        current = documents.current_version(session, "guidelines")
        if version != current:
            raise exceptions.Conflict(
                "guidelines_version_changed",
                f"The guidelines have changed; read and agree to version {current}.",
                {"version": [f"The current version is {current}."]},
            )
        account = _account(session, user_id)
        _require_step(session, account, "guidelines", "introduction", "done")
        account.guidelines_version = current
        account.guidelines_agreed_at = _now()
        session.add(Consent(account_id=account.id, document="guidelines", version=current))
        return status(account, current)


def complete_introduction(db, user_id):
    """Step 9: finishing the quick introduction completes onboarding."""
    with db.transaction() as session:
        account = _account(session, user_id)
        _require_step(session, account, "introduction", "done")
        if account.introduction_completed_at is None:
            account.introduction_completed_at = _now()
            events.onboarding_completed(session, account)
        return status(account, documents.current_version(session, "guidelines"))
