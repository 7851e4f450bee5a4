"""The web read cache (web/_cache.py) on a real server: reused answers, never stale, never across roles.

A real uvicorn on 127.0.0.1 over a real SQLite file; writes go through the API (POST
/api/documents) or through another connection (the accounts service), as in use.
"""

from __future__ import annotations

import time

import httpx
import pytest

from _live import bearer, live_dashboard
from factwatch import accounts
from factwatch.store import open_store
from factwatch.web._cache import CACHEABLE, ResponseCache, canonical_query


@pytest.fixture()
def server(tmp_path):
    db = tmp_path / "fw.db"
    open_store(str(db)).close()
    heads = {role: bearer(db, role) for role in ("viewer", "analyst", "admin")}
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        yield http, heads, db


def _post(http: httpx.Client, analyst: dict[str, str], text: str) -> str:
    r = http.post("/api/documents", json={"text": text, "source": "cache-test"}, headers=analyst)
    assert r.status_code == 201, r.text
    return str(r.json()["document_id"])


def test_a_repeated_read_is_served_from_the_cache_with_the_same_body_and_headers(server):
    http, heads, _ = server
    _post(http, heads["analyst"], "Prvi dokument o vizama za test keša.")
    first = http.get("/api/documents", headers=heads["viewer"])
    second = http.get("/api/documents", headers=heads["viewer"])
    assert first.status_code == second.status_code == 200
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert second.content == first.content and second.headers["content-type"] == first.headers["content-type"]
    # The Host guard's headers are added to a cached answer as to any other.
    assert "default-src 'self'" in second.headers["content-security-policy"]
    assert second.headers["x-content-type-options"] == "nosniff"
    # The same question with its parameters in another order is the same entry.
    a = http.get("/api/documents?source=cache-test&limit=5", headers=heads["viewer"])
    b = http.get("/api/documents?limit=5&source=cache-test", headers=heads["viewer"])
    assert (a.headers["x-cache"], b.headers["x-cache"]) == ("miss", "hit") and a.content == b.content


def test_a_write_through_the_api_is_visible_on_the_next_read(server):
    http, heads, _ = server
    _post(http, heads["analyst"], "Prvi dokument pre upisa.")
    before = http.get("/api/documents", headers=heads["viewer"]).json()
    assert http.get("/api/documents", headers=heads["viewer"]).headers["x-cache"] == "hit"
    new_id = _post(http, heads["analyst"], "Drugi dokument, upisan posle keširanog čitanja.")
    after = http.get("/api/documents", headers=heads["viewer"])
    assert after.headers["x-cache"] == "miss"
    assert after.json()["total"] == before["total"] + 1
    assert new_id in {str(d["id"]) for d in after.json()["documents"]}
    stats = http.get("/api/stats", headers=heads["viewer"]).json()
    assert stats["documents"] == before["total"] + 1


def test_a_viewer_never_gets_an_answer_cached_for_another_role(server):
    http, heads, _ = server
    _post(http, heads["analyst"], "Dokument za proveru uloga.")
    assert http.get("/api/documents", headers=heads["analyst"]).headers["x-cache"] == "miss"
    assert http.get("/api/documents", headers=heads["analyst"]).headers["x-cache"] == "hit"
    assert http.get("/api/documents", headers=heads["viewer"]).headers["x-cache"] == "miss"
    # An admin-only read is not cacheable at all: the viewer still gets the 403 after it.
    assert not CACHEABLE.match("/api/users")
    admin = http.get("/api/users", headers=heads["admin"])
    assert admin.status_code == 200 and "x-cache" not in admin.headers
    assert http.get("/api/users", headers=heads["viewer"]).status_code == 403
    # No login, no cached answer.
    assert http.get("/api/documents").status_code == 401
    assert http.get("/api/documents", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_removed_users_token_gets_401_not_the_cached_answer(server):
    http, heads, db = server
    reader = bearer(db, "viewer", name="leaving")
    assert http.get("/api/stats", headers=reader).status_code == 200
    assert http.get("/api/stats", headers=reader).headers["x-cache"] == "hit"
    with open_store(str(db)) as store:
        admin = accounts.as_user(store.get_user("test-admin"))
        accounts.remove_user(store, admin, "leaving")
    assert http.get("/api/stats", headers=reader).status_code == 401


def test_pages_and_per_user_answers_are_not_cached(server):
    http, heads, _ = server
    for path in ("/api/saved-searches", "/api/users", "/documents", "/"):
        assert not CACHEABLE.match(path), path
    http.get("/api/stats", headers=heads["viewer"])  # a token's first use is recorded: a write
    answers = []
    for _ in range(2):  # fresh clients, without the cookie the first answer set
        with httpx.Client(base_url=str(http.base_url), trust_env=False, timeout=60) as fresh:
            answers.append(fresh.get("/api/documents?lang=sr-Latn", headers=heads["viewer"]))
    # ?lang= sets the language cookie on an API answer (the guard's job, not the cache's), on a cached
    # answer too: the cookie is never stored with the answer, it is added each time.
    assert [r.headers["x-cache"] for r in answers] == ["miss", "hit"]
    assert all("factwatch_lang=sr-Latn" in r.headers.get("set-cookie", "") for r in answers)
    # A client that already holds the cookie is not sent it again, as before the cache.
    http.cookies.set("factwatch_lang", "sr-Latn")
    assert "set-cookie" not in http.get("/api/documents?lang=sr-Latn", headers=heads["viewer"]).headers


def test_response_cache_drops_everything_when_the_data_version_moves_and_expires_entries():
    cache = ResponseCache(entries=2, ttl=0.2)
    key = ("/api/stats", "", "viewer", "en")
    cache.put(1, key, 200, [], b"{}")  # before any get: no version yet, so not kept
    assert cache.get(1, key) is None
    cache.put(1, key, 200, [], b"{}")
    assert cache.get(1, key) is not None
    assert cache.get(2, key) is None  # another connection committed
    cache.put(1, key, 200, [], b"{}")  # an answer made before the move is not kept after it
    assert cache.get(2, key) is None
    cache.put(2, key, 200, [], b"{}")
    time.sleep(0.25)
    assert cache.get(2, key) is None  # expired
    for i in range(3):
        cache.put(2, (f"/api/documents/{i}", "", "viewer", "en"), 200, [], b"{}")
    assert cache.get(2, ("/api/documents/0", "", "viewer", "en")) is None  # bounded: the oldest went
    assert cache.get(2, ("/api/documents/2", "", "viewer", "en")) is not None


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    db = tmp_path / "fw.db"
    open_store(str(db)).close()
    viewer = bearer(db, "viewer")
    monkeypatch.setenv("FACTWATCH_READ_CACHE", "0")
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        for _ in range(2):
            r = http.get("/api/stats", headers=viewer)
            assert r.status_code == 200 and "x-cache" not in r.headers


def test_canonical_query_orders_names_but_keeps_repeated_values_and_bytes_apart():
    assert canonical_query(b"b=2&a=1") == canonical_query(b"a=1&b=2")
    assert canonical_query(b"q=x&q=y") != canonical_query(b"q=y&q=x")
    assert canonical_query(b"q=%FF") != canonical_query(b"q=%FE")
    assert canonical_query("q=Vu%C4%8Di%C4%87".encode()) != canonical_query(b"q=Vucic")
