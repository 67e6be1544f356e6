"""Checks an answer of the running gateway against the API's document: its
status is one the operation documents, and its body matches that answer's
schema (JSON Schema 2020-12, as OpenAPI 3.1's schemas are)."""

import json

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:mentornet:openapi"


class Answers:
    def __init__(self, document):
        self.document = document
        self.registry = Registry().with_resource(
            BASE, Resource.from_contents(document, default_specification=DRAFT202012)
        )

    def problems(self, method, template, response):
        """What is wrong with ``response`` to ``method template`` (a path as the
        document writes it), or an empty list."""
        operation = self.document["paths"][template][method.lower()]
        answer = operation["responses"].get(str(response.status_code))
        if answer is None:
            return [f"{method} {template}: {response.status_code} is not documented"]
        if "$ref" in answer:
            name = answer["$ref"].rsplit("/", 1)[-1]
            answer = self.document["components"]["responses"][name]
        content = answer.get("content")
        if not content:
            return [] if not response.content else [f"{method} {template}: a body where none is"]
        kind = response.headers.get("Content-Type", "").split(";")[0]
        if kind not in content:
            return [f"{method} {template}: {kind} is not documented"]
        if kind != "application/json":
            return []
        schema = json.loads(
            json.dumps(content[kind]["schema"]).replace('"#/components/', f'"{BASE}#/components/')
        )
        validator = Draft202012Validator(schema, registry=self.registry)
        return [
            f"{method} {template} {response.status_code}: {'.'.join(map(str, e.path))}: {e.message}"
            for e in validator.iter_errors(response.json())
        ]
