"""Issue 7's probes of the dashboard, each a regression test: Host/DNS rebinding (item 4), match
GETs that wrote to the database and ran unmetered (item 7), and inputs that gave bare 500s (item 8).

Real components throughout: a real SQLite store, the real matcher and e5 model, a real uvicorn
server on 127.0.0.1 and the real ``factwatch serve`` in a subprocess.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from _live import bearer, free_port, live_dashboard
from test_web_app import corpus  # noqa: F401  (the dashboard corpus fixture)
from test_web_claims import FALSE_CLAIM, db  # noqa: F401  (a store with a fact base and matches)

from factwatch.web.app import create_app

LOCAL = "http://127.0.0.1"
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")


def _has_security_headers(response: httpx.Response) -> bool:
    return all(h in response.headers for h in SECURITY_HEADERS)


@pytest.fixture
def client(db_path: Path, corpus):  # noqa: F811
    with TestClient(create_app(str(db_path)), base_url=LOCAL, headers=bearer(db_path)) as c:
        yield c


# -- item 4: Host header and DNS rebinding -------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/documents?limit=1", "/", "/documents", "/static/factwatch.css"])
def test_foreign_host_is_refused(client, path):
    r = client.get(path, headers={"Host": "attacker.example"})
    assert r.status_code == 400
    assert "attacker.example" in r.text and "--allowed-host" in r.text
    assert "Влада" not in r.text and "Wire item" not in r.text  # no data leaks in the refusal
    assert _has_security_headers(r)
    if path.startswith("/api/"):
        assert "DNS rebinding" in r.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000"])
def test_loopback_names_are_served(client, host):
    r = client.get("/api/stats", headers={"Host": host})
    assert r.status_code == 200 and r.json()["documents"] > 0


def test_configured_host_names_are_served(db_path, corpus, monkeypatch):  # noqa: F811
    monkeypatch.setenv("FACTWATCH_ALLOWED_HOSTS", "dash.team.example, other.example")
    app = create_app(str(db_path), host="10.1.2.3", allowed_hosts=["factwatch.lan"])
    with TestClient(app, base_url=LOCAL, headers=bearer(db_path)) as c:
        for host in ("10.1.2.3:8000", "factwatch.lan", "dash.team.example:443", "other.example"):
            assert c.get("/api/stats", headers={"Host": host}).status_code == 200, host
        assert c.get("/api/stats", headers={"Host": "factwatch.lan.attacker.example"}).status_code == 400
        assert c.get("/api/stats", headers={"Host": ""}).status_code == 400


def test_real_server_refuses_a_rebound_host(db_path, corpus):  # noqa: F811
    """The issue's probe: curl -H 'Host: attacker.example' 127.0.0.1:PORT/api/documents?limit=1."""
    headers = bearer(db_path)
    with live_dashboard(db_path) as url:
        with httpx.Client(trust_env=False, headers=headers) as http:
            bad = http.get(f"{url}/api/documents?limit=1", headers={"Host": "attacker.example"})
            good = http.get(f"{url}/api/documents?limit=1")
    assert bad.status_code == 400 and "documents" not in bad.json()
    assert good.status_code == 200 and len(good.json()["documents"]) == 1


def _factwatch(*args: str, db: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "factwatch.cli", "--db", str(db), *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_refuses_a_public_address_without_insecure_public(tmp_path, host):
    # Before the fix this started serving on the address (and the subprocess timed out).
    result = _factwatch("serve", "--host", host, "--port", str(free_port()), db=tmp_path / "t.db")
    assert result.returncode == 1
    assert "--insecure-public" in result.stderr and "Traceback" not in result.stderr


def test_serve_of_a_missing_database_says_so_and_creates_nothing(tmp_path):
    db = tmp_path / "mistyped.db"
    result = _factwatch("serve", "--port", str(free_port()), db=db)
    assert result.returncode == 1 and "does not exist" in result.stderr
    assert "dashboard on" not in result.stdout and not db.exists()


def test_serve_insecure_public_warns_and_still_checks_hosts(db_path, corpus):  # noqa: F811
    port = free_port()
    headers = bearer(db_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "factwatch.cli", "--db", str(db_path), "serve", "--host", "0.0.0.0",
         "--port", str(port), "--insecure-public", "--allowed-host", "dash.example"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + 30
        with httpx.Client(trust_env=False, headers=headers) as http:
            while True:
                try:
                    ok = http.get(f"http://127.0.0.1:{port}/api/stats")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                    time.sleep(0.1)
            named = http.get(f"http://127.0.0.1:{port}/api/stats", headers={"Host": "dash.example"})
            foreign = http.get(f"http://127.0.0.1:{port}/api/stats", headers={"Host": "attacker.example"})
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=15)
    assert ok.status_code == 200 and named.status_code == 200 and foreign.status_code == 400
    assert "warning: serving on 0.0.0.0" in stderr and "plain HTTP" in stderr


# -- item 14 (the part in this area): demo checks its port first ---------------------------------

def test_demo_checks_the_port_before_loading(tmp_path):
    busy = __import__("socket").socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    db = tmp_path / "demo.db"
    try:
        started = time.monotonic()
        # Before the fix the demo loaded and analysed for minutes, then failed to bind.
        result = _factwatch("demo", "--port", str(port), db=db, timeout=60)
        elapsed = time.monotonic() - started
    finally:
        busy.close()
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 20
    if db.exists():  # nothing was loaded
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_makefile_passes_port_to_demo():
    make = subprocess.run(["make", "-n", "demo", "PORT=8123"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    if make.returncode != 0 and "No rule" in make.stderr:
        pytest.skip("make is not installed")
    assert "demo --port 8123" in make.stdout


# -- item 7: GET /match writes nothing and is rate limited ---------------------------------------

def _cached_vectors(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM embedding_cache").fetchone()[0]


def test_match_gets_do_not_write_to_the_database(db):  # noqa: F811
    headers = bearer(db)  # written before the mtime is taken: checking a token writes nothing
    app = create_app(str(db))
    before = _cached_vectors(db)
    mtime = db.stat().st_mtime_ns
    texts = [f"Vlada je {n}. put zabranila crkvu u gradu broj {n}." for n in range(3)]
    with TestClient(app, base_url=LOCAL, headers=headers) as c:
        for text in texts:
            assert c.get("/api/match", params={"text": text}).status_code == 200
            assert c.get("/match", params={"text": text}).status_code == 200
        repeat = c.get("/api/match", params={"text": FALSE_CLAIM}).json()
        again = c.get("/api/match", params={"text": FALSE_CLAIM}).json()
    assert _cached_vectors(db) == before  # before the fix: one row per new query
    assert db.stat().st_mtime_ns == mtime
    memo = app.state.query_vectors
    assert 3 <= len(memo) <= memo.maxsize and all(k.startswith("query:") for k in memo)
    assert repeat == again and repeat["addressed"] is True


def test_query_vector_memo_is_bounded(db):  # noqa: F811
    app = create_app(str(db), query_vectors=2)
    with TestClient(app, base_url=LOCAL, headers=bearer(db)) as c:
        for n in range(4):
            assert c.get("/api/match", params={"text": f"Tvrdnja broj {n} o budžetu."}).status_code == 200
    assert len(app.state.query_vectors) == 2


def test_match_is_rate_limited_per_client(db):  # noqa: F811
    app = create_app(str(db), match_burst=3, match_rate=0.05)
    headers = bearer(db)
    with TestClient(app, base_url=LOCAL, headers=headers) as c:
        codes = [c.get("/api/match", params={"text": "NATO širi prisustvo."}).status_code for _ in range(4)]
        limited = c.get("/api/match", params={"text": "NATO širi prisustvo."})
        page = c.get("/match", params={"text": "NATO širi prisustvo."})
        empty_form = c.get("/match")
        # Another address has its own bucket (no `with`: the app's lifespan is already running).
        other = TestClient(app, base_url=LOCAL, client=("192.0.2.7", 5000), headers=headers)
        elsewhere = other.get("/api/match", params={"text": "NATO širi prisustvo."})
    assert codes == [200, 200, 200, 429]
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 20
    assert "Too many matches" in limited.json()["error"] and _has_security_headers(limited)
    assert page.status_code == 429 and "429 · too many requests" in page.text
    assert empty_form.status_code == 200  # showing the form costs nothing
    assert elsewhere.status_code == 200


def test_token_bucket_refills_at_its_rate():
    from factwatch.web._ratelimit import TokenBuckets

    now = [100.0]
    buckets = TokenBuckets(rate=2.0, burst=2, clock=lambda: now[0])
    assert [buckets.take("a"), buckets.take("a")] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0.0  # another client has its own bucket
    now[0] += 0.5
    assert buckets.take("a") == 0.0
    now[0] += 60
    assert [buckets.take("a") for _ in range(3)][:2] == [0.0, 0.0]


# -- item 8: no bare 500 -------------------------------------------------------------------------

@pytest.mark.parametrize("path,status,mentions", [
    ("/api/documents?since=0001-01-01T00:00:00%2B01:00", 400, "since"),
    ("/api/documents?until=9999-12-31T23:00:00-05:00", 400, "until"),
    ("/api/documents?q=%00", 400, "control character"),
    ("/api/claims?q=a%00b", 400, "control character"),
    ("/api/documents/9223372036854775808", 404, "No document"),
    ("/api/documents/" + "9" * 5000, 404, "No document"),
    ("/api/claims/9223372036854775808", 404, "No claim"),
    ("/api/claims/9223372036854775808/card", 404, "No claim"),
])
def test_probe_inputs_are_4xx_json(client, path, status, mentions):
    r = client.get(path)
    assert r.status_code == status and mentions in r.json()["error"]
    assert _has_security_headers(r)


@pytest.mark.parametrize("path,status", [
    ("/documents?since=0001-01-01T00:00:00%2B01:00", 400),
    ("/documents?q=%00", 400),
    ("/documents/9223372036854775808", 404),
    ("/claims/9223372036854775808", 404),
])
def test_probe_inputs_are_4xx_pages(client, path, status):
    r = client.get(path)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert '<p class="error-message">' in r.text and _has_security_headers(r)


def test_unexpected_errors_are_json_or_a_page_with_headers(db_path, corpus):  # noqa: F811
    app = create_app(str(db_path))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False, headers=bearer(db_path)) as c:
        app.state.store.close()  # every store call now raises sqlite3.ProgrammingError: a bug, not input
        api = c.get("/api/stats")
        page = c.get("/")
    assert api.status_code == 500 and "Internal error" in api.json()["error"] and _has_security_headers(api)
    assert page.status_code == 500 and "500 · server error" in page.text and _has_security_headers(page)
    assert "Traceback" not in api.text + page.text
