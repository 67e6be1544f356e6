"""The public API's contract: what each operation takes, as the marshmallow
schemas that check it.

The gateway's views load their query strings with these (gateway.request_input)
and the services load the same parameters with the same schemas, so a field
list or a rule is written once, here.  Each field's check of its kind of value
(paging, free text, booleans, ids) is in :mod:`mentornet_contracts.inputs`.
"""

from collections.abc import Iterable
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from mentornet_contracts.inputs import (
    Flag,
    FreeText,
    Page,
    Paging,
    Parameters,
    PerPage,
    WholeNumber,
)
from mentornet_contracts.statuses import ReportStatus, RequestStatus, ReviewStatus

LANGUAGES = ("en", "nl")
YEARS = (1900, 2100)
REQUEST_BOXES = ("sent", "received")
REQUEST_STATUSES = tuple(RequestStatus)
REVIEW_STATUSES = (*ReviewStatus, "all")
REPORT_STATUSES = tuple(ReportStatus)


def one_of(given: Iterable[object], **kwargs: Any) -> fields.String:
    """A string among ``given``, refused in the words the services have
    always used ("Use sent or received.")."""
    choices = [str(choice) for choice in given]
    words = ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else choices[0]
    return fields.String(
        validate=validate.OneOf(choices, error=f"Use {words}."),
        metadata={"enum": list(choices)},
        **kwargs,
    )


def Language(**kwargs: Any) -> fields.String:
    return one_of(LANGUAGES, load_default="en", **kwargs)


def Year(**kwargs: Any) -> WholeNumber:
    return WholeNumber(*YEARS, **kwargs)


# -- query strings -----------------------------------------------------------------
class NoParameters(Parameters):
    """An operation that takes no query parameters (a typo is named, not ignored)."""


class LanguageQuery(Parameters):
    language = Language()


class UsernameSuggestionQuery(Parameters):
    first_name = FreeText(1, 200, required=True)
    last_name = FreeText(1, 200, required=True)


class UsernameQuery(Parameters):
    username = FreeText(1, 200, required=True)


class ResetQuestionQuery(Parameters):
    token = FreeText(1, 200, required=True)


class NotificationsQuery(Paging):
    unread_only = Flag(load_default=False)


class MessagesQuery(Parameters):
    page = Page()
    per_page = PerPage(default=50)


class RequestsQuery(Parameters):
    box = one_of(REQUEST_BOXES, load_default="received")
    status = one_of(REQUEST_STATUSES, load_default=None)


class RelationshipsQuery(Parameters):
    current = Flag(load_default=True, metadata={"description": "false: ended ones too"})


class AffiliationReviewsQuery(Parameters):
    status = one_of(REVIEW_STATUSES, load_default="pending")


class MessageReportsQuery(Parameters):
    status = one_of(REPORT_STATUSES, load_default="open")


class StudyFilters(Parameters):
    """A programme and its graduation years (of one and the same study)."""

    q = FreeText(1, 200, load_default=None)
    programme = FreeText(2, 200, load_default=None)
    graduated_from = Year(load_default=None)
    graduated_to = Year(load_default=None)
    page = Page()
    per_page = PerPage()

    @validates_schema
    def _years_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("graduated_from"), data.get("graduated_to")
        if start and end and start > end:
            raise ValidationError("Must not come before graduated_from.", "graduated_to")


class DirectoryQuery(StudyFilters):
    """The member directory's filters (profiles' ``directory``)."""


class MentorSearchQuery(StudyFilters):
    """Mentor search's filters (profiles' ``search_mentors``): profiles checks
    sector and activity against its catalogues and the codes against ISO's."""

    sector = FreeText(1, 60, load_default=None, metadata={"description": "a sector's id"})
    activity = FreeText(1, 60, load_default=None, metadata={"description": "an activity's id"})
    country = FreeText(1, 100, load_default=None, metadata={"description": "ISO 3166, e.g. NL"})
    language = FreeText(1, 100, load_default=None, metadata={"description": "ISO 639-1, e.g. nl"})
