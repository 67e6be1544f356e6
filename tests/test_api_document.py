"""The API's document says what the views take and answer.

- Every route under /api is in the document and every operation has a route
  (gateway/tests/test_app.py; the document is built from the routes and stops
  at one without an operation).
- A documented field is what the view accepts: the views load their query
  strings and bodies with the very schemas the document is generated from
  (mentornet_contracts.api), and a body forwarded to a service as it is has the
  same fields, required alike and nested alike, as the service's own schema
  (checked here, so the two cannot drift apart).
- The document is valid OpenAPI 3.1 and every operation is typed; the
  answers of the running system match it (tests/test_api_answers.py)."""

import pytest
from marshmallow import fields

from gateway import create_app
from gateway.api import openapi
from identity.schemas import RegistrationSchema, StudyDetailsSchema
from mentornet_contracts import api
from notifications.preferences import _Preferences
from profiles.schemas import MentorSettingsSchema, ProfilePatchSchema

FORWARDED = {
    ("post", "/api/v1/accounts"): RegistrationSchema,
    ("put", "/api/v1/onboarding/study-details"): StudyDetailsSchema,
    ("patch", "/api/v1/me/profile"): ProfilePatchSchema,
    ("put", "/api/v1/me/mentor-settings"): MentorSettingsSchema,
    ("put", "/api/v1/me/notification-preferences"): _Preferences,
}


def shape(schema):
    """{field name on the wire: (required, nested shape or None)} of what a
    schema loads; fields only shown (dump_only) are not taken."""
    found = {}
    for name, field in schema().fields.items():
        if field.dump_only:
            continue
        inner = field.inner if isinstance(field, fields.List) else field
        nested = shape(type(inner.schema)) if isinstance(inner, fields.Nested) else None
        found[field.data_key or name] = (field.required, nested)
    return found


def test_every_forwarded_body_is_documented_as_its_service_takes_it():
    forwarded = {key for key, operation in api.OPERATIONS.items() if operation.forwarded}
    assert forwarded == set(FORWARDED)
    for key, service_schema in FORWARDED.items():
        assert shape(api.OPERATIONS[key].body) == shape(service_schema), key


def test_every_request_body_refuses_what_it_does_not_document():
    for key, operation in api.OPERATIONS.items():
        if operation.body:
            assert operation.body.Meta.unknown == "raise", key


@pytest.fixture(scope="module")
def document():
    return openapi.build(create_app())


def test_the_document_is_valid_openapi_3_1(document):
    from jsonschema import Draft202012Validator

    assert document["openapi"] == "3.1.0"
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_is_typed(document):
    """Parameters, bodies and answers each have a schema; every error answers
    the Error shape."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                assert parameter["schema"].get("type"), (where, parameter["name"])
            body = operation.get("requestBody", {}).get("content", {})
            if body:
                assert body["application/json"]["schema"]["$ref"], where
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")) and "$ref" in answer:
                    assert answer["$ref"] == "#/components/responses/Error", where
                elif status != "204":
                    content = answer.get("content", {})
                    assert content, (where, status)
            assert "422" in operation["responses"] or not (operation.get("parameters") or body), (
                where
            )
