"""The network at a glance, composed once for the console's statistics page
(and its CSV) and the operators' API: members, mentors, requests,
relationships and feedback, each figure from the service that owns it (one
aggregate RPC each: identity's ``member_statistics``, profiles'
``mentor_statistics``, mentoring's ``network_statistics`` and
``feedback_statistics``), asked concurrently (``call_parallel``: the answer
waits about as long as its slowest service).  Labels are in the request's
language."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gateway.service_calls import call_parallel
from gateway.web.mentoring import STATUSES
from gateway.web.relationship_ending import OUTCOME_LABELS
from mentornet_contracts.statuses import AffiliationStatus, RequestStatus, Role

ROLE_LABELS = {
    Role.STUDENT: _l("students"),
    Role.ALUMNUS: _l("alumni"),
    Role.STAFF: _l("staff"),
    None: _l("no role yet"),
}
AFFILIATION_LABELS = {
    AffiliationStatus.VERIFIED: _l("verified"),
    AffiliationStatus.PENDING_REVIEW: _l("waiting for a review"),
    AffiliationStatus.REJECTED: _l("rejected"),
    AffiliationStatus.NONE: _l("not verified yet"),
}
MENTOR_LABELS = {
    "mentors_available": _l("Mentors offering mentoring"),
    "mentors_with_room": _l("Mentors with a free place"),
    "places": _l("Places offered"),
    "places_taken": _l("Places taken"),
    "free_places": _l("Free places"),
}


def figures(actor):
    """Every service's aggregates, asked at once (identity checks that ``actor``
    may read statistics); a service that fails fails the whole answer."""
    found = call_parallel(
        {
            "members": ("identity", "member_statistics", {"actor": actor}),
            "mentors": ("profiles", "mentor_statistics", {}),
            "mentoring": ("mentoring", "network_statistics", {}),
            "feedback": ("mentoring", "feedback_statistics", {}),
        }
    )
    for answer in found.values():
        if isinstance(answer, Exception):
            raise answer
    return found


def _hours(seconds):
    return None if seconds is None else seconds / 3600


def sections(found):
    """The figures, section by section: (key, title, rows), each row (figure,
    label, value).  The page, its charts, the CSV and the API all read these."""
    members, mentors, mentoring = found["members"], found["mentors"], found["mentoring"]
    groups = members["by_role_and_affiliation"]

    def total(**where):
        return sum(
            group["members"]
            for group in groups
            if all(group[key] == value for key, value in where.items())
        )

    roles = (*Role, None)
    feedback_rows = []
    for outcome in found["feedback"]["by_outcome"]:
        name, label = outcome["outcome"], OUTCOME_LABELS.get(outcome["outcome"], outcome["outcome"])
        feedback_rows += [
            (
                f"{name}.feedback_given",
                _("%(outcome)s: feedback given", outcome=label),
                outcome["feedback_given"],
            ),
            (
                f"{name}.average_rating",
                _("%(outcome)s: average rating (1 to 5)", outcome=label),
                outcome["average_rating"],
            ),
        ]
    return [
        (
            "members",
            _("Members"),
            [
                ("total", _("Members"), members["members"]),
                ("suspended", _("Suspended"), members["suspended"]),
            ],
        ),
        (
            "members_by_role",
            _("Members by role"),
            [(str(role or "none"), ROLE_LABELS[role], total(role=role)) for role in roles],
        ),
        (
            "members_by_affiliation",
            _("Members by verification"),
            [
                (str(status), AFFILIATION_LABELS[status], total(affiliation_status=status))
                for status in AffiliationStatus
            ],
        ),
        (
            "signups_per_week",
            _("Sign-ups per week"),
            [
                (
                    week["week"],
                    _(
                        "Week of %(day)s",
                        day=format_date(date.fromisoformat(week["week"]), "medium"),
                    ),
                    week["members"],
                )
                for week in members["signups_per_week"]
            ],
        ),
        (
            "mentors",
            _("Mentors and their places"),
            [(name, label, mentors[name]) for name, label in MENTOR_LABELS.items()],
        ),
        (
            "requests_by_status",
            _("Mentoring requests by state"),
            [
                (str(status), STATUSES[status], mentoring["requests_by_status"][status])
                for status in RequestStatus
            ],
        ),
        (
            "requests",
            _("Answers to requests"),
            [
                (
                    "answered",
                    _("Requests answered (accepted or declined)"),
                    mentoring["requests_answered"],
                ),
                (
                    "acceptance_rate",
                    _("Acceptance rate (accepted of those answered)"),
                    mentoring["acceptance_rate"],
                ),
                (
                    "median_answer_hours",
                    _("Median time to answer, in hours"),
                    _hours(mentoring["median_answer_seconds"]),
                ),
            ],
        ),
        (
            "relationships",
            _("Mentoring relationships"),
            [
                ("current", _("Current"), mentoring["relationships_current"]),
                ("ended", _("Ended"), mentoring["relationships_ended"]),
                *[
                    (f"ended.{outcome}", OUTCOME_LABELS.get(outcome, outcome), count)
                    for outcome, count in mentoring["ended_by_outcome"].items()
                ],
            ],
        ),
        ("feedback", _("Feedback after the end"), feedback_rows),
    ]
