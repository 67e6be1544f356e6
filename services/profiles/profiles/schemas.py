"""What crosses the wire into and out of profiles."""

import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

import pycountry
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from mentornet_contracts.inputs import Flag
from mentornet_contracts.names import PersonName
from profiles import config

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SKYPE = re.compile(r"^[A-Za-z][A-Za-z0-9.,_:\-]{5,31}$")


# Format characters (Cf) that real text needs: the zero-width joiner makes one
# emoji of several (a woman, a skin tone and a laptop: 👩🏽‍💻) and, with the
# non-joiner, shapes Persian and Indic words.  Every other control or format
# character (C0/C1 controls, bidirectional overrides and isolates, invisible
# separators) stays refused: they hide or reorder what a reader sees.
# Variation selectors (U+FE0F) and skin-tone modifiers are not Cf: they pass.
JOINERS = frozenset("\u200c\u200d")


def _no_control(value):
    if any(
        unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t" and ch not in JOINERS
        for ch in value
    ):
        raise ValidationError("Must not contain control characters.")


class Text(fields.String):
    """A trimmed string without control characters."""

    def __init__(self, max_length, min_length=None, **kwargs):
        checks = [validate.Length(min=min_length, max=max_length)]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            checks.append(extra)
        super().__init__(validate=checks, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        # A browser's form sends line breaks as CRLF, an API client usually as
        # LF: one form is kept, so a bio reads the same from either.
        value = super()._deserialize(value, attr, data, **kwargs).strip().replace("\r\n", "\n")
        _no_control(value)
        return value


class WebUrl(Text):
    """An http(s) address, optionally of one host (e.g. linkedin.com)."""

    def __init__(self, host=None, **kwargs):
        self.host = host
        super().__init__(300, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or "." not in (parts.hostname or ""):
            raise ValidationError("Enter a full web address starting with https://.")
        if self.host and not (
            parts.hostname == self.host or parts.hostname.endswith("." + self.host)
        ):
            raise ValidationError(f"Enter your profile address on {self.host}.")
        return value


class Month(fields.String):
    """'YYYY-MM', not in the future, loaded as the first day of that month."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        match = MONTH.match(value)
        if not match:
            raise ValidationError("Use the form YYYY-MM.")
        month = date(int(match.group(1)), int(match.group(2)), 1)
        if month.year < 1940:
            raise ValidationError("Enter a month after 1940.")
        if month > date.today():
            raise ValidationError("This month is in the future.")
        return month

    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%Y-%m") if value else None


def _country(value):
    if value and pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError("Use a two-letter ISO 3166 country code, such as NL.")


class PositionSchema(Schema):
    class Meta:
        unknown = RAISE

    # Shown, never taken: a saved list gets new ids, so a form from before a
    # change names an entry that is gone rather than the wrong one.
    id = fields.Integer(dump_only=True)
    organisation = Text(200, min_length=1, required=True)
    title = Text(200, min_length=1, required=True)
    sector = fields.String(load_default="", validate=validate.OneOf([""] + config.sector_ids()))
    location = Text(200, load_default="")
    start_month = Month(required=True)
    end_month = Month(load_default=None, allow_none=True)
    current = Flag(load_default=False)
    # member, or linkedin (an import put it there): shown, and ignored when
    # the page sends the list back, since only an import sets it.
    source = fields.String(dump_only=True)

    @pre_load
    def _ignore_source(self, data, **kwargs):
        if isinstance(data, dict) and "source" in data:
            data = {k: v for k, v in data.items() if k != "source"}
        return data

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get("current") and data.get("end_month"):
            raise ValidationError({"end_month": ["A current position has no end month."]})
        if not data.get("current") and data.get("start_month") and not data.get("end_month"):
            raise ValidationError(
                {"end_month": ["Enter the end month, or mark the position current."]}
            )
        if (
            data.get("end_month")
            and data.get("start_month")
            and data["end_month"] < data["start_month"]
        ):
            raise ValidationError({"end_month": ["The end month comes before the start month."]})


class EducationSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.Integer(dump_only=True)
    institution = Text(200, min_length=2, required=True)
    programme = Text(200, min_length=2, required=True)
    faculty = Text(200, load_default="")
    year_started = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1920, max=2100)
    )
    year_graduated = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1920, max=2100)
    )
    verified = fields.Boolean(dump_only=True)
    # registration (the study verified against the university's records), member
    # (added by the member), or where another import put it from (linkedin).
    source = fields.String(dump_only=True)

    @validates_schema
    def _years(self, data, **kwargs):
        if (
            data.get("year_started")
            and data.get("year_graduated")
            and data["year_graduated"] < data["year_started"]
        ):
            raise ValidationError(
                {"year_graduated": ["The year you graduated comes before the year you started."]}
            )


class AddressSchema(Schema):
    class Meta:
        unknown = RAISE

    line1 = Text(200)
    line2 = Text(200)
    city = Text(100)
    region = Text(100)
    postcode = Text(
        20,
        validate=validate.Regexp(
            r"^[A-Za-z0-9 \-]{0,20}$", error="Use letters, digits, spaces and hyphens."
        ),
    )
    country = fields.String(validate=_country)

    @post_load
    def _upper(self, data, **kwargs):
        if "country" in data:
            data["country"] = data["country"].upper()
        return data


class ProfilePatchSchema(Schema):
    """What a member may change on their profile; every field optional."""

    class Meta:
        unknown = RAISE

    first_name = PersonName(blank=False)
    middle_names = PersonName()
    last_name = PersonName(blank=False)
    headline = Text(125)
    bio = Text(5000)
    positions = fields.List(fields.Nested(PositionSchema), validate=validate.Length(max=50))
    education = fields.List(fields.Nested(EducationSchema), validate=validate.Length(max=20))
    address = fields.Nested(AddressSchema)
    website = WebUrl()
    skype = Text(32)
    linkedin_url = WebUrl(host="linkedin.com")

    @validates("skype")
    def _skype(self, value, **kwargs):
        if value and not SKYPE.match(value):
            raise ValidationError(
                "Use 6 to 32 letters, digits, dots, commas, dashes or underscores, "
                "starting with a letter."
            )


def _language(value):
    if pycountry.languages.get(alpha_2=value.lower()) is None:
        raise ValidationError(f"'{value}' is not a two-letter ISO 639-1 language code.")


class MentorSettingsSchema(Schema):
    class Meta:
        unknown = RAISE

    available = Flag(required=True)
    activities = fields.List(
        fields.String(validate=validate.OneOf(config.activity_ids())), required=True
    )
    max_mentees = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=config.MAX_MENTEES_LIMIT)
    )
    sectors = fields.List(
        fields.String(validate=validate.OneOf(config.sector_ids())), load_default=list
    )
    languages = fields.List(fields.String(validate=_language), load_default=list)
    note = Text(500, load_default="")

    @validates_schema
    def _offers_something(self, data, **kwargs):
        if data.get("available") and not data.get("activities"):
            raise ValidationError({"activities": ["Choose at least one activity to offer."]})

    @post_load
    def _tidy(self, data, **kwargs):
        data["activities"] = sorted(set(data["activities"]))
        data["sectors"] = sorted(set(data["sectors"]))
        data["languages"] = sorted({code.lower() for code in data["languages"]})
        return data
