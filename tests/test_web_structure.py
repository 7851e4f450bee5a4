"""The dashboard's structure (issue 7 item 15): pages are routers in their own modules, each
page's HTML and JSON forms share one view function, and no template passes HTML through ``| safe``."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[1] / "src" / "factwatch" / "web"

# JSON form -> HTML form, where the two paths are not just "/api" apart.
PAIRS = {"/api/stats": "/", "/api/overview": "/", "/api/claims/{claim_id}/card": "/claims/{claim_id}/card.{fmt}",
         "/api/users/{user_id}/tokens": "/users",
         "/api/facts/facts": "/facts"}  # the /facts page shows both lists: fact-checks and facts


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from factwatch.web.app import create_app

    from factwatch.store import open_store

    path = tmp_path_factory.mktemp("structure") / "factwatch.db"
    open_store(str(path)).close()
    return create_app(str(path))


def test_no_template_marks_html_safe():
    offenders = [p.name for p in (WEB / "templates").glob("*.html") if re.search(r"\|\s*safe\b", p.read_text())]
    assert offenders == []


def test_create_app_defines_no_page_routes():
    tree = ast.parse((WEB / "app.py").read_text(encoding="utf-8"))
    decorators = [ast.unparse(d) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                  for d in node.decorator_list]
    assert not [d for d in decorators if re.match(r"app\.(get|post|put|delete|api_route)\(", d)]


def test_every_api_route_has_its_page_in_the_same_router_module(app):
    from factwatch.web.routers import ROUTERS

    # The schema lists the /api routes and nothing else (the accounts' routers add theirs to it).
    schema = set(app.openapi()["paths"])
    assert all(p.startswith("/api/") for p in schema)
    # A converter ({name:path}: names that hold a '/') is not part of the schema's path.
    assert {re.sub(r":\w+}", "}", r.path) for router in ROUTERS for r in router.routes
            if r.path.startswith("/api/")} <= schema
    routes = {r.path: r for router in ROUTERS for r in router.routes if "GET" in getattr(r, "methods", ())}
    # Reads have a page; writes (issue 10: decisions, edits, ingestion) are actions without one.
    api = [path for path in routes if path.startswith("/api/")]
    assert len(api) >= 21
    for path in api:
        page = PAIRS.get(path, path.removeprefix("/api"))
        assert page in routes, f"{path} has no HTML form {page}"
        json_module = routes[path].endpoint.__module__
        assert json_module == routes[page].endpoint.__module__
        assert json_module.startswith("factwatch.web.routers.")


@pytest.mark.parametrize("module", ["documents", "runs", "claims", "facts", "sources", "match", "clusters", "coordination"])
def test_html_and_json_forms_call_one_view_function(module):
    import importlib

    mod = importlib.import_module(f"factwatch.web.routers.{module}")
    views = {name for name, fn in vars(mod).items() if name.endswith("_view") and inspect.isfunction(fn)}
    assert views
    endpoints = [fn for name, fn in vars(mod).items()
                 if inspect.isfunction(fn) and (name.endswith("_page") or name.endswith("_json"))]
    for view in views:
        callers = [fn.__name__ for fn in endpoints if re.search(rf"\b{view}\(", inspect.getsource(fn))]
        assert any(c.endswith("_page") for c in callers) and any(c.endswith("_json") for c in callers), (view, callers)
