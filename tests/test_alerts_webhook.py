"""Alert webhooks against a real HTTP server on 127.0.0.1: retries with backoff, delivered once,
and the safe-fetch rules (http(s) only, no private address unless FACTWATCH_ALLOW_PRIVATE=1)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factwatch.analysis.alerts import deliver, detect_alerts
from factwatch.models import NewAlert


class _Hook:
    def __init__(self, fail_first: int, fail_status: int = 500) -> None:
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.requests: list[tuple[int, str, dict]] = []  # (status sent, content type, body)


@pytest.fixture
def hook() -> Iterator[tuple[_Hook, str]]:
    state = _Hook(fail_first=2)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status = state.fail_status if len(state.requests) < state.fail_first else 204
            state.requests.append((status, self.headers["Content-Type"], body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def _one_alert(store) -> None:
    store.save_alerts([NewAlert(key="spike:x:2026-10-06", kind="spike", narrative_id=None, subject=None,
                                at="2026-10-06", score=1e-5, summary="x: 12 documents", details={"count": 12})],
                      stage="alerts", cursor="test")


def test_webhook_fails_twice_then_delivers_once(store, hook, monkeypatch):
    state, url = hook
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    _one_alert(store)
    stats = detect_alerts(store, webhook_url=url, retries=3, backoff=0.01)
    assert (stats.delivered, stats.failed) == (1, 0)
    assert [s for s, _t, _b in state.requests] == [500, 500, 204]
    _status, ctype, body = state.requests[-1]
    assert ctype == "application/json"
    assert body["alert"]["key"] == "spike:x:2026-10-06" and body["alert"]["details"] == {"count": 12}
    assert store.list_alerts()[0].delivery == "delivered"
    again = detect_alerts(store, webhook_url=url, retries=3, backoff=0.01)
    assert (again.new, again.delivered, len(state.requests)) == (0, 0, 3)  # delivered once


def test_webhook_gives_up_after_retries_and_tries_again_next_run(store, hook, monkeypatch):
    state, url = hook
    state.fail_first = 5
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    _one_alert(store)
    first = detect_alerts(store, webhook_url=url, retries=2, backoff=0.01)
    assert (first.delivered, first.failed, len(state.requests)) == (0, 1, 2)
    assert store.list_alerts()[0].delivery == "failed"
    state.fail_first = 0
    state.requests.clear()
    second = detect_alerts(store, webhook_url=url, retries=2, backoff=0.01)
    assert (second.delivered, len(state.requests)) == (1, 1)


def test_a_client_error_is_not_retried(hook, monkeypatch):
    state, url = hook
    state.fail_first, state.fail_status = 9, 404
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    waits: list[float] = []
    ok, attempts, error = deliver(url, {"a": 1}, retries=3, backoff=0.01, sleep=waits.append)
    assert (ok, attempts, error, waits) == (False, 1, "HTTP 404", [])


def test_backoff_doubles(hook, monkeypatch):
    state, url = hook
    state.fail_first = 9
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    waits: list[float] = []
    ok, attempts, _error = deliver(url, {"a": 1}, retries=4, backoff=0.5, sleep=waits.append)
    assert (ok, attempts, waits) == (False, 4, [0.5, 1.0, 2.0])


def test_private_address_is_refused_without_the_switch(store, hook, monkeypatch):
    state, url = hook
    monkeypatch.delenv("FACTWATCH_ALLOW_PRIVATE", raising=False)
    _one_alert(store)
    stats = detect_alerts(store, webhook_url=url, retries=3, backoff=0.01)
    assert (stats.delivered, stats.failed, state.requests) == (0, 1, [])
    ok, attempts, error = deliver(url, {"a": 1}, retries=3, backoff=0.01)
    assert (ok, attempts) == (False, 1) and "FACTWATCH_ALLOW_PRIVATE" in error


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://example.org/", "not a url"])
def test_non_http_webhooks_are_refused_without_retrying(url, monkeypatch):
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    waits: list[float] = []
    ok, attempts, error = deliver(url, {"a": 1}, retries=3, backoff=0.01, sleep=waits.append)
    assert (ok, attempts, waits) == (False, 1, []) and error.startswith("refused: ")


def test_webhook_url_from_the_environment(store, hook, monkeypatch):
    state, url = hook
    state.fail_first = 0
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("FACTWATCH_WEBHOOK_URL", url)
    _one_alert(store)
    assert detect_alerts(store).delivered == 1 and len(state.requests) == 1


def test_a_down_webhook_ends_the_round_after_one_alert(store, hook, monkeypatch):
    state, url = hook
    state.fail_first = 99
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    store.save_alerts([NewAlert(key=f"spike:x:2026-10-0{i}", kind="spike", narrative_id=None, subject=None,
                                at=f"2026-10-0{i}", score=1e-5, summary="x", details={}) for i in (1, 2, 3)],
                      stage="alerts", cursor="test")
    stats = detect_alerts(store, webhook_url=url, retries=2, backoff=0.01)
    assert (stats.delivered, stats.failed, len(state.requests)) == (0, 1, 2)  # not 3 alerts x 2 tries
    state.fail_first = 0
    assert detect_alerts(store, webhook_url=url, retries=2, backoff=0.01).delivered == 3
    assert [a.delivery for a in store.list_alerts()] == ["delivered"] * 3
