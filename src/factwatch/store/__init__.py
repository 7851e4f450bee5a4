"""The store: the only code that speaks SQL.

``open_store(url)`` is called only by the CLI, the web app and test fixtures; every service
function takes the store as its first argument. SQLite is the embedded default; a PostgreSQL
backend implements the same ``Store`` protocol later.
"""

from __future__ import annotations

import os
from pathlib import Path

from factwatch.errors import ConfigError
from factwatch.store.base import Store

__all__ = ["Store", "open_store", "default_db_url"]


def default_db_url() -> str:
    """`--db` defaults to $FACTWATCH_DB, then ./factwatch.db (DESIGN.md)."""
    return os.environ.get("FACTWATCH_DB") or "factwatch.db"


def open_store(url: str | None = None) -> Store:
    """Open (and migrate) the store named by ``url``: a path, ``sqlite:///path`` or ``:memory:``."""
    url = url or default_db_url()
    if url.startswith(("postgres://", "postgresql://")):
        raise ConfigError(
            f"PostgreSQL backend is not available in this version ({url!r}); "
            "use a SQLite path such as --db factwatch.db."
        )
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise ConfigError(f"Unsupported database URL {url!r}; pass a file path or sqlite:///path.")
    from factwatch.store.sqlite import SQLiteStore

    if url != ":memory:":
        Path(url).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(url)
