"""Document search across scripts and word forms (issue 10): before and after, on real data.

Data: ../shared/data/serbian_news (Alo.rs articles in Latin script, and Kurir/Politika/Alo
headlines, Politika's in Cyrillic), normalised as ingest does and stored in a fresh SQLite file.
"Before" is the old query (each word quoted, matched over title, text and Latin key); "after" is
the store's search (store/_search.py). For each pair of spellings (Latin/Cyrillic) it reports both
counts and whether the two spellings find the same set. Timing: median of 5 runs of count + first
page, on the corpus copied 6x inside SQLite (about 95,000 documents).

Run: .venv/bin/python bench/bench_search.py   (writes bench/results/search.json)
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from factwatch.models import NewDocument
from factwatch.store import open_store
from factwatch.text.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "serbian_news"
PAIRS = [("vize", "визе"), ("NATO", "НАТО"), ("Kosov", "Косов"), ("Kosovo", "Косово"), ("Vučić", "Вучић"),
         ("izbori", "избори"), ("Srbija", "Србија"), ("vlada srbije", "влада србије")]


def _documents() -> list[NewDocument]:
    docs = []

    def add(title: str | None, text: str | None, when: str | None) -> None:
        body = text or title or ""
        norm = normalize(body, title=title if text else None, language_hint="sr")
        docs.append(NewDocument(platform="rss", source="bench", text=norm.text, language=norm.language,
                                script=norm.script, latin_key=norm.latin_key, content_hash=f"s{len(docs)}",
                                position=str(len(docs)), title=title if text else None, published_at=when))

    for line in (DATA / "alo_articles.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        add(r.get("title"), r.get("text"), r.get("date"))
    for line in (DATA / "serbian_news_titles.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        add(r["title"], None, r.get("time"))
    return docs


def _old_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    words = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
    return {r[0] for r in conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", (words,))}


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"{DATA} is absent: this benchmark reads the shared Serbian news data")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "search.db")
        with open_store(path) as store:
            store.insert_documents(_documents(), run_id=store.start_run("ingest", "bench"))
            count = store.count_documents()
        conn = sqlite3.connect(path)
        rows = []
        with open_store(path, access="read") as store:
            for latin, cyrillic in PAIRS:
                new = {q: {d.id for d in store.list_documents(query=q, limit=1_000_000)} for q in (latin, cyrillic)}
                rows.append({"latin": latin, "cyrillic": cyrillic,
                             "before": [len(_old_ids(conn, latin)), len(_old_ids(conn, cyrillic))],
                             "after": [len(new[latin]), len(new[cyrillic])], "same_set": new[latin] == new[cyrillic]})
        cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)") if r[1] != "id"]
        select = ", ".join("content_hash || '-{k}'" if c == "content_hash" else c for c in cols)
        for k in range(1, 6):
            conn.execute(f"INSERT INTO documents({', '.join(cols)}) SELECT {select.format(k=k)} FROM documents"
                         " WHERE content_hash NOT LIKE '%-%'")
        conn.commit()
        conn.close()
        timing: dict[str, float] = {}
        found_large: dict[str, int] = {}
        with open_store(path, access="read") as store:
            large = store.count_documents()
            for latin, _cyr in PAIRS:
                runs = []
                for _ in range(5):
                    start = time.perf_counter()
                    store.count_documents(query=latin)
                    store.list_documents(query=latin, limit=50)
                    runs.append((time.perf_counter() - start) * 1000)
                timing[latin] = round(statistics.median(runs), 1)
                found_large[latin] = store.count_documents(query=latin)
    result = {"documents": count, "documents_timed": large, "pairs": rows, "count_and_page_ms": timing,
              "found_timed": found_large}
    out = ROOT / "bench" / "results" / "search.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for r in rows:
        print(f"{r['latin']}/{r['cyrillic']}: before {r['before'][0]}/{r['before'][1]}, after "
              f"{r['after'][0]}/{r['after'][1]}, same set: {r['same_set']}, {timing[r['latin']]} ms for {found_large[r['latin']]:,} of {large:,}")


if __name__ == "__main__":
    main()
