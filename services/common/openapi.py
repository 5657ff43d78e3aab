"""The OpenAPI document of every service, shaped to the NL API Design Rules (Logius Spectral ruleset).

FastAPI's default document breaks several rules (422 responses, no version header, no /v1 in the
server URL); rather than asking every route to remember them, the document is post-processed here once:
- server URL `/v1` (the major version in the URI) and paths relative to it; operational endpoints
  (/health, /metrics) stay out of the API document;
- every operation can answer 400, and every 4xx/5xx response is application/problem+json with the
  Problem schema (status, title, detail); FastAPI's validation 422 is replaced by 400, as the service really
  does (a 422 a route declares itself, a refusal on the merits, stays);
- every 2xx/3xx response documents the API-Version header;
- bearer authentication is declared; time fields use time-local (the standard's times carry no zone).
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Foutmelding volgens RFC 9457 (application/problem+json).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "URI die het soort fout aanduidt"},
        "code": {"type": "string", "description": "Korte code van het soort fout", "example": "xsd-validatie"},
        "title": {"type": "string", "example": "Ongeldige invoer"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "Het JW305-bericht voldoet niet aan het XSD (1 fout(en))."},
        "instance": {"type": "string", "description": "Het pad van het verzoek"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"}, "code": {"type": "string"}, "reason": {"type": "string"},
                },
            },
        },
    },
}
PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
VERSION_HEADER = {"$ref": "#/components/headers/API-Version"}
PREFIX = "/v1"
_DEFAULT_ERRORS = {
    "400": "Ongeldige invoer",
    "401": "Geen of ongeldig token",
}


def _fix_formats(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time":
            node["format"] = "time-local"
        for value in node.values():
            _fix_formats(value)
    elif isinstance(node, list):
        for value in node:
            _fix_formats(value)


def shape(schema: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(PREFIX + "/"):
            continue  # /health, /metrics: operational endpoints, documented in the README
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = op.setdefault("responses", {})
            # FastAPI's own 422 (request validation) is answered as 400; a 422 a route declares itself (a
            # refusal on the merits, with reasons) is real and stays documented
            if responses.get("422", {}).get("description") == "Validation Error":
                responses.pop("422")
            for code, text in _DEFAULT_ERRORS.items():
                responses.setdefault(code, {"description": text})
            for code, response in responses.items():
                if code[0] in "23":
                    response.setdefault("headers", {})["API-Version"] = VERSION_HEADER
                elif code[0] in "45":
                    response["content"] = PROBLEM_CONTENT
        paths[path[len(PREFIX):] or "/"] = item
    schema["paths"] = paths
    schema["servers"] = [{"url": PREFIX, "description": "deze dienst, versie 1"}]
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["headers"] = {
        "API-Version": {"description": "De volledige versie van deze API (semver)",
                        "schema": {"type": "string", "example": "1.0.0"}},
    }
    components["securitySchemes"] = {
        "bearerAuth": {"type": "http", "scheme": "bearer",
                       "description": "Token van uw organisatie (gemeente, aanbieder of dienst)"},
    }
    schema["security"] = [{"bearerAuth": []}]
    _fix_formats(schema)
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            raw = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
                tags=app.openapi_tags, contact=app.contact, license_info=app.license_info,
            )
            app.openapi_schema = shape(raw)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
