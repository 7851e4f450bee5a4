"""Claim -> fact-check retrieval quality on EUvsDisinfo titles (evaluation only).

    PYTHONPATH=src .venv/bin/python bench/bench_matching.py

Corpus: every case of ../shared/data/euvsdisinfo/cases_dev.csv imported with the real
``import_facts`` (claim = summary) and embedded with the real ``embed_fact_base``
(``fields=("claim",)``: the title is the query, so it must not also be a passage).
Queries: the English case titles; the translated titles of bench/data/translated_claims.jsonl
(sr Cyrl/Latn, bs, hr, cnr, sq, mk, ru, bg); the same-topic claims of
bench/data/unrelated_claims.jsonl that no case addresses.
Split: dev = even case row, test = odd row (unrelated: their own split field). The re-ranker
and the decision are fitted by bench/bench_paraphrase.py (dev halves); this one evaluates the
shipped src/factwatch/analysis/_calibration.json; every figure reported is on test.
Vectors are cached in bench/tmp/euvsdisinfo.db, so reruns take seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from factwatch.analysis import _retrieval  # noqa: E402
from factwatch.models import NewFactCheck  # noqa: E402
from factwatch.analysis._text import latin_key  # noqa: E402
from factwatch.analysis.embed import embed_texts  # noqa: E402
from factwatch.analysis.factcheck import embed_fact_base  # noqa: E402
from factwatch.ingest.facts import import_facts, parse_facts  # noqa: E402
from factwatch.analysis.match_features import features_matrix  # noqa: E402
from factwatch.analysis.matching import calibration, predict, rank_query  # noqa: E402
from factwatch.store import open_store  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CASES = SHARED / "euvsdisinfo" / "cases_dev.csv"
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results" / "matching.json"


def load_queries(rows: list[dict[str, str]]) -> list[dict]:
    queries = []
    for i, row in enumerate(rows):
        title = (row.get("title") or "").strip()
        if title:
            queries.append({"group": "en", "text": title, "language": "en", "gold": i,
                            "split": "dev" if i % 2 == 0 else "test", "tag": "en"})
    path = DATA / "translated_claims.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            queries.append({"group": "xl", "text": d["text"], "language": d["language"], "gold": d["issue_row"],
                            "split": d["split"], "tag": f"{d['language']}-{d['script']}"})
    path = DATA / "unrelated_claims.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            queries.append({"group": "unrelated", "text": d["text"], "language": d["language"], "gold": None,
                            "split": d["split"], "tag": d["language"]})
    return queries


def rank_of(scores: np.ndarray, gold: int) -> int:
    return int((scores > scores[gold]).sum()) + 1


def top1_share(scores: np.ndarray, gold: int) -> float:
    """Success@1 with ties split: 1/t when the gold case is one of t candidates tied at the top.
    ``rank_of`` counts a tie as a hit (optimistic for every method alike)."""
    if (scores > scores[gold]).any():
        return 0.0
    return 1.0 / int((scores == scores[gold]).sum())


def main() -> None:
    ap = argparse.ArgumentParser()
    args = ap.parse_args()
    if not CASES.exists():
        sys.exit(f"needs {CASES} (../shared/data)")
    t_start = time.perf_counter()
    with CASES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    tmp = ROOT / "bench" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    store = open_store(str(tmp / "euvsdisinfo.db"))

    t0 = time.perf_counter()
    imp = import_facts(store, CASES, fmt="euvsdisinfo")
    _, records = parse_facts(CASES, fmt="euvsdisinfo")
    assert len(records) == len(rows)
    keys = [r.key if isinstance(r, NewFactCheck) else None for r in records]
    key_id = store.fact_check_ids_by_key([k for k in keys if k])
    row_fc = [key_id.get(k) if k else None for k in keys]
    emb = embed_fact_base(store, fields=("claim",))
    t_corpus = time.perf_counter() - t0
    print(f"import {imp.as_dict()['inserted']} new, embed_fact_base {emb.as_dict()} in {t_corpus:.1f}s", flush=True)

    retriever = _retrieval.get_retriever(store)
    fc_ids = sorted({p.target_id for p in retriever.passages})
    col = {fc: i for i, fc in enumerate(fc_ids)}
    p_col = np.array([col[p.target_id] for p in retriever.passages])

    def by_target(passage_scores: np.ndarray) -> np.ndarray:
        out = np.full(len(fc_ids), -np.inf, dtype=np.float64)
        np.maximum.at(out, p_col, passage_scores)
        return out

    queries = load_queries(rows)
    t0 = time.perf_counter()
    qvecs = embed_texts(store, [q["text"] for q in queries], kind="query", batch_size=64)
    t_queries = time.perf_counter() - t0
    print(f"{len(queries)} queries embedded in {t_queries:.1f}s", flush=True)

    t0 = time.perf_counter()
    per_query = []
    for q, v in zip(queries, qvecs):
        key = latin_key(q["text"], q["language"])
        gold_fc = row_fc[q["gold"]] if q["gold"] is not None else None
        gold = col.get(gold_fc) if gold_fc is not None else None
        dense = by_target(retriever.vectors @ v)
        toks = _retrieval.tokens(key)
        bm = by_target(np.asarray(retriever.bm25.get_scores(toks), dtype=np.float64)) if toks else np.zeros(len(fc_ids))
        ranking = rank_query(retriever, v, key, q["language"], text=q["text"])
        cands = [c for c, _ in ranking.ranked]
        X = features_matrix(cands)
        y = np.array([float(gold is not None and col[c.target_id] == gold) for c in cands])
        per_query.append({
            **q, "gold_col": gold, "X": X, "y": y, "top_prob": ranking.probability,
            "addressed": ranking.addressed,
            "rank_dense": rank_of(dense, gold) if gold is not None else None,
            "rank_bm25": (rank_of(bm, gold) if bm[gold] > 0 else len(fc_ids)) if gold is not None else None,
            "share_dense": top1_share(dense, gold) if gold is not None else None,
            "share_bm25": (top1_share(bm, gold) if bm[gold] > 0 else 0.0) if gold is not None else None,
        })
    t_features = time.perf_counter() - t0
    print(f"candidates+features in {t_features:.1f}s ({1000 * t_features / len(queries):.1f} ms/query)", flush=True)
    # The re-ranker and the decision are fitted by bench/bench_paraphrase.py (paraphrases,
    # near-topic negatives, left-out records, real news); this benchmark only evaluates them.
    cal = calibration()
    for d in per_query:
        if len(d["y"]):
            p = predict(d["X"], cal)
            gold_p = p[d["y"] == 1]
            d["rank_hybrid"] = int((p > gold_p.max()).sum()) + 1 if len(gold_p) else 10**6
            d["share_hybrid"] = top1_share(p, int(np.flatnonzero(d["y"] == 1)[0])) if len(gold_p) else 0.0
        else:
            d["rank_hybrid"], d["share_hybrid"] = 10**6, 0.0

    def retrieval(ds: list[dict]) -> dict:
        out = {"n": len(ds)}
        for name in ("bm25", "dense", "hybrid"):
            r = np.array([d[f"rank_{name}"] for d in ds], dtype=np.float64)
            out[name] = {"s@1": round(float((r <= 1).mean()), 4), "s@10": round(float((r <= 10).mean()), 4),
                         "mrr": round(float((1 / r).mean()), 4),
                         "s@1_ties_split": round(float(np.mean([d[f"share_{name}"] for d in ds])), 4)}
        return out

    def decision(ds: list[dict]) -> dict:
        rel = [d for d in ds if d["group"] != "unrelated"]
        unr = [d for d in ds if d["group"] == "unrelated"]
        pred_pos = [d for d in ds if d["addressed"]]
        true_pos = [d for d in pred_pos if d["group"] != "unrelated"]
        strict_tp = [d for d in true_pos if d["rank_hybrid"] == 1]
        return {
            "related": len(rel), "unrelated": len(unr),
            "precision": round(len(true_pos) / max(1, len(pred_pos)), 4),
            "recall": round(len(true_pos) / max(1, len(rel)), 4),
            "precision_strict": round(len(strict_tp) / max(1, len(pred_pos)), 4),
            "recall_strict": round(len(strict_tp) / max(1, len(rel)), 4),
            "related_addressed": round(float(np.mean([d["addressed"] for d in rel])) if rel else 0.0, 4),
            "unrelated_not_addressed": round(float(np.mean([not d["addressed"] for d in unr])) if unr else 0.0, 4),
        }

    report: dict = {"corpus": {"cases": len(rows), "fact_checks": len(fc_ids), "passages": len(retriever)},
                    "timing_s": {"corpus_import_embed": round(t_corpus, 1), "query_embed": round(t_queries, 1),
                                 "features": round(t_features, 1)},
                    "calibration": {"threshold": cal["threshold"], "fitted_on": cal["fitted_on"]}}
    for split in ("dev", "test"):
        ds = [d for d in per_query if d["split"] == split]
        en = [d for d in ds if d["group"] == "en"]
        xl = [d for d in ds if d["group"] == "xl"]
        un = [d for d in ds if d["group"] == "unrelated"]
        report[split] = {
            "english": retrieval(en),
            "cross_lingual": retrieval(xl) if xl else None,
            "cross_lingual_by_language": {t: retrieval([d for d in xl if d["tag"] == t])
                                          for t in sorted({d["tag"] for d in xl})},
            "addressed_english_vs_unrelated": decision(en + un),
            "addressed_cross_lingual_vs_unrelated": decision(xl + un) if xl else None,
            "addressed_all": decision(ds),
        }
    report["timing_s"]["total"] = round(time.perf_counter() - t_start, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    t = report["test"]
    print(f"\nTEST half ({RESULTS.relative_to(ROOT)}):")
    print(f"{'queries':<16}{'n':>6}  " + "  ".join(f"{m:>20}" for m in ("BM25 s@1/s@10/MRR", "e5", "hybrid")))
    for name in ("english", "cross_lingual"):
        r = t[name]
        if r:
            print(f"{name:<16}{r['n']:>6}  " + "  ".join(
                f"{r[m]['s@1']:.3f}/{r[m]['s@10']:.3f}/{r[m]['mrr']:.3f}".rjust(20) for m in ("bm25", "dense", "hybrid")))
    for name in ("addressed_english_vs_unrelated", "addressed_cross_lingual_vs_unrelated", "addressed_all"):
        print(name, t[name])
    print(f"total {report['timing_s']['total']}s")


if __name__ == "__main__":
    main()
