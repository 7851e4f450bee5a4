"""Check-worthiness of real sentences: factwatch's model against two baselines, and the Alo share kept.

Data: tests/data/checkworthy_real.jsonl, 1,557 sentences drawn at random (fixed seeds, three draws)
from Alo.rs articles (sr Latin), Politika titles (sr Cyrillic), IRA tweets (ru, en), EUvsDisinfo case
titles and summaries (en) and the project's demo corpus (bs, sq, mk, cnr), labelled by docs/checkworthiness.md;
dev/test by document (sha1 parity, see factwatch.analysis.checkworthiness_labels.split_of). Also the
project's earlier hand-written set (tests/data/facts/checkworthy_labelled.jsonl). Baselines: the rules
of git 79ccb3a (bench/_checkworthy_baseline.py, frozen) and "any number or name".

Run:  .venv/bin/python bench/bench_checkworthy.py         (report; writes bench/results/checkworthy.json)
      .venv/bin/python bench/bench_checkworthy.py --fit   (refit the weights on dev only, then report)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkworthy_baseline as baseline  # noqa: E402
from _common import REPO, md_table, require_shared, update_doc_section, write_results  # noqa: E402

from factwatch.analysis import checkworthiness as cw  # noqa: E402
from factwatch.analysis.checkworthiness_labels import Labelled, load_labelled  # noqa: E402
from factwatch.text.sentences import split_sentences  # noqa: E402

REAL = REPO / "tests" / "data" / "checkworthy_real.jsonl"
WRITTEN = REPO / "tests" / "data" / "facts" / "checkworthy_labelled.jsonl"
MAX_ALO_SHARE = 0.25
# Fit settings chosen by 5-fold cross-validation on dev (folds by document).
L2_NAMED, L2_STEMS, OLD_ROWS_WEIGHT, ITERATIONS = 0.003, 0.03, 0.5, 1500


def prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(pairs), "positives": tp + fn, "precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(f1, 3)}


def _vector(text: str, language: str) -> np.ndarray:
    feats, stems = cw.checkworthiness_features(text, language)
    x = np.zeros(len(cw.FEATURES) + cw.HASH_BUCKETS)
    for i, name in enumerate(cw.FEATURES):
        x[i] = feats[name]
    for s in stems:
        x[len(cw.FEATURES) + s] = 1.0
    return x


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """L2-regularised logistic regression by full-batch gradient descent (a few hundred rows)."""
    n_named = len(cw.FEATURES)
    reg = np.full(x.shape[1], L2_STEMS)
    reg[:n_named] = L2_NAMED
    reg[0] = 0.0  # bias
    coef = np.zeros(x.shape[1])
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-(x @ coef)))
        coef -= 0.5 * (x.T @ ((p - y) * w) / w.sum() + reg * coef)
    return coef


def alo_sentences(shared: Path) -> list[str]:
    out = []
    with (shared / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"] or ""
            out += [text[s:e] for s, e in split_sentences(text)]
    return out


def fit(rows: list[Labelled], shared: Path) -> None:
    """Fit on dev only; pick the threshold by cross-validated dev F1 with the Alo share under the cap."""
    dev = [r for r in rows if r.split == "dev"]
    written = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = [r for r in written if r["split"] == "dev"]
    x = np.array([_vector(r.text, r.language) for r in dev])
    y = np.array([r.checkworthy for r in dev], dtype=float)
    xo = np.array([_vector(r["text"], r["language"]) for r in written])
    yo = np.array([r["checkworthy"] for r in written], dtype=float)
    wo = np.full(len(yo), OLD_ROWS_WEIGHT)
    folds = np.array([int(hashlib.md5(r.id.split("@")[0].encode()).hexdigest(), 16) % 5 for r in dev])
    oof = np.zeros(len(dev))
    for k in range(5):
        tr = folds != k
        coef = _fit(np.vstack([x[tr], xo]), np.concatenate([y[tr], yo]), np.concatenate([np.ones(tr.sum()), wo]))
        oof[~tr] = 1.0 / (1.0 + np.exp(-(x[~tr] @ coef)))
    coef = _fit(np.vstack([x, xo]), np.concatenate([y, yo]), np.concatenate([np.ones(len(y)), wo]))
    alo = alo_sentences(shared)
    z_alo = np.array([_vector(s, "sr") @ coef if cw_len_ok(s) else -1e9 for s in alo])
    p_alo = 1.0 / (1.0 + np.exp(-np.clip(z_alo, -30, 30)))
    best = None
    for t in np.arange(0.30, 0.801, 0.025):
        share = float((p_alo >= t).mean())
        pairs = [(bool(p >= t), bool(v)) for p, v in zip(oof, y)]
        f1 = prf(pairs)["f1"]
        print(f"threshold {t:.3f}: dev cross-validated F1 {f1:.3f}, Alo share {share:.3f}")
        # Keep a margin under the cap: the share moves a little with every refit.
        if share <= MAX_ALO_SHARE - 0.01 and (best is None or f1 > best[0] + 1e-9):
            best = (f1, round(float(t), 3))
    assert best, "no threshold keeps the Alo share under the cap"
    n = len(cw.FEATURES)
    data = {
        "about": "Logistic weights of factwatch.analysis.checkworthiness, fitted on the dev half of "
                 "tests/data/checkworthy_real.jsonl (+ dev of tests/data/facts/checkworthy_labelled.jsonl at weight "
                 f"{OLD_ROWS_WEIGHT}) by bench/bench_checkworthy.py --fit; threshold = best cross-validated dev F1 "
                 f"keeping under {MAX_ALO_SHARE - 0.01:.0%} of Alo sentences.",
        "threshold": best[1],
        "dev_cv_f1": best[0],
        "hash_buckets": cw.HASH_BUCKETS,
        "weights": {name: round(float(coef[i]), 4) for i, name in enumerate(cw.FEATURES)},
        "stems": {str(i): round(float(coef[n + i]), 4) for i in range(cw.HASH_BUCKETS) if abs(coef[n + i]) >= 0.01},
    }
    cw.WEIGHTS_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    cw.load_weights.cache_clear()
    print(f"wrote {cw.WEIGHTS_PATH} (threshold {best[1]}, dev cross-validated F1 {best[0]})")


def cw_len_ok(sentence: str) -> bool:
    from factwatch.analysis.claims import MAX_CHARS, MIN_CHARS

    return MIN_CHARS <= len(sentence.strip()) <= MAX_CHARS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the weights on dev before reporting")
    parser.add_argument("--fit-only", action="store_true", help="refit on dev and stop: no test figures")
    args = parser.parse_args()
    shared = require_shared()
    rows = load_labelled(REAL, shared=shared, repo=REPO)
    if args.fit or args.fit_only:
        fit(rows, shared)
    if args.fit_only:
        return
    import importlib

    from factwatch.analysis import claims

    importlib.reload(claims)  # THRESHOLD is read from the weights file at import
    threshold = claims.THRESHOLD

    def ours(text: str, language: str) -> bool:
        return claims.score_sentence(text, language)[0] >= threshold

    def rules(text: str, language: str) -> bool:
        return baseline.score_sentence(text, language)[0] >= baseline.THRESHOLD

    def number_or_name(text: str, language: str) -> bool:
        f = baseline.sentence_features(text, language)
        return bool(f["number"] or f["entities"])

    systems = {"number_or_name": number_or_name, "rules_79ccb3a": rules, "factwatch": ours}
    results: dict[str, dict] = {}
    table = []
    for split in ("dev", "test"):
        groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for r in (r for r in rows if r.split == split):
            for name, fn in systems.items():
                pair = (fn(r.text, r.language), r.checkworthy)
                groups["all"][name].append(pair)
                groups[r.group][name].append(pair)
        for key in sorted(groups, key=lambda k: (k != "all", k)):
            res = {name: prf(groups[key][name]) for name in systems}
            results[f"{split}:{key}"] = res
            cells = [f"{res[n]['precision']:.2f} / {res[n]['recall']:.2f} / {res[n]['f1']:.2f}" for n in systems]
            cells[-1] = f"**{cells[-1]}**"
            table.append([split, key, res["factwatch"]["n"], res["factwatch"]["positives"], *cells])
    written = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    written_test = {name: prf([(fn(r["text"], r["language"]), r["checkworthy"]) for r in written if r["split"] == "test"])
                    for name, fn in systems.items()}

    alo = alo_sentences(shared)
    scoreable = [s.strip() for s in alo if cw_len_ok(s)]
    t0 = time.perf_counter()
    kept = sum(claims.score_sentence(s, "sr")[0] >= threshold for s in scoreable)
    seconds = time.perf_counter() - t0
    kept_old = sum(rules(s, "sr") for s in scoreable)
    real = {"sentences": len(alo), "scoreable": len(scoreable), "kept": kept, "share": round(kept / len(alo), 3),
            "kept_rules_79ccb3a": kept_old, "share_rules_79ccb3a": round(kept_old / len(alo), 3),
            "sentences_per_s": round(len(scoreable) / seconds)}
    write_results("checkworthy", {"threshold": threshold, "labelled_real": results, "written_test": written_test,
                                  "alo": real})
    test = results["test:all"]
    n_rows, n_dev, n_test = len(rows), sum(r.split == "dev" for r in rows), sum(r.split == "test" for r in rows)
    md = [
        "## Check-worthiness",
        "",
        f"`bench/bench_checkworthy.py` on `tests/data/checkworthy_real.jsonl`: {n_rows:,} real sentences drawn at "
        "random (fixed seeds) from Alo.rs articles (sr-Latn), Politika titles (sr-Cyrl), IRA tweets (ru, en), "
        "EUvsDisinfo case titles and summaries (en) and the demo corpus (bs, sq, mk, cnr), labelled by "
        "[checkworthiness.md](checkworthiness.md) (a verifiable factual claim of public interest, after CLEF "
        f"CheckThat!). Dev {n_dev} / test {n_test}, split by document. The model's weights and threshold were "
        "fitted on dev only (threshold: best 5-fold cross-validated dev F1 keeping under 24% of Alo's sentences); "
        "test is held out. Baselines: the rules at git 79ccb3a (before issue 6; frozen copy in "
        "`bench/_checkworthy_baseline.py`) and \"any number or name\". Precision / recall / F1:",
        "",
        md_table(["split", "group", "n", "check-worthy", "number or name", "rules 79ccb3a", "factwatch"], table),
        "",
        f"**Test: F1 {test['factwatch']['f1']:.3f}** (precision {test['factwatch']['precision']:.3f}, recall "
        f"{test['factwatch']['recall']:.3f}); rules at 79ccb3a {test['rules_79ccb3a']['f1']:.3f}, number or name "
        f"{test['number_or_name']['f1']:.3f}; threshold {threshold}. **The goal (F1 ≥ 0.80) is not met**: "
        "Serbian article sentences and Politika headlines, where public topics are named in sentences that "
        "quote opinions, tell a story or announce culture, are the hard part (see the sr-Latn and sr-Cyrl rows).",
        "",
        f"Alo.rs, all 2,019 articles: of {real['sentences']:,} sentences, **{real['kept']:,} "
        f"({real['share']:.1%}) are kept as claims** (goal ≤ 25%; rules at 79ccb3a: {real['kept_rules_79ccb3a']:,}, "
        f"{real['share_rules_79ccb3a']:.1%}). Scoring runs at {real['sentences_per_s']:,} sentences/s on one core "
        "(lexicon lookups on the Latin key; no model is loaded).",
        "",
        "The project's earlier hand-written set (`tests/data/facts/checkworthy_labelled.jsonl`, test half, "
        f"n={written_test['factwatch']['n']}): F1 {written_test['factwatch']['f1']:.3f} "
        f"(rules at 79ccb3a {written_test['rules_79ccb3a']['f1']:.3f}). One annotator labelled the real set; "
        "per-group test counts are small, so read per-group F1 as ±0.1.",
    ]
    update_doc_section("checkworthy", "\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
