"""Requests the HTTP server itself refuses, before the app sees them, still
answer in the API's error shape with the right status (issue 10): a too-long
URL (414), too-large headers (431), a bad request line (400), an oversized
body (413).  Sent byte for byte over a socket, as a careless client would."""

import json
import socket
from urllib.parse import urlsplit

import pytest


def exchange(system, raw, timeout=15):
    """Send ``raw`` and read the answer until the server closes the connection."""
    address = urlsplit(system.gateway_url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        try:
            sock.sendall(raw)
        except OSError:
            pass  # the server may answer and close before it has read everything
        answer = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except ConnectionResetError:
            pass
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def error_of(headers, body):
    assert headers.get("content-type", "").startswith("application/json"), (headers, body[:300])
    assert headers.get("x-content-type-options") == "nosniff", headers  # the app's own headers
    error = json.loads(body)["error"]
    assert set(error) >= {"code", "message"} and error["message"], error
    return error["code"]


@pytest.mark.parametrize(
    "raw, status, code",
    [
        (
            b"GET /api/v1/mentors?q=" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            414,
            "request_uri_too_long",
        ),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-Padding-%d: %s\r\n" % (i, b"a" * 1000) for i in range(200))
            + b"\r\n",
            431,
            "request_header_fields_too_large",
        ),
        (b"THIS IS NOT HTTP\r\n\r\n", 400, "bad_request"),
        (b"GET /healthz HTTP/1.1 and more\r\nHost: x\r\n\r\n", 400, "bad_request"),
        (
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000000\r\n\r\n{",
            413,
            "request_entity_too_large",
        ),
    ],
    ids=["long-url", "large-headers", "not-http", "bad-request-line", "oversized-body"],
)
def test_the_server_refuses_in_the_error_shape(system, raw, status, code):
    got_status, headers, body = exchange(system, raw)
    assert got_status == status, (got_status, headers, body[:300])
    assert error_of(headers, body) == code


def test_an_oversized_chunked_body_is_refused_in_the_error_shape(system):
    chunk = b"a" * 65536
    body = (
        b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
    )  # 1.25 MiB
    status, headers, answer = exchange(
        system,
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body,
    )
    assert status == 413, (status, headers, answer[:300])
    assert error_of(headers, answer) == "request_entity_too_large"


def test_a_request_within_the_limits_is_served(system):
    """The limits leave room for real requests: a long search and many headers."""
    status, headers, body = exchange(
        system,
        b"GET /api/v1/mentors?q=" + b"a" * 3000 + b" HTTP/1.1\r\n"
        b"Host: x\r\nConnection: close\r\n"
        + b"".join(b"X-Padding-%d: %s\r\n" % (i, b"a" * 200) for i in range(40))
        + b"\r\n",
    )
    assert status == 401, (status, body[:300])  # the search needs a login: the app answered
    assert error_of(headers, body) == "not_authenticated"
