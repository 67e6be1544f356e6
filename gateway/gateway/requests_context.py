"""Per-request plumbing: the correlation id, the RPC client, the caller's JSON body.

The correlation id comes from ``X-Request-ID`` (or is made here), is sent to
every service as nameko context data, returned in the response header and
stamped on every log line.

Whatever a client sends, in the path, the query string or the JSON body, is
held to mentornet_contracts.inputs' rules here, before any view sees it: no NUL,
no lone surrogate, no nesting past a few dozen levels, no number past bigint.
A refusal names the parameter or field (422); a path segment that breaks them
names nothing that exists (404).
"""
import logging
import re
import time
import uuid

from flask import current_app, g, has_request_context, request
from werkzeug.routing import IntegerConverter

from gateway.errors import ApiError
from gateway.rpc import RpcClient
from mentornet_contracts import inputs

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: a row's id, so at most PostgreSQL's bigint (a
    larger one matches no route, 404, instead of overflowing in the database)."""

    def __init__(self, map, **kwargs):
        kwargs.setdefault("max", inputs.BIGINT)
        super().__init__(map, **kwargs)


def init_app(app):
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.before_request
    def _refuse_unstorable_path_and_query():
        for name, value in (request.view_args or {}).items():
            if isinstance(value, str) and inputs.text_problem(value):
                raise ApiError(404, "not_found", f"No such {name}: the address holds a "
                                                 "character no name can contain.")
        problems = {}
        for name, values in request.args.lists():
            problem = inputs.text_problem(name) or next(
                filter(None, map(inputs.text_problem, values)), None)
            if problem:
                problems[inputs.printable_name(name)] = [problem]
        if problems:
            raise ApiError(422, "invalid_input", "Some query parameters need your attention.",
                           problems)

    @app.after_request
    def _return_request_id(response):
        if has_request_context() and "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
            if app.config["RPC_CALLS_HEADER"]:
                # For benchmarks and tests: how many service calls this answer
                # took (off by default: it tells outsiders how a page is built).
                response.headers["X-RPC-Calls"] = str(g.get("rpc_calls", 0))
                # ... how long it waited for them in all, and for the slowest one
                # (a parallel batch waits for its slowest call): what a page's time
                # is made of, beside the gateway's own work.
                response.headers["X-RPC-Waited-Ms"] = f"{g.get('rpc_waited_ms', 0.0):.2f}"
                response.headers["X-RPC-Slowest-Ms"] = f"{g.get('rpc_slowest_ms', 0.0):.2f}"
        return response


def rpc_client():
    """The process's RPC client, made on first use (after gunicorn forked)."""
    client = current_app.extensions.get("rpc")
    if client is None:
        client = current_app.extensions["rpc"] = RpcClient(
            current_app.config["AMQP_URI"], timeout=current_app.config["RPC_TIMEOUT_SECONDS"])
    return client


def context():
    data = {"correlation_id": g.get("request_id")}
    member = g.get("member")
    if member:
        data["user_id"] = member["user_id"]
    return data


def _count(calls):
    g.rpc_calls = g.get("rpc_calls", 0) + calls


def client_address():
    """Who is calling, for per-client limits: the connection's address, or behind
    TRUSTED_PROXY_HOPS proxies what they forwarded (ProxyFix), never a header
    the client made up."""
    return request.remote_addr or ""


def _waited(started):
    elapsed = (time.perf_counter() - started) * 1000
    g.rpc_waited_ms = g.get("rpc_waited_ms", 0.0) + elapsed
    g.rpc_slowest_ms = max(g.get("rpc_slowest_ms", 0.0), elapsed)


def call(service, method, **kwargs):
    _count(1)
    started = time.perf_counter()
    try:
        return rpc_client().call(service, method, kwargs=kwargs, context=context())
    finally:
        _waited(started)


def call_parallel(calls):
    """``{"name": (service, method, kwargs)}`` -> results (or exceptions), concurrently."""
    _count(len(calls))
    started = time.perf_counter()
    try:
        return rpc_client().parallel(
            {name: (service, method, (), kwargs)
             for name, (service, method, kwargs) in calls.items()}, context=context())
    finally:
        _waited(started)


def json_body():
    """The request's JSON object, or a clear 400/415."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type",
                       "Send the request body as JSON with Content-Type: application/json.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser's own stack ran out before ours could count
        data = _TOO_DEEP
    if data is _TOO_DEEP or inputs.too_deep(data):
        raise ApiError(400, "json_too_deep", "The request body nests objects and lists more "
                                             f"than {inputs.MAX_DEPTH} levels deep.")
    if data is None:
        raise ApiError(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    problems = inputs.problems(data)
    if problems:
        raise ApiError(422, "invalid_input", "Some fields need your attention.", problems)
    return data


_TOO_DEEP = object()


def body_with(allowed, required=()):
    """The JSON body, refusing unknown fields and naming missing ones (422)."""
    body = json_body()
    problems = {name: ["Unknown field."] for name in sorted(set(body) - set(allowed))}
    problems.update({name: ["This field is required."] for name in required if name not in body})
    if problems:
        raise ApiError(422, "invalid_input", "Some fields need your attention.", problems)
    return body


def query_parameters(allowed, required=()):
    """The query string as a dict of strings; unknown, repeated or missing (blank)
    names are a 422."""
    problems = {name: ["Unknown parameter."] for name in sorted(set(request.args) - set(allowed))}
    problems.update({name: ["Give this parameter once."] for name, values in request.args.lists()
                     if len(values) > 1 and name in allowed})
    problems.update({name: ["This parameter is required."] for name in required
                     if not request.args.get(name, "").strip()})
    if problems:
        raise ApiError(422, "invalid_input", "Some query parameters need your attention.",
                       problems)
    return request.args.to_dict()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.correlation_id = g.get("request_id", "-") if has_request_context() else "-"
        return True
