"""The SQLite store: migrations, dedupe keys, runs, rejections, registry, filters."""

from __future__ import annotations

import sqlite3

import pytest

from factwatch.errors import ConfigError, NotFoundError, StoreError
from factwatch.models import Actor, NewDocument, RejectedRecord, Source
from factwatch.store import open_store


def doc(n: int, **kw) -> NewDocument:
    base = dict(
        platform="rss", source="Demo", text=f"Tekst broj {n}", language="sr", script="Latn",
        latin_key=f"tekst broj {n}", content_hash=f"hash-{n}", position=f"item {n}",
        url=f"https://example.org/{n}", published_at=f"2026-10-{n % 28 + 1:02d}T10:00:00Z",
    )
    base.update(kw)
    return NewDocument(**base)


def test_migrations_apply_once_and_enable_wal(db_path):
    with open_store(str(db_path)) as s:
        version = s.schema_version()
        assert version >= 1
    with open_store(str(db_path)) as s:
        assert s.schema_version() == version
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "duplicate",
    [
        {"content_hash": "other", "url": "https://example.org/1"},  # same URL (news)
        {"content_hash": "other", "url": None},  # same platform + id
        {"url": "https://example.org/elsewhere"},  # same content hash
    ],
)
def test_each_dedupe_key_rejects_a_second_copy(store, duplicate):
    run = store.start_run("ingest", "t")
    assert store.insert_documents([doc(1, external_id="x1")], run_id=run) == (1, 0)
    assert store.insert_documents([doc(1, **{"external_id": "x1", **duplicate})], run_id=run) == (0, 1)
    assert store.stats()["documents"] == 1


def test_social_posts_may_share_a_link(store):
    run = store.start_run("ingest", "t")
    posts = [doc(i, platform="csv", source=f"acct{i}", url="https://shared.example/story") for i in range(3)]
    assert store.insert_documents(posts, run_id=run) == (3, 0)


def test_runs_and_rejections_round_trip(store):
    run = store.start_run("ingest", "feed.xml")
    store.add_rejections([RejectedRecord(position="line 3", reason="invalid JSON", raw="{oops")], run_id=run)
    store.finish_run(run, status="done", inserted=2, duplicates=0, rejected=1)
    got = store.get_run(run)
    assert (got.status, got.inserted, got.rejected) == ("done", 2, 1)
    assert [r.reason for r in store.list_rejections(run)] == ["invalid JSON"]
    assert store.list_runs()[0].id == run
    with pytest.raises(NotFoundError, match="runs list"):
        store.get_run("nope")


def test_document_filters_and_full_text(store):
    run = store.start_run("ingest", "t")
    store.insert_documents(
        [
            doc(1, text="Влада Србије је саопштила", language="sr", script="Cyrl", latin_key="vlada srbije je saopstila"),
            doc(2, text="Vlada Hrvatske je objavila", language="hr", source="Other"),
            doc(3, text="Qeveria e Kosovës njoftoi", language="sq"),
        ],
        run_id=run,
    )
    assert {d.language for d in store.list_documents(language="hr")} == {"hr"}
    assert [d.source for d in store.list_documents(source="Other")] == ["Other"]
    # The Latin key makes Cyrillic text findable by a Latin query.
    assert [d.id for d in store.list_documents(query="saopstila")] == [1]
    assert store.count_documents(since="2026-10-03", until="2026-10-04") == 2
    # FTS syntax in user input is quoted, not parsed.
    assert store.list_documents(query='"NEAR(AND') == []
    assert store.language_counts() == {"sr": 1, "hr": 1, "sq": 1}


def test_registry_upserts_and_counts(store):
    store.upsert_actor(Actor(name="Gov", type="state", country="RS"))
    store.upsert_source(Source(name="Outlet", platform="rss", actor="Gov", language="sr"), profile="wb")
    store.upsert_source(Source(name="Outlet", platform="rss", actor="Gov", language="cnr"), profile="wb")
    (src,) = store.list_sources("wb")
    assert (src.actor_type, src.language) == ("state", "cnr")
    assert store.source_language("Outlet") == "cnr"
    with pytest.raises(StoreError, match="one of"):
        store.upsert_actor(Actor(name="X", type="aliens"))


def test_cursor_and_feed_state(store):
    assert store.get_cursor("claims") is None
    store.set_cursor("claims", "42")
    assert store.get_cursor("claims") == "42"
    store.save_feed_state("https://f", etag='"e"', last_modified=None, failures=2, next_poll_at="x",
                          last_status="error", last_polled_at="y")
    assert store.get_feed_state("https://f")["failures"] == 2


def test_postgres_urls_say_what_to_do():
    with pytest.raises(ConfigError, match="SQLite"):
        open_store("postgresql://localhost/factwatch")


def test_get_source_and_source_names(store):
    store.upsert_source(Source(name="Outlet", platform="rss", actor="Gov", actor_type="state"))
    got = store.get_source("Outlet")
    assert (got.actor, got.actor_type) == ("Gov", "state")
    assert store.get_source("missing") is None
    assert store.source_names() == ["Outlet"]


def test_identity_is_scoped_by_source_unless_the_id_is_platform_wide(store):
    """Migration 003: (platform, id_scope, external_id); a row id of one export is not another's."""
    run = store.start_run("ingest", "t")
    scoped = [doc(i, platform="csv", source=f"outlet{i}", url=None, external_id="1") for i in range(2)]
    assert store.insert_documents(scoped, run_id=run) == (2, 0)
    tweets = [doc(10 + i, platform="x", source=f"collection{i}", url=None, external_id="185", global_id=True)
              for i in range(2)]
    assert store.insert_documents(tweets, run_id=run) == (1, 1)
    assert store.insert_documents([doc(20, platform="csv", source="outlet0", url=None, external_id="1")],
                                  run_id=run) == (0, 1)
