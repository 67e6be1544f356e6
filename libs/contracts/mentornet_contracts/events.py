"""Event contracts: the envelope, each event's payload schema, and who listens.

An event leaves its service through that service's outbox as an envelope::

    {"event_id": "<uuid>", "type": "account_registered", "version": 1,
     "occurred_at": "2026-11-29T00:00:00+00:00", "data": {...}}

published on the topic exchange ``<source>.events`` with the event type as the
routing key (nameko's own event layout, so ``@event_handler`` consumes it).

:data:`SUBSCRIPTIONS` lists every consumer queue.  The publishing relay declares
them before it publishes, so an event sent before its consumer ever started
waits in the consumer's queue instead of being dropped by the broker.
"""

import builtins
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from mentornet_contracts.statuses import Role

LANGUAGES = ("en", "nl")
# Why a mentor declines a request: the ``reason`` of mentoring_request_declined,
# checked by mentoring and offered (with labels) by the gateway's page and API.
DECLINE_REASONS = ("no_capacity", "not_my_expertise", "not_available_now", "other")
# How a relationship ended: ``completed`` (its goals met) or ``ended_early``,
# chosen by the member who ends it (relationship_ended's ``outcome``).
RELATIONSHIP_OUTCOMES = ("completed", "ended_early")


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    event_id = fields.UUID(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    data = fields.Dict(required=True)


class PayloadSchema(Schema):
    # Consumers ignore fields they do not know, so a producer may add fields
    # within a version without breaking anyone.
    class Meta:
        unknown = EXCLUDE


class AccountRegisteredV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    username = fields.String(required=True)
    # None when another account has confirmed the address the member gave:
    # nothing may be mailed there for this account.  An address follows with
    # account_email_changed once the member confirms one.
    email = fields.Email(required=True, allow_none=True)
    first_name = fields.String(required=True)
    middle_names = fields.String(load_default="", dump_default="")
    last_name = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    registered_at = fields.AwareDateTime(required=True)


class LinkedInLinkedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    linked_at = fields.AwareDateTime(required=True)


class LinkedInUnlinkedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    unlinked_at = fields.AwareDateTime(required=True)


class ProfileCreatedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    created_at = fields.AwareDateTime(required=True)


class AccountDeletedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    deleted_at = fields.AwareDateTime(required=True)


class StudyDetailsSubmittedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    institution = fields.String(required=True)
    programme = fields.String(required=True)
    faculty = fields.String(load_default="", dump_default="")
    year_started = fields.Integer(required=True)
    year_graduated = fields.Integer(allow_none=True, load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(tuple(Role)))
    # True when the details come from (or were checked against) the
    # university's records, so the profile may show them as verified.
    verified = fields.Boolean(required=True)


class EmailConfirmationRequestedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    # The single-use link itself; identity keeps only its hash.
    confirmation_url = fields.Url(required=True, require_tld=False)


class PasswordResetRequestedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    reset_url = fields.Url(required=True, require_tld=False)
    expires_at = fields.AwareDateTime(required=True)


class AddressSignUpAttemptedV1(PayloadSchema):
    """Someone signed up with an address its owner had confirmed; the owner
    (``user_id``, at ``email``) is told, and the sign-up's answer said nothing."""

    user_id = fields.UUID(required=True)
    email = fields.Email(required=True)
    username = fields.String(required=True)
    first_name = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    attempted_at = fields.AwareDateTime(required=True)


class AccountEmailChangedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    email = fields.Email(required=True)


class AccountLanguageChangedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    # identity's clock: a consumer keeps the latest change if two arrive out of order
    changed_at = fields.AwareDateTime(required=True)


class AffiliationVerifiedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(tuple(Role)))
    # record: matched the university's records at once; review: an operator approved it
    method = fields.String(required=True, validate=validate.OneOf(("record", "review")))


class OnboardingCompletedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(tuple(Role)))
    completed_at = fields.AwareDateTime(required=True)


class AffiliationReviewedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    approved = fields.Boolean(required=True)
    reason = fields.String(load_default="", dump_default="")


SESSION_END_REASONS = (
    "logout",
    "password_changed",
    "password_reset",
    "account_deleted",
    "idle",
    "expired",
    "suspended",
)


class SessionEndedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    # SHA-256 (hex) of each ended session's token, as identity stores it: enough
    # to find a cached session, useless as a credential.
    sessions = fields.List(
        fields.String(validate=validate.Length(equal=64)),
        required=True,
        validate=validate.Length(min=1),
    )
    reason = fields.String(required=True, validate=validate.OneOf(SESSION_END_REASONS))
    ended_at = fields.AwareDateTime(required=True)


class AccountSuspensionV1(PayloadSchema):
    """account_suspended and account_unsuspended: ``at`` is identity's clock, so
    a consumer keeps the later of two that arrive out of order."""

    user_id = fields.UUID(required=True)
    at = fields.AwareDateTime(required=True)


class AccountEmailConfirmedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    email = fields.Email(required=True)


class MentorSettingsChangedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    available = fields.Boolean(required=True)
    activities = fields.List(fields.String(), required=True)
    max_mentees = fields.Integer(required=True)
    changed_at = fields.AwareDateTime(required=True)


class MentoringRequestEventV1(PayloadSchema):
    """Every state change of a mentoring request (created, accepted, declined,
    withdrawn, expired) and the reminder before expiry: who did it and when."""

    request_id = fields.Integer(required=True)
    mentee_id = fields.UUID(required=True)
    mentor_id = fields.UUID(required=True)
    activities = fields.List(fields.String(), required=True)
    actor_id = fields.UUID(allow_none=True, load_default=None)  # None: the system
    at = fields.AwareDateTime(required=True)
    relationship_id = fields.Integer(allow_none=True, load_default=None)
    reason = fields.String(allow_none=True, load_default=None)
    expires_at = fields.AwareDateTime(required=True)


class RelationshipEndedV1(PayloadSchema):
    relationship_id = fields.Integer(required=True)
    mentor_id = fields.UUID(required=True)
    mentee_id = fields.UUID(required=True)
    ended_by = fields.UUID(required=True)
    reason = fields.String(load_default="", dump_default="")
    at = fields.AwareDateTime(required=True)
    # Added within version 1: an event from before it loads as ended early.
    outcome = fields.String(
        load_default="ended_early", validate=validate.OneOf(RELATIONSHIP_OUTCOMES)
    )


class RelationshipQuietV1(PayloadSchema):
    """No meeting, message or goal activity in the relationship for
    ``quiet_weeks``: both members are nudged, once for this quiet spell."""

    relationship_id = fields.Integer(required=True)
    mentor_id = fields.UUID(required=True)
    mentee_id = fields.UUID(required=True)
    last_activity_at = fields.AwareDateTime(required=True)
    quiet_weeks = fields.Float(required=True)


class MentorSuggestionDueV1(PayloadSchema):
    """A member finished onboarding ``days`` ago and has asked nobody yet."""

    user_id = fields.UUID(required=True)
    onboarded_at = fields.AwareDateTime(required=True)
    days = fields.Float(required=True)


class SuggestedMentorV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    headline = fields.String(load_default="", dump_default="")
    # recommend.py's reasons: {"reason": "shared_programme", "programme": ...},
    # {"reason": "sector_of_interest", "sectors": [...]}, {"reason": "offers",
    # "activities": [...]}, {"reason": "room_left", "room_left": n}
    reasons = fields.List(fields.Dict(), required=True)
    # {language: {"sectors": {id: label}, "activities": {id: label}}} for every
    # language in LANGUAGES, so the mail is written in the member's own.
    labels = fields.Dict(required=True)


class MentorsSuggestedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    mentors = fields.List(fields.Nested(SuggestedMentorV1), required=True)


class ConversationMessageSentV1(PayloadSchema):
    """A message between two members: who and when, never what (mentoring
    counts it as activity of their relationship, if they have one)."""

    conversation_id = fields.Integer(required=True)
    message_id = fields.Integer(required=True)
    sender_id = fields.UUID(required=True)
    recipient_id = fields.UUID(required=True)
    sent_at = fields.AwareDateTime(required=True)


# A meeting in a relationship's workspace: proposed, scheduled (a time was
# picked), moved, cancelled, and the reminder the day before.
MEETING_CHANGES = ("proposed", "scheduled", "moved", "cancelled", "reminder")


class MeetingEventV1(PayloadSchema):
    """Everything a calendar invitation needs: the meeting's ``uid`` and
    ``sequence`` (raised by each move and the cancellation), its start in UTC
    (None while only proposed: then ``times`` are the proposed ones) and its
    length, the link or place, and each member's time zone (an IANA name: the
    one they last chose, or the network's default)."""

    meeting_id = fields.Integer(required=True)
    relationship_id = fields.Integer(required=True)
    mentor_id = fields.UUID(required=True)
    mentee_id = fields.UUID(required=True)
    actor_id = fields.UUID(allow_none=True, load_default=None)  # None: the reminder
    uid = fields.String(required=True)
    sequence = fields.Integer(required=True)
    starts_at = fields.AwareDateTime(allow_none=True, load_default=None)
    duration_minutes = fields.Integer(required=True)
    times = fields.List(fields.AwareDateTime(), load_default=list)
    link = fields.String(load_default="", dump_default="")
    place = fields.String(load_default="", dump_default="")
    time_zones = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    at = fields.AwareDateTime(required=True)


class MentoringMemberCreatedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    created_at = fields.AwareDateTime(required=True)


class NotificationRecipientCreatedV1(PayloadSchema):
    user_id = fields.UUID(required=True)
    created_at = fields.AwareDateTime(required=True)


class MemberErasedV1(PayloadSchema):
    """A service erased what it held about a member (the erasure saga's step)."""

    user_id = fields.UUID(required=True)
    erased_at = fields.AwareDateTime(required=True)


class DataExportRequestedV1(PayloadSchema):
    export_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    requested_at = fields.AwareDateTime(required=True)


class DataExportPartV1(PayloadSchema):
    """One service's part of a member's data export: JSON-ready data, files
    (photos) as base64 under ``files``."""

    export_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    part = fields.Dict(required=True)


class DataExportReadyV1(PayloadSchema):
    export_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    # The single-use link (the member must also be logged in to use it).
    download_url = fields.Url(required=True, require_tld=False)
    expires_at = fields.AwareDateTime(required=True)


@dataclass(frozen=True)
class EventContract:
    source: str
    type: str
    version: int
    schema: builtins.type[Schema]
    description: str
    # Payload fields that grant something (a single-use link), or that carry a
    # member's data in transit (an export's part): the publisher's outbox drops
    # them once the broker has the event, and a mail made from them is not
    # kept after sending.
    secrets: tuple[str, ...] = ()


# The services that hold personal data besides identity: each answers
# identity's data_export_requested with its part and account_deleted with its
# erasure (docs/architecture.md, "Members' data rights").  identity assembles
# an archive, or forgets the account, once every one of them has answered.
DATA_HOLDERS = ("profiles", "mentoring", "notifications")


CONTRACTS = {
    (c.source, c.type, c.version): c
    for c in [
        EventContract(
            "identity",
            "account_registered",
            1,
            AccountRegisteredV1,
            "A member created an account; the saga that provisions "
            "them in the other services starts here.",
        ),
        EventContract(
            "identity",
            "account_deleted",
            1,
            AccountDeletedV1,
            "A member deleted their account (or an unfinished sign-up ran out of time): "
            "the erasure saga starts; each service erases them and confirms.",
        ),
        EventContract(
            "identity",
            "data_export_requested",
            1,
            DataExportRequestedV1,
            "A member asked for their data: each service sends its part of the archive.",
        ),
        EventContract(
            "identity",
            "data_export_ready",
            1,
            DataExportReadyV1,
            "A member's archive is assembled; they are told, with a single-use link.",
            secrets=("download_url",),
        ),
        EventContract(
            "identity",
            "study_details_submitted",
            1,
            StudyDetailsSubmittedV1,
            "The member's study details (step 6), for their profile.",
        ),
        EventContract(
            "identity",
            "email_confirmation_requested",
            1,
            EmailConfirmationRequestedV1,
            "An address needs confirming with a single-use link.",
            secrets=("confirmation_url",),
        ),
        EventContract(
            "identity",
            "password_reset_requested",
            1,
            PasswordResetRequestedV1,
            "A member asked for a password reset link.",
            secrets=("reset_url",),
        ),
        EventContract(
            "identity",
            "account_email_changed",
            1,
            AccountEmailChangedV1,
            "A member's confirmed e-mail address changed (or was confirmed for the first time).",
        ),
        EventContract(
            "identity",
            "address_sign_up_attempted",
            1,
            AddressSignUpAttemptedV1,
            "Someone signed up with an address another account confirmed; its owner is told.",
        ),
        EventContract(
            "identity",
            "account_language_changed",
            1,
            AccountLanguageChangedV1,
            "A member chose another language for their pages, mails and notifications.",
        ),
        EventContract(
            "identity",
            "affiliation_verified",
            1,
            AffiliationVerifiedV1,
            "The member is verified as student, alumnus or staff.",
        ),
        EventContract(
            "identity",
            "onboarding_completed",
            1,
            OnboardingCompletedV1,
            "The member finished the sign-up steps and may take part in mentoring.",
        ),
        EventContract(
            "identity",
            "affiliation_reviewed",
            1,
            AffiliationReviewedV1,
            "An operator decided a member's manual affiliation review.",
        ),
        EventContract(
            "identity",
            "account_email_confirmed",
            1,
            AccountEmailConfirmedV1,
            "A member confirmed their e-mail address.",
        ),
        # No service subscribes: each gateway process binds its own exclusive,
        # auto-deleted queue while it runs (GATEWAY_EVENT_QUEUES below).
        EventContract(
            "identity",
            "session_ended",
            1,
            SessionEndedV1,
            "Sessions ended (logout, password change or reset, account deleted, "
            "idle or expired): every gateway process forgets them at once.",
        ),
        EventContract(
            "identity",
            "account_suspended",
            1,
            AccountSuspensionV1,
            "An operator suspended the member after a report: no login, not in search.",
        ),
        EventContract(
            "identity",
            "account_unsuspended",
            1,
            AccountSuspensionV1,
            "An operator lifted the member's suspension: back in search.",
        ),
        EventContract(
            "identity",
            "linkedin_linked",
            1,
            LinkedInLinkedV1,
            "The member linked their account to their LinkedIn account.",
        ),
        EventContract(
            "identity",
            "linkedin_unlinked",
            1,
            LinkedInUnlinkedV1,
            "The member unlinked their LinkedIn account (with their password).",
        ),
        EventContract(
            "profiles",
            "profile_created",
            1,
            ProfileCreatedV1,
            "The member's profile exists (registration saga step).",
        ),
        EventContract(
            "profiles",
            "mentor_settings_changed",
            1,
            MentorSettingsChangedV1,
            "A member changed their availability, offered activities or capacity.",
        ),
        *[
            EventContract(
                "mentoring",
                f"mentoring_request_{change}",
                1,
                MentoringRequestEventV1,
                f"A mentoring request was {change} (or, for expiring, will expire soon).",
            )
            for change in ("created", "accepted", "declined", "withdrawn", "expired", "expiring")
        ],
        EventContract(
            "mentoring",
            "relationship_ended",
            1,
            RelationshipEndedV1,
            "Either party ended a mentoring relationship (completed or ended early); "
            "the place is free again and both are asked for feedback.",
        ),
        EventContract(
            "mentoring",
            "relationship_quiet",
            1,
            RelationshipQuietV1,
            "A relationship has had no activity for the configured weeks: both are nudged.",
        ),
        EventContract(
            "mentoring",
            "mentor_suggestion_due",
            1,
            MentorSuggestionDueV1,
            "An onboarded member has asked nobody for the configured days: "
            "profiles picks mentors to suggest.",
        ),
        EventContract(
            "profiles",
            "mentors_suggested",
            1,
            MentorsSuggestedV1,
            "The mentors recommended to a member who has asked nobody yet, with the reasons.",
        ),
        EventContract(
            "notifications",
            "conversation_message_sent",
            1,
            ConversationMessageSentV1,
            "A member wrote to another (ids and time only): activity of their relationship.",
        ),
        *[
            EventContract(
                "mentoring",
                f"meeting_{change}",
                1,
                MeetingEventV1,
                f"A meeting between the two members of a relationship: {change}.",
            )
            for change in MEETING_CHANGES
        ],
        EventContract(
            "mentoring",
            "mentoring_member_created",
            1,
            MentoringMemberCreatedV1,
            "Mentoring knows the member (registration saga step).",
        ),
        EventContract(
            "notifications",
            "notification_recipient_created",
            1,
            NotificationRecipientCreatedV1,
            "Notifications can reach the member (registration saga step).",
        ),
        *[
            EventContract(
                source,
                event_type,
                1,
                MemberErasedV1,
                f"{source.capitalize()} erased what it held about a member (erasure saga step).",
            )
            for source, event_type in (
                ("profiles", "profile_erased"),
                ("mentoring", "mentoring_member_erased"),
                ("notifications", "notification_recipient_erased"),
            )
        ],
        # The part is the member's data: the outbox does not keep it once sent.
        *[
            EventContract(
                source,
                f"{source}_data_exported",
                1,
                DataExportPartV1,
                f"{source.capitalize()}'s part of a member's data export.",
                secrets=("part",),
            )
            for source in DATA_HOLDERS
        ],
    ]
}


@dataclass(frozen=True)
class Subscription:
    source: str
    type: str
    service: str
    handler: str

    @property
    def queue_name(self) -> str:
        # The queue name nameko's @event_handler uses for a SERVICE_POOL handler.
        return f"evt-{self.source}-{self.type}--{self.service}.{self.handler}"


SUBSCRIPTIONS = [
    Subscription("identity", "account_registered", "profiles", "on_account_registered"),
    Subscription("identity", "account_registered", "mentoring", "on_account_registered"),
    Subscription("identity", "account_registered", "notifications", "on_account_registered"),
    Subscription("identity", "account_deleted", "profiles", "on_account_deleted"),
    Subscription("identity", "account_deleted", "mentoring", "on_account_deleted"),
    Subscription("identity", "account_deleted", "notifications", "on_account_deleted"),
    Subscription("identity", "study_details_submitted", "profiles", "on_study_details_submitted"),
    Subscription(
        "identity",
        "email_confirmation_requested",
        "notifications",
        "on_email_confirmation_requested",
    ),
    Subscription(
        "identity", "password_reset_requested", "notifications", "on_password_reset_requested"
    ),
    Subscription(
        "identity", "address_sign_up_attempted", "notifications", "on_address_sign_up_attempted"
    ),
    Subscription("identity", "account_email_changed", "profiles", "on_account_email_changed"),
    Subscription("identity", "account_email_changed", "notifications", "on_account_email_changed"),
    Subscription(
        "identity", "account_language_changed", "notifications", "on_account_language_changed"
    ),
    Subscription("identity", "affiliation_verified", "notifications", "on_affiliation_verified"),
    Subscription("identity", "affiliation_reviewed", "notifications", "on_affiliation_reviewed"),
    Subscription("identity", "onboarding_completed", "mentoring", "on_onboarding_completed"),
    Subscription("profiles", "mentor_settings_changed", "mentoring", "on_mentor_settings_changed"),
    Subscription(
        "identity", "account_email_confirmed", "notifications", "on_account_email_confirmed"
    ),
    *[
        Subscription(
            "mentoring",
            f"mentoring_request_{change}",
            "notifications",
            f"on_mentoring_request_{change}",
        )
        for change in ("created", "withdrawn", "accepted", "declined", "expired", "expiring")
    ],
    Subscription("mentoring", "relationship_ended", "notifications", "on_relationship_ended"),
    # Notifications mails both members each meeting change, with its invitation.
    *[
        Subscription("mentoring", f"meeting_{change}", "notifications", f"on_meeting_{change}")
        for change in MEETING_CHANGES
    ],
    Subscription(
        "mentoring", "mentoring_request_accepted", "profiles", "on_mentoring_request_accepted"
    ),
    Subscription("mentoring", "relationship_ended", "profiles", "on_relationship_ended"),
    Subscription("mentoring", "relationship_quiet", "notifications", "on_relationship_quiet"),
    Subscription("mentoring", "mentor_suggestion_due", "profiles", "on_mentor_suggestion_due"),
    Subscription("profiles", "mentors_suggested", "notifications", "on_mentors_suggested"),
    Subscription(
        "notifications",
        "conversation_message_sent",
        "mentoring",
        "on_conversation_message_sent",
    ),
    Subscription("profiles", "profile_created", "identity", "on_profile_created"),
    # The profile shows whether it is connected to LinkedIn.
    Subscription("identity", "linkedin_linked", "profiles", "on_linkedin_linked"),
    Subscription("identity", "linkedin_unlinked", "profiles", "on_linkedin_unlinked"),
    # A suspended member is hidden from search until unsuspended.
    Subscription("identity", "account_suspended", "profiles", "on_account_suspended"),
    Subscription("identity", "account_unsuspended", "profiles", "on_account_unsuspended"),
    Subscription(
        "mentoring", "mentoring_member_created", "identity", "on_mentoring_member_created"
    ),
    Subscription(
        "notifications",
        "notification_recipient_created",
        "identity",
        "on_notification_recipient_created",
    ),
    # Members' data rights: the export and erasure sagas.
    *[
        Subscription("identity", "data_export_requested", service, "on_data_export_requested")
        for service in DATA_HOLDERS
    ],
    *[
        Subscription(service, f"{service}_data_exported", "identity", f"on_{service}_data_exported")
        for service in DATA_HOLDERS
    ],
    Subscription("profiles", "profile_erased", "identity", "on_profile_erased"),
    Subscription("mentoring", "mentoring_member_erased", "identity", "on_mentoring_member_erased"),
    Subscription(
        "notifications",
        "notification_recipient_erased",
        "identity",
        "on_notification_recipient_erased",
    ),
    Subscription("identity", "data_export_ready", "notifications", "on_data_export_ready"),
]


# What each gateway process listens to on its own queue (exclusive, auto-deleted:
# it lives as long as the process's connection), to keep its session cache true.
GATEWAY_EVENT_QUEUES = [
    ("identity", "session_ended"),
    ("identity", "account_language_changed"),  # the cached member's language
]


def secrets_of(source: str) -> dict[str, tuple[str, ...]]:
    """{event type: its secret payload fields} for the events ``source`` publishes."""
    found: dict[str, set[str]] = {}
    for contract in CONTRACTS.values():
        if contract.source == source and contract.secrets:
            found.setdefault(contract.type, set()).update(contract.secrets)
    return {event_type: tuple(sorted(fields_)) for event_type, fields_ in found.items()}


NOT_KEPT = "(not kept: a single-use secret)"


def without_secrets(source: str, envelope: dict[str, Any]) -> dict[str, Any] | None:
    """``envelope`` with its secret payload fields replaced, or None when it has none."""
    fields_ = [
        name
        for name in secrets_of(source).get(str(envelope.get("type")), ())
        if name in envelope.get("data", {})
    ]
    if not fields_:
        return None
    return {**envelope, "data": {**envelope["data"], **{name: NOT_KEPT for name in fields_}}}


def contract_for(source: str, event_type: str, version: int) -> EventContract:
    try:
        return CONTRACTS[(source, event_type, version)]
    except KeyError:
        raise LookupError(f"no contract for {source}.{event_type} v{version}") from None


def subscriptions_of(source: str) -> list[Subscription]:
    return [s for s in SUBSCRIPTIONS if s.source == source]


def validate_payload(source: str, event_type: str, version: int, data: dict[str, Any]) -> Any:
    """Return the payload as the contract loads it, or raise ValidationError."""
    return contract_for(source, event_type, version).schema().load(data)


def dump_payload(source: str, event_type: str, version: int, data: object) -> Any:
    """Serialise a payload for the wire, checking it against its contract."""
    schema = contract_for(source, event_type, version).schema()
    dumped = schema.dump(data)
    schema.load(dumped)  # raises if the producer broke its own contract
    return dumped
