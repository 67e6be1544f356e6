"""The public API's contract: what each operation takes, as the marshmallow
schemas that check it.

The gateway's views load their query strings with these (gateway.request_input)
and the services load the same parameters with the same schemas, so a field
list or a rule is written once, here.  Each field's check of its kind of value
(paging, free text, booleans, ids) is in :mod:`mentornet_contracts.inputs`.
"""

from collections.abc import Iterable
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from mentornet_contracts.events import DECLINE_REASONS
from mentornet_contracts.inputs import (
    BIGINT,
    Flag,
    FreeText,
    MemberId,
    Page,
    Paging,
    Parameters,
    PerPage,
    WholeNumber,
)
from mentornet_contracts.statuses import ReportStatus, RequestStatus, ReviewStatus, Role

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


# -- request bodies ------------------------------------------------------------------
class Body(Schema):
    """A JSON request body: unknown fields refused, a missing one named."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.error_messages["required"] = "This field is required."


def Text(low: int = 0, high: int = 200, **kwargs: Any) -> fields.String:
    """A string of ``low`` to ``high`` characters (the service says what else it needs)."""
    return fields.String(validate=validate.Length(min=low, max=high), **kwargs)


class Registration(Body):
    """The sign-up form (step 4); identity checks every rule (names, age,
    password strength, that the confirmations match)."""

    first_name = Text(1, 100, required=True, metadata={"example": "Mila"})
    middle_names = Text(0, 100, metadata={"example": ""})
    last_name = Text(1, 100, required=True, metadata={"example": "de Vries"})
    maiden_name = Text(0, 100)
    date_of_birth = fields.Date(required=True, metadata={"example": "1990-04-12"})
    username = Text(3, 40, required=True, metadata={"example": "mila.devries"})
    password = Text(1, 1000, required=True, metadata={"example": "tulips along the canal"})
    password_confirmation = Text(1, 1000, required=True)
    email = fields.String(required=True, metadata={"format": "email"})
    email_confirmation = fields.String(required=True, metadata={"format": "email"})
    security_question = Text(5, 200, required=True)
    security_answer = Text(1, 200, required=True)
    accept_privacy_policy = Flag(required=True)
    accept_terms = Flag(required=True)
    language = Language()


class Login(Body):
    username = Text(1, 320, required=True, metadata={"description": "username or e-mail"})
    password = Text(1, 1000, required=True)


class Token(Body):
    token = Text(1, 200, required=True)


class Affiliation(Body):
    role = one_of(tuple(Role), required=True)
    record_number = Text(1, 40, required=True, metadata={"example": "S1234567"})
    request_review = Flag(load_default=False)
    note = Text(0, 1000)


class StudyDetails(Body):
    institution = Text(2, 200, required=True)
    programme = Text(2, 200, required=True)
    faculty = Text(0, 200)
    year_started = fields.Integer(required=True, strict=True)
    year_graduated = fields.Integer(allow_none=True, strict=True)


class Agreement(Body):
    version = fields.String(required=True, metadata={"example": "1"})
    agree = Flag(required=True)


class PasswordChange(Body):
    current_password = Text(1, 1000, required=True)
    password = Text(1, 1000, required=True)
    password_confirmation = Text(1, 1000, required=True)


class EmailChange(Body):
    email = fields.String(required=True, metadata={"format": "email"})
    email_confirmation = fields.String(required=True, metadata={"format": "email"})
    password = Text(1, 1000, required=True)


class Password(Body):
    password = Text(1, 1000, required=True)


class LanguageChoice(Body):
    language = one_of(LANGUAGES, required=True)


class ResetRequest(Body):
    login = Text(1, 320, required=True, metadata={"description": "username or e-mail"})


class ResetVerify(Body):
    token = Text(1, 200, required=True)
    security_answer = Text(1, 200, required=True)


class ResetComplete(Body):
    reset_token = Text(1, 200, required=True)
    password = Text(1, 1000, required=True)
    password_confirmation = Text(1, 1000, required=True)


class DownloadToken(Body):
    token = Text(1, 200, required=True, metadata={"description": "the e-mailed link's token"})


class Decision(Body):
    reason = Text(0, 2000, load_default="")


class MentoringRequest(Body):
    mentor_id = MemberId(required=True)
    activities = fields.List(fields.String(), required=True, metadata={"example": ["cv_review"]})
    message = fields.String(required=True, metadata={"example": "Could you review my CV?"})


class Reply(Body):
    """Accepting names the mentor's own words reply, as declining does."""

    reply = fields.String(load_default="")


class Decline(Body):
    reason = one_of(tuple(DECLINE_REASONS), required=True)
    reply = fields.String(load_default="")


class EndRelationship(Body):
    # Required by mentoring (its error names the field); optional here so the
    # refusal is mentoring's own words.
    outcome = fields.String(load_default=None, metadata={"example": "completed"})
    reason = fields.String(load_default="")


class GiveFeedback(Body):
    rating = fields.Raw(load_default=None, metadata={"example": 4})
    comment = fields.String(load_default="")


class PreferenceItem(Body):
    event_type = fields.String(required=True, metadata={"example": "new_message"})
    in_app = Flag(required=True)
    email = Flag(required=True)


class Preferences(Body):
    items = fields.List(fields.Nested(PreferenceItem))
    allow_messages_from_members = Flag()


class NewConversation(Body):
    recipient_id = MemberId(required=True)
    body = fields.String(required=True, metadata={"example": "Hello!"})


class NewMessage(Body):
    body = fields.String(required=True, metadata={"example": "Thank you!"})


class Report(Body):
    reason = fields.String(required=True, metadata={"example": "Spam"})


class Helpdesk(Body):
    name = fields.String(required=True)
    email = fields.String(required=True, metadata={"format": "email"})
    subject = fields.String(required=True)
    message = fields.String(required=True)
    language = one_of(LANGUAGES)


class ServiceUpdate(Body):
    """An update in both languages: each member reads it in theirs."""

    title_en = fields.String(required=True, metadata={"example": "Maintenance tonight"})
    body_en = fields.String(required=True)
    title_nl = fields.String(required=True, metadata={"example": "Vanavond onderhoud"})
    body_nl = fields.String(required=True)
    expires_at = fields.String(
        allow_none=True,
        metadata={
            "description": "shown until then: an ISO date-time with a time zone, or a date "
            "(YYYY-MM-DD: through that day, UTC); none: until withdrawn",
            "example": "2026-12-31",
        },
    )


class DeadLetterReplay(Body):
    """Which parked events to replay: the ids listed, or every one."""

    ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, BIGINT)),
        validate=validate.Length(1, 1000),
        metadata={"example": [17, 18]},
    )
    all = Flag(metadata={"description": "true: every parked event of the service"})

    @validates_schema
    def _ids_or_all(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("ids") and data.get("all"):
            raise ValidationError("Give either ids or all, not both.", "all")
        if not data.get("ids") and not data.get("all"):
            raise ValidationError("Give the ids to replay, or all: true.", "ids")


class RecordsFile(Body):
    """The university's records as a CSV file's text (identity.records' columns)."""

    file_name = Text(1, 200, required=True, metadata={"example": "records-2026.csv"})
    content = fields.String(
        required=True,
        metadata={
            "description": "the file's text: a header (record_number, role, first_name, "
            "last_name, date_of_birth, programme, faculty, year_started, year_graduated, "
            "email), then a record a line; at most 1 MB",
            "example": "record_number,role,first_name,last_name,date_of_birth,programme,"
            "faculty,year_started,year_graduated,email\r\n"
            "S1234567,student,Noor,Jansen,2003-05-01,History,Humanities,2021,,\r\n",
        },
    )


class RecordsConfirmation(Body):
    checksum = fields.String(
        required=True,
        metadata={
            "description": "the preview's checksum: only the file previewed is loaded",
            "example": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        },
    )


class MemberWarning(Body):
    warning = fields.String(
        required=True,
        metadata={
            "description": "why the member is warned (they are told), 1 to 400 characters",
            "example": "Please keep your messages friendly.",
        },
    )


class SuspensionReason(Body):
    reason = fields.String(
        required=True,
        metadata={
            "description": "why, 1 to 2000 characters (kept in the audit log)",
            "example": "Repeated insults after a warning.",
        },
    )


class Position(Body):
    organisation = Text(1, 200, required=True)
    title = Text(1, 200, required=True)
    sector = fields.String(metadata={"description": "a sector's id, or blank"})
    location = Text(0, 200)
    start_month = fields.String(required=True, metadata={"example": "2015-01"})
    end_month = fields.String(allow_none=True, metadata={"example": "2019-06"})
    current = Flag()


class Education(Body):
    institution = Text(2, 200, required=True)
    programme = Text(2, 200, required=True)
    faculty = Text(0, 200)
    year_started = fields.Integer(allow_none=True, strict=True)
    year_graduated = fields.Integer(allow_none=True, strict=True)


class Address(Body):
    line1 = Text(0, 200)
    line2 = Text(0, 200)
    city = Text(0, 100)
    region = Text(0, 100)
    postcode = Text(0, 20)
    country = fields.String(metadata={"description": "ISO 3166, e.g. NL"})


class ProfilePatch(Body):
    """Every field optional: those given replace what was there (lists whole)."""

    first_name = Text(1, 100)
    middle_names = Text(0, 100)
    last_name = Text(1, 100)
    headline = Text(0, 125)
    bio = Text(0, 5000)
    positions = fields.List(fields.Nested(Position), validate=validate.Length(max=50))
    education = fields.List(fields.Nested(Education), validate=validate.Length(max=20))
    address = fields.Nested(Address)
    website = Text(0, 300)
    skype = Text(0, 32)
    linkedin_url = Text(0, 300)


class MentorSettings(Body):
    available = Flag(required=True)
    activities = fields.List(fields.String(), required=True, metadata={"example": ["cv_review"]})
    max_mentees = fields.Integer(required=True, strict=True, metadata={"example": 2})
    sectors = fields.List(fields.String())
    languages = fields.List(fields.String(), metadata={"example": ["nl", "en"]})
    note = Text(0, 500)


# -- answers -------------------------------------------------------------------------
class Answer(Schema):
    """A response body.  Fields may be added to an answer (a client ignores
    what it does not know), so the document does not forbid more."""

    class Meta:
        unknown = EXCLUDE


def Moment(**kwargs: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(**kwargs)


def Id(**kwargs: Any) -> fields.Integer:
    return fields.Integer(metadata={"minimum": 1}, **kwargs)


def Uuid(**kwargs: Any) -> fields.String:
    return fields.String(metadata={"format": "uuid"}, **kwargs)


def items(schema: type[Schema], **kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(schema), required=True, **kwargs)


class ErrorDetail(Answer):
    code = fields.String(required=True, metadata={"example": "invalid_input"})
    message = fields.String(required=True, metadata={"example": "Some fields need your attention."})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "each bad field (a dotted path into the body) and what is wrong",
            "example": {"page": ["Must be a whole number."]},
        },
    )


class Error(Answer):
    """Every error of the API: ``{"error": {"code", "message", "fields"?}}``."""

    error = fields.Nested(ErrorDetail, required=True)


class Health(Answer):
    status = one_of(("ok",), required=True)


class Readiness(Answer):
    status = one_of(("ok", "unavailable"), required=True)
    services = fields.Dict(
        keys=fields.String(), values=fields.String(metadata={"enum": ["ok", "unavailable"]})
    )
    error = fields.Nested(ErrorDetail)


class OpenApiDocument(Answer):
    openapi = fields.String(required=True, metadata={"example": "3.1.0"})


class UsernameSuggestion(Answer):
    username = fields.String(required=True, metadata={"example": "mila.devries"})


class UsernameAvailability(Answer):
    username = fields.String(required=True)
    available = fields.Boolean(required=True)


class SecurityQuestions(Answer):
    items = fields.List(fields.String(), required=True)
    own_question_allowed = fields.Boolean(required=True)


class OnboardingStatus(Answer):
    completed = fields.Boolean(required=True)
    next_step = fields.String(required=True, metadata={"example": "affiliation"})
    account_ready = fields.Boolean(required=True)
    affiliation_status = fields.String(required=True)
    joined_before = fields.Boolean(
        required=True,
        metadata={
            "description": "finished onboarding once: what is open again is agreeing to "
            "new guidelines"
        },
    )


class StudyDetailsShown(Answer):
    institution = fields.String()
    programme = fields.String()
    faculty = fields.String()
    year_started = fields.Integer(allow_none=True)
    year_graduated = fields.Integer(allow_none=True)


class ReviewShown(Answer):
    status = fields.String(required=True)
    role = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    requested_at = Moment()
    decided_at = Moment(allow_none=True)


class OnboardingProgress(OnboardingStatus):
    role = fields.String(allow_none=True)
    study_details = fields.Nested(StudyDetailsShown)
    account_parts = fields.Dict(keys=fields.String(), values=fields.Boolean())
    review = fields.Nested(ReviewShown, allow_none=True)


class Account(Answer):
    user_id = Uuid(required=True)
    username = fields.String(required=True)
    email = fields.String()
    first_name = fields.String()
    middle_names = fields.String(allow_none=True)
    last_name = fields.String()
    maiden_name = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    language = fields.String()
    created_at = Moment()


class Registered(Answer):
    account = fields.Nested(Account, required=True)
    token = fields.String(required=True)
    onboarding = fields.Nested(OnboardingStatus, required=True)


class LoggedIn(Answer):
    token = fields.String(required=True)
    user_id = Uuid(required=True)
    onboarding = fields.Nested(OnboardingStatus, required=True)


class EmailConfirmed(Answer):
    user_id = Uuid(required=True)
    email = fields.String(required=True)
    confirmed = fields.Boolean(required=True)


class NewToken(Answer):
    token = fields.String(required=True)


class EmailChangePending(Answer):
    pending_email = fields.String(required=True)
    confirmation_sent = fields.Boolean(required=True)


class LanguageChanged(Answer):
    user_id = Uuid(required=True)
    language = fields.String(required=True)


class DataExport(Answer):
    id = Uuid(required=True)
    state = fields.String(required=True, metadata={"example": "pending"})
    requested_at = Moment(required=True)
    ready_at = Moment(allow_none=True)
    expires_at = Moment(allow_none=True)
    downloaded_at = Moment(allow_none=True)


class LatestDataExport(Answer):
    export = fields.Nested(DataExport, required=True, allow_none=True)


class Accepted(Answer):
    accepted = fields.Boolean(required=True)
    message = fields.String(required=True)


class SecurityQuestion(Answer):
    security_question = fields.String(required=True)


class ResetGranted(Answer):
    reset_token = fields.String(required=True)


class PasswordReset(Answer):
    token = fields.String(required=True)
    user_id = Uuid(required=True)


class AffiliationAnswer(Answer):
    status = one_of(("verified", "pending_review"), required=True)
    role = fields.String(required=True)
    study_details = fields.Nested(StudyDetailsShown, allow_none=True)


class GuidelinesSection(Answer):
    id = fields.String(required=True, metadata={"example": "mentors"})
    title = fields.String(required=True)
    body = fields.String(required=True)


class Guidelines(Answer):
    version = fields.String(required=True)
    language = fields.String(required=True)
    title = fields.String(required=True)
    sections = items(GuidelinesSection)


class CatalogueItem(Answer):
    id = fields.String(required=True, metadata={"example": "cv_review"})
    label = fields.String(required=True)


class Catalogue(Answer):
    items = items(CatalogueItem)


class MentorOffer(Answer):
    available = fields.Boolean(required=True)
    activities = fields.List(fields.String(), required=True)
    max_mentees = fields.Integer(required=True)
    sectors = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)
    note = fields.String(allow_none=True)
    current_mentees = fields.Integer()
    room_left = fields.Integer()
    eligible = fields.Boolean()


class PositionShown(Answer):
    id = fields.Integer()
    organisation = fields.String()
    title = fields.String()
    sector = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    start_month = fields.String(allow_none=True)
    end_month = fields.String(allow_none=True)
    current = fields.Boolean()
    source = fields.String(allow_none=True)


class EducationShown(Answer):
    id = fields.Integer()
    institution = fields.String()
    programme = fields.String()
    faculty = fields.String(allow_none=True)
    year_started = fields.Integer(allow_none=True)
    year_graduated = fields.Integer(allow_none=True)
    verified = fields.Boolean()
    source = fields.String(allow_none=True)


class AddressShown(Answer):
    line1 = fields.String(allow_none=True)
    line2 = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    country = fields.String(allow_none=True)


class Completeness(Answer):
    score = fields.Integer(required=True, metadata={"minimum": 0, "maximum": 100})
    missing = fields.List(fields.String(), required=True)


class LinkedInLink(Answer):
    connected = fields.Boolean(required=True)
    connected_at = Moment(allow_none=True)
    imported_at = Moment(allow_none=True)


class Profile(Answer):
    """A member's profile as the viewer may see it: contact details and the
    address for the member and their mentoring partners only; username,
    completeness and the LinkedIn link for the member alone."""

    user_id = Uuid(required=True)
    first_name = fields.String(required=True)
    middle_names = fields.String(allow_none=True)
    last_name = fields.String(required=True)
    headline = fields.String(allow_none=True)
    bio = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    verified = fields.Boolean(required=True)
    positions = items(PositionShown)
    education = items(EducationShown)
    mentor = fields.Nested(MentorOffer, required=True)
    photo = fields.String(allow_none=True, metadata={"description": "the photo's digest"})
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    skype = fields.String(allow_none=True)
    linkedin_url = fields.String(allow_none=True)
    address = fields.Nested(AddressShown)
    username = fields.String()
    completeness = fields.Nested(Completeness)
    updated_at = Moment()
    linkedin = fields.Nested(LinkedInLink)


class Titled(Answer):
    title = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)


class Study(Answer):
    programme = fields.String(allow_none=True)
    year_graduated = fields.Integer(allow_none=True)


class MemberCard(Answer):
    user_id = Uuid(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    headline = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    current_position = fields.Nested(Titled, allow_none=True)
    study = fields.Nested(Study, allow_none=True)


class MentorCard(MemberCard):
    sectors = fields.List(fields.String(), required=True)
    activities = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)
    room_left = fields.Integer(required=True)


class Page_(Answer):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class MentorsFound(Page_):
    items = items(MentorCard)


class MembersFound(Page_):
    items = items(MemberCard)


class SectorCount(Answer):
    sector = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class MentoringRequestShown(Answer):
    id = Id(required=True)
    mentee_id = Uuid(required=True)
    mentor_id = Uuid(required=True)
    activities = fields.List(fields.String(), required=True)
    message = fields.String(required=True)
    status = one_of(REQUEST_STATUSES, required=True)
    reply = fields.String(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    created_at = Moment(required=True)
    expires_at = Moment(required=True)
    decided_at = Moment(allow_none=True)
    relationship_id = fields.Integer(allow_none=True)


class HistoryEntry(Answer):
    status = one_of(REQUEST_STATUSES, required=True)
    actor_id = fields.String(allow_none=True, metadata={"description": "who changed it"})
    note = fields.String(allow_none=True)
    at = Moment(required=True)


class History(Answer):
    items = items(HistoryEntry)


class MentoringRequestWithHistory(MentoringRequestShown):
    history = fields.List(fields.Nested(HistoryEntry), required=True)
    my_role = one_of(("mentor", "mentee"), required=True)


class MentoringRequests(Answer):
    items = items(MentoringRequestShown)
    box = one_of(REQUEST_BOXES, required=True)


class Relationship(Answer):
    id = Id(required=True)
    mentor_id = Uuid(required=True)
    mentee_id = Uuid(required=True)
    my_role = one_of(("mentor", "mentee"), required=True)
    activities = fields.List(fields.String(), required=True)
    started_at = Moment(required=True)
    ended_at = Moment(allow_none=True)
    ended_by = fields.String(allow_none=True)
    end_reason = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    request_id = fields.Integer(allow_none=True)


class FeedbackStatus(Answer):
    """The caller's own feedback on a relationship: never the partner's."""

    relationship_id = Id(required=True)
    ended = fields.Boolean(required=True)
    given = fields.Boolean(required=True)
    can_give = fields.Boolean(required=True)


class FeedbackGiven(Answer):
    relationship_id = Id(required=True)
    given = fields.Boolean(required=True)


class Relationships(Answer):
    items = items(Relationship)


class RequestAccepted(Answer):
    request = fields.Nested(MentoringRequestShown, required=True)
    relationship = fields.Nested(Relationship, required=True)


class Notification(Answer):
    id = Id(required=True)
    type = fields.String(required=True)
    text = fields.String(required=True)
    text_html = fields.String(required=True)
    link = fields.String(allow_none=True)
    read = fields.Boolean(required=True)
    created_at = Moment(required=True)


class Notifications(Page_):
    items = items(Notification)
    unread_count = fields.Integer(required=True)


class UnreadCount(Answer):
    unread_count = fields.Integer(required=True)


class MarkedRead(UnreadCount):
    id = Id(required=True)
    read = fields.Boolean(required=True)


class PreferenceShown(Answer):
    event_type = fields.String(required=True)
    in_app = fields.Boolean(required=True)
    email = fields.Boolean(required=True)


class PreferencesShown(Answer):
    items = items(PreferenceShown)
    allow_messages_from_members = fields.Boolean(required=True)


class Person(Answer):
    user_id = Uuid(required=True)
    name = fields.String(allow_none=True)


class ConversationShown(Answer):
    id = Id(required=True)
    with_ = fields.Nested(Person, data_key="with", required=True)
    last_message_at = Moment(required=True)
    unread_count = fields.Integer(required=True)


class Conversations(Page_):
    items = items(ConversationShown)


class Message(Answer):
    id = Id(required=True)
    conversation_id = Id(required=True)
    sender_id = Uuid(required=True)
    recipient_id = Uuid(required=True)
    body = fields.String(required=True)
    body_html = fields.String(required=True)
    created_at = Moment(required=True)
    read = fields.Boolean(required=True)


class ConversationStarted(ConversationShown):
    message = fields.Nested(Message, required=True)


class Messages(Page_):
    conversation = fields.Dict(required=True)
    items = items(Message)


class Blocked(Answer):
    blocked = Uuid(required=True)


class Unblocked(Answer):
    unblocked = Uuid(required=True)


class ReportFiled(Answer):
    id = Id(required=True)
    status = fields.String(required=True)


class HelpdeskReceived(Answer):
    id = Id(required=True)
    received = fields.Boolean(required=True)
    receipt_sent = fields.Boolean(required=True)


class ServiceUpdateShown(Answer):
    """An update as a reader sees it: in one language."""

    id = Id(required=True)
    language = fields.String(required=True, metadata={"enum": list(LANGUAGES)})
    title = fields.String(required=True)
    body = fields.String(required=True)
    published_at = Moment(allow_none=True)
    expires_at = Moment(allow_none=True)


class ServiceUpdatePublished(Answer):
    """An update as the operators see it: both languages and its state."""

    id = Id(required=True)
    title_en = fields.String(required=True)
    body_en = fields.String(required=True)
    title_nl = fields.String(required=True)
    body_nl = fields.String(required=True)
    published_at = Moment(allow_none=True)
    expires_at = Moment(allow_none=True)
    withdrawn_at = Moment(allow_none=True)
    state = fields.String(required=True, metadata={"enum": ["shown", "ended", "withdrawn"]})


class ServiceUpdates(Answer):
    items = items(ServiceUpdateShown)


class AffiliationReview(Answer):
    id = Id(required=True)
    user_id = Uuid(required=True)
    role = fields.String(required=True)
    record_number = fields.String(required=True)
    note = fields.String(allow_none=True)
    status = fields.String(required=True)
    first_name = fields.String()
    last_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    email = fields.String()
    created_at = Moment(required=True)
    decided_at = Moment(allow_none=True)
    decided_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class AffiliationReviews(Answer):
    items = items(AffiliationReview)


class ReviewDecided(Answer):
    id = Id(required=True)
    status = fields.String(required=True)
    user_id = Uuid(required=True)


class MessageReport(Answer):
    id = Id(required=True)
    message_id = Id(required=True)
    reporter_id = Uuid(required=True)
    reason = fields.String(required=True)
    sender_id = Uuid(required=True)
    body = fields.String(required=True)
    created_at = Moment(required=True)


class MessageReports(Answer):
    items = items(MessageReport)


class StatisticsFigure(Answer):
    figure = fields.String(required=True, metadata={"example": "acceptance_rate"})
    label = fields.String(
        required=True,
        metadata={
            "description": "in the language of Accept-Language (English or Dutch)",
            "example": "Acceptance rate (accepted of those answered)",
        },
    )
    value = fields.Float(
        required=True, allow_none=True, metadata={"description": "none yet: null", "example": 0.75}
    )


class StatisticsSection(Answer):
    section = fields.String(required=True, metadata={"example": "requests"})
    title = fields.String(required=True, metadata={"example": "Answers to requests"})
    figures = items(StatisticsFigure)


class NetworkStatistics(Answer):
    """The console's statistics page's figures (and its CSV's), section by section."""

    sections = items(StatisticsSection)


class DeadLetter(Answer):
    id = Id(required=True)
    event_id = Uuid(required=True)
    event_type = fields.String(required=True, metadata={"example": "account_registered"})
    handler = fields.String(required=True)
    status = fields.String(required=True, metadata={"example": "dead"})
    attempts = fields.Integer(required=True)
    error = fields.String(required=True, metadata={"description": "the last failure"})
    parked_at = Moment(allow_none=True)
    first_failed_at = Moment(allow_none=True)


class DeadLetters(Answer):
    items = items(DeadLetter)
    retrying = fields.Integer(
        required=True, metadata={"description": "failures still waiting for a retry"}
    )


class DeadLetterShown(DeadLetter):
    source = fields.String(required=True, metadata={"example": "identity"})
    version = fields.Raw(allow_none=True, metadata={"example": 1})
    occurred_at = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)
    payload = fields.Raw(
        required=True, metadata={"description": "the event's data (no single-use links)"}
    )


class DeadLettersReplayed(Answer):
    replayed = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "the ids put back in the retry queue", "example": [17]},
    )


class RecordsProblem(Answer):
    line = fields.Integer(allow_none=True, metadata={"description": "null: the whole file"})
    code = fields.String(required=True, metadata={"example": "not_a_role"})
    params = fields.Dict(
        required=True, metadata={"example": {"value": "teacher", "roles": ["student", "alumnus"]}}
    )


class RecordsUpload(Answer):
    """A staged file's preview: confirm ``id`` with ``checksum`` to load it."""

    id = Uuid(required=True)
    file_name = fields.String(required=True, metadata={"example": "records-2026.csv"})
    checksum = fields.String(required=True)
    rows = fields.Integer(required=True, metadata={"example": 1})
    added = fields.Integer(required=True, metadata={"example": 1})
    updated = fields.Integer(required=True, metadata={"example": 0})
    sample = fields.List(fields.Dict(), required=True, metadata={"description": "the first rows"})
    problems = items(RecordsProblem, metadata={"description": "each bad line (the first 100)"})
    problem_count = fields.Integer(required=True, metadata={"example": 0})
    staged_by = fields.String(required=True)
    staged_at = Moment(required=True)
    expires_at = Moment(required=True)
    expired = fields.Boolean(required=True)
    loaded_by = fields.String(allow_none=True)
    loaded_at = Moment(allow_none=True)


class RecordsLoaded(RecordsUpload):
    loaded = fields.Boolean(
        required=True, metadata={"description": "false: it was loaded before, not again"}
    )


class ReportPerson(Answer):
    user_id = Uuid(required=True)
    name = fields.String(allow_none=True, metadata={"example": "Anna de Vries"})
    username = fields.String(allow_none=True, metadata={"description": "null: the account is gone"})
    suspended = fields.Boolean(allow_none=True)


class ContextMessage(Message):
    sender_name = fields.String(allow_none=True)
    reported = fields.Boolean(required=True)


class MessageReportInContext(Answer):
    """A report, its message and the messages around it (oldest first)."""

    id = Id(required=True)
    status = fields.String(required=True, metadata={"enum": list(REPORT_STATUSES)})
    reason = fields.String(required=True)
    created_at = Moment(required=True)
    warned_at = Moment(allow_none=True)
    closed_at = Moment(allow_none=True)
    message_id = Id(required=True)
    writer = fields.Nested(ReportPerson, required=True)
    reporter = fields.Nested(ReportPerson, required=True)
    context_ = items(ContextMessage, data_key="context")


class MemberWarned(Answer):
    id = Id(required=True)
    user_id = Uuid(required=True)
    warned_at = Moment(required=True)


class ReportClosed(Answer):
    id = Id(required=True)
    status = fields.String(required=True, metadata={"example": "closed"})
    user_id = Uuid(required=True)


class SuspensionChanged(Answer):
    user_id = Uuid(required=True)
    suspended = fields.Boolean(required=True)


class Dashboard(Answer):
    """What three services know, in one answer; ``unavailable`` names the
    services that did not answer, whose parts are null."""

    me = fields.Dict(allow_none=True)
    unread_count = fields.Integer(allow_none=True)
    relationships = fields.List(fields.Nested(Relationship), allow_none=True)
    requests = fields.Dict(allow_none=True)
    sector_cloud = fields.List(fields.Nested(SectorCount), allow_none=True)
    recommended_mentors = fields.List(fields.Dict(), allow_none=True)
    service_updates = fields.List(fields.Nested(ServiceUpdateShown), allow_none=True)
    unavailable = fields.List(fields.String(), required=True)


# -- the operations ------------------------------------------------------------------
class Operation:
    """One operation of the API: what it takes and answers, and who may call it.

    ``query`` and ``body`` are the schemas its view loads (gateway.request_input
    finds them here by the request's route, so a view has no field list of its
    own); ``forwarded``: the body goes as it is to the service, whose schema
    checks it (tests/test_api_document.py holds the two to the same fields);
    ``access``: ``public``, ``member`` (a session's bearer token) or
    ``operator`` (a named API key, scoped to the operation's area)."""

    def __init__(
        self,
        summary: str,
        answers: dict[int, tuple[Any, str]],
        query: type[Parameters] | None = None,
        body: type[Schema] | None = None,
        access: str = "public",
        body_optional: bool = False,
        forwarded: bool = False,
        tag: str | None = None,
    ) -> None:
        self.summary, self.answers, self.query, self.body = summary, answers, query, body
        self.access, self.body_optional, self.forwarded, self.tag = (
            access,
            body_optional,
            forwarded,
            tag,
        )


def ok(schema: Any, description: str = "OK", status: int = 200) -> dict[int, tuple[Any, str]]:
    return {status: (schema, description)}


V1 = "/api/v1"
OPERATIONS = {
    # health, and this document
    ("get", "/healthz"): Operation(
        "The gateway is alive (it calls nothing)", ok(Health), tag="health"
    ),
    ("get", "/readyz"): Operation(
        "Every service answers; 503 names the ones that do not",
        {200: (Readiness, "ready"), 503: (Readiness, "not ready: names the services down")},
        tag="health",
    ),
    ("get", V1 + "/openapi.json"): Operation("This document", ok(OpenApiDocument), tag="health"),
    ("get", "/api/docs"): Operation(
        "This document for a person (Swagger UI)", ok("text/html", "a page"), tag="health"
    ),
    # accounts
    ("get", V1 + "/usernames/suggestion"): Operation(
        "Suggest a free username (firstname.lastname)",
        ok(UsernameSuggestion),
        query=UsernameSuggestionQuery,
        tag="accounts",
    ),
    ("get", V1 + "/usernames/availability"): Operation(
        "Is a username free?", ok(UsernameAvailability), query=UsernameQuery, tag="accounts"
    ),
    ("get", V1 + "/security-questions"): Operation(
        "The configured security questions",
        ok(SecurityQuestions),
        query=LanguageQuery,
        tag="accounts",
    ),
    ("post", V1 + "/accounts"): Operation(
        "Sign up (step 4 of the guide); the same answer whether or not the address has an "
        "account.  An Idempotency-Key header makes a retried sign-up create one account.",
        ok(Registered, "account, token and onboarding", 201),
        body=Registration,
        forwarded=True,
        tag="accounts",
    ),
    ("post", V1 + "/email-confirmations"): Operation(
        "Confirm an address with its e-mailed link's token",
        ok(EmailConfirmed),
        body=Token,
        tag="accounts",
    ),
    ("post", V1 + "/auth/login"): Operation(
        "Log in with a username or e-mail address", ok(LoggedIn), body=Login, tag="accounts"
    ),
    ("post", V1 + "/auth/logout"): Operation(
        "Log out (the token ends)", ok(None, "logged out", 204), access="member", tag="accounts"
    ),
    ("post", V1 + "/me/password"): Operation(
        "Change the password: every other session ends, a new token is answered",
        ok(NewToken),
        body=PasswordChange,
        access="member",
        tag="accounts",
    ),
    ("put", V1 + "/me/email"): Operation(
        "Change the e-mail address (confirmed by a link sent to the new one)",
        ok(EmailChangePending, "a confirmation is on its way", 202),
        body=EmailChange,
        access="member",
        tag="accounts",
    ),
    ("put", V1 + "/me/language"): Operation(
        "Change the language of the pages, mails and notifications",
        ok(LanguageChanged),
        body=LanguageChoice,
        access="member",
        tag="accounts",
    ),
    ("delete", V1 + "/me/account"): Operation(
        "Delete the account: every session ends now and each service erases the member",
        ok(None, "deleted", 204),
        body=Password,
        access="member",
        tag="accounts",
    ),
    ("post", V1 + "/me/data-exports"): Operation(
        "Ask for my data: the services assemble the archive and I am told",
        ok(DataExport, "the export (pending while it is assembled)", 202),
        access="member",
        tag="accounts",
    ),
    ("get", V1 + "/me/data-exports"): Operation(
        "My latest data export and its state (or null)",
        ok(LatestDataExport),
        access="member",
        tag="accounts",
    ),
    ("post", V1 + "/me/data-exports/download"): Operation(
        "Download the archive once, with the link's token (a zip file)",
        ok("application/zip", "the archive"),
        body=DownloadToken,
        access="member",
        tag="accounts",
    ),
    ("post", V1 + "/password-resets"): Operation(
        "Ask for a reset link; the same answer whether or not the login exists",
        ok(Accepted, "accepted", 202),
        body=ResetRequest,
        tag="accounts",
    ),
    ("get", V1 + "/password-resets/question"): Operation(
        "The security question of a reset link's account",
        ok(SecurityQuestion),
        query=ResetQuestionQuery,
        tag="accounts",
    ),
    ("post", V1 + "/password-resets/verify"): Operation(
        "Answer the security question: a reset token",
        ok(ResetGranted),
        body=ResetVerify,
        tag="accounts",
    ),
    ("post", V1 + "/password-resets/complete"): Operation(
        "Set the new password: logged in", ok(PasswordReset), body=ResetComplete, tag="accounts"
    ),
    # onboarding
    ("get", V1 + "/onboarding"): Operation(
        "Onboarding progress and the next step",
        ok(OnboardingProgress),
        access="member",
        tag="onboarding",
    ),
    ("post", V1 + "/onboarding/affiliation"): Operation(
        "Verify as a student, alumnus or staff (step 5), or ask for a manual review",
        ok(AffiliationAnswer),
        body=Affiliation,
        access="member",
        tag="onboarding",
    ),
    ("put", V1 + "/onboarding/study-details"): Operation(
        "Study details (step 6)",
        ok(OnboardingStatus),
        body=StudyDetails,
        access="member",
        forwarded=True,
        tag="onboarding",
    ),
    ("get", V1 + "/guidelines"): Operation(
        "The current, versioned guidelines", ok(Guidelines), query=LanguageQuery, tag="onboarding"
    ),
    ("post", V1 + "/onboarding/guidelines"): Operation(
        "Agree to the guidelines' current version (step 8)",
        ok(OnboardingStatus),
        body=Agreement,
        access="member",
        tag="onboarding",
    ),
    ("post", V1 + "/onboarding/introduction"): Operation(
        "Finish the introduction: onboarding is complete (step 9)",
        ok(OnboardingStatus),
        access="member",
        tag="onboarding",
    ),
    # profiles
    ("get", V1 + "/me/profile"): Operation(
        "The member's own profile", ok(Profile), access="member", tag="profiles"
    ),
    ("patch", V1 + "/me/profile"): Operation(
        "Change the profile: the fields given replace what was there (lists whole)",
        ok(Profile),
        body=ProfilePatch,
        access="member",
        forwarded=True,
        tag="profiles",
    ),
    ("put", V1 + "/me/mentor-settings"): Operation(
        "Offer mentoring: availability, activities, how many mentees",
        ok(MentorOffer),
        body=MentorSettings,
        access="member",
        forwarded=True,
        tag="profiles",
    ),
    ("get", V1 + "/profiles/{user_id}"): Operation(
        "A member's profile as the viewer may see it (verified members only)",
        ok(Profile),
        access="member",
        tag="profiles",
    ),
    ("get", V1 + "/activities"): Operation(
        "The activities a mentor may offer", ok(Catalogue), query=LanguageQuery, tag="profiles"
    ),
    ("get", V1 + "/sectors"): Operation(
        "The sectors of the catalogue", ok(Catalogue), query=LanguageQuery, tag="profiles"
    ),
    # search
    ("get", V1 + "/mentors"): Operation(
        "Search open mentors: by relevance with q, else most room left first",
        ok(MentorsFound),
        query=MentorSearchQuery,
        access="member",
        tag="search",
    ),
    ("get", V1 + "/mentors/sectors"): Operation(
        "Open mentors per sector, most first (the sector cloud)",
        {200: ([SectorCount], "OK")},
        query=NoParameters,
        access="member",
        tag="search",
    ),
    ("get", V1 + "/directory"): Operation(
        "Every verified member, by relevance with q, else by name",
        ok(MembersFound),
        query=DirectoryQuery,
        access="member",
        tag="search",
    ),
    ("get", V1 + "/dashboard"): Operation(
        "The dashboard in one call: what profiles, mentoring and notifications know",
        ok(Dashboard),
        access="member",
        tag="dashboard",
    ),
    # mentoring
    ("post", V1 + "/mentoring/requests"): Operation(
        "Ask a mentor for activities they offer",
        ok(MentoringRequestShown, "asked", 201),
        body=MentoringRequest,
        access="member",
        tag="mentoring",
    ),
    ("get", V1 + "/mentoring/requests"): Operation(
        "The requests received (box=received) or sent (box=sent)",
        ok(MentoringRequests),
        query=RequestsQuery,
        access="member",
        tag="mentoring",
    ),
    ("get", V1 + "/mentoring/requests/{request_id}"): Operation(
        "One request, sent or received, with its history",
        ok(MentoringRequestWithHistory),
        access="member",
        tag="mentoring",
    ),
    ("get", V1 + "/mentoring/requests/{request_id}/history"): Operation(
        "Every change of a request's state", ok(History), access="member", tag="mentoring"
    ),
    ("post", V1 + "/mentoring/requests/{request_id}/accept"): Operation(
        "The mentor accepts (with an optional reply): a relationship starts",
        ok(RequestAccepted),
        body=Reply,
        body_optional=True,
        access="member",
        tag="mentoring",
    ),
    ("post", V1 + "/mentoring/requests/{request_id}/decline"): Operation(
        "The mentor declines, with a reason and an optional reply",
        ok(MentoringRequestShown),
        body=Decline,
        access="member",
        tag="mentoring",
    ),
    ("post", V1 + "/mentoring/requests/{request_id}/withdraw"): Operation(
        "The mentee withdraws a pending request",
        ok(MentoringRequestShown),
        access="member",
        tag="mentoring",
    ),
    ("get", V1 + "/mentoring/relationships"): Operation(
        "The member's relationships: current ones, or every one with current=false",
        ok(Relationships),
        query=RelationshipsQuery,
        access="member",
        tag="mentoring",
    ),
    ("get", V1 + "/mentoring/relationships/{relationship_id}"): Operation(
        "One relationship, current or ended", ok(Relationship), access="member", tag="mentoring"
    ),
    ("post", V1 + "/mentoring/relationships/{relationship_id}/end"): Operation(
        "Either party ends it: outcome completed or ended_early, with an optional reason",
        ok(Relationship),
        body=EndRelationship,
        body_optional=True,
        access="member",
        tag="mentoring",
    ),
    ("get", V1 + "/mentoring/relationships/{relationship_id}/feedback"): Operation(
        "Whether the caller may give feedback on the ended relationship, or did",
        ok(FeedbackStatus),
        access="member",
        tag="mentoring",
    ),
    ("post", V1 + "/mentoring/relationships/{relationship_id}/feedback"): Operation(
        "After the end, once: a rating 1-5 and an optional comment, for the operators' "
        "statistics only (never shown to the partner)",
        ok(FeedbackGiven),
        body=GiveFeedback,
        access="member",
        tag="mentoring",
    ),
    # notifications and the inbox
    ("get", V1 + "/notifications"): Operation(
        "The notification centre, newest first",
        ok(Notifications),
        query=NotificationsQuery,
        access="member",
        tag="notifications",
    ),
    ("get", V1 + "/notifications/unread-count"): Operation(
        "How many notifications are unread", ok(UnreadCount), access="member", tag="notifications"
    ),
    ("post", V1 + "/notifications/{notification_id}/read"): Operation(
        "Mark one notification read", ok(MarkedRead), access="member", tag="notifications"
    ),
    ("post", V1 + "/notifications/read-all"): Operation(
        "Mark every notification read", ok(UnreadCount), access="member", tag="notifications"
    ),
    ("get", V1 + "/me/notification-preferences"): Operation(
        "Which events notify in the app and by e-mail",
        ok(PreferencesShown),
        access="member",
        tag="notifications",
    ),
    ("put", V1 + "/me/notification-preferences"): Operation(
        "Change the preferences (the items given) and who may write to the member",
        ok(PreferencesShown),
        body=Preferences,
        access="member",
        forwarded=True,
        tag="notifications",
    ),
    ("get", V1 + "/conversations"): Operation(
        "The inbox's conversations, latest message first",
        ok(Conversations),
        query=Paging,
        access="member",
        tag="inbox",
    ),
    ("post", V1 + "/conversations"): Operation(
        "Write to a member: a conversation (or the one there is) and its first message",
        ok(ConversationStarted, "written", 201),
        body=NewConversation,
        access="member",
        tag="inbox",
    ),
    ("get", V1 + "/conversations/{conversation_id}/messages"): Operation(
        "A conversation's messages, newest first (reading marks them read)",
        ok(Messages),
        query=MessagesQuery,
        access="member",
        tag="inbox",
    ),
    ("post", V1 + "/conversations/{conversation_id}/messages"): Operation(
        "Reply in a conversation",
        ok(Message, "sent", 201),
        body=NewMessage,
        access="member",
        tag="inbox",
    ),
    ("post", V1 + "/members/{user_id}/block"): Operation(
        "Block a member: they can no longer write to this member",
        ok(Blocked),
        access="member",
        tag="inbox",
    ),
    ("delete", V1 + "/members/{user_id}/block"): Operation(
        "Unblock a member", ok(Unblocked), access="member", tag="inbox"
    ),
    ("post", V1 + "/messages/{message_id}/report"): Operation(
        "Report a message to the operators",
        ok(ReportFiled, "reported", 201),
        body=Report,
        access="member",
        tag="inbox",
    ),
    ("post", V1 + "/helpdesk"): Operation(
        "Write to the helpdesk (visitors too; a logged-in member gets a receipt)",
        ok(HelpdeskReceived, "received", 202),
        body=Helpdesk,
        tag="notifications",
    ),
    ("get", V1 + "/service-updates"): Operation(
        "The current service updates, in the language asked for",
        ok(ServiceUpdates),
        query=LanguageQuery,
        tag="notifications",
    ),
    # operators
    ("get", V1 + "/admin/affiliation-reviews"): Operation(
        "Operators: the affiliation reviews",
        ok(AffiliationReviews),
        query=AffiliationReviewsQuery,
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/affiliation-reviews/{review_id}/{decision}"): Operation(
        "Operators: approve or reject a review",
        ok(ReviewDecided),
        body=Decision,
        body_optional=True,
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/service-updates"): Operation(
        "Operators: publish a service update (in English and Dutch)",
        ok(ServiceUpdatePublished, "published", 201),
        body=ServiceUpdate,
        access="operator",
        tag="operators",
    ),
    ("get", V1 + "/admin/message-reports"): Operation(
        "Operators: the reported messages",
        ok(MessageReports),
        query=MessageReportsQuery,
        access="operator",
        tag="operators",
    ),
    ("get", V1 + "/admin/message-reports/{report_id}"): Operation(
        "Operators: a report with its message in context, and the members' standing",
        ok(MessageReportInContext),
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/message-reports/{report_id}/warn"): Operation(
        "Operators: warn the member who wrote the reported message (once per report)",
        ok(MemberWarned, "warned"),
        body=MemberWarning,
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/message-reports/{report_id}/suspend"): Operation(
        "Operators: suspend the member who wrote the reported message",
        ok(SuspensionChanged, "suspended"),
        body=SuspensionReason,
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/message-reports/{report_id}/unsuspend"): Operation(
        "Operators: lift that member's suspension",
        ok(SuspensionChanged, "unsuspended"),
        body=SuspensionReason,
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/message-reports/{report_id}/close"): Operation(
        "Operators: close a report",
        ok(ReportClosed, "closed"),
        access="operator",
        tag="operators",
    ),
    ("get", V1 + "/admin/statistics"): Operation(
        "Operators: the network's figures (the console's statistics), labelled in the "
        "language of Accept-Language",
        ok(NetworkStatistics),
        access="operator",
        tag="operators",
    ),
    ("get", V1 + "/admin/dead-letters/{service}"): Operation(
        "Operators: a service's parked events (identity, profiles, mentoring, notifications)",
        ok(DeadLetters),
        access="operator",
        tag="operators",
    ),
    ("get", V1 + "/admin/dead-letters/{service}/{dead_letter_id}"): Operation(
        "Operators: one parked event with its payload",
        ok(DeadLetterShown),
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/dead-letters/{service}/replay"): Operation(
        "Operators: put parked events back in the service's retry queue",
        ok(DeadLettersReplayed, "replayed (an empty list: none was waiting)"),
        body=DeadLetterReplay,
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/university-records"): Operation(
        "Operators: check and stage a CSV file of the university's records; answers its "
        "preview (counts, every bad line with its number and code)",
        ok(RecordsUpload, "staged", 201),
        body=RecordsFile,
        access="operator",
        tag="operators",
    ),
    ("post", V1 + "/admin/university-records/{upload_id}/confirm"): Operation(
        "Operators: load a staged file, whole, as previewed",
        ok(RecordsLoaded, "loaded (or loaded before: loaded is false)"),
        body=RecordsConfirmation,
        access="operator",
        tag="operators",
    ),
}
