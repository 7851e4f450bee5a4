"""A bounded in-memory LRU for the vectors of web match queries.

The CLI and the pipeline cache vectors in the store; a web GET must not write there, or any
page could make a browser fill the database with one row per query (issue 7 item 7).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping

DEFAULT_ENTRIES = 2048  # 2048 x 384 float32 = 3 MiB


class VectorLRU(MutableMapping[str, bytes]):
    """A thread-safe mapping that forgets its least recently used entry beyond ``maxsize``."""

    def __init__(self, maxsize: int = DEFAULT_ENTRIES) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> bytes:
        with self._lock:
            value = self._data[key]
            self._data.move_to_end(key)
            return value

    def __setitem__(self, key: str, value: bytes) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __delitem__(self, key: str) -> None:
        with self._lock:
            del self._data[key]

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)
