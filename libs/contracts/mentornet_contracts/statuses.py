"""The states and roles that cross a service boundary, each written once.

A ``StrEnum`` member is the string itself (``RequestStatus.PENDING ==
"pending"``), so the database columns, the JSON on the wire and the events keep
the plain words they always had; only the code stops spelling them again.
States that never leave their service live in that service's models.
"""

from enum import StrEnum

# Mentoring's words when a member's leaving ended a relationship or closed a
# request (stored as the end reason or the history's note); the pages show it
# in the reader's language.
LEFT_THE_NETWORK = "The member left the network."


class Role(StrEnum):
    """What a member is to the university (identity's records decide it)."""

    STUDENT = "student"
    ALUMNUS = "alumnus"
    STAFF = "staff"


class AffiliationStatus(StrEnum):
    """Where a member stands in proving they belong to the university."""

    NONE = "none"
    VERIFIED = "verified"
    PENDING_REVIEW = "pending_review"  # no record matched; an operator will look
    REJECTED = "rejected"


class ReviewStatus(StrEnum):
    """An operator's manual review of an affiliation."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RequestStatus(StrEnum):
    """A mentoring request: pending until the mentor answers, the mentee
    withdraws it or it expires; each of the others is final."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class MeetingStatus(StrEnum):
    """A meeting in a relationship's workspace: proposed with one or more
    times, scheduled once the other member picks one, or cancelled."""

    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ReportStatus(StrEnum):
    """A member's report of a message to the operators."""

    OPEN = "open"
    CLOSED = "closed"  # an operator dealt with it


def words(enum: type[StrEnum]) -> str:
    """The enum's words in order, as a message lists them: "a, b or c"."""
    values = [member.value for member in enum]
    return ", ".join(values[:-1]) + " or " + values[-1]
