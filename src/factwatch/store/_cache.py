"""Results of read queries kept until the database file changes (the web app's read-only store).

Fifty analysts opening the overview ask SQLite the same aggregate questions (documents a day by
language and source, per-source counts) over 100k documents again and again; under load those
queries were most of the server's time (bench/bench_web_load.py). ``PRAGMA data_version`` changes
on this connection whenever any other connection commits to the file (an ingest, the app's own
write store, ``factwatch analyze``), so a result is reused only while it is still the answer.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

Key = tuple[str, tuple[Any, ...]]


class QueryCache:
    """A bounded LRU of query results for one connection, dropped whole when the data version moves."""

    def __init__(self, *, entries: int = 256, max_rows: int = 2000) -> None:
        self.entries = entries
        self.max_rows = max_rows  # a big result (a whole table) is not worth the memory
        self._version: int | None = None
        self._results: OrderedDict[Key, list[sqlite3.Row]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def key(sql: str, params: Sequence[Any] | dict[str, Any]) -> Key:
        return sql, tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params)

    def get(self, version: int, key: Key) -> list[sqlite3.Row] | None:
        with self._lock:
            if version != self._version:
                self._results.clear()
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
        with self._lock:
            if version != self._version:
                return  # the data moved while the query ran; its result may be either side of it
            self._results[key] = list(rows)
            if len(self._results) > self.entries:
                self._results.popitem(last=False)
