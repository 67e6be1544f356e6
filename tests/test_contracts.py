"""The contracts between services (mentornet_contracts) checked from both sides:
what each service exposes and consumes, against what the contracts say."""

import inspect
import os
import re

import pytest
from nameko.events import EventHandler
from nameko.rpc import Rpc

from identity.service import IdentityService
from mentoring.service import MentoringService
from mentornet_contracts import events, rpc
from notifications.service import NotificationsService
from profiles.service import ProfilesService

SERVICES = {
    cls.name: cls
    for cls in (IdentityService, ProfilesService, MentoringService, NotificationsService)
}
GATEWAY = os.path.join(os.path.dirname(__file__), "..", "gateway", "gateway")


def entrypoints(cls, kind):
    for name, method in inspect.getmembers(cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, kind):
                yield name, method, entrypoint


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_exposes_exactly_its_rpc_contract(service):
    exposed = {
        name: [p for p in inspect.signature(method).parameters if p != "self"]
        for name, method, _ in entrypoints(SERVICES[service], Rpc)
    }
    assert exposed == rpc.METHODS[service]


def test_the_gateway_calls_only_methods_in_the_contract():
    calls = set()
    for folder, _, files in os.walk(GATEWAY):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as source:
                    code = source.read()
                    calls |= set(re.findall(r'call\("(\w+)", "(\w+)"', code))
                    # call_parallel({...: (service, method, kwargs)})
                    calls |= set(
                        re.findall(
                            r'\("(identity|profiles|mentoring|notifications)", "(\w+)"', code
                        )
                    )
    assert calls, "the gateway makes RPC calls"
    for service, method in calls:
        assert method in rpc.METHODS[service], (service, method)


def test_every_subscription_is_a_real_handler_and_every_handler_is_subscribed():
    handlers = set()
    for service, cls in SERVICES.items():
        for name, _, entrypoint in entrypoints(cls, EventHandler):
            handlers.add(
                events.Subscription(entrypoint.source_service, entrypoint.event_type, service, name)
            )
    assert handlers == set(events.SUBSCRIPTIONS)


def test_every_subscribed_event_has_a_contract():
    for subscription in events.SUBSCRIPTIONS:
        assert any(
            source == subscription.source and kind == subscription.type
            for source, kind, _ in events.CONTRACTS
        )


def test_queue_names_are_the_ones_nameko_declares():
    # The relay pre-declares these queues so early events are kept; they must
    # be exactly nameko's, or the consumer would read a different queue.
    from nameko.containers import ServiceContainer

    declared = set()
    for cls in SERVICES.values():
        container = ServiceContainer(cls, {"AMQP_URI": "memory://"})
        for handler in container.entrypoints:
            if isinstance(handler, EventHandler):
                handler.setup()
                assert handler.queue.durable and not handler.queue.auto_delete
                assert handler.queue.exchange.name == f"{handler.source_service}.events"
                declared.add(handler.queue.name)
    assert declared == {subscription.queue_name for subscription in events.SUBSCRIPTIONS}


def test_payloads_are_checked_on_the_way_out():
    from marshmallow import ValidationError

    with pytest.raises(ValidationError):
        events.dump_payload("identity", "account_registered", 1, {"user_id": "not-a-uuid"})


def test_event_entrypoints_come_from_the_inbox_table_named_on_the_event_type():
    from mentornet_platform.event_inbox import EventInbox, event_entrypoints

    @event_entrypoints
    class Consumer:
        name = "consumer"
        event_inbox = EventInbox({"on_account_deleted": ("identity", lambda *_: None)})

    [(name, _, entrypoint)] = entrypoints(Consumer, EventHandler)
    assert (name, entrypoint.source_service, entrypoint.event_type) == (
        "on_account_deleted",
        "identity",
        "account_deleted",
    )
    assert entrypoint.requeue_on_error is True
    with pytest.raises(ValueError, match="on_<event type>"):
        event_entrypoints(
            type("Bad", (), {"event_inbox": EventInbox({"forget": ("identity", None)})})
        )


@pytest.mark.parametrize("data", [None, [], "text"])
def test_input_that_is_not_an_object_is_refused_by_name(data):
    from marshmallow import Schema, fields

    from mentornet_contracts.errors import InvalidInput, load_input

    class Settings(Schema):
        available = fields.Boolean(required=True)

    with pytest.raises(InvalidInput) as refused:
        load_input(Settings(), data, "The settings")
    assert refused.value.message == "The settings must be an object."
    with pytest.raises(InvalidInput) as refused:
        load_input(Settings(), {"available": "perhaps"}, "The settings")
    assert set(refused.value.fields) == {"available"}
    assert load_input(Settings(), {"available": True}) == {"available": True}


def test_a_persons_name_has_one_rule_at_sign_up_and_on_the_profile():
    """identity's sign-up and profiles' profile check a name with the same
    field (mentornet_contracts.names), so each takes what the other took, in
    the same form."""
    from marshmallow import Schema, ValidationError

    from identity.schemas import RegistrationSchema
    from mentornet_contracts.names import PersonName
    from profiles.schemas import ProfilePatchSchema

    for schema in (RegistrationSchema(), ProfilePatchSchema()):
        for part in ("first_name", "middle_names", "last_name"):
            assert type(schema.fields[part]) is PersonName, part

    class Form(Schema):
        name = PersonName(blank=False)

    taken = {
        "  Jean   Luc ": "Jean Luc",
        "Ölund-d'Arçy": "Ölund-d'Arçy",
        "E\u0301mile": "\u00c9mile",  # decomposed as typed on some keyboards
        "Nguyễn Thị": "Nguyễn Thị",
    }
    for given, kept in taken.items():
        assert Form().load({"name": given}) == {"name": kept}
    refused = {
        "": "This field is required.",
        "R2D2": "Use letters, spaces, hyphens and apostrophes only.",
        "Ann\u202e": "Must not contain control characters.",
        "a" * 101: "Longer than maximum length 100.",
    }
    for given, message in refused.items():
        with pytest.raises(ValidationError) as error:
            Form().load({"name": given})
        assert error.value.messages == {"name": [message]}, given
