"""A broker that goes away under a worker: what the worker's last step raises.

A worker of nameko 2.14 ends by sending its reply (an RPC) or acknowledging
its message (an event).  If the broker stopped or restarted meanwhile, that
step raises, and nameko treats any error that escapes a worker as a bug in the
container and kills the whole service: a broker restart with one call in
flight stopped identity.  Nothing is lost by going on instead: a message that
was not acknowledged went back to its queue when the connection dropped and
is delivered again (an event's handler is idempotent; an RPC request expires
with its call), and a caller whose reply could not be sent times out and, for
a change, retries with its idempotency key.
"""

import logging
from collections.abc import Callable
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

# What a publish or an ack raises when the broker went away: py-amqp's
# connection errors, kombu's wrapper for them, and the socket's own.
BROKER_GONE = (AmqpConnectionError, OperationalError, OSError)


def despite_a_lost_broker(step: Callable[[], Any], what: str) -> Any:
    """Run a worker's last step; a broker gone is logged, not raised."""
    try:
        return step()
    except BROKER_GONE as exc:
        log.warning("%s: the broker is unreachable (%s: %s)", what, type(exc).__name__, exc)
        return None
