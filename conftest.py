"""Fixtures shared by every test in the repo: a real SMTP server, and isolated
stacks (vhost + four databases + real service processes).  Nothing here mocks
RabbitMQ, PostgreSQL or SMTP."""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import pytest  # noqa: E402

# pytest names the gateway's test modules gateway.tests.*, and would otherwise
# make an empty "gateway" namespace for them; import the real package first.
import gateway  # noqa: E402,F401
from gateway.rpc import RpcClient  # noqa: E402
from mentornet_contracts.operators import API_KEY_SCOPES  # noqa: E402
from mentornet_testing import WIDE_CLIENT_LIMITS, Mailbox, Stack  # noqa: E402

# The operators' API key of the shared system (Stack.add_api_key).
ADMIN_TOKEN = "mnk_operator-key-for-tests"


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def logs_dir():
    """Service logs of this run, kept after it for reading (.run/test-logs/)."""
    import os
    import time

    path = os.path.join(
        os.path.dirname(__file__),
        ".run",
        "test-logs",
        time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}",
    )
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture
def stack_factory(logs_dir, mailbox):
    """Make isolated stacks; each is torn down (processes, vhost, databases) after the test."""
    stacks = []

    def make(**settings):
        stack = Stack(logs_dir, rpc_client=RpcClient, smtp_port=mailbox.port, **settings)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()


@pytest.fixture(scope="session")
def system(logs_dir, mailbox):
    """The whole system (four services and the gateway), shared by the tests
    that only need it running; each such test uses its own members."""
    stack = Stack(logs_dir, rpc_client=RpcClient, smtp_port=mailbox.port, **WIDE_CLIENT_LIMITS)
    try:
        stack.add_api_key(ADMIN_TOKEN, API_KEY_SCOPES)
        stack.start_all()
        yield stack
    finally:
        stack.close()


def registration(**overrides):
    """A valid sign-up form for a new, unique member."""
    import uuid

    suffix = uuid.uuid4().hex[:8]
    form = {
        "first_name": "Zoë",
        "middle_names": "",
        "last_name": "van der Berg",
        "maiden_name": "",
        "date_of_birth": "1998-04-12",
        "username": f"zoe.{suffix}",
        "password": "canal bicycle tulip lantern",
        "password_confirmation": "canal bicycle tulip lantern",
        "email": f"zoe.{suffix}@example.org",
        "email_confirmation": f"zoe.{suffix}@example.org",
        "security_question": "What was the name of your first pet?",
        "security_answer": "Pluisje",
        "accept_privacy_policy": True,
        "accept_terms": True,
        "language": "nl",
    }
    form.update(overrides)
    return form


@pytest.fixture
def new_registration():
    return registration
