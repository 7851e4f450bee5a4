"""Alo analyze with the profile's narrative catalogue loaded (issue 9: the narratives stage's cost).

    PYTHONPATH=src .venv/bin/python bench/bench_alo_narratives.py [--limit N]

bench_false_alarms.py loads the facts only, so its narratives stage has nothing to classify. Here
the same Alo.rs articles and facts go into a fresh store (bench/tmp/alo_narratives.db) with
profiles/western-balkans/narratives.yaml imported as `factwatch narratives import` does, and the
real ``run_pipeline`` runs; each stage's wall and CPU seconds and the load as it began are written to
bench/results/alo_narratives.json, with how many sentences the narratives stage embedded beyond the
claims, and how its labels agree with the run before the claims gate (every sentence embedded:
bench/results/alo_narratives_all_sentences_labels.json). ``--limit N`` runs the first N articles
only, for quick iterations (its own store and results file; not the figure in the docs).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_false_alarms  # noqa: E402
from _common import REPO, RESULTS, TMP, require_shared, write_results  # noqa: E402
from bench_false_alarms import ARTICLES, build, idle_estimate  # noqa: E402

from factwatch.analysis._text import text_hash  # noqa: E402
from factwatch.analysis.embed import clip  # noqa: E402
from factwatch.analysis.narratives import (  # noqa: E402
    build_models, catalogue_vocabulary, document_sentences, document_view)

CATALOGUE = REPO / "profiles" / "western-balkans" / "narratives.yaml"
DB = TMP / "alo_narratives.db"
BEFORE = RESULTS / "alo_narratives_all_sentences_labels.json"


def stage_texts(store) -> dict[str, int]:
    """Sentences the narratives stage read, and those of them that were not claims (e5 ran on
    those for this stage: claims were embedded by embed_claims). Recomputed from the cache."""
    models = build_models(store)
    vocabulary = catalogue_vocabulary([n for m in models for n in m.narratives])
    read: set[str] = set()
    claims: set[str] = set()
    total: set[str] = set()
    last = 0
    while docs := store.documents_after(last, limit=500):
        for d in docs:
            sents, _, cl, _ = document_view(store, models, vocabulary, d)
            read |= {text_hash(clip(s)) for s in sents}
            claims |= {text_hash(clip(c.text)) for c in cl}
            total |= {text_hash(clip(s)) for s in document_sentences("\n".join(x for x in (d.title, d.text) if x))}
        last = docs[-1].id
    return {"document_sentences": len(total), "read_by_stage": len(read), "embedded_by_stage": len(read - claims),
            "before_gate_embedded": len(total - claims)}


def agreement(con: sqlite3.Connection, limit: int | None) -> dict | None:
    """The labels against the run that embedded every sentence (same corpus, same catalogue)."""
    if not BEFORE.exists():
        return None
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    ids = {r[0] for r in con.execute("SELECT external_id FROM documents")}
    old_docs = {tuple(x) for x in before["documents"] if x[0] in ids}
    old_claims = {tuple(x) for x in before["claims"] if x[0] in ids}
    new_docs = set(con.execute("SELECT d.external_id, a.narrative_id FROM narrative_assignments a "
                               "JOIN documents d ON d.id = a.document_id WHERE a.claim_id IS NULL"))
    new_claims = set(con.execute("SELECT d.external_id, k.start, a.narrative_id FROM narrative_assignments a "
                                 "JOIN documents d ON d.id = a.document_id JOIN claims k ON k.id = a.claim_id"))
    return {"documents": {"before": len(old_docs), "kept": len(old_docs & new_docs),
                          "lost": sorted(old_docs - new_docs), "added": sorted(new_docs - old_docs)},
            "claims": {"before": len(old_claims), "kept": len(old_claims & new_claims),
                       "lost": len(old_claims - new_claims), "added": len(new_claims - old_claims)},
            "subset": limit is not None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, help="only the first N articles (quick iterations)")
    args = ap.parse_args()
    require_shared()
    if not ARTICLES.exists():
        sys.exit(f"needs {ARTICLES}")
    db, name = DB, "alo_narratives"
    if args.limit:
        sample = TMP / f"alo_first_{args.limit}.jsonl"
        with ARTICLES.open(encoding="utf-8") as f, sample.open("w", encoding="utf-8") as out:
            for i, line in enumerate(f):
                if i >= args.limit:
                    break
                out.write(line)
        bench_false_alarms.ARTICLES = sample  # build() reads the module's path
        db, name = TMP / f"alo_narratives_{args.limit}.db", f"alo_narratives_first_{args.limit}"
    store, timing = build(db, False, catalogue=CATALOGUE)
    con = sqlite3.connect(db)
    counts = {
        "documents": con.execute("SELECT count(*) FROM documents").fetchone()[0],
        "claims": con.execute("SELECT count(*) FROM claims").fetchone()[0],
        "query_vectors_cached": con.execute("SELECT count(*) FROM embedding_cache WHERE kind='query'").fetchone()[0],
        "narrative_assignments": con.execute("SELECT count(*) FROM narrative_assignments").fetchone()[0],
        "documents_with_narrative": con.execute(
            "SELECT count(DISTINCT document_id) FROM narrative_assignments WHERE claim_id IS NULL").fetchone()[0],
    }
    sentences = stage_texts(store)
    agree = agreement(con, args.limit)
    con.close()
    idle = idle_estimate(timing["stages"])
    result = {"catalogue": str(CATALOGUE.relative_to(REPO)), "articles": bench_false_alarms.ARTICLES.name, "limit": args.limit,
              "counts": counts, "narratives_sentences": sentences, "agreement_with_all_sentences": agree,
              "timing": timing, "idle_2_core_estimate_s": idle[1] if idle else None}
    write_results(name, result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
