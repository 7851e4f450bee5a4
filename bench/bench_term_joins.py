"""Which label terms of a discovered narrative are joined as one word (issue 9).

The labelled pairs are bench/data/term_pairs.jsonl: Latin keys of label terms, each with the
language its claims are mostly in, labelled "same" (forms, spellings, translations of one word)
or "different" (other words, synonyms of one language included). 245 come from the joins and
near-joins the discovery stage made on the Alo run (a seeded sample), 82 from the demo (every
cross-language pair near the threshold), 28 were written by hand (translations such as
war / rat / vojna and pairs of different words). A hash of the pair splits them into dev (the
rule's values were tuned there) and test (reported here, never tuned on).

Reported: precision and recall of joins for the previous rule (a shared spelling stem, or e5
word cosine >= 0.93) and the current one (``discovery_terms.joins``). With ``--alo DB`` (a copy
of a database the Alo run labelled; it is only read) it also relabels every labelled candidate
both ways from the cached word vectors and counts the labels that change.

    .venv/bin/python bench/bench_term_joins.py [--alo /tmp/alo-copy.db]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, write_results  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
from factwatch.analysis import discovery_terms as dt  # noqa: E402
from factwatch.analysis.embed import encode  # noqa: E402

PAIRS = REPO / "bench" / "data" / "term_pairs.jsonl"
OLD_COSINE = 0.93

Rule = Callable[[str, str, "float | None", "str | None", "str | None"], bool]


def old_joins(a: str, b: str, cosine: float | None, lang_a: str | None = None, lang_b: str | None = None) -> bool:
    """The rule before this change: a shared spelling stem, or the cosine alone."""
    return dt._same_stem(dt.skeleton(a), dt.skeleton(b)) or (cosine is not None and cosine >= OLD_COSINE)


def scores(pairs: list[dict[str, Any]], rule: Rule) -> dict[str, Any]:
    got = [rule(p["a"], p["b"], p["cosine"], p["lang_a"], p["lang_b"]) for p in pairs]
    tp = sum(1 for p, g in zip(pairs, got) if g and p["label"] == "same")
    fp = sum(1 for p, g in zip(pairs, got) if g and p["label"] != "same")
    fn = sum(1 for p, g in zip(pairs, got) if not g and p["label"] == "same")
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"pairs": len(pairs), "joined": tp + fp, "right_joins": tp, "wrong_joins": fp, "missed": fn,
            "precision": round(prec, 3), "recall": round(rec, 3),
            "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0}


def alo_labels(db: str) -> dict[str, Any]:
    """Relabel every labelled candidate of ``db`` with the old and the current rule."""
    from factwatch.analysis.discovery import MIN_SIZE
    from factwatch.store import open_store

    with open_store(db, access="read") as store:
        cands = store.discovery_clusters(status="open", min_size=MIN_SIZE)
        rows = store.discovery_member_rows([k.id for k in cands])
        keys: dict[int, list[str]] = {}
        langs: dict[int, list[str]] = {}
        for r in rows:
            keys.setdefault(r["cluster_id"], []).append(r["latin_key"])
            langs.setdefault(r["cluster_id"], []).append(r["language"])
        which = [k.id for k in cands]
        stats: dict[str, int] = {}
        new = dt.top_terms(store, keys, which, languages=langs, stats=stats)
        current = dt.joins
        dt.joins = old_joins  # collapse() looks the rule up by name
        try:
            old = dt.top_terms(store, keys, which, languages=langs)
        finally:
            dt.joins = current
    if stats.get("embedded"):
        print(f"note: {stats['embedded']} label words were not cached and were embedded now")
    changed = [k for k in which if old[k] != new[k]]

    def shown(terms: list[dict[str, Any]]) -> str:
        return ", ".join(t["term"] + (f" ({'/'.join(t['forms'][1:])})" if len(t["forms"]) > 1 else "") for t in terms)

    examples = [{"candidate": k, "before": shown(old[k]), "after": shown(new[k])} for k in changed[:10]]
    joined_before = sum(len(t["forms"]) > 1 for k in which for t in old[k])
    joined_after = sum(len(t["forms"]) > 1 for k in which for t in new[k])
    return {"candidates": len(which), "labels_changed": len(changed), "joined_terms_before": joined_before,
            "joined_terms_after": joined_after, "examples": examples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--alo", help="a copy of a database the Alo run labelled (read only)")
    args = ap.parse_args()
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = sorted({w for p in pairs for w in (p["a"], p["b"])})
    vec = dict(zip(words, encode(words, kind="query", batch_size=dt.WORD_BATCH)))
    for p in pairs:
        p["cosine"] = float(vec[p["a"]] @ vec[p["b"]])
    out: dict[str, Any] = {"pairs_file": str(PAIRS.relative_to(REPO)),
                           "rule": {"cross_cosine": dt.CROSS_COSINE, "form_cosine": dt.FORM_COSINE,
                                    "typo_similarity": dt.TYPO_SIMILARITY, "old_cosine": OLD_COSINE}}
    for split in ("dev", "test"):
        part = [p for p in pairs if p["split"] == split]
        out[split] = {"before": scores(part, old_joins), "after": scores(part, dt.joins)}
        for when in ("before", "after"):
            s = out[split][when]
            print(f"{split:4} {when:6} pairs {s['pairs']} joined {s['joined']} (wrong {s['wrong_joins']}, missed "
                  f"{s['missed']}) precision {s['precision']:.3f} recall {s['recall']:.3f} F1 {s['f1']:.3f}")
    test = [p for p in pairs if p["split"] == "test"]
    out["test_errors_after"] = [f"{p['a']}/{p['b']} {p['cosine']:.3f} {p['lang_a']}/{p['lang_b']} {p['label']}"
                                for p in test if dt.joins(p["a"], p["b"], p["cosine"], p["lang_a"], p["lang_b"])
                                != (p["label"] == "same")]
    if args.alo:
        out["alo"] = alo_labels(args.alo)
        a = out["alo"]
        print(f"Alo: {a['labels_changed']} of {a['candidates']} labels change; terms shown with joined forms "
              f"{a['joined_terms_before']} -> {a['joined_terms_after']}")
        for e in a["examples"]:
            print(f"  #{e['candidate']}\n    before: {e['before']}\n    after:  {e['after']}")
    print("results:", write_results("term_joins", out))


if __name__ == "__main__":
    main()
