"""The correlation id: taken from ``X-Request-ID`` (or made here), sent to every
service as nameko context data, returned in the response header and stamped on
every log line of the gateway."""

import logging
import re
import uuid

from flask import g, has_request_context, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def init_app(app):
    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

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


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if has_request_context():
            record.correlation_id = g.get("request_id", "-")
        else:  # a line written after the request (the access line) names its own
            record.correlation_id = getattr(record, "correlation_id", "-")
        return True
