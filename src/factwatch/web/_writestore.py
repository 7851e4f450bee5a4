"""The web app's writable store, opened on first use.

The app reads through a read-only store (a mistyped --db is an error, not a new database, and a
read-only file can still be browsed). Logins, decisions and edits need writes: this holder opens a
second, writable store on the same file the first time one is needed, and answers 503 with the
reason when the file cannot be written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from starlette.exceptions import HTTPException

from factwatch.errors import StoreError
from factwatch.store import Store


class WriteStore:
    def __init__(self, db_url: str, opener: Callable[[], Store]) -> None:
        # The opener comes from app.py: only the edges open stores (tests/test_architecture.py).
        self.db_url = db_url
        self._opener = opener
        self._store: Store | None = None
        self._lock = threading.Lock()

    def get(self) -> Store:
        with self._lock:
            if self._store is None:
                try:
                    self._store = self._opener()
                except StoreError as exc:
                    raise HTTPException(
                        503, f"The database cannot be written, so logins, decisions and edits are off; pages "
                             f"that only read still work. Make {self.db_url} (and its folder) writable by the "
                             f"server's user and restart. ({exc})") from exc
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
