"""A real dashboard server on loopback and Debian's chromium, shared by the browser tests."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
# As root in a container chromium needs --no-sandbox; the rest stop it calling home (DESIGN.md).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is absent; `make browser` (apt-get install chromium) installs it"
)


@contextmanager
def live_dashboard(db: Path, **app_options: Any) -> Iterator[str]:
    """uvicorn serving create_app(db, **app_options) on a free 127.0.0.1 port in a thread; yields its base URL."""
    import uvicorn

    from factwatch.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the kernel picks the port; handing uvicorn the socket avoids a race
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(str(db), **app_options), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 15 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def free_port() -> int:
    """A port nothing listens on right now (for a subprocess that binds it itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- accounts (issue 10): every page and /api route needs a login --------------------------------

TEST_PASSWORD = "correct horse battery"


def add_user(db: Path | str, name: str = "tester", role: str = "viewer", password: str = TEST_PASSWORD) -> None:
    """Create user ``name`` with ``role`` in the database file ``db`` (created and migrated if new)."""
    from factwatch import accounts
    from factwatch.store import open_store

    with open_store(str(db)) as store:
        if store.get_user(name) is None:
            accounts.add_user(store, name, role, password)


def bearer(db: Path | str, role: str = "viewer", name: str | None = None) -> dict[str, str]:
    """Headers carrying a fresh API token of a user with ``role`` (created in ``db`` if missing)."""
    from factwatch import accounts
    from factwatch.store import open_store

    name = name or f"test-{role}"
    add_user(db, name, role)
    with open_store(str(db)) as store:
        return {"Authorization": "Bearer " + accounts.create_token(store, name)}


def login(client: Any, name: str, password: str = TEST_PASSWORD, *, base: str = "") -> str:
    """Log ``client`` (TestClient or httpx.Client) in through the /login form; returns the CSRF token.

    The session cookie stays in the client's cookie jar; the token goes in forms as ``csrf_token``.
    """
    import re

    form = client.get(base + "/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token, "no login_token in the login form"
    response = client.post(base + "/login", data={"name": name, "password": password, "next": "/about",
                                                  "login_token": token.group(1)}, follow_redirects=True)
    assert response.status_code == 200, f"login as {name} failed: {response.status_code} {response.text[:300]}"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert csrf, "a logged-in page carries no csrf_token"
    return csrf.group(1)


def browser_login(page: Any, base_url: str, name: str, password: str = TEST_PASSWORD) -> None:
    """Log a Playwright page in through the form, as a person would."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("form.login-form button[type=submit]")
    # Idle, not just loaded: the login page's favicon fetch must not be cut off by the caller's next goto.
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, f"login as {name} failed: {page.url}"

