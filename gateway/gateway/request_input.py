"""What a client sends, in the path, the query string or the JSON body, held to
mentornet_contracts.inputs' rules before any view sees it: no NUL, no lone
surrogate, no nesting past a few dozen levels, no number past bigint.  A refusal
names the parameter or field (422); a path segment that breaks them names
nothing that exists (404)."""

import re

from flask import request
from marshmallow import RAISE, ValidationError
from werkzeug.routing import IntegerConverter

from gateway.errors import ApiError
from mentornet_contracts import api, inputs
from mentornet_contracts.errors import InvalidInput, field_errors


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: a row's id, so at most PostgreSQL's bigint (a
    larger one matches no route, 404, instead of overflowing in the database)."""

    def __init__(self, map, **kwargs):
        kwargs.setdefault("max", inputs.BIGINT)
        super().__init__(map, **kwargs)


def init_app(app):
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _refuse_unstorable_path_and_query():
        for name, value in (request.view_args or {}).items():
            if isinstance(value, str) and inputs.text_problem(value):
                raise ApiError(
                    404,
                    "not_found",
                    f"No such {name}: the address holds a character no name can contain.",
                )
        problems = {}
        for name, values in request.args.lists():
            problem = inputs.text_problem(name) or next(
                filter(None, map(inputs.text_problem, values)), None
            )
            if problem:
                problems[inputs.printable_name(name)] = [problem]
        if problems:
            raise ApiError(422, "invalid_input", inputs.PARAMETERS_NEED_ATTENTION, problems)


def client_address():
    """Who is calling, for per-client limits: the connection's address, or behind
    TRUSTED_PROXY_HOPS proxies what they forwarded (ProxyFix), never a header
    the client made up."""
    return request.remote_addr or ""


def json_body():
    """The request's JSON object, or a clear 400/415."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the request body as JSON with Content-Type: application/json.",
        )
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser's own stack ran out before ours could count
        data = _TOO_DEEP
    if data is _TOO_DEEP or inputs.too_deep(data):
        raise ApiError(
            400,
            "json_too_deep",
            f"The request body nests objects and lists more than {inputs.MAX_DEPTH} levels deep.",
        )
    if data is None:
        raise ApiError(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    problems = inputs.problems(data)
    if problems:
        raise ApiError(422, "invalid_input", "Some fields need your attention.", problems)
    return data


_TOO_DEEP = object()


def path_of(rule):
    """A Flask rule as the API document writes its path (``<int:id>`` and
    ``<any(a, b):name>`` as ``{id}`` and ``{name}``)."""
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule)


def operation():
    """This request's operation in the API's contract (mentornet_contracts.api)."""
    return api.OPERATIONS[(request.method.lower(), path_of(request.url_rule.rule))]


def request_body():
    """The JSON body, loaded by this operation's schema: unknown fields refused,
    missing ones named, each value of its type (422).  A forwarded body goes
    as it is: the service's schema checks every field with its own rules."""
    described = operation()
    if described.body_optional and not request.get_data():
        return described.body().load({})
    data = json_body()
    if described.forwarded:
        return data
    try:
        return described.body().load(data)
    except ValidationError as exc:
        raise ApiError(
            422,
            "invalid_input",
            "Some fields need your attention.",
            field_errors(exc.normalized_messages()),
        ) from None


def query_parameters(schema=None, unknown=RAISE):
    """The query string loaded by ``schema`` (by default this operation's, or
    none at all): typed values, or a 422 naming each unknown, repeated, missing
    or bad parameter.  The services load the same parameters with the same
    schemas.  A page passes its own and ``unknown=EXCLUDE``: its links may
    carry what is not the schema's."""
    if schema is None:
        schema = (operation().query or api.NoParameters)()
    problems = {
        name: [inputs.REPEATED_PARAMETER]
        for name, values in request.args.lists()
        if len(values) > 1 and name in schema.fields
    }
    try:
        values = inputs.parameters(schema, request.args.to_dict(), unknown=unknown)
    except InvalidInput as exc:
        problems = {**exc.fields, **problems}
    if problems:
        raise ApiError(422, "invalid_input", inputs.PARAMETERS_NEED_ATTENTION, problems)
    return values
