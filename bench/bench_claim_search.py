"""Claim search by word form (issue 10, migration 019): before and after, on real sentences.

Data: ../shared/data/serbian_news (Alo.rs articles, Latin script; Kurir/Politika/Alo headlines,
Politika's in Cyrillic). Each headline and each article sentence becomes one claim (its Latin key
as the claims stage makes it) in a fresh SQLite store. "Before" is the old claim search: a
substring of the sentence as written or of its Latin key (LIKE). "After" is the store's
(``triage_claims`` with ``q``: claims_fts with word forms and prefixes). For each query it reports
both counts, and for the pairs of spellings whether both find the same set. Timing: median of 5
runs of one /claims page (count, facets off, first 50) with each search.

Run: .venv/bin/python bench/bench_claim_search.py   (writes bench/results/claim_search.json)
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from factwatch.models import NewClaim, NewDocument
from factwatch.store import open_store
from factwatch.store._workflow import TriageQuery
from factwatch.text.script import latin_key
from factwatch.text.sentences import sentences as split_sentences

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "serbian_news"
QUERIES = [("vize", "визе"), ("vizama", "визама"), ("Kosov", "Косов"), ("Kosovu", "Косову"), ("NATO", "НАТО"),
           ("Srbiji", "Србији"), ("izbori", "избори"), ("vlada srbije", "влада србије")]
MAX_CLAIMS = int(os.environ.get("BENCH_CLAIMS", "60000"))


def _claims() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for line in (DATA / "alo_articles.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        out += [(s, r.get("date")) for s in split_sentences(r.get("text") or "") if len(s) > 30]
    for line in (DATA / "serbian_news_titles.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        out.append((r["title"], r.get("time")))
    return out[:MAX_CLAIMS]


def _old(conn: sqlite3.Connection, q: str) -> set[int]:
    def like(v: str) -> str:
        return "%" + v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    return {r[0] for r in conn.execute("SELECT id FROM claims WHERE text LIKE ? ESCAPE '\\' OR latin_key LIKE ? ESCAPE '\\'",
                                       (like(q), like(latin_key(q, "sr"))))}


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"{DATA} is absent: this benchmark reads the shared Serbian news data")
    sentences = _claims()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "claims.db")
        with open_store(path) as store:
            run_id = store.start_run("ingest", "bench_claim_search")
            docs = [NewDocument(platform="rss", source="bench", text=t, language="sr", script="Latn",
                                latin_key=latin_key(t, "sr"), content_hash=f"c{i}", position=str(i), published_at=when)
                    for i, (t, when) in enumerate(sentences)]
            store.insert_documents(docs, run_id=run_id)
            ids = [r[0] for r in store._query("SELECT id FROM documents ORDER BY id")]
            store.insert_claims([NewClaim(document_id=d, start=0, end=len(t), text=t, language="sr",
                                          latin_key=latin_key(t, "sr"), score=0.9) for d, (t, _) in zip(ids, sentences)])
        conn = sqlite3.connect(path)
        rows, timing = [], {}
        with open_store(path) as store:  # writable: no query cache, every run is measured
            def new(q: str) -> set[int]:
                return {r.claim.id for r in store.triage_claims(TriageQuery(q=q), limit=1_000_000).rows}

            for latin, cyrillic in QUERIES:
                after = {q: new(q) for q in (latin, cyrillic)}
                rows.append({"latin": latin, "cyrillic": cyrillic,
                             "before": [len(_old(conn, latin)), len(_old(conn, cyrillic))],
                             "after": [len(after[latin]), len(after[cyrillic])],
                             "same_set": after[latin] == after[cyrillic]})
                for label, f in (("before", lambda: _old(conn, latin)),
                                 ("after", lambda: store.triage_claims(TriageQuery(q=latin), limit=50))):
                    runs = []
                    for _ in range(5):
                        start = time.perf_counter()
                        f()
                        runs.append((time.perf_counter() - start) * 1000)
                    timing.setdefault(latin, {})[label] = round(statistics.median(runs), 1)
        conn.close()
    result = {"claims": len(sentences), "queries": rows, "median_ms": timing,
              "load_average": os.getloadavg()[0]}
    out = ROOT / "bench" / "results" / "claim_search.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for r in rows:
        t = timing[r["latin"]]
        print(f"{r['latin']}/{r['cyrillic']}: before {r['before'][0]}/{r['before'][1]}, after {r['after'][0]}/"
              f"{r['after'][1]}, same set: {r['same_set']}; {t['before']} ms before, {t['after']} ms after "
              f"(of {len(sentences):,} claims)")
    print(f"load average {result['load_average']:.1f}")


if __name__ == "__main__":
    main()
