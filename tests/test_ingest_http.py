"""URL fetching and feed polling against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from factwatch.errors import FetchError
from factwatch.ingest.service import ingest_path
from factwatch.ingest.watch import backoff_seconds, poll_feeds, watch
from factwatch.ingest.web import FetchSettings, fetch_url
from factwatch.models import Source

DATA = Path(__file__).parent / "data" / "ingest"
FEED = (DATA / "rss2.xml").read_bytes()
PAGE = (DATA / "article_sr.html").read_bytes()
ETAG = '"feed-v1"'
LAST_MODIFIED = "Fri, 01 Mar 2024 10:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, status, body=b"", ctype="application/rss+xml", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        path = self.path
        if path == "/feed.xml":
            if self.headers.get("If-None-Match") == ETAG:
                return self._send(304, b"")
            return self._send(200, FEED, headers={"ETag": ETAG})
        if path == "/lm.xml":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                return self._send(304, b"")
            return self._send(200, FEED, headers={"Last-Modified": LAST_MODIFIED})
        if path == "/page":
            return self._send(200, PAGE, ctype="text/html; charset=utf-8")
        if path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            target = f"/redirect/{left - 1}" if left > 1 else "/feed.xml"
            return self._send(302, b"", headers={"Location": target})
        if path == "/to-file":
            return self._send(302, b"", headers={"Location": "file:///etc/passwd"})
        if path == "/big":
            return self._send(200, b"x" * 50_000)
        if path == "/big-chunked":  # no Content-Length: the cap must hold while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"y" * 1000)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its cap, as it should
            return None
        if path == "/slow":
            time.sleep(1.5)
            return self._send(200, FEED)
        if path == "/error":
            return self._send(500, b"boom", ctype="text/plain")
        if path == "/garbage.xml":
            return self._send(200, b"<rss><channel><title>x</tit")
        return self._send(404, b"not found", ctype="text/plain")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # Clients that time out or stop at the size cap hang up mid-response, on purpose.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = FetchSettings(allow_private=True, timeout=5)


def test_fetch_feed_by_url_and_conditional_get(server):
    first = fetch_url(f"{server}/feed.xml", settings=LOCAL)
    assert first.status == 200 and first.content == FEED and first.etag == ETAG
    again = fetch_url(f"{server}/feed.xml", settings=LOCAL, etag=first.etag)
    assert again.status == 304 and again.content == b""
    lm = fetch_url(f"{server}/lm.xml", settings=LOCAL)
    assert lm.last_modified == LAST_MODIFIED
    assert fetch_url(f"{server}/lm.xml", settings=LOCAL, last_modified=lm.last_modified).status == 304


def test_redirects_followed_up_to_limit(server):
    ok = fetch_url(f"{server}/redirect/3", settings=LOCAL)
    assert ok.status == 200 and ok.final_url.endswith("/feed.xml")
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetch_url(f"{server}/redirect/3", settings=FetchSettings(allow_private=True, max_redirects=2))


def test_redirect_to_other_scheme_refused(server):
    with pytest.raises(FetchError, match="refused file: scheme"):
        fetch_url(f"{server}/to-file", settings=LOCAL)


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_size_cap(server, path):
    with pytest.raises(FetchError, match="larger than 10000 bytes"):
        fetch_url(f"{server}{path}", settings=FetchSettings(allow_private=True, max_bytes=10_000))


def test_timeout_names_the_option(server):
    with pytest.raises(FetchError, match="timed out after 0.3s waiting for the server; retry or raise FACTWATCH_FETCH_TIMEOUT"):
        fetch_url(f"{server}/slow", settings=FetchSettings(allow_private=True, timeout=0.3))


def test_http_error_status(server):
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch_url(f"{server}/error", settings=LOCAL)


def test_loopback_refused_unless_allowed(server, monkeypatch):
    monkeypatch.delenv("FACTWATCH_ALLOW_PRIVATE", raising=False)
    with pytest.raises(FetchError, match="non-public address 127.0.0.1"):
        fetch_url(f"{server}/feed.xml", settings=FetchSettings())
    with pytest.raises(FetchError, match="non-public address"):
        fetch_url("http://[::1]:9/x", settings=FetchSettings())
    with pytest.raises(FetchError, match="non-public address 169.254.169.254"):
        fetch_url("http://169.254.169.254/latest/meta-data/", settings=FetchSettings())
    monkeypatch.setenv("FACTWATCH_ALLOW_PRIVATE", "1")
    assert FetchSettings.from_env().allow_private
    assert fetch_url(f"{server}/feed.xml").status == 200


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "javascript:alert(1)",
                                 "data:text/plain,hello"])
def test_non_http_schemes_refused(url):
    with pytest.raises(FetchError, match="only http:// and https://"):
        fetch_url(url, settings=LOCAL)


def test_ingest_by_url(store, server):
    stats = ingest_path(store, f"{server}/feed.xml", settings=LOCAL)
    assert stats.inserted == 3 and stats.rejected == 1
    page = ingest_path(store, f"{server}/page", settings=LOCAL)
    assert page.inserted == 1
    doc = store.list_documents(source="Истинитомер пример", limit=1)[0]
    assert doc.url == f"{server}/page" and doc.script == "Cyrl"
    with pytest.raises(FetchError, match="ftp"):
        ingest_path(store, "ftp://example.org/feed.xml", settings=LOCAL)
    assert [r.status for r in store.list_runs() if r.input.startswith("ftp:")] == ["failed"]


def test_poll_feeds_conditional_and_backoff(store, server, caplog):
    sources = [Source(name="Vesti Balkan", platform="rss", feed_url=f"{server}/feed.xml"),
               Source(name="Last-Modified", platform="rss", feed_url=f"{server}/lm.xml"),
               Source(name="Broken", platform="rss", feed_url=f"{server}/error"),
               Source(name="Garbage", platform="rss", feed_url=f"{server}/garbage.xml"),
               Source(name="No feed", platform="web")]
    t0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    caplog.set_level("INFO", logger="factwatch.ingest.watch")
    first = poll_feeds(store, profile_sources=sources, settings=LOCAL, now=t0, interval=600)
    assert (first.polled, first.failed, first.not_modified) == (4, 2, 0)
    assert first.inserted == 3 and first.duplicates == 3  # the same feed served on two URLs
    assert any("poll Vesti Balkan" in m and "3 new" in m for m in caplog.messages)
    broken = store.get_feed_state(f"{server}/error")
    assert broken["failures"] == 1 and broken["next_poll_at"] == "2024-03-01T12:20:00Z"
    assert "HTTP 500" in broken["last_status"]
    assert "not a readable RSS/Atom feed" in store.get_feed_state(f"{server}/garbage.xml")["last_status"]

    # Not due yet: nothing fetched.
    early = poll_feeds(store, profile_sources=sources, settings=LOCAL, now=t0 + timedelta(seconds=60), interval=600)
    assert early.skipped == 4 and early.polled == 0

    t1 = t0 + timedelta(hours=1)
    second = poll_feeds(store, profile_sources=sources, settings=LOCAL, now=t1, interval=600)
    assert second.not_modified == 2 and second.inserted == 0
    broken = store.get_feed_state(f"{server}/error")
    assert broken["failures"] == 2 and broken["next_poll_at"] == "2024-03-01T13:40:00Z"  # 600 * 2^2
    ok_state = store.get_feed_state(f"{server}/feed.xml")
    assert ok_state["failures"] == 0 and ok_state["etag"] == ETAG and ok_state["last_status"] == "304"


def test_backoff_is_capped():
    assert backoff_seconds(0, interval=300) == 300
    assert backoff_seconds(1, interval=300) == 600
    assert backoff_seconds(3, interval=300) == 2400
    assert backoff_seconds(50, interval=300) == 6 * 3600


def test_watch_loops_rounds(store, server):
    rounds = []
    sources = [Source(name="Vesti Balkan", platform="rss", feed_url=f"{server}/feed.xml")]
    watch(store, interval=0, profile_sources=sources, settings=LOCAL, rounds=2, sleep=lambda s: None,
          on_round=rounds.append)
    assert len(rounds) == 2 and rounds[0].inserted == 3 and rounds[1].not_modified == 1
