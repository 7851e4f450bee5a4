"""Matching latency at 10k and 100k fact-base passages, embedding throughput, pipeline cost.

    PYTHONPATH=src .venv/bin/python bench/bench_match_latency.py [--sizes 10000 100000] [--queries 200]

Corpus (synthetic, said so in docs/benchmarks.md): random unit vectors for the dense
side, and real BM25 text (EUvsDisinfo summaries, cycled with a row suffix so every passage is
distinct) for the keyword side. Above 20k passages the dense search goes through the usearch
HNSW index, as in production. Retrieval time = candidates + features + re-ranking; "with
embedding" adds an uncached e5 query embedding. Pipeline cost: claims + embed_claims + match
on Serbian news articles (../shared/data/serbian_news/alo_articles.jsonl), per 1,000 articles.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from factwatch.analysis import _retrieval  # noqa: E402
from factwatch.models import FactPassage  # noqa: E402
from factwatch.analysis._text import latin_key  # noqa: E402
from factwatch.analysis.embed import DIM, encode  # noqa: E402
from factwatch.analysis.matching import candidate_features, rank_candidates  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "match_latency.json"


def pct(xs: list[float], p: float) -> float:
    return round(float(np.percentile(np.array(xs) * 1000, p)), 2)


def corpus_texts() -> list[str]:
    with (SHARED / "euvsdisinfo" / "cases_dev.csv").open(encoding="utf-8", newline="") as f:
        return [r["summary"][:400] for r in csv.DictReader(f) if r["summary"].strip()]


def latency(size: int, texts: list[str], queries: list[str], qvecs: np.ndarray) -> dict:
    rng = np.random.default_rng(size)
    t0 = time.perf_counter()
    vectors = rng.standard_normal((size, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = []
    for i in range(size):
        text = f"{texts[i % len(texts)]} r{i}"
        passages.append(FactPassage(i + 1, "fact_check", i + 1, "claim", "en", text, latin_key(text, "en"), ""))
    hnsw = _retrieval._build_hnsw(np.arange(1, size + 1, dtype=np.int64), vectors) if size > _retrieval.EXACT_MAX else None
    retriever = _retrieval.Retriever(passages, vectors, hnsw)
    _ = retriever.bm25
    build = time.perf_counter() - t0
    without, with_embed = [], []
    for text, q in zip(queries, qvecs):
        key = latin_key(text, "en")
        t = time.perf_counter()
        rank_candidates(candidate_features(retriever, q, key, "en"))
        without.append(time.perf_counter() - t)
    for text in queries[:50]:
        key = latin_key(text, "en")
        t = time.perf_counter()
        q = encode([text], kind="query")[0]
        rank_candidates(candidate_features(retriever, q, key, "en"))
        with_embed.append(time.perf_counter() - t)
    return {
        "passages": size, "dense": "usearch HNSW" if hnsw is not None else "exact numpy",
        "build_s": round(build, 1),
        "retrieval_ms": {"p50": pct(without, 50), "p95": pct(without, 95), "n": len(without)},
        "with_query_embedding_ms": {"p50": pct(with_embed, 50), "p95": pct(with_embed, 95), "n": len(with_embed)},
    }


def throughput() -> dict:
    sentences = [f"Vlada je {i}. put saopštila da će NATO povećati broj vojnika na Kosovu za {i * 7} ljudi."
                 for i in range(256)]
    encode(sentences[:8], kind="passage")  # warm up
    t = time.perf_counter()
    encode(sentences, kind="passage", batch_size=32)
    return {"sentences": len(sentences), "sentences_per_s": round(len(sentences) / (time.perf_counter() - t), 1)}


def pipeline_cost(n_articles: int) -> dict | None:
    path = SHARED / "serbian_news" / "alo_articles.jsonl"
    if not path.exists():
        return None
    import hashlib

    from factwatch.analysis.claims import extract_claims
    from factwatch.analysis.embed import embed_new_claims
    from factwatch.analysis.factcheck import embed_fact_base
    from factwatch.ingest.facts import import_facts
    from factwatch.analysis.matching import match_new_claims
    from factwatch.models import NewDocument
    from factwatch.store import open_store

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:n_articles]]
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "p.db")) as store:
        import_facts(store, ROOT / "tests" / "data" / "facts" / "facts_profile.yaml")
        import_facts(store, ROOT / "tests" / "data" / "facts" / "claimreview_array.json")
        embed_fact_base(store)
        docs = [NewDocument(platform="web", source=r.get("source") or "alo.rs", text=r["text"], language="sr",
                            script="Latn", latin_key=latin_key(r["text"], "sr"),
                            content_hash=hashlib.sha1(r["text"].encode()).hexdigest(), position=str(i),
                            url=r.get("url"), title=r.get("title")) for i, r in enumerate(rows) if r.get("text")]
        store.insert_documents(docs, run_id=store.start_run("ingest", "bench"))
        out = {"articles": len(docs)}
        for name, fn in (("claims", extract_claims), ("embed_claims", embed_new_claims), ("match", match_new_claims)):
            t = time.perf_counter()
            stats = fn(store)
            out[name] = {"seconds": round(time.perf_counter() - t, 2), **stats.as_dict()}
        total = sum(out[k]["seconds"] for k in ("claims", "embed_claims", "match"))
        out["seconds_per_1000_articles"] = round(total * 1000 / max(1, len(docs)), 1)
        return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--articles", type=int, default=200)
    args = ap.parse_args()
    texts = corpus_texts()
    with (SHARED / "euvsdisinfo" / "cases_dev.csv").open(encoding="utf-8", newline="") as f:
        queries = [r["title"] for r in csv.DictReader(f) if r["title"].strip()][: args.queries]
    qvecs = encode(queries, kind="query", batch_size=64)
    report = {"machine": "2 CPU cores (this sandbox)", "latency": [latency(n, texts, queries, qvecs) for n in args.sizes],
              "embedding": throughput(), "pipeline": pipeline_cost(args.articles)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
