"""Narrative classification on SemEval-2025 Task 10 sub-task 2 (English), a small Russian check,
and throughput with 20 and 200 catalogued narratives.

Split (fixed rule): a document is in the test half when the first byte of sha1(file name) is odd,
else in the dev half. Everything tunable (thresholds, the similarity/neighbour mix, the per-
narrative standardisation, the neighbour pool) comes from the dev half; the test half is scored
once. `--fit` writes the dev-fitted settings to src/factwatch/analysis/_narrative_calibration.json.
`--cv` redoes the whole fit inside the dev half (nested cross-validation, the test half unread): the
figure to compare method changes by.

samples-F1 as the task's scorer computes it: per document, F1 between the predicted and the gold
label sets (coarse: "URW: ..." or "Other"; fine: "URW: ...: ..." with "<narrative>: Other" for a
narrative without a listed sub-narrative), averaged over documents.

The SemEval English documents here are 54% "Other" (the 133 extra ones 59%), against 27% in the
task's 41 dev documents; the held-out multilingual set is checked independently, so thresholds are
tuned, and the headline figure reported, with "Other"-only documents weighted to a 27% share.
The unweighted figure is reported beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, TMP, md_table, require_shared, update_doc_section, write_results  # noqa: E402

from factwatch.analysis.embed import embed_texts  # noqa: E402
from factwatch.analysis.narrative_model import Calibration, NarrativeModel  # noqa: E402
from factwatch.analysis.narratives import (  # noqa: E402
    catalogue_vocabulary, document_sentences, exemplar_texts, hits_of, semeval_labels, sentences_as_stage)
from factwatch.ingest.narratives import load_catalogue, read_semeval_documents  # noqa: E402
from factwatch.models import Narrative, NarrativeExample  # noqa: E402
from factwatch.store import open_store  # noqa: E402

OTHER_SHARE = 0.27  # "Other"-only share of the task's 41 English dev documents
CALIBRATION = REPO / "src" / "factwatch" / "analysis" / "_narrative_calibration.json"
POOL = REPO / "src" / "factwatch" / "analysis" / "_narrative_pool_semeval2025.npy"
# Hand translations of six SemEval test articles: a derivative of unlicensed third-party text, so it
# is kept out of the repository (bench/tmp is ignored); the check is skipped where it is absent.
RU_CHECK = REPO / "bench" / "tmp" / "narratives_ru_check.jsonl"


def is_test(name: str) -> bool:
    return hashlib.sha1(name.encode()).digest()[0] % 2 == 1


def f1(p: set[str], g: set[str]) -> float:
    return 2 * len(p & g) / (len(p) + len(g)) if (p or g) else 1.0


def weights(golds: list[set[str]]) -> np.ndarray:
    other = np.array([g == {"Other"} for g in golds])
    share = other.mean() if len(other) else 0.0
    if share in (0.0, 1.0):
        return np.ones(len(golds))
    return np.where(other, OTHER_SHARE / share, (1 - OTHER_SHARE) / (1 - share))


def samples_f1(preds: list[set[str]], golds: list[set[str]], *, weighted: bool) -> float:
    w = weights(golds) if weighted else np.ones(len(golds))
    return float(np.average([f1(p, g) for p, g in zip(preds, golds)], weights=w))


class Data:
    """The documents as the ``narratives`` stage reads them for this calibrated catalogue: every
    sentence. With ``gated``, only those the claims gate keeps (``sentences_as_stage``, as for an
    uncalibrated catalogue): measured, not shipped for calibrated catalogues."""

    def __init__(self, store, catalogue: list[Narrative], docs, *, gated: bool = False) -> None:
        self.catalogue = catalogue
        self.names = [d[0] for d in docs]
        self.coarse = [set(d[1]) or {"Other"} for d in docs]
        self.fine = [set(d[2]) or {"Other"} for d in docs]
        texts, owners = exemplar_texts(catalogue)
        self.X = embed_texts(store, texts, kind="query")
        self.owners = owners
        plain = NarrativeModel(catalogue, self.X, owners)
        vocabulary = catalogue_vocabulary(catalogue)
        self.sentences, self.vectors = [], []
        self.sentences_all = 0
        t0 = time.perf_counter()
        for d in docs:
            sents = document_sentences(d[3])
            vecs = embed_texts(store, sents, kind="query")
            self.sentences_all += len(sents)
            if gated:  # may be none: no claims, gated out
                keep = set(sentences_as_stage(store, d[3], plain, vocabulary, "en"))
                rows = [i for i, x in enumerate(sents) if x in keep]
                sents, vecs = [sents[i] for i in rows], vecs[rows]
            self.sentences.append(sents)
            self.vectors.append(vecs)
        self.embed_seconds = time.perf_counter() - t0
        self.sentences_kept = sum(len(x) for x in self.sentences)
        self.docvec = np.stack([v.mean(0) / np.linalg.norm(v.mean(0)) if len(v) else np.zeros(384, np.float32)
                                for v in self.vectors])
        by_label = {n.label: n.id for n in catalogue}
        self.label_ids = [[by_label[x] for x in (*d[1], *d[2]) if x in by_label] for d in docs]


def model_for(data: Data, pool: list[int], cal: Calibration) -> NarrativeModel:
    return NarrativeModel(data.catalogue, data.X, data.owners, calibration=cal,
                          pool_vectors=data.docvec[pool] if pool else None,
                          pool_labels=[data.label_ids[i] for i in pool])


def standardisation(data: Data, idx: list[int], topk: int) -> tuple[dict[str, float], dict[str, float]]:
    """Per-narrative mean and spread of the top-k similarity over the dev documents (labels unused)."""
    plain = NarrativeModel(data.catalogue, data.X, data.owners)
    tops = np.stack([np.sort(plain.sentence_scores(data.vectors[i]), 0)[::-1][:topk].mean(0) for i in idx])
    return ({n.id: float(m) for n, m in zip(data.catalogue, tops.mean(0))},
            {n.id: float(s) + 1e-6 for n, s in zip(data.catalogue, tops.std(0))})


def predict(model: NarrativeModel, data: Data, idx: list[int], *, pool: list[int], thr: float, sub: float):
    pos = {d: k for k, d in enumerate(pool)}
    coarse, fine = [], []
    for i in idx:
        doc = model.score(data.vectors[i], exclude=pos.get(i))  # leave-one-out inside the dev pool
        hits = [h for j in model.decide(doc, threshold=thr, sub_threshold=sub)
                for h in [model.narratives[j]]]
        from factwatch.models import NarrativeHit
        c, f = semeval_labels([NarrativeHit(h.id, h.label, 0.0, "") for h in hits], data.catalogue)
        coarse.append(c)
        fine.append(f)
    return coarse, fine


def fit(data: Data, dev: list[int]) -> tuple[Calibration, dict]:
    best: tuple[float, Calibration] | None = None
    g = [data.coarse[i] for i in dev]
    for topk in (1, 2, 3):
        mu, sd = standardisation(data, dev, topk)
        for mix in (0.25, 0.5, 0.75, 1.0):
            for knn in (9, 15):
                cal = Calibration(topk=topk, knn=knn, mix=mix, domain_gate=True, mu=mu, sd=sd)
                model = model_for(data, dev, cal)
                scored = [model.score(data.vectors[i], exclude=k) for k, i in enumerate(dev)]
                for thr in np.arange(-0.2, 1.0, 0.025):
                    preds = []
                    for doc in scored:
                        found = {model.narratives[j].label for j in model.decide(doc, threshold=thr, sub_threshold=99)}
                        preds.append(found or {"Other"})
                    score = samples_f1(preds, g, weighted=True)
                    if best is None or score > best[0] + 1e-9:
                        best = (score, Calibration(topk=topk, knn=knn, mix=mix, domain_gate=True, mu=mu, sd=sd,
                                                   threshold=round(float(thr), 3)))
    assert best is not None
    cal = best[1]
    model = model_for(data, dev, cal)
    gf = [data.fine[i] for i in dev]
    best_sub = max(
        (samples_f1(predict(model, data, dev, pool=dev, thr=cal.threshold, sub=s)[1], gf, weighted=True), float(s))
        for s in np.arange(-0.2, 1.2, 0.05))
    cal = Calibration(**{**{k: getattr(cal, k) for k in Calibration.__slots__}, "sub_threshold": round(best_sub[1], 3)})
    # Without a neighbour pool (`import --no-documents`, or a folder without the labelled articles)
    # the similarity stands alone, on another scale: thresholds of their own, same standardisation.
    alone = model_for(data, [], Calibration(**{**{k: getattr(cal, k) for k in Calibration.__slots__}, "mix": 1.0}))
    scored = [alone.score(data.vectors[i]) for i in dev]
    t_alone = max((samples_f1([({alone.narratives[j].label for j in alone.decide(d, threshold=t, sub_threshold=99)} or {"Other"})
                               for d in scored], g, weighted=True), float(t)) for t in np.arange(-0.2, 1.0, 0.025))
    s_alone = max((samples_f1(predict(alone, data, dev, pool=[], thr=t_alone[1], sub=t)[1], gf, weighted=True), float(t))
                  for t in np.arange(-0.2, 1.2, 0.05))
    cal = Calibration(**{**{k: getattr(cal, k) for k in Calibration.__slots__},
                         "threshold_alone": round(t_alone[1], 3), "sub_threshold_alone": round(s_alone[1], 3)})
    return cal, {"dev_coarse_weighted": round(best[0], 4), "dev_fine_weighted": round(best_sub[0], 4),
                 "dev_coarse_weighted_without_pool": round(t_alone[0], 4)}


def cv_results() -> dict | None:
    path = REPO / "bench" / "results" / "narratives_cv.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def cross_validate(data: Data, dev: list[int], *, folds: int = 5, seeds: tuple[int, ...] = (0, 1, 2)) -> dict:
    """Nested cross-validation inside the dev half: the whole fit (every setting and threshold) is
    redone on four fifths of dev and scored on the fifth left out. `fit`'s own dev figure is tuned
    on the documents it scores; this one is not, so method changes are compared by it (87
    documents: the spread between seeds is about 0.02). The test half is not read."""
    runs = []
    for seed in seeds:
        order = np.random.RandomState(seed).permutation(len(dev))
        coarse: dict[int, set[str]] = {}
        fine: dict[int, set[str]] = {}
        for part in range(folds):
            held = [dev[k] for k in order[part::folds]]
            train = [i for i in dev if i not in set(held)]
            cal, _ = fit(data, train)
            c, f = predict(model_for(data, train, cal), data, held, pool=train, thr=cal.threshold, sub=cal.sub_threshold)
            coarse.update(zip(held, c))
            fine.update(zip(held, f))
        runs.append({"seed": seed,
                     "coarse_weighted": round(samples_f1([coarse[i] for i in dev], [data.coarse[i] for i in dev], weighted=True), 4),
                     "fine_weighted": round(samples_f1([fine[i] for i in dev], [data.fine[i] for i in dev], weighted=True), 4)})
    return {"documents": len(dev), "folds": folds, "runs": runs,
            "coarse_weighted": round(float(np.mean([r["coarse_weighted"] for r in runs])), 4),
            "fine_weighted": round(float(np.mean([r["fine_weighted"] for r in runs])), 4)}


def baseline(data: Data, dev: list[int], test: list[int]) -> dict:
    """The issue's plain baseline: each narrative's best sentence cosine to its description sentences,
    one threshold tuned on dev (weighted), no domain step, no neighbours."""
    model = NarrativeModel(data.catalogue, data.X, data.owners, calibration=Calibration(margin=None))
    best = max((samples_f1([({model.narratives[j].label for j in model.decide(model.score(data.vectors[i]), threshold=t, sub_threshold=t)
                               if model.narratives[j].parent is None} or {"Other"}) for i in dev],
                           [data.coarse[i] for i in dev], weighted=True), float(t)) for t in np.arange(0.8, 0.95, 0.0025))
    cal = Calibration(topk=1, threshold=best[1], sub_threshold=best[1], margin=None)
    model = NarrativeModel(data.catalogue, data.X, data.owners, calibration=cal)
    c, f = predict(model, data, test, pool=[], thr=best[1], sub=best[1])
    return {"threshold": round(best[1], 4),
            "coarse_weighted": round(samples_f1(c, [data.coarse[i] for i in test], weighted=True), 4),
            "coarse_unweighted": round(samples_f1(c, [data.coarse[i] for i in test], weighted=False), 4),
            "fine_weighted": round(samples_f1(f, [data.fine[i] for i in test], weighted=True), 4),
            "fine_unweighted": round(samples_f1(f, [data.fine[i] for i in test], weighted=False), 4)}


def evaluate(model: NarrativeModel, data: Data, idx: list[int], pool: list[int]) -> dict:
    c, f = predict(model, data, idx, pool=pool, thr=model.calibration.threshold, sub=model.calibration.sub_threshold)
    gc, gf = [data.coarse[i] for i in idx], [data.fine[i] for i in idx]
    return {"documents": len(idx),
            "coarse_weighted": round(samples_f1(c, gc, weighted=True), 4),
            "coarse_unweighted": round(samples_f1(c, gc, weighted=False), 4),
            "fine_weighted": round(samples_f1(f, gf, weighted=True), 4),
            "fine_unweighted": round(samples_f1(f, gf, weighted=False), 4),
            "other_everywhere_weighted": round(samples_f1([{"Other"}] * len(idx), gc, weighted=True), 4)}


def russian_check(store, data: Data, model: NarrativeModel, dev: list[int]) -> dict:
    if not RU_CHECK.exists():
        return {"documents": 0, "skipped": f"{RU_CHECK} not present (kept out of the repository)"}
    rows = [json.loads(x) for x in RU_CHECK.read_text(encoding="utf-8").splitlines() if x.strip()]
    at = {n: i for i, n in enumerate(data.names)}
    out = {"documents": len(rows), "files": [r["file"] for r in rows]}
    for lang, texts in (("ru", [r["text"] for r in rows]), ("en", None)):
        preds, golds = [], []
        for k, r in enumerate(rows):
            i = at[r["file"]]
            vecs = embed_texts(store, document_sentences(texts[k]), kind="query") if texts else data.vectors[i]
            doc = model.score(vecs)
            hits = [model.narratives[j] for j in model.decide(doc)]
            from factwatch.models import NarrativeHit
            c, _ = semeval_labels([NarrativeHit(h.id, h.label, 0.0, "") for h in hits], data.catalogue)
            preds.append(sorted(c))
            golds.append(data.coarse[i])
        out[f"{lang}_coarse_unweighted"] = round(samples_f1([set(p) for p in preds], golds, weighted=False), 4)
        out[f"{lang}_predictions"] = preds
    return out


def throughput(store, data: Data, n_narratives: int, docs: list[int]) -> dict:
    """Documents/s with N catalogued narratives: the Western Balkans catalogue, topped up to N with
    copies of SemEval narratives under new ids (the cost depends on the number of exemplars)."""
    wb = load_catalogue(REPO / "profiles" / "western-balkans" / "narratives.yaml")
    pool = [n for n in data.catalogue if n.parent is None] + [n for n in data.catalogue if n.parent is not None]
    cat = list(wb[:n_narratives])
    k = 0
    while len(cat) < n_narratives:
        src = pool[k % len(pool)]
        cat.append(Narrative(id=f"copy{k}", catalogue="bench", title=src.title, description=src.description,
                             label=src.label, examples=src.examples + (NarrativeExample("en", f"{src.title} ({k})"),)))
        k += 1
    texts, owners = exemplar_texts(cat)
    X = embed_texts(store, texts, kind="query")
    model = NarrativeModel(cat, X, owners)
    runs = []
    for _ in range(3):  # best of three: the machine is shared, and a busy neighbour only slows a run down
        t0 = time.perf_counter()
        for i in docs:  # vectors cached: the classifier's own cost
            hits_of(model, model.score(data.vectors[i]), data.sentences[i])
        runs.append(time.perf_counter() - t0)
    warm = min(runs)
    sentences = sum(len(data.sentences[i]) for i in docs)
    return {"narratives": n_narratives, "exemplars": len(texts), "documents": len(docs),
            "scoring_docs_per_s": round(len(docs) / warm, 1),
            "sentences_per_doc": round(sentences / len(docs), 1)}


def catalogue_self_check(store) -> dict:
    """The Western Balkans catalogue has no labelled documents: classify each of its example
    statements against the catalogue without that example ("leave one out"; its translations stay,
    so this is optimistic) and without any example of its narrative ("description only": the
    title and English description must carry it across languages). Picks the uncalibrated threshold."""
    wb = load_catalogue(REPO / "profiles" / "western-balkans" / "narratives.yaml")
    root = {n.id: n.parent or n.id for n in wb}
    rows = [(i, e) for i, n in enumerate(wb) for e in n.examples]
    vecs = embed_texts(store, [e.text for _, e in rows], kind="query")
    out: dict = {}
    for mode in ("leave_one_out", "description_only"):
        scored = []
        for k, (i, e) in enumerate(rows):
            keep = (lambda x, e=e: x is not e) if mode == "leave_one_out" else (lambda x: False)
            cat = [Narrative(**{**{f: getattr(n, f) for f in Narrative.__slots__},
                                "examples": tuple(x for x in n.examples if keep(x))}) if j == i else n
                   for j, n in enumerate(wb)]
            texts, owners = exemplar_texts(cat)
            s = NarrativeModel(cat, embed_texts(store, texts, kind="query"), owners).sentence_scores(vecs[k][None, :])[0]
            scored.append((root[wb[i].id], e.language, s))
        def f1_at(t: float, margin: float | None) -> float:
            tp = fp = fn = 0
            for gold, _, s in scored:
                cut = t if margin is None else max(t, float(s.max()) - margin)
                pred = {root[wb[j].id] for j in range(len(wb)) if s[j] >= cut}
                tp += gold in pred
                fp += len(pred - {gold})
                fn += gold not in pred
            return round(2 * tp / (2 * tp + fp + fn), 3)

        by_t = {round(float(t), 3): f1_at(float(t), None) for t in np.arange(0.85, 0.96, 0.005)}
        best = max(by_t, key=lambda t: by_t[t])
        # The margin to the text's best narrative (Calibration.margin), at the shipped threshold.
        by_margin = {str(m): f1_at(0.905, m) for m in (None, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05)}
        langs: dict[str, list[bool]] = {}
        for gold, lang, s in scored:
            langs.setdefault(lang, []).append(root[wb[int(np.argmax(s))].id] == gold)
        out[mode] = {"best_threshold": best, "best_f1": by_t[best], "f1_at_0.905": by_t.get(0.905),
                     "f1_at_0.905_by_margin": by_margin,
                     "top1_accuracy_by_language": {k: round(float(np.mean(v)), 2) for k, v in sorted(langs.items())}}
    return out


# Measured with the same nested cross-validation on 2026-11-29 (one-off scripts, not kept); none beat the
# shipped method, so none shipped. Kept here so the next attempt starts from them.
NEGATIVES = (
    "Changes tried against it (3 seeds; shipped method 0.418/0.326 in the same runs), none better, none shipped: "
    "a logistic model per (document, narrative) on standardised top-1/2/3 similarity, similarity minus the document's "
    "best, neighbour vote, label prior and rank 0.378, 0.415 without the vote (2 seeds, shipped 0.406 in them); raw similarity with an "
    "\"Other\" gate on the best score and labels within a margin of the best 0.412; one scale for all narratives "
    "instead of one each 0.408; similarities centred per document (to cancel the lower cosines of other "
    "languages) 0.320/0.254; at most N labels a document 0.414; a separate \"Other\" gate (best score, or the "
    "document's mean similarity to its domain, AUC 0.80) with the best label always kept 0.412/0.398; labelled-document "
    "centroids per narrative (domain-centred; per-narrative AUC 0.73 against 0.51 for the neighbour vote) added to "
    "the score 0.388/0.286 (to narratives only, small weights: 0.398/0.309); a narrative's score lifted to its best sub-narrative's 0.407/0.315; title sentence "
    "weighted 0.3 0.409/0.320; sub-narratives only within a margin of their best sibling 0.315 and 0.301 "
    "(sub-narratives). With 87 dev documents a gain under about 0.02 cannot be told from noise."
)


def render(r: dict, cv: dict | None = None) -> str:
    """The docs/benchmarks.md section, from the results files alone (`--render` redoes it)."""
    ours, ours_alone, base, ru = r["test"], r["test_without_pool"], r["baseline_test"], r["russian_check"]
    ours_fauklue, self_check, tp = r["test_fauklue_subset"], r["western_balkans_self_check"], r["throughput"]
    loo = self_check["leave_one_out"]
    md = [
        "## Narratives (SemEval-2025 Task 10 sub-task 2, English)",
        "",
        f"`python bench/bench_narratives.py` — {r['dev_documents']} dev / {r['test_documents']} test documents (fixed sha1 rule), "
        f"thresholds fitted on dev only; headline figures weight \"Other\"-only documents to {r['other_share_weighting']:.0%} "
        "(the task's dev share; these files hold 54%). Goal: 0.55 on narratives (weighted); not met.",
        "",
        md_table(["system", "narratives (weighted)", "narratives (plain)", "sub-narratives (weighted)", "sub-narratives (plain)"], [
            ["factwatch (domain + standardised exemplar similarity + neighbour vote)", ours["coarse_weighted"],
             ours["coarse_unweighted"], ours["fine_weighted"], ours["fine_unweighted"]],
            ["factwatch without the labelled-document pool (similarity alone)", ours_alone["coarse_weighted"],
             ours_alone["coarse_unweighted"], ours_alone["fine_weighted"], ours_alone["fine_unweighted"]],
            ["baseline (best sentence cosine to descriptions, one threshold)", base["coarse_weighted"],
             base["coarse_unweighted"], base["fine_weighted"], base["fine_unweighted"]],
            ["\"Other\" everywhere", ours["other_everywhere_weighted"], "", "", ""],
        ]),
        "",
        f"Test documents from the 41 fauklue dev files only ({ours_fauklue['documents']}): narratives "
        f"{ours_fauklue['coarse_unweighted']} (plain), sub-narratives {ours_fauklue['fine_unweighted']}.",
        "",
        *([f"Nested cross-validation inside the dev half (`python bench/bench_narratives.py --cv`: the whole fit redone on "
           f"4/5 of dev and scored on the 1/5 left out, {len(cv['runs'])} seeds x {cv['folds']} folds; the test half unread): "
           f"narratives {cv['coarse_weighted']} (weighted), sub-narratives {cv['fine_weighted']} (seeds: "
           + ", ".join(f"{x['coarse_weighted']}/{x['fine_weighted']}" for x in cv["runs"]) + "). "
           + NEGATIVES, ""] if cv else []),
        (f"Russian check (small, {ru['documents']} test documents translated by hand, kept outside the repository "
         f"in bench/tmp/narratives_ru_check.jsonl: a derivative of unlicensed text): narratives samples-F1 "
         f"{ru['ru_coarse_unweighted']} in Russian against {ru['en_coarse_unweighted']} for the same documents in English."
         if ru.get("documents") else "Russian check: skipped (its hand translations are kept outside the repository)."),
        "",
        "Western Balkans catalogue self-check (no labelled documents exist): each example statement classified "
        f"against the rest of the catalogue, F1 {loo['f1_at_0.905']} at the uncalibrated threshold 0.905 and "
        f"{loo['f1_at_0.905_by_margin'][str(Calibration().margin)]} when only narratives within {Calibration().margin} "
        "of the best are kept (the shipped rule; by margin: " + ", ".join(f"{k} {v}" for k, v in loo["f1_at_0.905_by_margin"].items())
        + "; translations of the statement stay in, so this is optimistic); with no example of its "
        f"narrative left (title and English description only) F1 {self_check['description_only']['best_f1']}, top-1 "
        "accuracy by language " + ", ".join(f"{k} {v}" for k, v in self_check['description_only']['top1_accuracy_by_language'].items())
        + ": e5-small carries English descriptions poorly into sr/sq/mk, so every narrative needs examples in each language.",
        "",
        md_table(["narratives", "exemplars", "scoring docs/s (vectors cached)", "end-to-end docs/s (e5 on new sentences)"],
                 [[t["narratives"], t["exemplars"], t["scoring_docs_per_s"], t["end_to_end_docs_per_s"]] for t in tp]),
    ]
    return "\n".join(md)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit", action="store_true", help="write the dev-fitted calibration")
    ap.add_argument("--render", action="store_true", help="only rewrite docs/benchmarks.md from the results file")
    ap.add_argument("--cv", action="store_true", help="only the nested cross-validation inside the dev half")
    ap.add_argument("--seeds", type=int, default=3, help="fold seeds of --cv (0..N-1)")
    ap.add_argument("--gated", action="store_true",
                    help="with --cv: only the sentences the claims gate keeps (as the stage reads uncalibrated catalogues)")
    args = ap.parse_args()
    if args.gated and not args.cv:
        ap.error("--gated compares by the nested CV only (--cv): the shipped calibration reads whole documents")
    if args.render:
        update_doc_section("narratives", render(json.loads((REPO / "bench" / "results" / "narratives.json").read_text(encoding="utf-8")),
                                                cv_results()))
        return
    shared = require_shared()
    folder = shared / "narratives"
    TMP.mkdir(parents=True, exist_ok=True)
    store = open_store(str(TMP / "narratives.db"))
    catalogue = load_catalogue(folder, fmt="semeval2025")
    docs = read_semeval_documents(folder)
    data = Data(store, catalogue, docs, gated=args.gated)
    dev = [i for i, n in enumerate(data.names) if not is_test(n)]
    test = [i for i, n in enumerate(data.names) if is_test(n)]
    if args.cv:
        cv = cross_validate(data, dev, seeds=tuple(range(args.seeds)))
        cv["sentences"] = {"all": data.sentences_all, "scored": data.sentences_kept}
        if args.gated:  # a comparison, not the shipped method: kept apart from the docs' figure
            write_results("narratives_cv_gated", cv)
            print(json.dumps(cv, indent=1))
            return
        write_results("narratives_cv", cv)
        held_out = REPO / "bench" / "results" / "narratives.json"
        if held_out.exists():
            update_doc_section("narratives", render(json.loads(held_out.read_text(encoding="utf-8")), cv))
        print(json.dumps(cv, indent=1))
        return
    cal, dev_scores = fit(data, dev)
    if args.fit:
        stored = json.loads(CALIBRATION.read_text(encoding="utf-8")) if CALIBRATION.exists() else {}
        # The dev documents' mean sentence vectors and labels ship with the package (not their text),
        # so the neighbour vote is there wherever the taxonomy is loaded, articles or not.
        stored["semeval2025"] = {**{k: getattr(cal, k) for k in Calibration.__slots__},
                                 "fitted_on": f"dev half of {len(dev)} SemEval English documents (bench/bench_narratives.py)",
                                 "pool_labels": [data.label_ids[i] for i in dev]}
        CALIBRATION.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        np.save(POOL, data.docvec[dev].astype(np.float16), allow_pickle=False)
    model = model_for(data, dev, cal)
    ours = evaluate(model, data, test, dev)
    alone = model_for(data, [], Calibration(**{**{k: getattr(cal, k) for k in Calibration.__slots__}, "mix": 1.0,
                                             "threshold": cal.threshold_alone, "sub_threshold": cal.sub_threshold_alone}))
    ours_alone = evaluate(alone, data, test, [])
    fauklue_test = [i for i in test if data.names[i] in {d[0] for d in docs[:41]}]
    ours_fauklue = evaluate(model, data, fauklue_test, dev)
    base = baseline(data, dev, test)
    ru = russian_check(store, data, model, dev)
    # Cold cost: e5 on new sentences dominates; measured on the embedding of the whole corpus above
    # only when the cache was empty, so time a fresh encode of 20 documents here.
    from factwatch.analysis.embed import encode
    encode(["warm-up: load the model before timing"], kind="query")
    sample = test[:20]
    best = float("inf")
    for part in (sample[:10], sample[10:]):  # best of two halves, per document
        t0 = time.perf_counter()
        for i in part:
            encode(data.sentences[i], kind="query")
        best = min(best, (time.perf_counter() - t0) / len(part))
    cold = 1 / best
    tp = [throughput(store, data, n, test) for n in (20, 200)]
    self_check = catalogue_self_check(store)
    for row in tp:
        row["end_to_end_docs_per_s"] = round(1 / (1 / cold + 1 / row["scoring_docs_per_s"]), 2)
    result = {"split": "test = odd first byte of sha1(file name); dev = even",
              "dev_documents": len(dev), "test_documents": len(test), "other_share_weighting": OTHER_SHARE,
              "calibration": {k: getattr(cal, k) for k in ("topk", "knn", "mix", "threshold", "sub_threshold")},
              "dev": dev_scores, "test": ours, "test_without_pool": ours_alone, "test_fauklue_subset": ours_fauklue, "baseline_test": base,
              "russian_check": ru, "throughput": tp, "e5_docs_per_s_cold": round(cold, 2),
              "western_balkans_self_check": self_check}
    write_results("narratives", result)
    update_doc_section("narratives", render(result, cv_results()))
    print(json.dumps(result, indent=1, ensure_ascii=False)[:3000])


if __name__ == "__main__":
    main()
