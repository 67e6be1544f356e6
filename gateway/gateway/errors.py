"""The one place that maps errors to HTTP (docs/architecture.md, section 3).

Under /api and for /healthz and /readyz every error answers JSON
``{"error": {"code", "message", "fields"?}}``: remote domain errors by their
type (mentornet_contracts.errors), a stopped service 503, a slow one 504,
Flask's own HTTP errors with their status.  Everything else is a page, so the
same error answers an HTML page in the page's language (templates/error.html)
with the same status.
"""

import logging

from flask import current_app, jsonify, make_response, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from gateway.rpc import RemoteError, RpcError, ServiceTimeout, ServiceUnavailable
from mentornet_contracts.errors import HTTP_STATUS

log = logging.getLogger(__name__)

JSON_PATHS = ("/healthz", "/readyz")


class ApiError(Exception):
    def __init__(self, status, code, message, fields=None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


def wants_json():
    path = request.path
    return path == "/api" or path.startswith("/api/") or path in JSON_PATHS


def error_response(status, code, message, fields=None):
    if not wants_json():
        from gateway.web.errors import error_page  # the pages' templates and catalogue

        return error_page(status, code, message)
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify({"error": body}), status


def from_remote(exc):
    """(status, code, message, fields) of a service's error."""
    status = HTTP_STATUS.get(exc.exc_type)
    args = list(exc.exc_args or [])
    if status is None or len(args) < 2:
        log.error("unexpected error from a service: %s %s", exc.exc_path, exc.value)
        return 500, "internal_error", "Something went wrong on our side; please try again.", None
    code, message = args[0], args[1]
    fields = args[2] if len(args) > 2 and isinstance(args[2], dict) else None
    return status, code, message, fields


def retry_after(exc):
    """The seconds a service's Throttled error asks the client to wait (its
    fourth arg), or None."""
    args = list(exc.exc_args or [])
    if exc.exc_type != "Throttled" or len(args) < 4:
        return None
    try:
        return max(1, int(float(args[3])))
    except (TypeError, ValueError):
        return None


def init_app(app):
    @app.errorhandler(ApiError)
    def _api_error(exc):
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(RemoteError)
    def _remote_error(exc):
        # make_response: a page's error is a rendered template, not yet a response.
        response = make_response(error_response(*from_remote(exc)))
        wait = retry_after(exc)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(ServiceUnavailable)
    def _unavailable(exc):
        log.warning("service unavailable: %s", exc)
        return error_response(
            503,
            "service_unavailable",
            f"The {exc.service} service is unavailable; please try again shortly.",
        )

    @app.errorhandler(ServiceTimeout)
    def _timeout(exc):
        log.warning("service timed out: %s", exc)
        return error_response(
            504,
            "service_timeout",
            f"The {exc.service} service did not answer in time; please try again.",
        )

    @app.errorhandler(RpcError)
    def _rpc_error(exc):
        log.exception("RPC failure")
        return error_response(503, "service_unavailable", "A service is unavailable.")

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        # A page's form posted without its session's token (forged, or from a
        # session that has since ended): refused, in the page's language.
        log.warning("form refused: %s", exc.description)
        return error_response(403, "csrf_failed", exc.description)

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        if isinstance(exc, MethodNotAllowed) and not _allowed_by_another_method(exc):
            exc = NotFound()
        code = (exc.name or "error").lower().replace(" ", "_")
        response = make_response(error_response(exc.code, code, exc.description or exc.name))
        # The exception's own headers stay (a 405's Allow, a 429's Retry-After).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error")
        return error_response(
            500, "internal_error", "Something went wrong on our side; please try again."
        )


def _allowed_by_another_method(exc):
    """Whether the address names something another method reaches.  Werkzeug
    answers 405 when an address fits another method's rule by its shape alone,
    before that rule's converters refuse it (a POST to an id past bigint, say,
    when only GET's rule has that shape): such an address names nothing, 404."""
    adapter = current_app.create_url_adapter(request)
    for method in exc.valid_methods or ():
        try:
            adapter.match(method=method)
        except RequestRedirect:
            return True  # it is there, under its canonical address
        except HTTPException:
            continue
        return True
    return False
