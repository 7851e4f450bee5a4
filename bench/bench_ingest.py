"""Ingest + normalise throughput on real data, beside a plain baseline, with peak memory.

Cases (../shared/data): IRA tweets (short posts), EUvsDisinfo case titles (short), Alo articles
(full articles). Modes, each in its own process so peak RSS is its own:
  baseline   parse (csv/json) + sqlite3 executemany inserts, no normalisation
  normalise  parse with factwatch's parser + factwatch normalisation, nothing stored
  factwatch  `ingest_path` end to end: parse, clean, normalise, dedupe, store (WAL + FTS5)
`--big MB` also generates a JSONL file of MB megabytes from the real tweets and articles and
ingests it while sampling RSS, to show that memory stays flat (streaming).

Run: .venv/bin/python bench/bench_ingest.py [--big 1024]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, TMP, md_table, require_shared, update_doc_section, write_results  # noqa: E402

CASES = {
    "ira_tweets": {"path": "ira/tweets_balkans_subset.csv.gz", "fmt": "ira", "map": None, "kind": "short posts"},
    "euvsdisinfo_titles": {
        "path": "euvsdisinfo/case_titles_2015-2021.csv", "fmt": "csv", "kind": "short posts",
        "map": {"text": "title", "url": "id", "published_at": "date", "source": "outlets"},
    },
    "alo_articles": {
        "path": "serbian_news/alo_articles.jsonl", "fmt": "jsonl", "kind": "full articles",
        "map": {"text": "text", "title": "title", "url": "url", "external_id": "id", "published_at": "date",
                "author": "author", "source": "source"},
    },
}


def _rows(path: Path):
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def run_baseline(path: Path, case: dict, db: Path) -> int:
    text_col = (case["map"] or {}).get("text", "content")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, text TEXT, raw TEXT)")
    n, batch = 0, []
    for row in _rows(path):
        batch.append((row.get(text_col) or "", json.dumps(row, ensure_ascii=False)))
        if len(batch) >= 500:
            conn.executemany("INSERT INTO docs(text, raw) VALUES (?, ?)", batch)
            conn.commit()
            n += len(batch)
            batch = []
    conn.executemany("INSERT INTO docs(text, raw) VALUES (?, ?)", batch)
    conn.commit()
    return n + len(batch)


def run_normalise(path: Path, case: dict) -> int:
    from factwatch.ingest.inputs import iter_input
    from factwatch.models import ParsedRecord
    from factwatch.text.normalize import clean_text, normalize

    n = 0
    for item in iter_input(str(path), fmt=case["fmt"], source=None, mapping=case["map"]):
        if isinstance(item, ParsedRecord):
            normalize(clean_text(item.text), title=clean_text(item.title) if item.title else None)
            n += 1
    return n


def run_factwatch(path: Path, case: dict, db: Path) -> int:
    from factwatch.ingest.service import ingest_path
    from factwatch.store import open_store

    with open_store(str(db)) as store:
        stats = ingest_path(store, str(path), fmt=case["fmt"], mapping=case["map"])
    return stats.inserted + stats.duplicates + stats.rejected


def worker(args: argparse.Namespace) -> None:
    case = CASES.get(args.case) or {"path": args.case, "fmt": "jsonl", "map": None}
    path = Path(args.shared) / case["path"] if not Path(case["path"]).is_absolute() else Path(case["path"])
    db = Path(args.db)
    samples: list[int] = []
    stop = threading.Event()

    def sample_rss() -> None:
        while not stop.is_set():
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        samples.append(int(line.split()[1]))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    if args.mode == "baseline":
        n = run_baseline(path, case, db)
    elif args.mode == "normalise":
        n = run_normalise(path, case)
    else:
        n = run_factwatch(path, case, db)
    seconds = time.perf_counter() - t0
    stop.set()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": n, "seconds": seconds, "peak_mb": peak_mb, "rss_kb_samples": samples}))


def measure(case: str, mode: str, shared: Path, db: Path) -> dict:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--worker", "--case", case, "--mode", mode, "--shared", str(shared), "--db", str(db)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["per_s"] = result["records"] / result["seconds"] if result["seconds"] else 0.0
    return result


def generate_big(shared: Path, target_mb: int, dest: Path) -> int:
    """A JSONL file of target_mb MB: real tweets and article paragraphs, each line made unique."""
    texts = [r["content"] for r in _rows(shared / CASES["ira_tweets"]["path"]) if r.get("content")]
    texts += [r["text"][:1500] for r in _rows(shared / CASES["alo_articles"]["path"]) if r.get("text")]
    target, written, i = target_mb * 1024 * 1024, 0, 0
    with dest.open("w", encoding="utf-8") as f:
        while written < target:
            t = texts[i % len(texts)]
            line = json.dumps({"id": f"g{i}", "text": f"{t} #{i}", "author": f"acct{i % 5000}",
                               "date": f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}T12:00:00Z"}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            i += 1
    return i


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--case")
    ap.add_argument("--mode", choices=["baseline", "normalise", "factwatch"])
    ap.add_argument("--shared")
    ap.add_argument("--db")
    ap.add_argument("--big", type=int, default=0, help="also ingest a generated JSONL file of this many MB")
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    shared = require_shared()
    TMP.mkdir(parents=True, exist_ok=True)
    db = TMP / "bench_ingest.db"
    results: dict[str, dict] = {}
    rows = []
    for case, spec in CASES.items():
        results[case] = {}
        for mode in ("baseline", "normalise", "factwatch"):
            r = measure(case, mode, shared, db)
            r.pop("rss_kb_samples")
            results[case][mode] = r
            print(f"{case:20s} {mode:10s} {r['records']:7d} records {r['per_s']:9.0f}/s peak {r['peak_mb']:.0f} MB", flush=True)
        fw, base = results[case]["factwatch"], results[case]["baseline"]
        rows.append([case, spec["kind"], fw["records"], f"{base['per_s']:,.0f}", f"{results[case]['normalise']['per_s']:,.0f}",
                     f"**{fw['per_s']:,.0f}**", f"{base['peak_mb']:.0f} / {fw['peak_mb']:.0f}"])
    big = None
    previous = RESULTS / "ingest.json"
    if not args.big and previous.exists():
        # Keep the last streaming run (it takes half an hour) beside fresh small-case figures.
        big = json.loads(previous.read_text(encoding="utf-8")).get("big_file")
    if args.big:
        path = TMP / f"big_{args.big}mb.jsonl"
        if not path.exists() or path.stat().st_size < args.big * 1024 * 1024:
            print(f"generating {path} ...", flush=True)
            generate_big(shared, args.big, path)
        r = measure(str(path), "factwatch", shared, db)
        samples = r.pop("rss_kb_samples")
        n = len(samples)
        quart = [max(samples[int(n * q / 4):max(int(n * (q + 1) / 4), int(n * q / 4) + 1)]) / 1024 for q in range(4)] if n >= 4 else []
        big = {"mb": args.big, **r, "rss_mb_by_quarter": quart}
        print(f"big {args.big} MB: {r['records']} records in {r['seconds']:.0f}s ({r['per_s']:.0f}/s), peak {r['peak_mb']:.0f} MB, RSS by quarter {quart}")
    write_results("ingest", {"cases": results, "big_file": big})
    md = [
        "## Ingest + normalise throughput",
        "",
        "`bench/bench_ingest.py` on `../shared/data`; each mode in its own process. *baseline*: csv/json parsing and "
        "sqlite3 inserts, no normalisation. *normalise*: factwatch's parser + cleaning, language, script, Latin key and "
        "sentences, nothing stored. *factwatch*: `factwatch ingest` end to end (dedupe keys, WAL, FTS5 index). "
        "Targets: 2,000 short posts/s and 300 articles/s on 2 cores.",
        "",
        md_table(["case", "kind", "records", "baseline /s", "normalise /s", "factwatch /s", "peak MB (baseline / factwatch)"], rows),
    ]
    if big:
        md += ["", f"Streaming: a generated {big['mb']} MB JSONL file ({big['records']:,} records from the real tweets and "
               f"articles) ingested at {big['per_s']:,.0f} records/s; peak RSS {big['peak_mb']:.0f} MB; the maximum RSS in each "
               f"quarter of the run was {', '.join(f'{q:.0f}' for q in big['rss_mb_by_quarter'])} MB (flat: the file is streamed)."]
    update_doc_section("ingest", "\n".join(md))


if __name__ == "__main__":
    main()
