"""A person's name, checked by one rule wherever a member gives it: at sign-up
(identity) and on their profile (profiles), so a name one service took the
other takes too, in the same form."""

import re
import unicodedata
from typing import Any

from marshmallow import ValidationError, fields, validate

# Letters of any script, joined by single spaces, hyphens or apostrophes.
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ \-'’][^\W\d_]+)*$")
MAX_LENGTH = 100


class PersonName(fields.String):
    """A name or a part of one: white space folded to single spaces, in Unicode
    NFC (so "é" typed two ways is one name), at most 100 characters, no
    control characters.  ``blank=False``: given, it may not be empty."""

    def __init__(self, *, blank: bool = True, **kwargs: Any) -> None:
        self.blank = blank
        super().__init__(validate=validate.Length(max=MAX_LENGTH), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = unicodedata.normalize(
            "NFC", " ".join(super()._deserialize(value, attr, data, **kwargs).split())
        )
        if not text:
            if not self.blank:
                raise ValidationError("This field is required.")
            return text
        if any(unicodedata.category(ch).startswith("C") for ch in text):
            raise ValidationError("Must not contain control characters.")
        if not NAME_PATTERN.match(text):
            raise ValidationError("Use letters, spaces, hyphens and apostrophes only.")
        return text
