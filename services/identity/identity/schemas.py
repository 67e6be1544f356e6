"""What crosses the wire into and out of identity."""

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from identity import config
from identity.passwords import password_problem, personal_problem
from mentornet_contracts.inputs import Flag
from mentornet_contracts.names import PersonName
from mentornet_contracts.statuses import Role

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{2,39}$")
LANGUAGES = ("en", "nl")  # the languages of the pages, mails and notifications


def check_password(value):
    problem = password_problem(value)
    if problem:
        raise ValidationError(problem)


def check_email(value):
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"This is not a valid e-mail address: {exc}")


class RegistrationSchema(Schema):
    """The sign-up form (step 4 of the guide)."""

    class Meta:
        unknown = RAISE

    first_name = PersonName(required=True, blank=False)
    middle_names = PersonName(load_default="")
    last_name = PersonName(required=True, blank=False)
    maiden_name = PersonName(load_default="")
    date_of_birth = fields.Date(required=True)
    username = fields.String(required=True)
    password = fields.String(required=True)
    password_confirmation = fields.String(required=True)
    email = fields.String(required=True)
    email_confirmation = fields.String(required=True)
    security_question = fields.String(required=True, validate=validate.Length(min=5, max=200))
    security_answer = fields.String(required=True, validate=validate.Length(min=1, max=200))
    accept_privacy_policy = Flag(required=True)
    accept_terms = Flag(required=True)
    language = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))

    @validates("date_of_birth")
    def _old_enough(self, value, **kwargs):
        today = date.today()
        if value > today:
            raise ValidationError("The date of birth is in the future.")
        age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
        minimum = int(config.university().get("minimum_age", 16))
        if age < minimum:
            raise ValidationError(f"You must be at least {minimum} years old to join.")
        if value.year < 1900:
            raise ValidationError("Enter a real date of birth.")

    @validates("username")
    def _username_shape(self, value, **kwargs):
        if not USERNAME_PATTERN.match(value.strip().lower()):
            raise ValidationError(
                "Use 3 to 40 characters: a-z, 0-9, '.', '_' or '-', starting with a letter."
            )

    @validates("password")
    def _strong_enough(self, value, **kwargs):
        check_password(value)

    @validates("email")
    def _email_shape(self, value, **kwargs):
        check_email(value)

    @validates("accept_privacy_policy")
    def _privacy_accepted(self, value, **kwargs):
        if value is not True:
            raise ValidationError("You must accept the privacy policy to join.")

    @validates("accept_terms")
    def _terms_accepted(self, value, **kwargs):
        if value is not True:
            raise ValidationError("You must accept the terms and conditions to join.")

    @validates_schema(skip_on_field_errors=False)
    def _confirmations_match(self, data, **kwargs):
        errors = {}
        if "password" in data and data.get("password_confirmation") not in (None, data["password"]):
            errors["password_confirmation"] = ["The passwords do not match."]
        if (
            "email" in data
            and data.get("email_confirmation") is not None
            and data["email_confirmation"].strip().lower() != data["email"].strip().lower()
        ):
            errors["email_confirmation"] = ["The e-mail addresses do not match."]
        if "password" in data:
            personal = personal_problem(
                data["password"],
                **{
                    name: data.get(name, "")
                    for name in (
                        "username",
                        "email",
                        "first_name",
                        "middle_names",
                        "last_name",
                        "maiden_name",
                    )
                },
            )
            if personal:
                errors["password"] = [personal]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _normalise(self, data, **kwargs):
        data["username"] = data["username"].strip().lower()
        data["email"] = check_email(data["email"])
        data.pop("password_confirmation")
        data.pop("email_confirmation")
        return data


class AccountSchema(Schema):
    """An account as identity shows it to its owner."""

    user_id = fields.String(attribute="id")
    username = fields.String()
    email = fields.String()
    first_name = fields.String()
    middle_names = fields.String()
    last_name = fields.String()
    maiden_name = fields.String()
    date_of_birth = fields.Date()
    language = fields.String()
    created_at = fields.AwareDateTime()


class NewPasswordSchema(Schema):
    """A new password and its confirmation (change and reset)."""

    class Meta:
        unknown = RAISE

    password = fields.String(required=True)
    password_confirmation = fields.String(required=True)

    @validates("password")
    def _strong_enough(self, value, **kwargs):
        check_password(value)

    @validates_schema
    def _match(self, data, **kwargs):
        if data.get("password") != data.get("password_confirmation"):
            raise ValidationError({"password_confirmation": ["The passwords do not match."]})


class LanguageSchema(Schema):
    """The member's language, chosen at sign-up and changeable afterwards."""

    class Meta:
        unknown = RAISE

    language = fields.String(
        required=True,
        validate=validate.OneOf(LANGUAGES, error="Choose one of: en (English), nl (Nederlands)."),
    )


class NewEmailSchema(Schema):
    class Meta:
        unknown = RAISE

    email = fields.String(required=True)
    email_confirmation = fields.String(required=True)

    @validates("email")
    def _shape(self, value, **kwargs):
        check_email(value)

    @validates_schema
    def _match(self, data, **kwargs):
        if (
            "email" in data
            and data.get("email_confirmation", "").strip().lower() != data["email"].strip().lower()
        ):
            raise ValidationError({"email_confirmation": ["The e-mail addresses do not match."]})

    @post_load
    def _normalise(self, data, **kwargs):
        return {"email": check_email(data["email"])}


class AffiliationSchema(Schema):
    class Meta:
        unknown = RAISE

    role = fields.String(required=True, validate=validate.OneOf(tuple(Role)))
    record_number = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=40),
            validate.Regexp(r"^[A-Za-z0-9-]+$", error="Use the letters and digits of your number."),
        ],
    )
    request_review = Flag(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ReviewDecisionSchema(Schema):
    """An operator's decision on a manual affiliation review."""

    class Meta:
        unknown = RAISE

    approve = Flag(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class StudyDetailsSchema(Schema):
    """Step 6: required, and shown on the member's profile."""

    class Meta:
        unknown = RAISE

    institution = fields.String(required=True, validate=validate.Length(min=2, max=200))
    programme = fields.String(required=True, validate=validate.Length(min=2, max=200))
    faculty = fields.String(load_default="", validate=validate.Length(max=200))
    year_started = fields.Integer(required=True, strict=True)
    year_graduated = fields.Integer(load_default=None, allow_none=True, strict=True)

    @validates_schema
    def _plausible_years(self, data, **kwargs):
        this_year = date.today().year
        errors = {}
        started, graduated = data.get("year_started"), data.get("year_graduated")
        if started is not None and not 1920 <= started <= this_year + 1:
            errors["year_started"] = [f"Enter a year between 1920 and {this_year + 1}."]
        if graduated is not None:
            if not 1920 <= graduated <= this_year + 8:
                errors["year_graduated"] = [f"Enter a year between 1920 and {this_year + 8}."]
            elif started is not None and graduated < started:
                errors["year_graduated"] = [
                    "The year you graduated comes before the year you started."
                ]
        if errors:
            raise ValidationError(errors)


class LinkedInClaimsSchema(Schema):
    """What identity keeps of a LinkedIn member, as the gateway verified it in
    their ID token; other claims (names, photo) are the profile's, ignored here."""

    class Meta:
        unknown = EXCLUDE

    sub = fields.String(required=True, validate=validate.Length(min=1, max=255))
    email = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=254))
    email_verified = fields.Boolean(load_default=False)
