"""How the gateway is served: waitress's HTTP channels inside gunicorn's worker
processes (``scripts/start-gateway`` runs ``gunicorn --worker-class
gateway.serving.WaitressWorker``).

Why: gunicorn's threaded worker hands a connection to a thread as soon as its
first byte arrives, and the thread then blocks reading the rest of the headers
with no deadline.  A client sending one header line every few seconds holds a
thread for as long as it likes; 16 such clients held every thread of the two
workers and the gateway answered nothing (issue 10).  Waitress reads each
request whole (headers and body, on one non-blocking loop) before a thread
runs it, so slow clients cost a socket, never a thread.  gunicorn still binds
the socket, forks ``GATEWAY_WORKERS`` processes (one waitress loop each, all
accepting from the shared socket: both cores), restarts a worker that dies and
stops them gracefully.  No eventlet: the app's RPC client runs on plain
threads.

What waitress lacks is added here:

- deadlines on the whole of a request's headers (``GATEWAY_HEADER_TIMEOUT``,
  from the connection's start or the previous answer) and body
  (``GATEWAY_BODY_TIMEOUT``, from the headers' end), however steadily a client
  dribbles; waitress's own timeout only notices a connection that is silent.
  A client that started a request is told ``408`` before it is cut off;
  a connection that never sent a byte is just closed;
- a request-line limit (``414``; waitress counts the line with the headers);
- every refusal of the server itself (400, 408, 413, 414, 431, 501) answered
  by the app's own error mapping, so it has the API's error shape and headers;
- an access log line per request, as gunicorn wrote.
"""

import json
import logging
import os
import resource
import socket
import time

from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import Error
from werkzeug import exceptions

from gateway import metrics

access_log = logging.getLogger("gateway.access")
log = logging.getLogger(__name__)
# Waitress warns once per request queued while every thread is busy: thousands of
# lines a minute at saturation, and each answer's time is in the access log anyway.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


LINGER_SECONDS, LINGER_MAX_SECONDS = 2, 5


def setting(name, default, kind=int):
    return kind(os.environ.get(name, default))


class RequestUriTooLong(Error):
    code = 414
    reason = "URI Too Long"


class RequestTimeout(Error):
    code = 408
    reason = "Request Timeout"


class GatewayRequestParser(HTTPRequestParser):
    """Waitress's parser, plus a limit on the request line alone."""

    first_line_checked = False

    def received(self, data):
        if not self.first_line_checked and self.body_rcv is None and not self.completed:
            seen = (self.header_plus + data).lstrip()  # blank lines before a request are allowed
            end = seen.find(b"\n")
            self.first_line_checked = 0 <= end <= self.adj.max_request_line
            if (end if end >= 0 else len(seen)) > self.adj.max_request_line:
                self.parse_header(b"GET / HTTP/1.0\r\n")  # as waitress does for its 431
                self.error = RequestUriTooLong(
                    f"the request line is over {self.adj.max_request_line} bytes"
                )
                self.completed = True
                return len(data)
        return super().received(data)


class JsonErrorTask(ErrorTask):
    """The server's own refusals, answered through the app's error mapping."""

    def execute(self):
        error = self.request.error
        status, headers, body = app_error_response(self.channel.server.flask_app, error)
        metrics.count_server_refusal(error.code)
        # A client's mistake: one access line, no traceback.
        client = self.channel.addr[0] if self.channel.addr else "-"
        access_log.info(
            '%s "-" %s %s (%s)',
            client,
            error.code,
            len(body),
            error.body,
            extra={"client": client, "status": error.code, "refused": str(error.body)},
        )
        self.status = status
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def app_error_response(app, error):
    """(status, headers, body) for a waitress ``Error``, made by the Flask app's
    own error handlers and after-request hooks, as a refusal inside the app is."""
    kind = exceptions.default_exceptions.get(error.code, exceptions.InternalServerError)
    exc = kind(description=f"{kind.description} ({error.body})" if error.body else None)
    try:
        # Under /api: the request's own path is unknown (or unparsable) for most of
        # these, and a refusal at this level is the API's, in its JSON shape.
        with app.test_request_context("/api", method="GET"):
            response = app.process_response(app.make_response(app.handle_user_exception(exc)))
            return response.status, response.headers.to_wsgi_list(), response.get_data()
    except Exception:  # never let a refusal become a crash of the channel
        log.exception("the app could not shape a %s refusal", error.code)
        body = json.dumps(
            {
                "error": {
                    "code": "bad_request" if error.code < 500 else "internal_error",
                    "message": str(error.body),
                }
            }
        ).encode()
        return f"{error.code} {error.reason}", [("Content-Type", "application/json")], body


class LoggedTask(WSGITask):
    """A request run by the app, with the access log line gunicorn used to write."""

    def service(self):
        started = time.monotonic()
        try:
            super().service()
        finally:
            # The next request's headers are timed from this answer, not from the
            # connection's start; set before the channel lets go of this request.
            self.channel.headers_since, self.channel.body_since = time.time(), None
            request_id = next(
                (v for k, v in self.response_headers if k.lower() == "x-request-id"), "-"
            )
            client = self.channel.addr[0] if self.channel.addr else "-"
            request_line = self.request.first_line.decode("latin-1", "replace")
            status = (self.status or "-").split(" ")[0]
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            access_log.info(
                '%s "%s" %s %s %.1fms %s',
                client,
                request_line,
                status,
                self.content_bytes_written,
                duration_ms,
                request_id,
                # The same, as fields of a JSON line (mentornet_contracts.logs).
                extra={
                    "correlation_id": request_id,
                    "client": client,
                    "request": request_line,
                    "status": int(status) if status.isdigit() else status,
                    "bytes": self.content_bytes_written,
                    "duration_ms": duration_ms,
                },
            )


class GatewayChannel(HTTPChannel):
    """One client connection; keeps the clocks the deadlines are measured by."""

    parser_class = GatewayRequestParser
    error_task_class = JsonErrorTask
    task_class = LoggedTask

    lingering_until = None  # closing: the answer is sent, what the client still sends is read away

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers_since = self.creation_time  # waiting for, or reading, a request's headers
        self.body_since = None  # reading its body

    # A refused request (a body over the limit, say) may still be arriving when its
    # answer is sent; closing with unread bytes makes the kernel send a reset, which
    # can destroy the answer before the client reads it.  So the connection is
    # half-closed and read away until the client has been quiet for LINGER_SECONDS
    # (at most LINGER_MAX_SECONDS), as web servers do.
    def handle_close(self):
        if self.lingering_until is not None or not self.connected or self.socket is None:
            return super().handle_close()
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            return super().handle_close()
        now = time.time()
        self.lingering_until, self.lingering_ends = now + LINGER_SECONDS, now + LINGER_MAX_SECONDS
        self.will_close = self.close_when_flushed = False

    def readable(self):
        return True if self.lingering_until is not None else super().readable()

    def writable(self):
        return False if self.lingering_until is not None else super().writable()

    def handle_read(self):
        if self.lingering_until is None:
            return super().handle_read()
        try:
            if self.recv(self.adj.recv_bytes):  # discarded; at the end, recv closes the channel
                self.lingering_until = min(time.time() + LINGER_SECONDS, self.lingering_ends)
        except OSError:
            super().handle_close()

    def received(self, data):
        result = super().received(data)
        request = self.request
        if request is not None and request.headers_finished and self.body_since is None:
            self.body_since = time.time()
        return result

    def overdue(self, now):
        """The deadline this connection has missed, if any (called on the loop's thread)."""
        if self.lingering_until is not None:
            if now > self.lingering_until:
                super().handle_close()
            return None
        if self.requests or self.total_outbufs_len or self.will_close or self.close_when_flushed:
            return None  # being answered: not the client's turn
        if self.body_since is not None and self.request is not None:
            if now - self.body_since > self.adj.body_timeout:
                return f"the request's body did not arrive within {self.adj.body_timeout:g} s"
        elif now - self.headers_since > self.adj.header_timeout:
            return f"the request's headers did not arrive within {self.adj.header_timeout:g} s"
        return None

    def time_out(self, reason):
        """Cut the connection off: with a 408 if a request was begun, silently if not."""
        with self.requests_lock:
            request, self.request = self.request, None
            if request is None:
                self.will_close = True
                return
            if not request.headers_finished:
                request.parse_header(b"GET / HTTP/1.0\r\n")
            request.error = RequestTimeout(reason)
            request.completed = True
            self.requests.append(request)
        self.server.add_task(self)


class GatewayServer(TcpWSGIServer):
    channel_class = GatewayChannel

    def __init__(self, flask_app, *args, **kwargs):
        self.flask_app = flask_app
        super().__init__(flask_app, *args, **kwargs)

    def maintenance(self, now):
        super().maintenance(now)  # waitress's own: connections silent for channel_timeout
        for channel in list(self.active_channels.values()):
            reason = channel.overdue(now)
            if reason:
                channel.time_out(reason)


def adjustments(app, threads):
    """Waitress's settings from the gateway's (README, configuration)."""
    header_timeout = setting("GATEWAY_HEADER_TIMEOUT", "15", float)
    body_timeout = setting("GATEWAY_BODY_TIMEOUT", "30", float)
    adj = Adjustments(
        threads=threads,
        connection_limit=setting("GATEWAY_MAX_CONNECTIONS", "1000"),
        max_request_header_size=setting("GATEWAY_MAX_HEADER_BYTES", "65536"),
        # The app refuses bigger bodies anyway (MAX_CONTENT_LENGTH); refusing them
        # here too means they are never buffered.
        max_request_body_size=(app.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024) + 1,
        channel_timeout=max(header_timeout, body_timeout),
        cleanup_interval=1,  # the deadlines are checked every second
        asyncore_use_poll=True,  # select() stops at 1,024 descriptors
        clear_untrusted_proxy_headers=False,  # X-Forwarded-* are the app's (TRUSTED_PROXY_HOPS)
        ident="",  # no Server header naming the software
    )
    adj.header_timeout, adj.body_timeout = header_timeout, body_timeout
    adj.max_request_line = setting("GATEWAY_MAX_REQUEST_LINE", "8190")
    return adj


def raise_open_files_limit(wanted):
    """Each connection is a descriptor; the usual soft limit (1,024) is below
    the connection limit, the hard limit rarely is."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < wanted:
            log.warning(
                "open files limited to %s: fewer than GATEWAY_MAX_CONNECTIONS can be held", target
            )


class WaitressWorker(Worker):
    """A gunicorn worker process that serves its listening sockets with waitress."""

    def run(self):
        adj = adjustments(self.wsgi, self.cfg.threads)
        adj.backlog = self.cfg.backlog
        raise_open_files_limit(adj.connection_limit + 256)
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(adj.threads)
        socket_map = {}
        servers = []
        for listener in self.sockets:
            sock = listener.sock
            if sock.family not in (socket.AF_INET, socket.AF_INET6):
                raise RuntimeError("the gateway serves TCP sockets only")
            servers.append(
                GatewayServer(
                    self.wsgi,
                    socket_map,
                    _sock=sock,
                    dispatcher=dispatcher,
                    adj=adj,
                    bind_socket=False,
                    sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()),
                )
            )
        while self.alive:
            self.notify()
            wasyncore.loop(timeout=1.0, map=socket_map, use_poll=True, count=1)
            if self.ppid != os.getppid():
                self.log.info("Parent changed, shutting down: %s", self)
                break
        # Graceful stop: accept nothing new, finish the requests being answered.
        for server in servers:
            server.accepting = False
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < deadline and any(
            channel.requests or channel.total_outbufs_len
            for server in servers
            for channel in server.active_channels.values()
        ):
            self.notify()
            wasyncore.loop(timeout=0.2, map=socket_map, use_poll=True, count=1)
        dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(socket_map)
