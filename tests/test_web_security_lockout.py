"""A stranger's typing cannot lock a user out of the browsers they already use (routers/auth.py;
docs/security.md, "Review of the read cache, the guard and logins"). A real uvicorn on 127.0.0.1;
each httpx client is one browser.

Failed logins are counted per name so a password cannot be guessed from many addresses; before
this change, five wrong passwords typed by anyone for ``admin`` every 15 minutes kept the admin
out for good. Now a browser that has logged in as a name before holds a signed device cookie, and
for it the name's lock is replaced by a count of that device's own failures (OWASP's "device
cookies").
"""

from __future__ import annotations

import re

import httpx
import pytest

from _live import TEST_PASSWORD, add_user, live_dashboard
from factwatch.web.routers.auth import ADDRESS_FAILURES_ALLOWED, DEVICE_COOKIE, FAILURES_ALLOWED


def _attempt(client: httpx.Client, name: str, password: str) -> httpx.Response:
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert token, "no login_token in the login form"
    return client.post("/login", data={"name": name, "password": password, "login_token": token.group(1)},
                       follow_redirects=False)


@pytest.fixture()
def url(tmp_path):
    db = tmp_path / "fw.db"
    for name, role in (("boss", "admin"), ("ana", "analyst")):
        add_user(db, name, role)
    with live_dashboard(db) as base:
        yield base


def _browser(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, trust_env=False, timeout=60)


def test_a_strangers_failed_logins_do_not_lock_out_a_browser_that_logged_in_before(url):
    with _browser(url) as admin, _browser(url) as stranger, _browser(url) as new_browser:
        assert _attempt(admin, "boss", TEST_PASSWORD).status_code == 303
        assert admin.cookies.get(DEVICE_COOKIE, path="/login")
        assert admin.post("/logout", data={"csrf_token": _csrf(admin)}).status_code == 303
        codes = [_attempt(stranger, "boss", f"guess {n}").status_code for n in range(FAILURES_ALLOWED)]
        assert codes == [401] * FAILURES_ALLOWED
        # The stranger, and any browser that has not logged in as boss, waits as before ...
        assert _attempt(stranger, "boss", TEST_PASSWORD).status_code == 429
        assert _attempt(new_browser, "boss", TEST_PASSWORD).status_code == 429
        # ... the admin's own browser does not.
        assert _attempt(admin, "boss", TEST_PASSWORD).status_code == 303


def test_a_device_cookie_is_bound_to_its_name_and_counts_its_own_failures(url):
    with _browser(url) as ana, _browser(url) as stranger:
        assert _attempt(ana, "ana", TEST_PASSWORD).status_code == 303
        device = ana.cookies.get(DEVICE_COOKIE, path="/login")
        for _ in range(FAILURES_ALLOWED):
            _attempt(stranger, "boss", "guess")
        # ana's cookie is no pass for another name, nor is a forged or altered one.
        stranger.cookies.set(DEVICE_COOKIE, device, path="/login")
        assert _attempt(stranger, "boss", TEST_PASSWORD).status_code == 429
        stranger.cookies.set(DEVICE_COOKIE, device[:-2] + ("AA" if not device.endswith("AA") else "BB"), path="/login")
        assert _attempt(stranger, "boss", TEST_PASSWORD).status_code == 429
        # Guessing from a browser with a device cookie is limited by its own count.
        codes = [_attempt(ana, "ana", f"guess {n}").status_code for n in range(FAILURES_ALLOWED + 1)]
        assert codes == [401] * FAILURES_ALLOWED + [429]


def _csrf(client: httpx.Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/about").text)
    assert found, "no csrf_token on a logged-in page"
    return found.group(1)


def test_a_stranger_at_the_same_address_cannot_lock_out_a_known_browser(url):
    # Without a proxy every client of a loopback server is 127.0.0.1 (an SSH tunnel, local users):
    # 30 failures for 30 names lock the address, and before device cookies they locked out everyone.
    with _browser(url) as admin, _browser(url) as stranger, _browser(url) as new_browser:
        assert _attempt(admin, "boss", TEST_PASSWORD).status_code == 303
        codes = [_attempt(stranger, f"name{n}", "guess").status_code for n in range(ADDRESS_FAILURES_ALLOWED)]
        assert codes == [401] * ADDRESS_FAILURES_ALLOWED
        assert _attempt(stranger, "ana", TEST_PASSWORD).status_code == 429
        assert _attempt(new_browser, "boss", TEST_PASSWORD).status_code == 429
        assert _attempt(admin, "boss", TEST_PASSWORD).status_code == 303


def _serve(db, port: int, *extra: str):
    import os
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "factwatch.cli", "--db", str(db), "serve", "--port", str(port), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "FACTWATCH_WARMUP": "0"})


def _address_limit_holds(base: str) -> bool:
    """Failed logins for many names, each claiming another X-Forwarded-For: does the address limit bite?"""
    with _browser(base) as client:
        codes = []
        for i in range(ADDRESS_FAILURES_ALLOWED + 2):
            client.headers["X-Forwarded-For"] = f"203.0.113.{i + 1}"
            codes.append(_attempt(client, f"nobody{i}", "wrong").status_code)
    return 429 in codes


@pytest.mark.parametrize("trust", [False, True])
def test_a_forged_forwarded_for_does_not_void_the_address_limit_unless_a_proxy_is_trusted(tmp_path, trust):
    """`factwatch serve` used uvicorn's default, which believes X-Forwarded-For from 127.0.0.1: anyone
    reaching the loopback port (a local user, an SSH tunnel) could name a new address each try."""
    import time

    from _live import free_port

    db = tmp_path / "fw.db"
    add_user(db, "boss", "admin")
    port = free_port()
    proc = _serve(db, port, *(["--trust-proxy"] if trust else []))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/login", timeout=5, trust_env=False)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        # Trusted, a proxy's header is believed (so each forged address counts apart); not trusted,
        # every try counts against the one real address.
        assert _address_limit_holds(f"http://127.0.0.1:{port}") is (not trust)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
