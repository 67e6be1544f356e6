"""Remote error types.

nameko serialises a raised exception as its class *name*, module path and
args, so the gateway can only recognise errors by name.  Services therefore
raise exactly these classes (never subclasses) and say what went wrong with a
machine-readable ``code``; the gateway maps the class name to an HTTP status
with :data:`HTTP_STATUS`.

Every error's args are ``(code, message, fields)`` (a Throttled may add
``retry_after``) so they survive the trip over the wire unchanged.
"""

from typing import Any

from marshmallow import Schema, ValidationError

# A field path ("positions.0.title") and what is wrong there.
FieldErrors = dict[str, list[str]]


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, fields: FieldErrors | None = None) -> None:
        super().__init__(code, message, fields or None)
        self.code = code
        self.message = message
        self.fields = fields or None

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    """The request's data breaks a rule; ``fields`` names each bad field."""

    status = 422


class NotAuthenticated(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    """Also used for what the caller may not see."""

    status = 404


class Conflict(DomainError):
    status = 409


class Throttled(DomainError):
    """Too many attempts; ``retry_after`` (seconds) becomes the ``Retry-After``
    header, travelling as a fourth arg."""

    status = 429

    def __init__(
        self,
        code: str,
        message: str,
        fields: FieldErrors | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, fields)
        self.retry_after = retry_after
        if retry_after is not None:
            self.args = (code, message, fields or None, int(retry_after))


HTTP_STATUS = {
    cls.__name__: cls.status
    for cls in (
        DomainError,
        InvalidInput,
        NotAuthenticated,
        Forbidden,
        NotFound,
        Conflict,
        Throttled,
    )
}


def invalid(field: str, message: str, code: str = "invalid_input") -> InvalidInput:
    """Shorthand for the common one-field validation error."""
    return InvalidInput(code, message, {field: [message]})


def field_errors(messages: dict[Any, Any], prefix: str = "") -> FieldErrors:
    """marshmallow's nested messages as flat field paths:
    {'positions': {0: {'title': [...]}}} -> {'positions.0.title': [...]}"""
    flat: FieldErrors = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(field_errors(value, name + "."))
        else:
            flat[name] = value
    return flat


def invalid_input(
    validation_error: ValidationError, message: str = "Some fields need your attention."
) -> InvalidInput:
    """The InvalidInput for a marshmallow ValidationError, naming every bad field."""
    messages = validation_error.normalized_messages()
    return InvalidInput("invalid_input", message, field_errors(messages))


def load_input(schema: Schema, data: object, what: str = "The request") -> Any:
    """``schema.load(data)``, or an InvalidInput that names every bad field (and
    says so plainly when ``data`` is not an object at all)."""
    if not isinstance(data, dict):
        raise InvalidInput("invalid_input", f"{what} must be an object.")
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise invalid_input(exc)
