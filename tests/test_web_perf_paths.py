"""Paths the web load benchmark found slow (bench/bench_web_load.py), held to what fixed them."""

from __future__ import annotations

import threading

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
