"""Precision and recall of the narrative labels on real news (issue 9): Alo.rs with the Western
Balkans catalogue, judged by hand in bench/data/alo_narrative_labels.jsonl.

    PYTHONPATH=src .venv/bin/python bench/bench_narratives_realnews.py [--db bench/tmp/alo_narratives.db]
        [--catalogue FILE | --as-analysed] [--dev-only] [--out NAME]

The database is the one bench/bench_alo_narratives.py builds (the 2,016 articles analysed with the
profile's catalogue loaded; about 8 minutes); it is opened read-only and every vector comes from
its embedding cache. For each labelled article the script rebuilds what the ``narratives`` stage
scored (``document_view``: the picked sentences and the claims) and applies

* the shipped rule exactly as the stage does (document hits and claim hits), on dev and on test;
* stricter variants of the uncalibrated rule, on dev only (the split the choice is made on).

A pair (article, narrative) counts once; a narrative found on a claim counts for its article.
Recall is over the labelled pool only (the articles the stage labels, the 100 best-scoring ones
below the line and 50 keyword articles), not over all 2,016: it is an upper bound.
Results: bench/results/narratives_realnews.json.

The database holds the catalogue it was analysed with, which may be older than the profile's. So
the script scores ``--catalogue FILE`` (default: the profile's narratives.yaml; ``--as-analysed``
keeps the database's) without a new 8-minute analyze: the database is copied to
bench/tmp/alo_narratives_rescored.db, FILE is imported into the copy as `narratives import`
does (its exemplars embedded), and the sentences the stage would pick under the new catalogue's
vocabulary are embedded where the cache lacks them. The articles, claims and their vectors do not
depend on the catalogue, so this is what a fresh analyze would score. ``--dev-only`` leaves the
test split out (while a catalogue is being edited); a dev grid of the raw line and margin is
always reported, to choose them again when new exemplars move the score scale.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, TMP, require_shared, write_results  # noqa: E402

from factwatch.analysis.narrative_model import NarrativeModel  # noqa: E402
from factwatch.analysis.narratives import (  # noqa: E402
    _claim_hits, build_models, catalogue_vocabulary, document_view, hits_of, import_catalogue)
from factwatch.store import open_store  # noqa: E402
from factwatch.text.script import latin_key  # noqa: E402

LABELS = REPO / "bench" / "data" / "alo_narrative_labels.jsonl"
DB = TMP / "alo_narratives.db"
RESCORED = TMP / "alo_narratives_rescored.db"
CATALOGUE = REPO / "profiles" / "western-balkans" / "narratives.yaml"


def with_catalogue(db: Path, catalogue: Path) -> Path:
    """A copy of ``db`` with ``catalogue`` imported in place of the one it was analysed with."""
    RESCORED.unlink(missing_ok=True)
    shutil.copyfile(db, RESCORED)
    store = open_store(str(RESCORED))
    try:
        import_catalogue(store, catalogue)
    finally:
        store.close()
    return RESCORED


def read_labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class View:
    """One labelled article as the stage saw it: sentence x narrative cosines, claim flags, the
    shipped rule's labels, and the word stems of the whole article (for the keyword variant)."""

    def __init__(self, model: NarrativeModel, sents: list[str], vectors: np.ndarray, claims: list, cvec: np.ndarray,
                 stems: set[str]) -> None:
        self.S = model.sentence_scores(vectors) if len(sents) else np.zeros((0, len(model)), np.float32)
        texts = {c.text.strip() for c in claims}
        self.claimed = np.array([s.strip() in texts for s in sents], dtype=bool)
        shipped = {h.id for h in hits_of(model, model.score(vectors), sents)} if len(sents) else set()
        for v in cvec:
            shipped |= {model.narratives[j].id for j in _claim_hits(model, v)}
        self.shipped = shipped
        self.stems = stems


def word_stems(text: str, language: str = "sr") -> set[str]:
    return {w[:5] for w in latin_key(text, language).split() if len(w) >= 2}


def keyword_stems(model: NarrativeModel) -> list[list[frozenset[str]]]:
    """Each narrative's keywords as sets of word stems (a keyword matches when all its stems occur);
    one keyword in several languages that reads alike on the Latin key (NATO, НАТО) counts once."""
    out = []
    for n in model.narratives:
        ks: set[frozenset[str]] = set()
        for k in n.keywords:
            lang = "sr" if any("\u0400" <= c <= "\u04ff" for c in k) else "en"
            if st := word_stems(k, lang):
                ks.add(frozenset(st))
        out.append(sorted(ks, key=sorted))
    return out


def variant(model: NarrativeModel, *, line: float = 0.905, margin: float = 0.01, support: int = 1,
            support_line: float | None = None, claim_only: bool = False, keywords: int = 0,
            kw: list[list[frozenset[str]]] | None = None) -> Callable[[View], set[str]]:
    """The uncalibrated rule with one knob changed: top-level narratives at or over ``line`` and
    within ``margin`` of the article's best; sub-narratives likewise, under a parent found."""
    ids = [n.id for n in model.narratives]
    index = {n: i for i, n in enumerate(ids)}
    parent = [index.get(n.parent) if n.parent else None for n in model.narratives]

    def decide(v: View) -> set[str]:
        S = np.where(v.claimed[:, None], v.S, -1.0) if claim_only else v.S
        if not len(S):
            return set()
        top = S.max(axis=0)
        cut = max(line, float(top.max()) - margin)
        ok = top >= cut
        if support > 1:
            ok &= (S >= (support_line if support_line is not None else line)).sum(axis=0) >= support
        if keywords and kw is not None:
            ok &= np.array([sum(1 for k in ks if k <= v.stems) >= keywords if ks else True for ks in kw])
        found = {j for j in range(len(ids)) if ok[j] and parent[j] is None}
        found |= {j for j in range(len(ids)) if ok[j] and parent[j] in found}
        return {ids[j] for j in found}
    return decide


def score(pred: dict[str, set[str]], labels: list[dict], split: str) -> dict:
    tp = fp = fn = 0
    for r in labels:
        if r["split"] != split:
            continue
        p, g = pred[r["document"]], set(r["narratives"])
        tp, fp, fn = tp + len(p & g), fp + len(p - g), fn + len(g - p)
    return {"documents": sum(r["split"] == split for r in labels), "gold_pairs": tp + fn, "labels": tp + fp,
            "tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None, "recall": round(tp / (tp + fn), 3) if tp + fn else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=DB, help="Alo analysed with the Western Balkans catalogue")
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--catalogue", type=Path, default=CATALOGUE, help="the narratives.yaml to score (imported into a copy of --db)")
    ap.add_argument("--as-analysed", action="store_true", help="score the catalogue stored in --db, read-only")
    ap.add_argument("--dev-only", action="store_true", help="leave the test split out")
    ap.add_argument("--out", default="narratives_realnews", help="results name (bench/results/NAME.json)")
    args = ap.parse_args()
    require_shared()
    if not args.db.exists():
        print(f"skipped: {args.db} is absent; build it with bench/bench_alo_narratives.py (about 8 minutes)")
        return
    labels = read_labels(args.labels)
    if args.as_analysed:
        args.catalogue = None
    else:
        args.db = with_catalogue(args.db, args.catalogue)
    store = open_store(str(args.db), access="read")
    memo: dict[str, bytes] = {}  # vectors the read-only cache lacks (a new catalogue's picked sentences)
    models = build_models(store, memo=memo)
    model = next(m for m in models if any(n.id == "kfor-abandons-serbs" for n in m.narratives))
    vocabulary = catalogue_vocabulary([n for m in models for n in m.narratives])
    wanted = {r["document"] for r in labels}
    views: dict[str, View] = {}
    last = 0
    while docs := store.documents_after(last, limit=500):
        for d in docs:
            if d.external_id in wanted:
                sents, vectors, claims, cvec = document_view(store, models, vocabulary, d, memo=memo)
                views[d.external_id] = View(model, sents, vectors, claims, cvec,
                                            word_stems("\n".join(x for x in (d.title, d.text) if x)))
        last = docs[-1].id
    missing = wanted - set(views)
    if missing:
        sys.exit(f"{len(missing)} labelled articles are not in {args.db} (e.g. {sorted(missing)[:3]})")
    shipped = {e: v.shipped for e, v in views.items()}
    kw = keyword_stems(model)
    variants = {
        "line 0.91": variant(model, line=0.91),
        "line 0.915": variant(model, line=0.915),
        "margin 0": variant(model, margin=0.0),
        "two sentences >= 0.895": variant(model, support=2, support_line=0.895),
        "evidence is a check-worthy claim": variant(model, claim_only=True),
        "one catalogue keyword in the article": variant(model, keywords=1, kw=kw),
        "two catalogue keywords in the article": variant(model, keywords=2, kw=kw),
        "line 0.89 + two keywords": variant(model, line=0.89, keywords=2, kw=kw),
    }
    # How many true pairs a keyword requirement could keep at all, whatever the similarity (dev).
    index = {n.id: i for i, n in enumerate(model.narratives)}
    dev_gold = [(r["document"], n) for r in labels if r["split"] == "dev" for n in r["narratives"]]
    coverage = {f">={k}": sum(1 for e, n in dev_gold if sum(1 for s in kw[index[n]] if s <= views[e].stems) >= k)
                for k in (1, 2)}
    grid = {f"line {line} margin {margin}": score({e: variant(model, line=line, margin=margin)(v) for e, v in views.items()},
                                                  labels, "dev")
            for line in (0.87, 0.875, 0.88, 0.885, 0.89, 0.895, 0.9, 0.905, 0.91) for margin in (0.0, 0.01, 0.02, 0.03)}
    splits = ("dev",) if args.dev_only else ("dev", "test")
    result = {
        "catalogue": (str(args.catalogue.relative_to(REPO)) if args.catalogue.is_relative_to(REPO) else str(args.catalogue))
        if args.catalogue else "as analysed in the database",
        "db": str(args.db.relative_to(REPO)) if args.db.is_relative_to(REPO) else str(args.db),
        "labels": str(args.labels.relative_to(REPO)) if args.labels.is_relative_to(REPO) else str(args.labels),
        "pairs_counted": "document x narrative; a claim's narrative counts for its article",
        "shipped": {sp: score(shipped, labels, sp) for sp in splits},
        "dev_variants": {name: score({e: f(v) for e, v in views.items()}, labels, "dev") for name, f in variants.items()},
        "dev_gold_pairs_with_keywords": {"pairs": len(dev_gold), **coverage},
        "dev_grid_line_margin": grid,
    }
    write_results(args.out, result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
