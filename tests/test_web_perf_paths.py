"""Paths the web load benchmark found slow (bench/bench_web_load.py), held to what fixed them."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time

import httpx
import pytest

from _live import free_port
from factwatch.store import open_store


def test_a_cached_read_does_not_wait_for_the_connection_lock(tmp_path):
    # Under load a third of the server's samples were threads waiting on the read store's one
    # connection lock for a result its query cache already held (a token's user, the counts).
    db = tmp_path / "fw.db"
    open_store(str(db)).close()
    store = open_store(str(db), access="read")
    try:
        first = store.stats()  # now cached until the file changes
        held, release = threading.Event(), threading.Event()

        def hold_lock() -> None:  # another thread in the middle of a long query
            with store._lock:
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold_lock)
        holder.start()
        held.wait(5)
        answer: list[dict[str, int]] = []
        reader = threading.Thread(target=lambda: answer.append(store.stats()))
        reader.start()
        reader.join(2)
        waited = reader.is_alive()
        release.set()
        holder.join()
        reader.join()
        assert not waited, "a cached answer waited for the connection lock"
        assert answer == [first]
    finally:
        store.close()


def test_the_read_store_sees_another_connections_commit_at_once(tmp_path):
    db = tmp_path / "fw.db"
    open_store(str(db)).close()
    store = open_store(str(db), access="read")
    try:
        assert store.get_user("someone") is None  # cached: no such row
        version = store.data_version()
        with open_store(str(db)) as writer:
            from factwatch import accounts
            accounts.add_user(writer, "someone", "viewer", "a-long-password-1")
        assert store.data_version() != version
        assert store.get_user("someone") is not None  # not the cached empty answer
    finally:
        store.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_a_keep_alive_client_without_the_delayed_ack_stall(tmp_path, workers):
    # The claimed socket had proto 0, so asyncio never set TCP_NODELAY on its connections: Nagle
    # held each answer's body (a second write after the headers) until the client's delayed ACK,
    # and every answer on a kept-alive connection took 40+ ms (bench_web_load.py: 48 ms, one client).
    db = tmp_path / "fw.db"
    open_store(str(db)).close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "factwatch.cli", "--db", str(db), "serve", "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=10) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http.get("/login")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                    time.sleep(0.1)
            times = []
            for _ in range(21):
                t0 = time.perf_counter()
                assert http.get("/static/favicon.svg").status_code == 200
                times.append(time.perf_counter() - t0)
        assert statistics.median(times) < 0.02, f"median {statistics.median(times) * 1000:.1f} ms an answer"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
