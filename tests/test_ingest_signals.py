"""SIGTERM or SIGINT mid-ingest (issue 7 item 3): the run is marked interrupted with the counts of
what it stored, and a rerun adds exactly the rest. A real `factwatch ingest` subprocess is signalled;
a polling round is signalled in this process, from a real HTTP server's handler."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from factwatch.ingest.watch import poll_feeds
from factwatch.ingest.web import FetchSettings
from factwatch.models import Source
from factwatch.store import open_store
from test_ingest_kill import N, _ingest_cmd, _write_posts

FEED = (Path(__file__).parent / "data" / "ingest" / "rss2.xml").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_mid_ingest_marks_the_run_interrupted_and_rerun_adds_the_rest(tmp_path, signum):
    data, db = tmp_path / "posts.jsonl", tmp_path / "term.db"
    _write_posts(data)
    with open_store(str(db)):
        pass  # migrate up front so the child starts inserting at once
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(_ingest_cmd(db, data), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        with open_store(str(db)) as s:
            if s.stats()["documents"] >= 1000:
                break
        time.sleep(0.05)
    assert child.poll() is None, "ingest finished before it could be signalled; raise N"
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode != 0
    assert b"Traceback" not in stderr, stderr.decode(errors="replace")[-2000:]

    conn = sqlite3.connect(db)
    (run_id, status, inserted, error), = conn.execute(
        "SELECT id, status, inserted, error FROM runs WHERE kind = 'ingest'").fetchall()
    stored = conn.execute("SELECT COUNT(*) FROM documents WHERE run_id = ?", (run_id,)).fetchone()[0]
    conn.close()
    assert status == "interrupted" and error and signal.Signals(signum).name in error
    assert 0 < stored < N
    assert inserted == stored  # the run's count is what it really stored

    rerun = subprocess.run(_ingest_cmd(db, data), env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    stats = json.loads(rerun.stdout)
    assert (stats["inserted"], stats["duplicates"], stats["rejected"]) == (N - stored, stored, 0)
    with open_store(str(db)) as s:
        assert s.stats()["documents"] == N


class _FeedHandler(BaseHTTPRequestHandler):
    """/feed.xml is a feed; /stop signals this test process (as Ctrl-C would) and then answers late."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/stop":
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        body = FEED if self.path == "/feed.xml" else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the interrupted client hung up


def test_interrupted_watch_round_marks_its_run_interrupted(store):
    """A polling round stopped mid-way (Ctrl-C, or SIGTERM from a service manager) does not leave its
    run `running`: it is interrupted with the counts of the feeds stored before the stop."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    sources = [Source(name="Vesti", platform="rss", feed_url=f"{base}/feed.xml"),
               Source(name="Stopper", platform="rss", feed_url=f"{base}/stop")]
    try:
        with pytest.raises(KeyboardInterrupt):
            poll_feeds(store, profile_sources=sources, settings=FetchSettings(allow_private=True, timeout=5))
    finally:
        httpd.shutdown()
        httpd.server_close()
    (run,) = [r for r in store.list_runs() if r.kind == "watch"]
    assert run.status == "interrupted" and "SIGINT" in (run.error or "")
    assert run.inserted == store.count_documents() == 3
