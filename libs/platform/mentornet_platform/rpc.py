"""The services' ``@rpc`` entrypoint: nameko's, with replies sent cheaply.

nameko publishes every RPC reply with a publisher confirm and as a persistent
message.  Neither helps a reply: the caller's reply queue is transient, and if
the broker lost a reply the caller times out whether or not the service waited
for a confirm (it has nobody to tell).  Waiting for the confirm cost about a
third of a trivial call's time (benchmarks/rpc_clients.py: 2.2 ms -> 1.5 ms
p50), so replies go out unconfirmed and transient.  Requests, events and
everything else keep nameko's defaults.  A reply or an ack that fails because
the broker went away is logged, not raised (``mentornet_platform.broker``):
nameko would kill the whole service for it.
"""

import logging
from typing import Any

from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from mentornet_contracts.errors import DomainError
from mentornet_contracts.inputs import refuse_unstorable
from mentornet_platform.broker import despite_a_lost_broker

TRANSIENT = 1


class ReplyPublisher(Publisher):
    use_confirms = False
    delivery_mode = TRANSIENT


class ReplyResponder(Responder):
    publisher_cls = ReplyPublisher


class ServiceRpcConsumer(RpcConsumer):
    def handle_result(self, message: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        config = self.container.config
        responder = ReplyResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        call = message.delivery_info.get("routing_key", "a call")
        sent = despite_a_lost_broker(
            lambda: responder.send_response(result, exc_info),
            f"the reply to {call} was not sent (its caller times out)",
        )
        if sent is not None:
            result, exc_info = sent
        despite_a_lost_broker(
            lambda: self.queue_consumer.ack_message(message),
            f"{call} was not acknowledged (delivered again unless it expired)",
        )
        return result, exc_info


class RefusalsWithoutTraceback(logging.Filter):
    """nameko logs every expected error (a DomainError: a refused login, a form
    with a bad field) as a warning with its whole traceback, 1 to 2 KB for what
    is the caller's doing and says nothing of the service's code.  Such a
    refusal becomes one INFO line (who refused what); an unexpected error keeps
    its traceback, written once, here in the service that raised it (the
    gateway logs one line for it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("(expected) error handling"):
            record.exc_info = record.exc_text = record.stack_info = None
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg = "refused %s: %s"
        return True


# nameko's container logs each worker's outcome on this logger.
logging.getLogger("nameko.containers").addFilter(RefusalsWithoutTraceback())


class ServiceRpc(Rpc):
    """Domain errors are the caller's doing (bad input, a refusal): nameko logs
    them as warnings, not as the service's own errors."""

    rpc_consumer = ServiceRpcConsumer()

    def __init__(self, expected_exceptions: type[Exception] = DomainError, **kwargs: Any) -> None:
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_message(self, body: dict[str, Any], message: Any) -> None:
        """Arguments that no service can store (a NUL, a lone surrogate, a
        number past bigint, nesting past a few dozen levels) are refused before a
        worker starts, naming the argument (``changes.headline``): the gateway
        refuses them first, and this holds for any other RPC caller.  nameko
        sends what this raises back to the caller as the error reply."""
        args, kwargs = body.get("args") or [], body.get("kwargs") or {}
        refuse_unstorable({**dict(enumerate(args)), **kwargs})
        super().handle_message(body, message)


rpc = ServiceRpc.decorator
