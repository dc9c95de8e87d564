"""The OpenAPI 3.1 document, built from the operations' declarations and their pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.problems import TITLES
from api.routing import Operation

PREFIX = "/api/v1"
JSON = "application/json"
BINARY = {"type": "string", "format": "binary"}
_REF = "#/components/schemas/{model}"
PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `code` is the erp_core error key.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "code": {"type": "string"},
        "params": {"type": "object"}, "errors": {"type": "array", "items": {"type": "object"}},
        "key": {"type": "string"},
    },
}


def _model(annotation: Any) -> type[BaseModel]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    raise TypeError(f"{annotation!r} is not a pydantic model")


def build(operations: list[Operation], title: str = "Hisaab REST API", version: str = "1.0.0") -> dict[str, Any]:
    """The whole document for `operations` (mounted under /api/v1)."""
    inputs = {op.body for op in operations if op.body} | {op.query for op in operations if op.query}
    outputs = {_model(op.response) for op in operations if op.response is not None and op.media_type == JSON}
    keys = [(m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)]
    keys += [(m, "serialization") for m in sorted(outputs, key=lambda m: m.__name__)]
    refs, definitions = models_json_schema(keys, ref_template=_REF)
    schemas = dict(definitions.get("$defs", {}))
    schemas["Problem"] = PROBLEM
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(PREFIX + op.openapi_path, {})[op.method.lower()] = _operation(op, refs, schemas)
    paths[PREFIX + "/health"] = {"get": {"summary": "Is the API up", "operationId": "health", "tags": ["Meta"],
                                         "security": [], "responses": {"200": {"description": "up"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "The books of a small shop, for integrations and the offline companion app. "
                                "Send `Authorization: Bearer <API key>` (keys: `bot api-key create`)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                           "description": "An API key from `bot api-key create`"}},
        },
        "security": [{"apiKey": []}],
    }


def _operation(op: Operation, refs: dict, schemas: dict[str, Any]) -> dict[str, Any]:
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
                  for name in op.path_params]
    errors = {*op.errors, 404} if op.path_params else set(op.errors)
    if op.query is not None:
        schema = schemas.get(op.query.__name__) or refs[(op.query, "validation")]
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "required": name in required,
                               "schema": _query_schema(prop)})
    if op.method == "POST":
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "description": "Retry safely: the same key and body return the stored response.",
                           "schema": {"type": "string", "minLength": 1, "maxLength": 120,
                                      "pattern": "^[\\x21-\\x7e]+$"}})
    schema = (refs[(_model(op.response), "serialization")] if op.media_type == JSON and op.raw_schema is None
              else op.raw_schema or BINARY)
    responses: dict[str, Any] = {
        str(op.status): {"description": "OK" if op.status == 200 else "Created",
                         "content": {op.media_type: {"schema": schema}}},
    }
    for status in sorted({400 if op.body else 0, 401, 403, 422 if (op.body or op.query) else 0, 429, *errors} - {0}):
        responses[str(status)] = {"description": TITLES.get(status, "Error"),
                                  "content": {"application/problem+json": {"schema": {"$ref": _REF.format(model="Problem")}}}}
    document: dict[str, Any] = {
        "summary": op.summary, "operationId": op.name, "tags": [op.tag], "parameters": parameters,
        "responses": responses, "x-scope": op.scope,
    }
    if op.description:
        document["description"] = op.description
    if op.body is not None:
        document["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": refs[(op.body, "validation")]}}}
    return document


def _query_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """Query values arrive as text; `null` alternatives of optional fields are dropped."""
    if "anyOf" in prop:
        options = [p for p in prop["anyOf"] if p.get("type") != "null"]
        if len(options) == 1:
            return {**options[0], **{k: v for k, v in prop.items() if k not in ("anyOf", "default", "title")}}
    return {k: v for k, v in prop.items() if k != "title"}
