"""Record identity (issue 7 item 1): an export id is unique within its source, a tweet id everywhere.

The migration test builds a database with the schema of 001/002 as an older factwatch wrote it
and checks that 003 keeps every row, merges nothing, and gives old rows the identity new ingests use.
"""

from __future__ import annotations

import json
import sqlite3
from importlib import resources
from pathlib import Path

from factwatch.ingest.service import ingest_path
from factwatch.store import open_store


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_two_sources_with_the_same_export_ids_keep_all_documents(store, tmp_path):
    """The issue's reproduction: row ids 1 and 2 in two outlets' exports are four documents."""
    a = _write(tmp_path / "a.csv", "id,text\n1,Prvi post izvora A\n2,Drugi post izvora A\n")
    b = _write(tmp_path / "b.csv", "id,text\n1,Sasvim drugi tekst izvora B\n2,Jos jedan tekst izvora B\n")
    assert ingest_path(store, str(a), source="Outlet A").inserted == 2
    second = ingest_path(store, str(b), source="Outlet B")
    assert (second.inserted, second.duplicates) == (2, 0)
    assert store.count_documents() == 4
    # The same export from the same source is still a duplicate, id by id.
    again = ingest_path(store, str(b), source="Outlet B")
    assert (again.inserted, again.duplicates) == (0, 2)


def test_same_id_and_platform_column_from_two_pages(store, tmp_path):
    """A `platform` column (facebook) does not make a page's post ids global."""
    a = _write(tmp_path / "a.csv", "platform,id,text\nfacebook,1,Objava stranice A\n")
    b = _write(tmp_path / "b.csv", "platform,id,text\nfacebook,1,Objava stranice B drugačija\n")
    assert ingest_path(store, str(a), source="Page A").inserted == 1
    assert ingest_path(store, str(b), source="Page B").inserted == 1
    assert {d.source for d in store.list_documents()} == {"Page A", "Page B"}


def test_jsonl_ids_are_scoped_by_the_source_column(store, tmp_path):
    rows = [{"id": "7", "source": "Kanal 1", "text": "Prva vijest"}, {"id": "7", "source": "Kanal 2", "text": "Druga vijest"}]
    path = _write(tmp_path / "p.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    stats = ingest_path(store, str(path))
    assert (stats.inserted, stats.duplicates) == (2, 0)


def test_a_tweet_id_is_one_document_whatever_the_source_name(store, tmp_path):
    """X ids are global: the same tweet in two collections (two --source names) is stored once."""
    tweet = json.dumps({"id": "1850000000000000001", "text": "Isti tvit", "author_id": "42"}) + "\n"
    path = _write(tmp_path / "t.jsonl", tweet)
    assert ingest_path(store, str(path), fmt="x", source="Collection 1").inserted == 1
    second = ingest_path(store, str(path), fmt="x", source="Collection 2")
    assert (second.inserted, second.duplicates) == (0, 1)


def _telegram(channel_id: int | None, name: str, text: str) -> str:
    head = {"name": name, "type": "public_channel"}
    if channel_id is not None:
        head["id"] = channel_id
    head["messages"] = [{"id": 5, "type": "message", "date_unixtime": "1760000000", "text": text}]
    return json.dumps(head, ensure_ascii=False)


def test_telegram_ids_are_global_only_with_the_channel_id(store, tmp_path):
    with_id = _write(tmp_path / "a.json", _telegram(1001, "Kanal A", "Poruka pet"))
    assert ingest_path(store, str(with_id), fmt="telegram", source="A").inserted == 1
    assert ingest_path(store, str(with_id), fmt="telegram", source="A copy").duplicates == 1
    # Without the channel id, message 5 of one channel is not message 5 of another.
    one = _write(tmp_path / "b.json", _telegram(None, "Kanal B", "Poruka pet iz B"))
    two = _write(tmp_path / "c.json", _telegram(None, "Kanal C", "Poruka pet iz C"))
    assert ingest_path(store, str(one), fmt="telegram").inserted == 1
    assert ingest_path(store, str(two), fmt="telegram").inserted == 1


# --------------------------------------------------------------------------- migration 003

_OLD_ROWS = [
    # platform, source, external_id, url, text
    ("csv", "Outlet A", "1", None, "Prvi post izvora A"),
    ("csv", "Outlet A", "2", None, "Drugi post izvora A"),
    ("facebook", "Page A", "1", "https://facebook.com/a/1", "Objava stranice A"),
    ("x", "Collection 1", "1850000000000000001", "https://x.com/i/web/status/1850000000000000001", "Isti tvit"),
    ("ira", "ira", "5000", None, "IRA tweet"),
    ("telegram", "Kanal A", "1001/5", None, "Poruka pet"),
    ("telegram", "Kanal B", "5", None, "Poruka pet iz B"),
    ("rss", "Feed", None, "https://news.example/1", "Vijest iz feeda"),
]


def _old_database(path: Path) -> None:
    """A database as factwatch wrote it before 003: the 001 and 002 schema, old-style rows."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    for version, name in ((1, "001_core.sql"), (2, "002_facts.sql")):
        conn.executescript(resources.files("factwatch.store.migrations").joinpath(name).read_text("utf-8"))
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00Z')", (version, name))
    conn.execute("INSERT INTO runs(id, kind, input, status, started_at) VALUES ('old', 'ingest', 'x', 'done', 'now')")
    for i, (platform, source, ext, url, text) in enumerate(_OLD_ROWS):
        conn.execute("INSERT OR IGNORE INTO sources(name, platform) VALUES (?, ?)", (source, platform))
        conn.execute(
            "INSERT INTO documents(platform, source, external_id, url, text, language, script, latin_key,"
            " content_hash, run_id, ingested_at) VALUES (?, ?, ?, ?, ?, 'sr', 'Latn', ?, ?, 'old', 'now')",
            (platform, source, ext, url, text, text.lower(), f"old-hash-{i}"),
        )
    conn.commit()
    conn.close()


def _rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT id, platform, source, external_id, url, text, content_hash FROM documents ORDER BY id").fetchall()
    conn.close()
    return rows


def test_migration_003_keeps_every_old_document_and_scopes_its_id(tmp_path):
    db = tmp_path / "old.db"
    _old_database(db)
    before = _rows(db)
    with open_store(str(db)) as store:
        assert _rows(db) == before  # nothing lost, nothing merged, ids unchanged
        scopes = dict(((p, s, e), scope) for p, s, e, scope in sqlite3.connect(db).execute(
            "SELECT platform, source, external_id, id_scope FROM documents"))
        assert scopes[("csv", "Outlet A", "1")] == "Outlet A"
        assert scopes[("facebook", "Page A", "1")] == "Page A"
        assert scopes[("telegram", "Kanal B", "5")] == "Kanal B"
        assert scopes[("x", "Collection 1", "1850000000000000001")] == ""
        assert scopes[("ira", "ira", "5000")] == ""
        assert scopes[("telegram", "Kanal A", "1001/5")] == ""
        assert [d.id for d in store.list_documents(query="feeda")] == [8]  # full-text index intact

        # New ingests meet the old rows under the same identity...
        a = _write(tmp_path / "a.csv", "id,text\n1,Prvi post izvora A (izmijenjen)\n2,Drugi post izvora A\n")
        assert ingest_path(store, str(a), source="Outlet A").duplicates == 2
        tweet = _write(tmp_path / "t.jsonl", json.dumps({"id": "1850000000000000001", "text": "Isti tvit"}) + "\n")
        assert ingest_path(store, str(tweet), fmt="x", source="Collection 2").duplicates == 1
        # ... and another outlet's ids no longer collide with them.
        b = _write(tmp_path / "b.csv", "id,text\n1,Sasvim drugi tekst izvora B\n2,Jos jedan tekst izvora B\n")
        assert ingest_path(store, str(b), source="Outlet B").inserted == 2
        assert store.count_documents() == len(_OLD_ROWS) + 2
