"""The OpenAPI 3.1 document of the public API, generated (apispec and its
marshmallow plugin) from the contract in mentornet_contracts.api: the same
schemas the views load their query strings and bodies with, so the document
cannot say one thing while a view accepts another.  Every route under /api
(and the health checks) must have its operation there: the document is built
when the app is, and a route without one stops it (tests/gateway: test_app).

Also /api/docs: the document for a person, in Swagger UI (vendored under
static/vendor/swagger-ui, no CDN), with a policy of its own (DOCS_POLICY)."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify, render_template

from gateway.request_input import path_of
from mentornet_contracts import api, inputs

blueprint = Blueprint("openapi", __name__)

# Swagger UI's scripts and styles are this site's own files; it sets style
# attributes on its elements as it draws them (React), which 'unsafe-inline'
# for styles alone allows; scripts stay 'self' only, and the page loads the
# document from here (connect-src).
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)

DESCRIPTION = """The public API of the Mentor Network gateway.

Errors answer `{"error": {"code", "message", "fields"?}}` (the `Error` schema):
`fields` names each bad field or parameter (a dotted path into the body, as
`positions.0.title`) with what is wrong.  Another member's object answers 404
exactly like a missing one.  Every answer carries `X-Request-ID`.

Members authenticate with the bearer token that sign-up, login and a password
change answer; operators' automation with a named API key (`mnk_...`) that an
administrator makes in the console, scoped to the areas it may act in."""

ERROR_STATUSES = {
    400: "the body is not JSON, or nests too deeply",
    401: "no valid token",
    403: "not allowed (not verified yet, say)",
    404: "no such thing (or not the caller's)",
    409: "the state does not allow it now",
    413: "the body is too large",
    415: "the body is not sent as application/json",
    422: "a field or parameter is wrong: `fields` names each",
    429: "too many requests: Retry-After says how long to wait",
    503: "a service is unavailable",
    504: "a service did not answer in time",
}
ERROR_EXAMPLE = {
    "error": {
        "code": "invalid_input",
        "message": inputs.PARAMETERS_NEED_ATTENTION,
        "fields": {"page": [inputs.NOT_A_WHOLE_NUMBER]},
    }
}
SECURITY = {
    "member": {
        "type": "http",
        "scheme": "bearer",
        "description": "a member's session token (sign-up, login)",
    },
    "operator": {
        "type": "http",
        "scheme": "bearer",
        "description": "an operator's named API key (mnk_...), made in the console",
    },
}


def _path_parameter(name, converter):
    kind = type(converter).__name__
    if kind == "IdConverter":
        schema = {"type": "integer", "minimum": 1, "maximum": inputs.BIGINT}
    elif kind == "UUIDConverter":
        schema = {"type": "string", "format": "uuid"}
    elif kind == "AnyConverter":
        schema = {"type": "string", "enum": sorted(converter.items)}
    elif name == "decision":
        schema = {"type": "string", "enum": ["approve", "reject"]}
    else:
        schema = {"type": "string"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _schema(answer):
    """A response's schema: a schema class, or ``[class]`` for a list of them."""
    if isinstance(answer, list):
        return {"type": "array", "items": answer[0]}
    return answer


def _operation(rule, method, described):
    operation = {
        "summary": described.summary,
        "operationId": f"{method}_{rule.endpoint.replace('.', '_')}",
        "tags": [described.tag] if described.tag else [],
        "parameters": [
            _path_parameter(name, converter) for name, converter in rule._converters.items()
        ],
        "responses": {},
    }
    if described.query:
        operation["parameters"].append({"in": "query", "schema": described.query})
    if described.body:
        operation["requestBody"] = {
            "required": not described.body_optional,
            "content": {"application/json": {"schema": described.body}},
        }
    for status, (answer, description) in described.answers.items():
        response = {"description": description}
        if answer == "text/html":
            response["content"] = {"text/html": {"schema": {"type": "string"}}}
        elif answer == "application/zip":
            response["content"] = {
                "application/zip": {"schema": {"type": "string", "format": "binary"}}
            }
        elif answer is not None:
            response["content"] = {"application/json": {"schema": _schema(answer)}}
        operation["responses"][str(status)] = response
    # Any of them may answer any operation (a public one refuses a wrong
    # password with 401; any one may be throttled or find a service down).
    for status in sorted(ERROR_STATUSES):
        operation["responses"].setdefault(str(status), {"$ref": "#/components/responses/Error"})
    if described.access != "public":
        operation["security"] = [{described.access: []}]
    return operation


def build(app):
    """The document of ``app``'s routes under /api and the health checks."""
    spec = APISpec(
        title="Mentor Network API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION},
        servers=[{"url": "/"}],
    )
    for name, scheme in SECURITY.items():
        spec.components.security_scheme(name, scheme)
    spec.components.schema("Error", schema=api.Error)
    spec.components.response(
        "Error",
        {
            "description": "an error (see the `Error` schema); a 429 says Retry-After",
            "content": {
                "application/json": {
                    "schema": "Error",
                    "example": ERROR_EXAMPLE,
                }
            },
            "headers": {
                "Retry-After": {
                    "description": "with a 429 or 503: the seconds to wait before trying again",
                    "schema": {"type": "integer"},
                }
            },
        },
    )
    paths = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        path = path_of(rule.rule)
        if not path.startswith(("/api/", "/healthz", "/readyz")):
            continue  # the pages and static files are not the API
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (method.lower(), path)
            if key not in api.OPERATIONS:
                raise LookupError(f"{method} {path} has no operation in mentornet_contracts.api")
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule, method.lower(), api.OPERATIONS[key]
            )
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def document():
    app = current_app._get_current_object()
    if "openapi" not in app.extensions:
        app.extensions["openapi"] = build(app)
    return app.extensions["openapi"]


@blueprint.get("/api/v1/openapi.json")
def openapi_document():
    return jsonify(document())


@blueprint.get("/api/docs")
def docs():
    response = current_app.make_response(render_template("api_docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response
