"""Failed logins are counted in the store (migration 018), not in one process's memory.

Before, ``LoginThrottle`` kept its counts in a dict: with ``serve --workers N`` each worker had its
own (an attacker got N times the guesses) and a restart forgot them all. Here two app instances on
one database file stand for two workers, and a closed and reopened app for a restart; a real
``factwatch serve --workers 2`` is driven over HTTP as well.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from _live import TEST_PASSWORD, add_user
from factwatch.store import open_store
from factwatch.web.app import create_app
from factwatch.web.routers.auth import ADDRESS_FAILURES_ALLOWED, FAILURE_WINDOW_S, FAILURES_ALLOWED

LOCAL = "http://127.0.0.1"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "throttle.db"
    for name in ("ana", "adam"):
        add_user(path, name, "analyst")
    return path


def _attempt(client: TestClient | httpx.Client, name: str, password: str) -> httpx.Response:
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert token, "no login_token in the login form"
    return client.post("/login", data={"name": name, "password": password, "login_token": token.group(1)},
                       follow_redirects=False)


def test_a_lockout_in_one_worker_holds_in_another(db: Path):
    with TestClient(create_app(str(db)), base_url=LOCAL) as one, TestClient(create_app(str(db)), base_url=LOCAL) as two:
        # Guesses spread over both: in memory each would have counted only its own share.
        codes = [_attempt(one if n % 2 else two, "ana", f"guess {n}").status_code for n in range(FAILURES_ALLOWED)]
        assert codes == [401] * FAILURES_ALLOWED
        for client in (one, two):
            blocked = _attempt(client, "ana", TEST_PASSWORD)
            assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 60
            assert "factwatch_session" not in blocked.headers.get("set-cookie", "")
        assert _attempt(two, "adam", TEST_PASSWORD).status_code == 303  # only that name waits


def test_a_lockout_survives_a_restart(db: Path):
    with TestClient(create_app(str(db)), base_url=LOCAL) as before:
        for n in range(FAILURES_ALLOWED):
            assert _attempt(before, "ana", f"guess {n}").status_code == 401
    with TestClient(create_app(str(db)), base_url=LOCAL) as after:
        assert _attempt(after, "ana", TEST_PASSWORD).status_code == 429


def test_a_success_clears_the_names_count_everywhere(db: Path):
    with TestClient(create_app(str(db)), base_url=LOCAL) as one, TestClient(create_app(str(db)), base_url=LOCAL) as two:
        for n in range(FAILURES_ALLOWED - 1):
            assert _attempt(one, "ana", f"guess {n}").status_code == 401
        assert _attempt(two, "ana", TEST_PASSWORD).status_code == 303
        # The count starts again: four more mistakes are allowed before the lockout.
        assert [_attempt(one, "ana", "again").status_code for _ in range(FAILURES_ALLOWED - 1)] == [401] * 4


def test_many_names_from_one_address_lock_the_address_across_workers(db: Path):
    with TestClient(create_app(str(db)), base_url=LOCAL) as one, TestClient(create_app(str(db)), base_url=LOCAL) as two:
        for n in range(ADDRESS_FAILURES_ALLOWED):
            assert _attempt(one if n % 2 else two, f"nobody-{n}", "x").status_code == 401
        assert _attempt(one, "adam", TEST_PASSWORD).status_code == 429


def test_old_failures_leave_the_window_and_the_table(db: Path):
    from factwatch.web.routers.auth import LoginThrottle

    now = [10_000.0]
    with open_store(str(db)) as store:
        throttle = LoginThrottle(lambda: store, clock=lambda: now[0])
        for _ in range(FAILURES_ALLOWED):
            throttle.fail("name:x", "addr:1.2.3.4")
        assert throttle.blocked("name:x", FAILURES_ALLOWED) == pytest.approx(FAILURE_WINDOW_S)
        now[0] += FAILURE_WINDOW_S + 1
        assert throttle.blocked("name:x", FAILURES_ALLOWED) == 0.0
        throttle.fail("name:y")  # writing prunes what left the window
        rows = store._query("SELECT key, COUNT(*) FROM login_failures GROUP BY key")
        assert [tuple(r) for r in rows] == [("name:y", 1)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers_locks_out_across_them(db: Path):
    """A real ``factwatch serve --workers 2``: each request may land on either worker; the name is
    locked after FAILURES_ALLOWED failures however they were spread."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "factwatch.cli", "--db", str(db), "serve", "--port", str(port),
                             "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not start: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        codes = []
        for n in range(FAILURES_ALLOWED):
            # A new connection each time, so the kernel may hand it to either worker.
            with httpx.Client(base_url=base, timeout=10) as c:
                codes.append(_attempt(c, "ana", f"guess {n}").status_code)
        assert codes == [401] * FAILURES_ALLOWED
        for _ in range(4):
            with httpx.Client(base_url=base, timeout=10) as c:
                assert _attempt(c, "ana", TEST_PASSWORD).status_code == 429
    finally:
        proc.terminate()
        proc.wait(timeout=30)
