"""Request bodies are capped before FastAPI reads them (web/_guard.py; docs/security.md, "Review
of the read cache, the guard and logins").

FastAPI parses a route's body before its dependencies, the login among them, so before the cap a
client without any login made the server hold whatever it sent. A real uvicorn on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from _live import bearer, live_dashboard
from factwatch.store import open_store
from factwatch.web._guard import MAX_BODY, MAX_UPLOAD_BODY, body_limit


@pytest.fixture()
def server(tmp_path):
    db = tmp_path / "fw.db"
    open_store(str(db)).close()
    analyst = bearer(db, "analyst")
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        yield http, analyst


def _body(total: int, content_type: str) -> bytes:
    """``total`` bytes; a form as fields of 512 KiB (Starlette refuses a single field over 1 MiB
    itself, but takes 1,000 of them)."""
    if content_type.startswith("application/json"):
        return b'"' + b"x" * (total - 2) + b'"'
    field = b"x" * (512 * 1024)
    body = b"&".join(b"f%d=" % i + field for i in range(total // len(field) + 1))
    return body[:total]


def _chunks(body: bytes, size: int = 256 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


@pytest.mark.parametrize("path,content_type", [
    ("/api/documents", "application/json"),  # answered 400 after parsing all of it, before the cap
    ("/login", "application/x-www-form-urlencoded"),  # the one form open to everyone
    ("/api/users", "application/json"),  # an admin route: the body was parsed before the 401
])
def test_an_oversized_body_without_a_login_is_refused_413_before_it_is_read(server, path, content_type):
    http, _ = server
    body = _body(MAX_BODY + 1, content_type)
    r = http.post(path, content=body, headers={"content-type": content_type})
    assert r.status_code == 413, (r.status_code, r.text[:200])
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "factwatch ingest PATH" in r.text
    # Sent in chunks, with no Content-Length to refuse up front, it is stopped once past the cap.
    r = http.post(path, content=_chunks(body), headers={"content-type": content_type})
    assert r.status_code == 413, (r.status_code, r.text[:200])
    assert "content-length" not in r.request.headers


def test_bodies_under_the_cap_still_work_and_uploads_get_their_own(server):
    http, analyst = server
    text = "Dugačak članak o vizama. " * 7000  # 175,000 characters, under the API's 200,000
    r = http.post("/api/documents", json={"text": text, "source": "limits"}, headers=analyst)
    assert r.status_code == 201, r.text[:200]
    # A chunked JSON body under the cap is read whole, as before.
    body = httpx.Request("POST", "/", json={"text": "Kratak tekst o vizama.", "source": "limits"}).content
    r = http.post("/api/documents", content=iter([body[:10], body[10:]]),
                  headers={**analyst, "content-type": "application/json"})
    assert r.status_code == 201, r.text[:200]
    assert body_limit("/api/ingest") == MAX_UPLOAD_BODY > 50 * 2**20 and body_limit("/api/documents") == MAX_BODY
    r = http.post("/api/ingest", content=b"x" * (MAX_UPLOAD_BODY + 1),
                  headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413


def test_answers_behind_the_login_are_marked_no_store_static_files_are_not(server):
    # Without Cache-Control a browser may keep a page or JSON of the workbench on disk after logout,
    # and a caching proxy in front may store an answer fetched with a session cookie (RFC 9111
    # protects only requests with Authorization) and hand it to the next client.
    http, analyst = server
    http.post("/api/documents", json={"text": "Dokument iza prijave.", "source": "limits"}, headers=analyst)
    for path in ("/api/documents", "/api/documents", "/documents", "/api/me", "/documents.csv", "/nope"):
        r = http.get(path, headers=analyst)
        assert "no-store" in r.headers.get("cache-control", ""), (path, r.status_code, r.headers.get("cache-control"))
    r = http.get("/login")
    assert "no-store" in r.headers.get("cache-control", "")
    css = http.get("/static/factwatch.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("cache-control", "")
