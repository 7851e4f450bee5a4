"""Results of read queries kept until the database file changes (the web app's read-only store).

Fifty analysts opening the overview ask SQLite the same aggregate questions (documents a day by
language and source, per-source counts) over 100k documents again and again; under load those
queries were most of the server's time (bench/bench_web_load.py). ``PRAGMA data_version`` changes
on this connection whenever any other connection commits to the file (an ingest, the app's own
write store, ``factwatch analyze``), so a result is reused only while it is still the answer.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

Key = tuple[str, tuple[Any, ...]]


class QueryCache:
    """A bounded LRU of query results for one connection, dropped whole when the data version moves."""

    def __init__(self, *, entries: int = 256, max_rows: int = 2000, max_bytes: int = 64 * 2**20) -> None:
        self.entries = entries
        self.max_rows = max_rows  # a big result (a whole table) is not worth the memory
        # Bounded in bytes too: rows carry whole texts. 256 pages of /api/documents?limit=500 over
        # 600 articles of 20 KB (text and Latin key) held 5.1 GB after 256 requests from one viewer.
        self.max_bytes = max_bytes
        self._version: int | None = None
        self._results: OrderedDict[Key, list[sqlite3.Row]] = OrderedDict()
        self._sizes: dict[Key, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def size_bytes(self) -> int:
        """The cached results' size as ``result_size`` estimates it."""
        return self._bytes

    @staticmethod
    def key(sql: str, params: Sequence[Any] | dict[str, Any]) -> Key:
        return sql, tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params)

    def get(self, version: int, key: Key) -> list[sqlite3.Row] | None:
        with self._lock:
            if version != self._version:
                self._results.clear()
                self._sizes.clear()
                self._bytes = 0
                self._version = version
            rows = self._results.get(key)
            if rows is None:
                self.misses += 1
                return None
            self._results.move_to_end(key)
            self.hits += 1
            return list(rows)  # a copy: callers may sort or extend what they get

    def put(self, version: int, key: Key, rows: list[sqlite3.Row]) -> None:
        if len(rows) > self.max_rows:
            return
        size = result_size(rows)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if version != self._version:
                return  # the data moved while the query ran; its result may be either side of it
            self._bytes -= self._sizes.pop(key, 0)
            self._results[key] = list(rows)
            self._results.move_to_end(key)
            self._sizes[key] = size
            self._bytes += size
            while len(self._results) > self.entries or self._bytes > self.max_bytes:
                oldest, _ = self._results.popitem(last=False)
                self._bytes -= self._sizes.pop(oldest)


def result_size(rows: Sequence[sqlite3.Row]) -> int:
    """Bytes a result holds, roughly: its texts and blobs as Python stores them (a Serbian text with
    one č takes two bytes a character) plus 16 for every other value."""
    size = 0
    for row in rows:
        for value in row:
            size += sys.getsizeof(value) if isinstance(value, (str, bytes)) else 16
    return size
