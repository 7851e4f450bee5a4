"""``ingest_path`` against a real SQLite store: counts, rejections, idempotent reruns."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from factwatch.errors import InputError
from factwatch.ingest.loader import content_hash
from factwatch.ingest.service import ingest_path
from factwatch.models import Source

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.mark.parametrize("name,inserted,rejected", [
    ("rss2.xml", 3, 1),
    ("rss1.rdf", 2, 0),
    ("atom.xml", 2, 0),
    ("article_sr.html", 1, 0),
    ("posts.jsonl", 3, 4),  # p6 is "<p> </p>": empty after cleaning
    ("ira_sample.csv", 3, 1),
    ("x_tweets.jsonl", 2, 1),
    ("x_pages.jsonl", 3, 1),
    ("telegram/result.json", 3, 1),
])
def test_ingest_each_format_twice(store, name, inserted, rejected):
    first = ingest_path(store, str(DATA / name))
    assert (first.inserted, first.duplicates, first.rejected) == (inserted, 0, rejected)
    run = store.get_run(first.run_id)
    assert run.status == "done" and run.inserted == inserted
    second = ingest_path(store, str(DATA / name))
    assert second.inserted == 0 and second.duplicates == inserted
    assert store.count_documents() == inserted


def test_documents_are_cleaned_and_normalised(store):
    stats = ingest_path(store, str(DATA / "posts.jsonl"))
    docs = {d.external_id: d for d in store.list_documents(limit=10)}
    assert docs["p2"].text == "HITNO: NATO šalje trupe u Republiku Srpsku!"
    assert docs["p3"].script == "Cyrl" and docs["p3"].latin_key.startswith("objava")
    assert docs["p1"].meta["likes"] == 120
    reasons = [r.reason for r in store.list_rejections(stats.run_id)]
    assert "line 5: invalid JSON: Expecting ',' delimiter at column 37" in reasons
    assert "line 8: empty text after cleaning" in reasons


def test_telegram_meta_and_script_stripped(store):
    ingest_path(store, str(DATA / "telegram" / "result.json"))
    docs = {d.external_id: d for d in store.list_documents(limit=10)}
    assert docs["1789456123/6"].text == "Mostar: protest zakazan za subotu"
    assert docs["1789456123/3"].meta["forwarded_from"] == "Русские новости Балкан"
    assert docs["1789456123/2"].source == "Balkan Insajder"


def test_same_story_from_two_outlets_is_not_a_duplicate(store, tmp_path):
    line = json.dumps({"text": "Zajednička vijest agencije o poplavama u Doboju."}) + "\n"
    (tmp_path / "a.jsonl").write_text(line)
    (tmp_path / "b.jsonl").write_text(line)
    a = ingest_path(store, str(tmp_path / "a.jsonl"), source="Outlet A")
    b = ingest_path(store, str(tmp_path / "b.jsonl"), source="Outlet B")
    assert a.inserted == 1 and b.inserted == 1
    again = ingest_path(store, str(tmp_path / "b.jsonl"), source="Outlet B")
    assert again.duplicates == 1
    assert content_hash("jsonl", "A", None, None, None, "t") != content_hash("jsonl", "B", None, None, None, "t")


def test_source_language_hint_is_used(store, tmp_path):
    store.upsert_source(Source(name="Pobjeda", platform="web", language="cnr"))
    (tmp_path / "p.jsonl").write_text(json.dumps({"text": "Vlada je danas usvojila novi zakon o budžetu."}) + "\n")
    ingest_path(store, str(tmp_path / "p.jsonl"), source="Pobjeda")
    doc = store.list_documents(limit=1)[0]
    assert doc.source == "Pobjeda" and doc.language in ("cnr", "sr", "hr", "bs")


def test_gzip_and_directory(store, tmp_path):
    gz = tmp_path / "tweets.jsonl.gz"
    gz.write_bytes(gzip.compress((DATA / "x_pages.jsonl").read_bytes()))
    assert ingest_path(store, str(gz)).inserted == 3
    folder = tmp_path / "folder"
    shutil.copytree(DATA / "dir", folder)
    stats = ingest_path(store, str(folder))
    assert stats.inserted == 2 + 3 and stats.rejected == 4 + 1  # empty.csv is one rejection
    reasons = [r.reason for r in store.list_rejections(stats.run_id)]
    assert "sub/empty.csv is empty; nothing to ingest" in reasons


def test_csv_with_map(store):
    stats = ingest_path(store, str(DATA / "posts_map.csv"),
                        mapping={"text": "Poruka", "author": "Autor", "published_at": "Datum", "url": "Veza"})
    assert (stats.inserted, stats.rejected) == (3, 1)


def test_whole_input_failure_records_failed_run(store, tmp_path):
    bad = tmp_path / "blob.bin"
    bad.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(InputError, match="does not look like text"):
        ingest_path(store, str(bad))
    run = store.list_runs(limit=1)[0]
    assert run.status == "failed" and "binary bytes" in run.error


def test_batches_commit_as_they_go(store, tmp_path):
    lines = "".join(json.dumps({"id": i, "text": f"Objava broj {i} o izborima."}) + "\n" for i in range(25))
    path = tmp_path / "many.jsonl"
    path.write_text(lines)
    seen: list[int] = []
    stats = ingest_path(store, str(path), batch_size=10, progress=seen.append)
    assert stats.inserted == 25 and seen == [10, 20, 25]


def test_truncated_gzip_keeps_what_was_read(store, tmp_path):
    lines = "".join(json.dumps({"id": i, "text": f"Vijest {i}: " + "tekst " * 30}) + "\n" for i in range(400))
    blob = gzip.compress(lines.encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError, match="truncated gzip"):
        ingest_path(store, str(cut), batch_size=50)
    run = store.list_runs(limit=1)[0]
    assert run.status == "failed" and store.count_documents() == run.inserted > 0
