"""What no input may hold, whatever its field, and how far a list may be paged.

These rules hold for every value that reaches a service, from the gateway
(the JSON body, the query string, the path) and over RPC alike, so they are
checked where input enters rather than by each field's schema:

- no NUL character: PostgreSQL cannot store one in text;
- no lone UTF-16 surrogate (``"\\ud800"`` is valid JSON): it cannot be
  encoded as UTF-8, so neither the database nor an e-mail can take it;
- no nesting deeper than :data:`MAX_DEPTH`: no request of this API needs more
  than a few levels, and a deeper one would only exhaust a parser's stack;
- no whole number beyond PostgreSQL's ``bigint``: no identifier, count or
  year is that large, and the database would refuse it with an error instead
  of a refusal that names the field.

The checks of one kind of value are here too, once each, as marshmallow
fields that the gateway's views (API and pages) and the services load with, so
the same mistake gets the same words wherever it is made: paging
(:class:`Page`, :class:`PerPage`, bounded once for every list), free text
(:class:`FreeText`), booleans in a query string or a body (:class:`Flag`),
members' ids (:class:`MemberId`) and rows' ids (:class:`RowId`); a query
string's schema is a :class:`Parameters`.
"""

import re
import uuid
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load

from mentornet_contracts.errors import FieldErrors, InvalidInput, field_errors

MAX_DEPTH = 32
BIGINT = 2**63 - 1
MAX_PAGE = 1000  # a deep page costs a scan of every row before it
MAX_PER_PAGE = 50

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` (a string) cannot be taken, or None."""
    bad = _UNSTORABLE.search(value)
    if bad is None:
        return None
    if bad.group() == "\x00":
        return "Must not contain the NUL character (\\u0000)."
    return "Must be valid Unicode text: a lone surrogate (\\ud800 to \\udfff) is not."


def printable_name(name: str) -> str:
    """A field name fit to be sent back (a bad character in a key becomes U+FFFD)."""
    return _UNSTORABLE.sub("\ufffd", name)


def problems(value: object, name: str = "") -> FieldErrors:
    """Every place in ``value`` (JSON-like: dicts, lists, strings, numbers) that
    breaks the rules above, as ``{field path: [message]}``; the path is dotted
    (``positions.0.title``) from ``name``.  Walks without recursion, so a deeply
    nested value cannot exhaust the stack here either."""
    found: FieldErrors = {}
    pending: list[tuple[object, str, int]] = [(value, name, 0)]
    while pending:
        item, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            found[printable_name(path) or "(body)"] = [
                f"Nested too deeply: at most {MAX_DEPTH} levels of objects and lists."
            ]
            continue
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                found[printable_name(path) or "(body)"] = [problem]
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not -BIGINT <= item <= BIGINT:
                found[printable_name(path) or "(body)"] = ["Too large a number."]
        elif isinstance(item, dict):
            for key, child in item.items():
                key = str(key)
                child_path = f"{path}.{key}" if path else key
                problem = text_problem(key)
                if problem:
                    found[printable_name(child_path)] = [problem]
                    continue
                pending.append((child, child_path, depth + 1))
        elif isinstance(item, (list, tuple)):
            for index, child in enumerate(item):
                pending.append((child, f"{path}.{index}" if path else str(index), depth + 1))
    return found


def too_deep(value: object) -> bool:
    """True when ``value`` nests deeper than :data:`MAX_DEPTH` (checked first,
    so a hostile body gets one clear answer rather than a field per level)."""
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend((child, depth + 1) for child in item)
    return False


def refuse_unstorable(
    named_values: Mapping[Any, object], message: str = "Some fields need your attention."
) -> None:
    """Raise an InvalidInput naming every bad place in the values of
    ``named_values`` (each checked from its own name and depth, as a request
    body is), if any."""
    found: FieldErrors = {}
    for name, value in named_values.items():
        found.update(problems(value, str(name)))
    if found:
        raise InvalidInput("invalid_input", message, found)


# -- the words, once -----------------------------------------------------------------
NOT_A_WHOLE_NUMBER = "Must be a whole number."
NOT_TEXT = "Must be text."
NOT_TRUE_OR_FALSE = "Must be true or false."
NOT_A_MEMBER_ID = "Must be a member's id (a UUID)."
UNKNOWN_PARAMETER = "Unknown parameter."
REQUIRED_PARAMETER = "This parameter is required."
REPEATED_PARAMETER = "Give this parameter once."
PARAMETERS_NEED_ATTENTION = "Some parameters need your attention."


def between(low: int, high: int) -> str:
    return f"Must be between {low} and {high}."


def _whole(value: object, low: int, high: int) -> tuple[int | None, str | None]:
    """(number, None) or (None, why not) for ``value``: a number, or digits as
    a URL carries them."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None, NOT_A_WHOLE_NUMBER
    try:
        number = int(value)
    except ValueError:
        return None, NOT_A_WHOLE_NUMBER
    if not low <= number <= high:
        return None, between(low, high)
    return number, None


def whole_number(
    value: object,
    name: str,
    problems_found: FieldErrors,
    low: int,
    high: int,
    default: int | None = None,
) -> int | None:
    """``value`` as an int in ``low..high``; otherwise ``default``, with the
    reason in ``problems_found`` (blank or None is ``default``, no problem)."""
    if value is None or value == "":
        return default
    number, problem = _whole(value, low, high)
    if problem:
        problems_found[name] = [problem]
        return default
    return number


# -- the fields --------------------------------------------------------------------
class WholeNumber(fields.Integer):
    """A whole number in ``low..high``, given as a number or as a URL's digits."""

    def __init__(self, low: int = -BIGINT, high: int = BIGINT, **kwargs: Any) -> None:
        super().__init__(strict=False, **kwargs)
        self.low, self.high = low, high
        self.metadata.setdefault("minimum", low)
        self.metadata.setdefault("maximum", high)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        number, problem = _whole(value, self.low, self.high)
        if problem:
            raise ValidationError(problem)
        return number


def Page(**kwargs: Any) -> WholeNumber:
    """Which page of a list: 1 to :data:`MAX_PAGE`."""
    return WholeNumber(1, MAX_PAGE, load_default=1, **kwargs)


def PerPage(default: int = 20, **kwargs: Any) -> WholeNumber:
    """How many items a page holds: 1 to :data:`MAX_PER_PAGE`."""
    return WholeNumber(1, MAX_PER_PAGE, load_default=default, **kwargs)


def RowId(**kwargs: Any) -> WholeNumber:
    """A row's id (a request, a conversation, a notification): a positive bigint."""
    return WholeNumber(1, BIGINT, **kwargs)


class Flag(fields.Boolean):
    """A yes or no: JSON's true and false in a body; ``true``/``false`` (or
    ``1``/``0``) in a query string.  Nothing else (no "yes", no "on")."""

    truthy = {True, "true", "1"}
    falsy = {False, "false", "0"}
    default_error_messages = {"invalid": NOT_TRUE_OR_FALSE}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        # 1.0 == True in a set; a number that is no 0 or 1 as such is refused.
        if isinstance(value, float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class FreeText(fields.String):
    """What a member writes (a search, a note): text, its runs of white space
    made one space, blank as not given, at most ``high`` characters, with
    nothing in it that cannot be stored (:func:`text_problem`)."""

    def __init__(self, low: int = 1, high: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.low, self.high = low, high
        self.metadata.setdefault("minLength", low)
        self.metadata.setdefault("maxLength", high)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise ValidationError(NOT_TEXT)
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem)
        value = " ".join(value.split())
        if not value:
            return None
        if not self.low <= len(value) <= self.high:
            raise ValidationError(f"Use {self.low} to {self.high} characters.")
        return value


class MemberId(fields.String):
    """A member's id: a UUID, answered in its canonical form."""

    default_error_messages = {"invalid": NOT_A_MEMBER_ID}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metadata.setdefault("format", "uuid")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise self.make_error("invalid") from None


def member_id(value: object, name: str) -> str:
    """``value`` (a field of a body, or an RPC argument) as a member's id, or
    an InvalidInput naming ``name``."""
    try:
        return str(MemberId().deserialize(value))
    except ValidationError as exc:
        raise InvalidInput(
            "invalid_input", "Some fields need your attention.", field_errors({name: exc.messages})
        ) from None


# -- a query string ----------------------------------------------------------------
class Parameters(Schema):
    """A query string's (or a list call's) parameters: unknown names refused,
    blank values taken as not given (as a form's empty field sends them)."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN_PARAMETER}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.error_messages["required"] = REQUIRED_PARAMETER

    @pre_load
    def _blank_is_not_given(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {
            name: value
            for name, value in data.items()
            if value is not None and not (isinstance(value, str) and not value.strip())
        }


def parameters(schema: Schema, values: object, unknown: str = RAISE) -> Any:
    """``values`` loaded by ``schema`` (a :class:`Parameters`), or an
    InvalidInput naming each bad parameter; ``unknown=EXCLUDE`` for a page,
    whose links may carry what is not this schema's."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise InvalidInput("invalid_input", "The parameters must be an object.")
    try:
        return schema.load(values, unknown=unknown)
    except ValidationError as exc:
        raise InvalidInput(
            "invalid_input", PARAMETERS_NEED_ATTENTION, field_errors(exc.normalized_messages())
        ) from None


class Paging(Parameters):
    page = Page()
    per_page = PerPage()


def paging(
    page: object, per_page: object, problems_found: FieldErrors, default_per_page: int = 20
) -> tuple[int | None, int | None]:
    """(page, per_page) checked once for every list: page 1 to :data:`MAX_PAGE`,
    per_page 1 to :data:`MAX_PER_PAGE`; problems go into ``problems_found``."""
    return (
        whole_number(page, "page", problems_found, 1, MAX_PAGE, 1),
        whole_number(per_page, "per_page", problems_found, 1, MAX_PER_PAGE, default_per_page),
    )


def page_and_size(
    page: object, per_page: object, default_per_page: int = 20
) -> tuple[int | None, int | None]:
    """:func:`paging`, raising an InvalidInput that names each bad parameter."""
    found: FieldErrors = {}
    result = paging(page, per_page, found, default_per_page)
    if found:
        raise InvalidInput("invalid_input", PARAMETERS_NEED_ATTENTION, found)
    return result


def flag(value: object, name: str) -> bool:
    """``value`` as a :class:`Flag`, or an InvalidInput naming ``name``."""
    try:
        return bool(Flag().deserialize(value))
    except ValidationError as exc:
        raise InvalidInput(
            "invalid_input", PARAMETERS_NEED_ATTENTION, field_errors({name: exc.messages})
        ) from None
