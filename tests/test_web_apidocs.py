"""``/docs``: the API reference made from the app's own OpenAPI schema, with no script."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from _live import bearer
from factwatch.store import open_store
from factwatch.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("apidocs") / "fw.db"
    open_store(str(db)).close()
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db)) as c:
        yield c


def test_docs_lists_every_operation_of_the_schema(client):
    schema = client.get("/api/openapi.json").json()
    page = client.get("/docs")
    assert page.status_code == 200
    text = html.unescape(page.text)
    operations = [(m.upper(), p) for p, methods in schema["paths"].items() for m in methods]
    assert len(operations) >= 20
    for method, path in operations:
        assert f"{method} {path}" in text, (method, path)
    # The body of POST /api/documents is described field by field, from its pydantic model.
    section = text.split('id="post-api-documents"', 1)[1].split("</section>", 1)[0]
    for name in ("text", "source", "published_at", "external_id"):
        assert f"<code>{name}</code>" in section
    assert "multipart/form-data" in text.split('id="post-api-ingest"', 1)[1].split("</section>", 1)[0]


def test_docs_page_runs_no_script_and_keeps_the_csp(client):
    page = client.get("/docs")
    assert "<script" not in page.text.lower()
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_docs_needs_a_login(client):
    r = client.get("/docs", headers={"Authorization": ""}, follow_redirects=False)
    assert r.status_code in (302, 303, 307) and r.headers["location"].startswith("/login")
