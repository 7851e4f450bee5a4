"""The store: the only code that speaks SQL.

``open_store(url)`` is called only by the CLI, the web app and test fixtures; every service
function takes the store as its first argument. SQLite is the embedded default; a PostgreSQL
backend implements the same ``Store`` protocol later.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from factwatch.errors import ConfigError, StoreError
from factwatch.store.base import Store

__all__ = ["Access", "Store", "open_store", "default_db_url"]

# "create": open or create and migrate (ingest, imports). "write": the database must exist
# (analyze, review). "read": must exist, opened read-only (stats, lists, exports).
Access = Literal["create", "write", "read"]


def default_db_url() -> str:
    """`--db` defaults to $FACTWATCH_DB, then ./factwatch.db (DESIGN.md)."""
    return os.environ.get("FACTWATCH_DB") or "factwatch.db"


def _sqlite_path(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        raise ConfigError(
            f"PostgreSQL backend is not available in this version ({url!r}); "
            "use a SQLite path such as --db factwatch.db."
        )
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    if "://" in url:
        raise ConfigError(f"Unsupported database URL {url!r}; pass a file path or sqlite:///path.")
    return url


def open_store(url: str | None = None, *, access: Access = "create") -> Store:
    """Open the store named by ``url``: a path, ``sqlite:///path`` or ``:memory:``.

    With ``access="create"`` a missing database is created and every store is migrated. With
    "write" or "read" a missing file is an error, so a mistyped --db does not report an empty
    new database; "read" opens the file read-only (a read-only or immutable file works).
    """
    path = _sqlite_path(url or default_db_url())
    from factwatch.store.sqlite import SQLiteStore

    if path == ":memory:":
        return SQLiteStore(path)
    file = Path(path)
    if access != "create":
        if file.is_dir():
            raise StoreError(f"--db {path} is a folder; pass the database file, such as {file / 'factwatch.db'}.")
        if not file.exists():
            raise StoreError(
                f"The database {path} does not exist. Check --db (or $FACTWATCH_DB, default ./factwatch.db); "
                "`factwatch ingest`, `sources import` or `facts import` create a new one."
            )
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
    if access != "read":
        return SQLiteStore(path)
    store = SQLiteStore(path, read_only=True)
    if store.pending_migrations():
        # Written by an older factwatch: upgrade it once (a write), then read as asked.
        store.close()
        try:
            SQLiteStore(path).close()
        except StoreError as exc:
            raise StoreError(
                f"The database {path} needs a schema upgrade that cannot be written: {exc}"
            ) from exc
        store = SQLiteStore(path, read_only=True)
    return store
