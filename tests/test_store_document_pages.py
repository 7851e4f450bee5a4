"""Document lists stay fast on a large store: a page is read in date order from an index.

Issue 10's load benchmark (bench/bench_web_load.py, 100k documents) found /api/documents?q=NATO at
150-250 ms and ?language=sr at 250 ms: SQLite fetched every match (18k, 50k rows) to sort it by
date. The tests read SQLite's query plans for one page (deterministic, unlike a timer on a
shared machine) and check that every plan still returns exactly the reference page and total.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from factwatch.models import NewDocument
from factwatch.store import open_store
from factwatch.store.sqlite import SEARCH_SCAN_ABOVE
from factwatch.text.script import latin_key

N = 4000
COMMON = "NATO"  # in 3 of 4 documents, as common words are in the benchmark corpus
RARE = "Prokletije"  # in 5 documents


def _doc(i: int) -> NewDocument:
    language = ("sr", "en", "mk", "sr")[i % 4]
    words = [f"vest{i}", "danas"] + ([COMMON] if i % 4 else []) + ([RARE] if i % 800 == 7 else [])
    text = " ".join(words) + "."
    return NewDocument(
        platform="rss", source=f"outlet{i % 7}", text=text, language=language, script="Latn",
        latin_key=latin_key(text, language), content_hash=f"h{i}", position=str(i),
        # Dates out of id order, with ties, so the id tiebreak matters.
        published_at=f"2026-{1 + i * 7 % 12:02d}-{1 + i % 28:02d}T{i % 3:02d}:00:00+00:00",
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator:
    with open_store(str(tmp_path_factory.mktemp("pages") / "fw.db")) as s:
        run = s.start_run("ingest", "test")
        s.insert_documents([_doc(i) for i in range(N)], run_id=run)
        s._conn.execute("ANALYZE")
        yield s


def _plans(store, call) -> list[str]:
    """The query plan of each documents query ``call`` runs (SQLite's EXPLAIN QUERY PLAN details)."""
    sql: list[str] = []
    store._conn.set_trace_callback(sql.append)  # the SQL as run, with its values bound
    try:
        call()
    finally:
        store._conn.set_trace_callback(None)
    return [" / ".join(r[3] for r in store._conn.execute("EXPLAIN QUERY PLAN " + q))
            for q in sql if "FROM documents d" in q]


def _reference(store, *, query: str | None = None, language: str | None = None, source: str | None = None):
    rows = store._conn.execute("SELECT id, published_at, language, source, text FROM documents").fetchall()
    keep = [r for r in rows if (not language or r[2] == language) and (not source or r[3] == source)
            and (not query or query.lower() in r[4].lower())]
    keep.sort(key=lambda r: (r[1], r[0]), reverse=True)
    return [r[0] for r in keep]


@pytest.mark.parametrize("filters", [
    {"query": COMMON}, {"query": COMMON, "language": "sr"}, {"query": RARE}, {"query": RARE, "language": "sr"},
    {"language": "mk"}, {"source": "outlet3"}, {"query": "nothingmatchesthis"}, {},
    {"query": COMMON, "source": "outlet2", "language": "en"},
])
@pytest.mark.parametrize("offset", [0, 37])
def test_every_plan_gives_the_reference_page_and_total(store, filters, offset):
    expected = _reference(store, **filters)
    got = [d.id for d in store.list_documents(**filters, limit=25, offset=offset)]
    assert got == expected[offset:offset + 25]
    assert store.count_documents(**filters) == len(expected)


def test_both_search_plans_are_exercised():
    # The common word is above the threshold, the rare one below: both branches are compared above.
    assert 5 < SEARCH_SCAN_ABOVE < N * 3 // 4


@pytest.mark.parametrize("filters", [{"query": COMMON}, {"query": COMMON, "language": "sr"}, {"language": "sr"},
                                     {"source": "outlet3"}, {"query": COMMON, "source": "outlet3"}])
def test_a_page_is_read_in_date_order_not_sorted(store, filters):
    # Sorting means reading every match first (18k-50k rows on the benchmark's 100k documents);
    # walking a date-ordered index stops after a page.
    plans = _plans(store, lambda: store.list_documents(**filters, limit=50))
    assert plans and not any("TEMP B-TREE FOR ORDER BY" in p for p in plans), plans


def test_counting_search_matches_reads_no_documents(store):
    plans = _plans(store, lambda: store.count_documents(query=COMMON))
    assert plans == [], plans  # counted in the full-text index alone
    assert store.count_documents(query=COMMON) == N * 3 // 4
