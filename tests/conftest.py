"""Shared fixtures: a real migrated SQLite store, a CLI runner on it, the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FACTWATCH_SHARED_DATA") or REPO.parent / "shared" / "data")
NEEDS_SHARED = "needs ../shared/data (CI has it; a fresh clone does not)"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(NEEDS_SHARED)
    return SHARED_DATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "factwatch.db"


@pytest.fixture
def store(db_path: Path):
    from factwatch.store import open_store

    with open_store(str(db_path)) as s:
        yield s


@pytest.fixture
def cli(db_path: Path):
    """Invoke the real CLI against the test database: cli("stats", "--json")."""
    from typer.testing import CliRunner

    from factwatch.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return invoke
