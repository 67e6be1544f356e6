"""What an error writes to the logs the processes keep (the Stack's log files):
a refusal, the caller's doing, is a line and no traceback; an unexpected error
writes one traceback, in the service that raised it, and the gateway one line."""

import os
import uuid

import pytest
import requests

from conftest import registration
from mentornet_testing import wait_until
from tests.support import Member

TRACEBACK = "Traceback (most recent call last)"


class LogTail:
    """What each process of a stack writes to its log from now on."""

    def __init__(self, stack, *names):
        self.paths = {name: os.path.join(stack.log_dir, f"{stack.id}-{name}.log") for name in names}
        self.offsets = {name: os.path.getsize(path) for name, path in self.paths.items()}

    def since(self, name):
        with open(self.paths[name], "rb") as log:
            log.seek(self.offsets[name])
            return log.read().decode("utf-8", "replace")


@pytest.fixture
def small_stack(stack_factory):
    stack = stack_factory()
    stack.start_all(("identity", "notifications", "gateway"))
    return stack


def test_refusals_write_no_traceback(small_stack):
    stack = small_stack
    member = Member(stack, registration())
    member.sign_up()
    tail = LogTail(stack, "identity", "gateway")
    ids = []
    for _attempt in range(3):
        request_id = f"refused-{uuid.uuid4().hex[:8]}"
        ids.append(request_id)
        response = requests.post(
            member.url("/auth/login"),
            timeout=10,
            headers={"X-Request-ID": request_id},
            json={"username": member.form["username"], "password": "wrong"},
        )
        assert response.status_code == 401, response.text
    request_id = f"refused-{uuid.uuid4().hex[:8]}"
    ids.append(request_id)
    response = requests.post(
        member.url("/accounts"),
        timeout=10,
        headers={"X-Request-ID": request_id},
        json=registration(date_of_birth="2999-01-01"),
    )
    assert response.status_code == 422
    # Each refusal is still said, once, in the service's log.
    wait_until(
        lambda: all(f"[{i}]" in tail.since("identity") for i in ids),
        10,
        0.1,
        "the refusals in identity's log",
    )
    identity, gateway = tail.since("identity"), tail.since("gateway")
    assert TRACEBACK not in identity and TRACEBACK not in gateway, identity
    assert "refused <WorkerContext [identity.login]" in identity
    # A line or two per refusal, not kilobytes.
    assert len(identity) < 400 * len(ids), identity


def test_an_unexpected_error_writes_one_traceback_once(small_stack):
    stack = small_stack
    member = Member(stack, registration())
    member.sign_up()
    # The welcome notification first, so no event handler meets the fault below.
    wait_until(
        lambda: stack.scalar(
            "notifications",
            "SELECT unread FROM unread_counters WHERE user_id = %s",
            (member.user_id,),
        ),
        15,
        0.1,
        "the welcome notification",
    )
    # A fault no input can cause: the table the unread count is read from is gone.
    stack.query("notifications", "ALTER TABLE unread_counters RENAME TO unread_counters_away")
    tail = LogTail(stack, "notifications", "gateway")
    request_id = f"broken-{uuid.uuid4().hex[:8]}"
    response = requests.get(
        member.url("/notifications/unread-count"),
        timeout=10,
        headers={**member.headers(), "X-Request-ID": request_id},
    )
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "unread_counters" not in response.text  # nothing of the fault reaches the client
    wait_until(
        lambda: "\nsqlalchemy.exc.ProgrammingError: " in tail.since("notifications"),
        10,
        0.1,
        "the traceback",
    )
    wait_until(lambda: request_id in tail.since("gateway"), 10, 0.1, "the gateway's line")
    notifications, gateway = tail.since("notifications"), tail.since("gateway")
    # One record, with its traceback (whose chained causes each start with
    # TRACEBACK), ending once in the error it raised.
    assert [line for line in notifications.splitlines() if " ERROR " in line] == [
        line for line in notifications.splitlines() if f"[{request_id}]" in line
    ], notifications
    assert notifications.count("\nsqlalchemy.exc.ProgrammingError: ") == 1, notifications
    assert TRACEBACK not in gateway, gateway
    assert [
        line
        for line in gateway.splitlines()
        if request_id in line and "ERROR" in line and "unexpected error" in line
    ]
