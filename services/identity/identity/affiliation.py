"""Step 5: proving one belongs to the university, against its own records.

A record matches when its number and role match and the account's date of
birth and last name agree with it (the name ignoring case, accents, spaces and
punctuation).  The record keeps the name a member studied under: an alumna who
has married since matches on the maiden name she gave at sign-up.  A match verifies at once and hands back the record's study
details to pre-fill step 6.  Without a match the member may ask for a manual
review, which an operator approves or rejects.  Failed matches are limited per
account so nobody can probe the records.
"""

import unicodedata
from datetime import UTC, datetime

from sqlalchemy import func, select

from identity import audit, config, events, exceptions
from identity.models import Account, AffiliationReview, UniversityRecord
from identity.schemas import AffiliationSchema, ReviewDecisionSchema
from mentornet_contracts.api import AffiliationReviewsQuery
from mentornet_contracts.errors import load_input
from mentornet_contracts.inputs import parameters
from mentornet_contracts.statuses import AffiliationStatus, ReviewStatus


def _now():
    return datetime.now(UTC)


def comparable_name(name):
    """'Ölund-d'Arçy ' and 'olund darcy' compare equal."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(ch for ch in decomposed if ch.isalnum())
    return letters.casefold()


def names_match(record, account):
    """The record's last name is the account's last name or its maiden name."""
    recorded = comparable_name(record.last_name)
    return any(
        recorded == comparable_name(name)
        for name in (account.last_name, account.maiden_name)
        if name
    )


def study_details_of(record):
    return {
        "institution": config.university()["university_name"],
        "programme": record.programme,
        "faculty": record.faculty,
        "year_started": record.year_started,
        "year_graduated": record.year_graduated,
    }


def verify(db, user_id, role, record_number, request_review=False, note=""):
    data = load_input(
        AffiliationSchema(),
        {
            "role": role,
            "record_number": record_number,
            "request_review": request_review,
            "note": note or "",
        },
    )
    with db.transaction() as session:
        account = session.get(Account, user_id, with_for_update=True)
        if account is None:
            raise exceptions.NotFound("account_not_found", "No such account.")
        if account.affiliation_status == AffiliationStatus.VERIFIED:
            raise exceptions.Conflict("already_verified", "Your affiliation is already verified.")
        if data["request_review"]:
            return _request_review(session, account, data)
        if account.affiliation_failures >= config.AFFILIATION_MAX_FAILURES:
            raise exceptions.Throttled(
                "too_many_attempts",
                "Too many numbers did not match. Ask for a manual review instead.",
            )
        record = session.execute(
            select(UniversityRecord).where(
                UniversityRecord.record_number == data["record_number"].upper(),
                UniversityRecord.role == data["role"],
            )
        ).scalar_one_or_none()
        if (
            record is None
            or record.date_of_birth != account.date_of_birth
            or not names_match(record, account)
        ):
            account.affiliation_failures += 1
            left = config.AFFILIATION_MAX_FAILURES - account.affiliation_failures
            # Commit the counted failure, then refuse.
            failure = exceptions.InvalidInput(
                "record_not_matched",
                "We could not match this number with your name and date of birth. "
                "Check the number, or ask for a manual review."
                + (f" {left} attempt(s) left." if left > 0 else ""),
                {"record_number": ["No record matches this number, role, name and date of birth."]},
            )
        else:
            failure = None
            account.affiliation_status = AffiliationStatus.VERIFIED
            account.affiliation_verified_at = _now()
            account.role = data["role"]
            account.affiliation_record_number = record.record_number
            details = study_details_of(record)
            account.programme = record.programme
            account.faculty = record.faculty
            account.year_started = record.year_started
            account.year_graduated = record.year_graduated
            events.affiliation_verified(session, account, "record")
    if failure is not None:
        raise failure
    return {"status": AffiliationStatus.VERIFIED, "role": data["role"], "study_details": details}


def _request_review(session, account, data):
    if account.affiliation_status == AffiliationStatus.PENDING_REVIEW:
        raise exceptions.Conflict("review_pending", "Your request for a manual review is pending.")
    session.add(
        AffiliationReview(
            account_id=account.id,
            role=data["role"],
            record_number=data["record_number"].upper(),
            note=data["note"],
        )
    )
    account.affiliation_status = AffiliationStatus.PENDING_REVIEW
    account.role = data["role"]
    return {"status": AffiliationStatus.PENDING_REVIEW, "role": data["role"], "study_details": None}


def _review_item(review, account):
    return {
        "id": review.id,
        "user_id": account.id,
        "username": account.username,
        "role": review.role,
        "record_number": review.record_number,
        "note": review.note,
        "status": review.status,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "maiden_name": account.maiden_name,
        "date_of_birth": account.date_of_birth.isoformat() if account.date_of_birth else None,
        "email": account.email,
        "created_at": review.created_at.isoformat(),
        "decided_at": review.decided_at.isoformat() if review.decided_at else None,
        "decided_by": review.decided_by,
        "reason": review.reason,
    }


def list_reviews(db, actor, status="pending"):
    status = parameters(AffiliationReviewsQuery(), {"status": status})["status"]
    with db.transaction() as session:
        audit.actor(session, actor, "affiliation_reviews")
        query = (
            select(AffiliationReview, Account)
            .join(Account, Account.id == AffiliationReview.account_id)
            .order_by(AffiliationReview.id)
        )
        if status != "all":
            query = query.where(AffiliationReview.status == status)
        return {
            "items": [_review_item(review, account) for review, account in session.execute(query)]
        }


CLOSEST_RECORDS = 5


def closest_records(session, review, account):
    """The university's records nearest to what the member gave, best first:
    the same number counts most, then the same date of birth, the same last
    (or maiden) name, the same role.  Each says which of these agree."""
    names = {comparable_name(n) for n in (account.last_name, account.maiden_name) if n}
    candidates = session.execute(
        select(UniversityRecord)
        .where(
            (UniversityRecord.record_number == review.record_number)
            | (UniversityRecord.date_of_birth == account.date_of_birth)
            | func.lower(UniversityRecord.last_name).in_(
                [n.lower() for n in (account.last_name, account.maiden_name) if n]
            )
        )
        .limit(500)
    ).scalars()
    scored = []
    for record in candidates:
        agrees = {
            "record_number": record.record_number == review.record_number,
            "date_of_birth": record.date_of_birth == account.date_of_birth,
            "last_name": comparable_name(record.last_name) in names,
            "first_name": comparable_name(record.first_name) == comparable_name(account.first_name),
            "role": record.role == review.role,
        }
        score = (
            4 * agrees["record_number"]
            + 3 * agrees["date_of_birth"]
            + 2 * agrees["last_name"]
            + agrees["first_name"]
            + agrees["role"]
        )
        scored.append((score, record, agrees))
    scored.sort(key=lambda found: (-found[0], found[1].record_number))
    return [
        {
            "record_number": record.record_number,
            "role": record.role,
            "first_name": record.first_name,
            "last_name": record.last_name,
            "date_of_birth": record.date_of_birth.isoformat(),
            "programme": record.programme,
            "faculty": record.faculty,
            "year_started": record.year_started,
            "year_graduated": record.year_graduated,
            "agrees": agrees,
        }
        for _, record, agrees in scored[:CLOSEST_RECORDS]
    ]


def review_with_records(db, actor, review_id):
    """One review, with the closest university records beside it."""
    with db.transaction() as session:
        audit.actor(session, actor, "affiliation_reviews")
        review = session.get(AffiliationReview, review_id) if isinstance(review_id, int) else None
        if review is None:
            raise exceptions.NotFound("review_not_found", "No such review.")
        account = session.get(Account, review.account_id)
        return {
            **_review_item(review, account),
            "records": closest_records(session, review, account),
        }


def decide(db, actor, review_id, approve, reason="", client=""):
    decision = load_input(ReviewDecisionSchema(), {"approve": approve, "reason": reason or ""})
    approve, reason = decision["approve"], decision["reason"].strip()
    with db.transaction() as session:
        acting = audit.actor(session, actor, "affiliation_reviews")
        review = (
            session.get(AffiliationReview, review_id, with_for_update=True)
            if isinstance(review_id, int)
            else None
        )
        if review is None:
            raise exceptions.NotFound("review_not_found", "No such review.")
        if review.status != ReviewStatus.PENDING:
            raise exceptions.Conflict("review_decided", f"This review was already {review.status}.")
        if not approve and not reason:
            raise exceptions.invalid(
                "reason", "Say why the review is rejected: the member is told."
            )
        account = session.get(Account, review.account_id, with_for_update=True)
        review.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        review.decided_at = _now()
        review.decided_by = acting.name
        review.reason = reason or ""
        if approve:
            account.affiliation_status = AffiliationStatus.VERIFIED
            account.affiliation_verified_at = _now()
            account.role = review.role
            events.affiliation_verified(session, account, "review")
        else:
            account.affiliation_status = AffiliationStatus.REJECTED
        events.affiliation_reviewed(session, account, approve, reason)
        audit.record(
            session,
            acting,
            "affiliation_approved" if approve else "affiliation_rejected",
            account.id,
            {"review": review.id, "reason": reason},
            client,
        )
        return {"id": review.id, "status": review.status, "user_id": account.id}
