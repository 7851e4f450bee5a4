"""``/docs``: the API reference, rendered on the server from the app's own OpenAPI schema.

Swagger UI would need a 1.5 MB vendored bundle and inline styles the CSP forbids; a page made
from ``app.openapi()`` with the dashboard's own template lists the same operations, needs no
script and no network, and cannot drift from the routes (the schema is generated from them).
The machine-readable schema stays at ``/api/openapi.json`` for clients and schemathesis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from factwatch.web._render import render

router = APIRouter()

_METHOD_ORDER = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    where: str  # query, path, header, body field, form field
    type: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    fields: list[Field] = field(default_factory=list)
    body_type: str | None = None  # application/json, multipart/form-data
    responses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.method.lower()}-{self.path.strip('/').replace('/', '-').replace('{', '').replace('}', '')}"


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(dict.fromkeys(_type(s) for s in schema["anyOf"] if s.get("type") != "null")) or "null"
    kind = schema.get("type", "object")
    if schema.get("format") == "binary":
        return "file"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    if schema.get("pattern") == "^[0-9]+$":
        return "integer"
    return str(kind)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return components.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _body_fields(op: dict[str, Any], components: dict[str, Any]) -> tuple[str | None, list[Field]]:
    content = op.get("requestBody", {}).get("content", {})
    for media_type, spec in content.items():
        schema = _resolve(spec.get("schema", {}), components)
        where = "form field" if "form" in media_type else "body field"
        required = set(schema.get("required", ()))
        return media_type, [
            Field(name, where, _type(prop), name in required, prop.get("description", ""))
            for name, prop in schema.get("properties", {}).items()
        ]
    return None, []


def operations(schema: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI schema, in path order, GET before POST."""
    components = schema.get("components", {}).get("schemas", {})
    ops = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method in sorted(methods, key=lambda m: _METHOD_ORDER.index(m) if m in _METHOD_ORDER else 99):
            op = methods[method]
            params = [Field(p["name"], p.get("in", ""), _type(p.get("schema", {})), bool(p.get("required")),
                            p.get("description", "")) for p in op.get("parameters", [])]
            body_type, body = _body_fields(op, components)
            ops.append(Operation(
                method=method.upper(), path=path, summary=op.get("summary", ""),
                description=op.get("description", ""), fields=params + body, body_type=body_type,
                responses=[(code, r.get("description", "")) for code, r in sorted(op.get("responses", {}).items())],
            ))
    return ops


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs_page(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    return render(request, "apidocs.html", operations=operations(schema), version=schema.get("info", {}).get("version"),
                  page_title="API")
