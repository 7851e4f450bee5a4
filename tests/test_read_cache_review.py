"""The read cache (web/_cache.py) under review: its memory bound, writes from other processes, and
sessions that end (docs/security.md, "Review of the read cache, the guard and logins"). A real
uvicorn on 127.0.0.1, the real CLI in a subprocess, a real SQLite file.
"""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from _live import add_user, bearer, live_dashboard, login
from factwatch.store import open_store
from factwatch.web._cache import ResponseCache


def _cli(db, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "factwatch.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture()
def server(tmp_path):
    db = tmp_path / "fw.db"
    open_store(str(db)).close()
    heads = {role: bearer(db, role) for role in ("viewer", "analyst")}
    with live_dashboard(db) as url, httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        yield http, heads, db


def test_the_cache_is_bounded_in_bytes_not_only_in_entries():
    # Any viewer can make distinct keys (?x=1, ?x=2, ...); 1,024 answers of up to 1 MiB each were up
    # to 1 GiB per worker. 400 answers of 256 KiB (the size of a demo /api/documents?limit=500
    # page is 417 KB) must stay within the byte budget, newest kept.
    cache = ResponseCache()
    body = b"x" * (256 * 1024)
    cache.get(1, ("/", "", "viewer", "en"))  # sets the version
    for i in range(400):
        cache.put(1, ("/api/documents", f"x={i}", "viewer", "en"), 200, [], body)
    assert cache.size_bytes == len(cache) * len(body) <= cache.max_bytes <= 64 * 2**20
    assert cache.get(1, ("/api/documents", "x=399", "viewer", "en")) is not None
    assert cache.get(1, ("/api/documents", "x=0", "viewer", "en")) is None
    # Replacing an entry does not count its body twice; a version move empties the count.
    cache.put(1, ("/api/documents", "x=399", "viewer", "en"), 200, [], body)
    assert cache.size_bytes == len(cache) * len(body)
    assert cache.get(2, ("/api/documents", "x=399", "viewer", "en")) is None and cache.size_bytes == 0
    cache.put(2, ("/big", "", "viewer", "en"), 200, [], b"x" * (cache.max_bytes + 1))
    assert len(cache) == 0


def test_a_write_by_another_process_shows_on_the_next_read(server, tmp_path):
    http, heads, db = server
    feed = tmp_path / "posts.jsonl"
    feed.write_text(json.dumps({"id": "p1", "text": "Prvi post o vizama iz druge obrade."}) + "\n", encoding="utf-8")
    _cli(db, "ingest", str(feed), "--source", "cli-outlet")
    first = http.get("/api/documents", headers=heads["viewer"])
    assert http.get("/api/documents", headers=heads["viewer"]).headers["x-cache"] == "hit"
    assert http.get("/api/stats", headers=heads["viewer"]).status_code == 200
    feed.write_text(json.dumps({"id": "p2", "text": "Drugi post, upisan iz drugog procesa."}) + "\n", encoding="utf-8")
    _cli(db, "ingest", str(feed), "--source", "cli-outlet")
    after = http.get("/api/documents", headers=heads["viewer"])
    assert after.headers["x-cache"] == "miss"
    assert after.json()["total"] == first.json()["total"] + 1
    # A user removed by the CLI on the server loses the cached answer with the next request.
    reader = bearer(db, "viewer", name="leaving")
    http.get("/api/documents", headers=reader)  # the token's first use is recorded: a write
    assert [http.get("/api/documents", headers=reader).headers["x-cache"] for _ in range(2)][-1] == "hit"
    _cli(db, "users", "remove", "leaving")
    assert http.get("/api/documents", headers=reader).status_code == 401
    # So is an analyst lowered to viewer: the answer they get is the viewer's entry, not their old one.
    lowered = bearer(db, "analyst", name="lowered")
    http.get("/api/stats", headers=lowered)
    _cli(db, "users", "role", "lowered", "viewer")
    assert http.get("/api/me", headers=lowered).json()["role"] == "viewer"


def test_a_logged_out_session_gets_401_not_the_cached_answer(server):
    http, _, db = server
    add_user(db, "sessioned", "viewer")
    csrf = login(http, "sessioned")
    cookie = http.cookies.get("factwatch_session")
    assert http.get("/api/documents").status_code == 200
    assert http.get("/api/documents").headers["x-cache"] == "hit"
    assert http.post("/logout", data={"csrf_token": csrf}).status_code == 303
    with httpx.Client(base_url=str(http.base_url), trust_env=False, timeout=60,
                      cookies={"factwatch_session": cookie}) as replay:
        r = replay.get("/api/documents")
    assert r.status_code == 401 and "x-cache" not in r.headers


def test_the_store_query_cache_is_bounded_in_bytes(tmp_path):
    # Its rows carry whole texts and Latin keys: before the byte bound, 256 pages of
    # /api/documents?limit=500 over 600 articles of 20 KB took a server from 107 MB to 5.1 GB.
    from factwatch.models import NewDocument

    path = str(tmp_path / "fw.db")
    text = "Vlada je danas saopštila nove mere o vizama i granicama. " * 350  # 20 KB, one š: 2 bytes a char
    with open_store(path) as writer:
        writer.insert_documents([NewDocument(platform="rss", source="s", text=f"{i} {text}", language="sr",
                                             script="Latn", latin_key=f"{i} {text}", content_hash=f"h{i}",
                                             position=str(i))
                                 for i in range(200)], run_id=writer.start_run("ingest", "t"))
    with open_store(path, access="read") as reader:
        for offset in range(40):  # 40 results of 8 MB each
            assert len(reader.list_documents(limit=100, offset=offset)) == 100
        held = sum(sys.getsizeof(v) for rows in reader._cache._results.values() for row in rows for v in row
                   if isinstance(v, (str, bytes)))
        assert 0 < held <= 64 * 2**20, f"{held / 2**20:.0f} MiB of rows held"
        assert reader._cache.size_bytes >= held
        first = reader.list_documents(limit=100, offset=39)
        hits = reader._cache.hits
        assert reader.list_documents(limit=100, offset=39) == first and reader._cache.hits == hits + 1
