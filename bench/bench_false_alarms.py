"""Real news against the profile's fact base: time of each pipeline stage, and false "addressed".

    PYTHONPATH=src .venv/bin/python bench/bench_false_alarms.py [--reuse]

Fact base: profiles/western-balkans/facts.yaml, imported with the real ``import_facts``.
News: every Alo.rs article of ../shared/data/serbian_news/alo_articles.jsonl, ingested with the
real ``ingest_path`` into a fresh SQLite store (bench/tmp/alo.db) and analysed by the real
``run_pipeline``; the seconds of each stage are reported with the machine's load (``uptime``),
since the machine is shared.

The articles date from 2015-2019 and do not contain the profile's claims (2023-2025 events), so
every claim marked ``addressed`` is a false alarm unless a reader judges otherwise; each one is
listed in bench/results/false_alarms.json (and judged in docs/benchmarks.md). Articles on even
line numbers are the DEV slice (the decision is fitted on them by bench/bench_paraphrase.py),
odd line numbers the TEST slice; both are reported, test is the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, SHARED, TMP, md_table, require_shared, update_doc_section, write_results  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
from factwatch.analysis import _retrieval  # noqa: E402
from factwatch.analysis.matching import calibration, rank_query  # noqa: E402
from factwatch.ingest.service import ingest_path  # noqa: E402
from factwatch.pipeline import run_pipeline  # noqa: E402
from factwatch.store import open_store  # noqa: E402

from factwatch.ingest.facts import import_facts  # noqa: E402

ARTICLES = SHARED / "serbian_news" / "alo_articles.jsonl"
FACTS = REPO / "profiles" / "western-balkans" / "facts.yaml"
DB = TMP / "alo.db"
MAPPING = {"text": "text", "title": "title", "url": "url", "external_id": "id", "published_at": "date",
           "source": "source"}


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def build(reuse: bool) -> tuple[object, dict]:
    TMP.mkdir(parents=True, exist_ok=True)
    if DB.exists() and reuse:
        return open_store(str(DB)), {}
    for p in TMP.glob("alo.db*"):
        p.unlink()
    timing: dict = {"load_before": load(), "cores": os.cpu_count()}
    store = open_store(str(DB))
    t0 = time.perf_counter()
    ingest_path(store, str(ARTICLES), mapping=MAPPING)
    timing["ingest_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    import_facts(store, FACTS)
    timing["facts_import_s"] = round(time.perf_counter() - t0, 1)
    result = run_pipeline(store)
    timing["stages"] = result.as_dict()["stages"]
    timing["analyze_s"] = round(result.seconds, 1)
    timing["load_after"] = load()
    return store, timing


def evaluate(store) -> dict:
    line_of = {}
    with ARTICLES.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            line_of[json.loads(line).get("id")] = i
    doc_line: dict[int, int] = {}
    last = 0
    while docs := store.documents_after(last, limit=2000):
        doc_line.update({d.id: line_of.get(d.external_id, -1) for d in docs})
        last = docs[-1].id
    claims, last = [], 0
    while batch := store.claims_after(last, limit=2000):
        claims += batch
        last = batch[-1].id
    vecs = store.claim_vectors([c.id for c in claims])
    retriever = _retrieval.get_retriever(store)
    cal = calibration()
    out = {s: {"claims": 0, "articles": set(), "addressed": []} for s in ("dev", "test")}
    for c in claims:
        if c.id not in vecs:
            continue
        split = "dev" if doc_line.get(c.document_id, 0) % 2 == 0 else "test"
        out[split]["claims"] += 1
        out[split]["articles"].add(c.document_id)
        r = rank_query(retriever, np.frombuffer(vecs[c.id], dtype="<f4"), c.latin_key, c.language, text=c.text, cal=cal)
        if r.addressed:
            top = r.ranked[0][0]
            out[split]["addressed"].append({
                "claim_id": c.id, "line": doc_line.get(c.document_id), "claim": c.text,
                "probability": round(r.probability, 4), "matched_kind": top.target,
                "matched_text": retriever.passages[top.row].text, "evidence": {k: round(v, 3) for k, v in r.evidence.items()}})
    for v in out.values():
        v["articles"] = len(v["articles"])
        v["addressed_claims"] = len(v["addressed"])
        v["per_5000_claims"] = round(5000 * len(v["addressed"]) / max(1, v["claims"]), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reuse", action="store_true", help="reuse bench/tmp/alo.db (claims, vectors) instead of rebuilding")
    args = ap.parse_args()
    require_shared()
    if not ARTICLES.exists():
        sys.exit(f"needs {ARTICLES}")
    store, timing = build(args.reuse)
    counts = store.stats() if hasattr(store, "stats") else {}
    r = evaluate(store)
    results = {"fact_base": str(FACTS.relative_to(REPO)), "articles": ARTICLES.name,
               "note": ("Alo.rs articles (2015-2019) do not contain the profile's claims: every addressed claim "
                        "is a false alarm unless judged otherwise in docs/benchmarks.md."),
               "calibration": calibration().get("decision", {}).get("fitted_on"),
               "counts": counts, "timing": timing, **r}
    prev = REPO / "bench" / "results" / "false_alarms.json"
    if args.reuse and prev.exists() and not timing:
        results["timing"] = json.loads(prev.read_text()).get("timing", {})
    write_results("false_alarms", results)
    for s in ("dev", "test"):
        print(f"{s}: {r[s]['addressed_claims']} addressed of {r[s]['claims']} claims ({r[s]['per_5000_claims']} per 5,000)")
    t = results["timing"]
    md = ["### Real news: false alarms and pipeline time (bench/bench_false_alarms.py)", "",
          f"All {counts.get('documents', '?')} Alo.rs articles (2015-2019) against `profiles/western-balkans/facts.yaml`. "
          "Even line numbers = dev (the decision is fitted on them), odd = test.", "",
          md_table(["slice", "check-worthy claims", "addressed", "per 5,000 claims"],
                   [[s, r[s]["claims"], r[s]["addressed_claims"], r[s]["per_5000_claims"]] for s in ("dev", "test")]), ""]
    if t.get("stages"):
        md += [f"Time on {t.get('cores')} cores, load average {t.get('load_before')} before / {t.get('load_after')} after "
               "(the machine is shared; figures are wall-clock):", "",
               md_table(["step", "seconds", "counts"],
                        [["ingest", t["ingest_s"], ""], ["facts import", t["facts_import_s"], ""]]
                        + [[name, v.get("seconds"), ", ".join(f"{k}={x}" for k, x in v.items() if k != "seconds")]
                           for name, v in t["stages"].items()]
                        + [["**analyze total**", f"**{t['analyze_s']}**", ""]])]
    update_doc_section("false_alarms", "\n".join(md))


if __name__ == "__main__":
    main()
