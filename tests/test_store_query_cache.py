"""The read-only store's query cache: reused while the file is unchanged, never stale after a write."""

from __future__ import annotations

import pytest

from factwatch.models import NewDocument
from factwatch.store import open_store


def _docs(start: int, n: int) -> list[NewDocument]:
    return [NewDocument(platform="rss", source="s", text=f"vest {i}", language="sr", script="Latn",
                        latin_key=f"vest {i}", content_hash=f"h{i}", position=str(i),
                        published_at=f"2026-01-{1 + i % 28:02d}T00:00:00+00:00") for i in range(start, start + n)]


@pytest.fixture
def stores(tmp_path):
    path = str(tmp_path / "fw.db")
    with open_store(path) as writer:
        writer.insert_documents(_docs(0, 10), run_id=writer.start_run("ingest", "t"))
        with open_store(path, access="read") as reader:
            yield writer, reader


def test_a_repeated_read_is_answered_from_the_cache(stores):
    _, reader = stores
    first = reader.language_counts()
    hits = reader._cache.hits
    assert reader.language_counts() == first == {"sr": 10}
    assert reader._cache.hits == hits + 1


def test_a_write_by_another_connection_is_seen_at_once(stores):
    writer, reader = stores
    assert reader.count_documents() == 10 and reader.language_counts() == {"sr": 10}
    writer.insert_documents(_docs(10, 5), run_id=writer.start_run("ingest", "t2"))
    assert reader.count_documents() == 15
    assert reader.language_counts() == {"sr": 15}
    assert [d.id for d in reader.list_documents(limit=100)] != [] and len(reader.list_documents(limit=100)) == 15


def test_a_caller_changing_its_result_does_not_change_the_cache(stores):
    _, reader = stores
    rows = reader._query("SELECT id FROM documents ORDER BY id")
    rows.clear()
    assert len(reader._query("SELECT id FROM documents ORDER BY id")) == 10


def test_large_results_and_writable_stores_are_not_cached(stores):
    writer, reader = stores
    assert writer._cache is None
    reader._cache.max_rows = 5
    reader._query("SELECT id FROM documents")
    reader._query("SELECT id FROM documents")
    assert reader._cache.hits == 0
