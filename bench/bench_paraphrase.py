"""Paraphrases, near-topic negatives and real news: retrieval and the calibrated ``addressed``.

    PYTHONPATH=src .venv/bin/python bench/bench_paraphrase.py [--no-fit | --ranker-only] [--dev-only]

Fact base (bench/tmp/paraphrase.db): the profile's facts (profiles/western-balkans/facts.yaml)
plus every EUvsDisinfo case of ../shared/data/euvsdisinfo/cases_dev.csv as distractors,
imported and embedded with the real ``import_facts`` / ``embed_fact_base`` (claim, headline,
translations: what `factwatch analyze` searches).

Queries and labels:
- bench/data/paraphrases.jsonl: rewordings of a fact-checked claim (label: its gold fact-check);
- bench/data/translated_claims.jsonl: translated EUvsDisinfo titles (gold: the case);
- bench/data/near_topic_negatives.jsonl and unrelated_claims.jsonl: NOT addressed by any record;
- left-out: every related query once more with its gold record (and refiled copies) taken out
  of the base — then the best remaining candidate must not be "addressed";
- real news: claims of Alo.rs articles from bench/tmp/alo.db (built and timed by
  bench/bench_false_alarms.py): even line numbers = dev, odd = test; none is addressed by the
  profile's facts (2015-2019 news, claims of 2023-2025).
Everything is split dev/test (paraphrases and near-topic by their `split`, i.e. by gold group).
The decision is fitted on dev only and written to src/factwatch/analysis/_calibration.json;
figures are reported on test (bench/results/matching_paraphrase.json, docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, SHARED, TMP, md_table, require_shared, update_doc_section, write_results  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
from factwatch.analysis import _retrieval  # noqa: E402
from factwatch.analysis._text import latin_key  # noqa: E402
from factwatch.analysis.embed import embed_texts  # noqa: E402
from factwatch.analysis.match_features import (  # noqa: E402
    DECISION_FEATURES,
    RANKER_FEATURES,
    add_decision_features,
    candidate_features,
    features_matrix,
)
from factwatch.analysis.matching import (  # noqa: E402
    N_DENSE,
    N_KEYWORD,
    calibration,
    decision_features,
    decision_probability,
    rank_candidates,
)
from factwatch.store import open_store  # noqa: E402

from factwatch.ingest.facts import import_facts  # noqa: E402
from factwatch.analysis.factcheck import embed_fact_base  # noqa: E402

CASES = SHARED / "euvsdisinfo" / "cases_dev.csv"
FACTS = REPO / "profiles" / "western-balkans" / "facts.yaml"
DATA = REPO / "bench" / "data"
CAL_PATH = REPO / "src" / "factwatch" / "analysis" / "_calibration.json"
ALO_DB = TMP / "alo.db"
DUP_COS = 0.97  # a record whose passage is this close to the gold's is a refiled copy of it
K_RECALL = (10, 50)
# Each group weighs the same in the decision fit; a false "addressed" costs more than a miss
# (an analyst trusts the badge).
FALSE_POSITIVE_COST = 2.0
DECISION_L2 = 1.0
RANKER_L2 = 1.0
RANKER_SET_WEIGHT = {"paraphrase": 3.0, "translated": 1.0}
# Where to say "addressed": the line passes at most this share of dev near-topic sentences when
# each is scored by a decision fitted without its claim group (5-fold cross-validation inside
# dev). In-sample dev rates flatter the model (0.9% in-sample against 4.1% cross-validated for
# the first issue-6 decision), so the line is read off held-out scores.
# None keeps the weighted fit's own line (z = 0) and only reports the held-out near-topic share
# there. Tried at 0.02 with the concept decision features: see docs/benchmarks.md.
NEAR_TOPIC_LINE: float | None = None
LINE_FOLDS = 5


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, *, l2: float = 1.0, iters: int = 60) -> tuple[np.ndarray, float]:
    """Weighted L2-regularised logistic regression by Newton's method (IRLS)."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    beta = np.zeros(Xb.shape[1])
    reg = np.eye(Xb.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(Xb @ beta, -50, 50)))
        g = Xb.T @ (w * (p - y)) + reg @ beta
        H = (Xb * (w * p * (1 - p))[:, None]).T @ Xb + reg
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def held_out_z(X: np.ndarray, y: np.ndarray, w: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each dev decision's z from a decision fitted like the shipped one on the other folds
    (folds by claim group): how the line behaves on sentences the fit did not see."""
    z = np.zeros(len(y))
    for k in np.unique(folds):
        tr, te = folds != k, folds == k
        m, sc = X[tr].mean(0), X[tr].std(0) + 1e-9
        wt, bt = fit_logistic((X[tr] - m) / sc, y[tr], w[tr], l2=DECISION_L2)
        z[te] = ((X[te] - m) / sc) @ wt + bt
    return z


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


REFERENCE = REPO / "src" / "factwatch" / "analysis" / "_reference_vectors.npy"
REFERENCE_SIZE = (700, 300)  # news headlines, social posts


def make_reference() -> None:
    """The fixed reference population of the decision (shipped as float16 passage vectors):
    headlines of Kurir and Politika (not Alo, whose articles are the real-news test) and IRA
    posts, none a fact-checked claim. How high a query's cosine to its best candidate stands
    above its cosines to these is a property of the query, not of the fact base's size."""
    import gzip
    import random
    import re

    rng = random.Random(5)
    titles = []
    with (SHARED / "serbian_news" / "serbian_news_titles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            t = " ".join((d.get("title") or "").split())
            if d.get("site_name") != "Alo" and len(t.split()) >= 5:
                titles.append(t)
    posts = []
    with gzip.open(SHARED / "ira" / "tweets_balkans_subset.csv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = " ".join(re.sub(r"https?://\S+|@\w+|#", " ", row.get("content") or "").split())
            if len(t.split()) >= 6:
                posts.append(t)
    texts = rng.sample(sorted(set(titles)), REFERENCE_SIZE[0]) + rng.sample(sorted(set(posts)), REFERENCE_SIZE[1])
    from factwatch.analysis.embed import encode

    vecs = encode(texts, kind="passage", batch_size=64)
    np.save(REFERENCE, vecs.astype(np.float16))
    print(f"reference: {len(texts)} texts -> {REFERENCE.relative_to(REPO)}")


def build_base():
    TMP.mkdir(parents=True, exist_ok=True)
    store = open_store(str(TMP / "paraphrase.db"))
    t0 = time.perf_counter()
    import_facts(store, FACTS)
    import_facts(store, CASES, fmt="euvsdisinfo")
    embed_fact_base(store)
    return store, time.perf_counter() - t0


def gold_targets(store, retriever) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """profile id -> fact_check ids; EUvsDisinfo title (its headline) -> fact_check ids."""
    by_ext: dict[str, set[int]] = defaultdict(set)
    by_title: dict[str, set[int]] = defaultdict(set)
    ids = sorted({p.target_id for p in retriever.passages if p.target == "fact_check"})
    checks = store.get_fact_checks(ids)
    for fc in checks.values():
        if fc.external_id:
            by_ext[fc.external_id].add(fc.id)
        if fc.headline:
            by_title[" ".join(fc.headline.split())].add(fc.id)
    return by_ext, by_title


def load_queries(rows: list[dict], by_ext, by_title) -> list[dict]:
    qs: list[dict] = []

    def gold_of(g: dict | None) -> set[int]:
        if not g:
            return set()
        if g.get("source") == "profile":
            return set(by_ext.get(g.get("id", ""), set()))
        return set(by_title.get(" ".join((g.get("title") or "").split()), set()))

    for d in read_jsonl(DATA / "paraphrases.jsonl"):
        gold = gold_of(d.get("gold"))
        if gold:
            qs.append({"set": "paraphrase", "text": d["text"], "language": d.get("language"), "gold": gold,
                       "split": d["split"], "tag": f"{d.get('language')}-{d.get('script')}",
                       "source": d["gold"].get("source"), "id": d.get("id"), "group": "p:" + d.get("group", "")})
    for d in read_jsonl(DATA / "near_topic_negatives.jsonl"):
        qs.append({"set": "near_topic", "text": d["text"], "language": d.get("language"), "gold": set(),
                   "split": d["split"], "tag": d.get("kind", ""), "id": d.get("id"),
                   "group": "n:" + json.dumps(d.get("near"))})
    for d in read_jsonl(DATA / "translated_claims.jsonl"):
        title = " ".join((rows[d["issue_row"]].get("title") or "").split())
        gold = set(by_title.get(title, set()))
        if gold:
            qs.append({"set": "translated", "text": d["text"], "language": d["language"], "gold": gold,
                       "split": d["split"], "tag": f"{d['language']}-{d['script']}", "group": f"t:{d['issue_row']}"})
    for d in read_jsonl(DATA / "unrelated_claims.jsonl"):
        qs.append({"set": "unrelated", "text": d["text"], "language": d["language"], "gold": set(),
                   "split": d["split"], "tag": d["language"], "group": "u:" + d["text"]})
    return qs


def profile_retriever(store, retriever) -> _retrieval.Retriever:
    """The profile's own small base (its YAML records only): the regime of a newsroom's first
    debunks, where the nearest record always stands out."""
    ids = sorted({p.target_id for p in retriever.passages if p.target == "fact_check"})
    yaml_ids = {fc.id for fc in store.get_fact_checks(ids).values() if fc.format == "yaml"}
    rows = [i for i, p in enumerate(retriever.passages) if p.target == "fact" or p.target_id in yaml_ids]
    return _retrieval.Retriever([retriever.passages[i] for i in rows], retriever.vectors[rows])


def on_profile_base(queries: list[dict], prof: _retrieval.Retriever) -> list[dict]:
    """Every query once more against the profile's small base. A query whose gold record is an
    EUvsDisinfo case is a negative there: its debunk is not in the base, same-topic ones are."""
    in_prof = {p.target_id for p in prof.passages if p.target == "fact_check"}
    out = []
    for d in queries:
        gold = d["gold"] & in_prof
        e = {k: v for k, v in d.items() if k not in ("cands", "retriever", "copies")}
        e.update(base="profile", gold=gold, set=d["set"] if gold or not d["gold"] else "absent-" + d["set"])
        evaluate_query(e, prof, d["vec"], None)
        out.append(e)
    return out


def alo_claims() -> list[dict]:
    """Claims of the Alo.rs corpus with their candidates, from bench_false_alarms' store."""
    if not ALO_DB.exists():
        return []
    store = open_store(str(ALO_DB))
    line_of = {}
    with (SHARED / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            line_of[json.loads(line).get("id")] = i
    doc_line: dict[int, int] = {}
    last = 0
    while docs := store.documents_after(last, limit=2000):
        for d in docs:
            doc_line[d.id] = line_of.get(d.external_id, -1)
        last = docs[-1].id
    claims, last = [], 0
    while batch := store.claims_after(last, limit=2000):
        claims += batch
        last = batch[-1].id
    vecs = store.claim_vectors([c.id for c in claims])
    retriever = _retrieval.get_retriever(store)
    out = []
    for c in claims:
        if c.id not in vecs:
            continue
        line = doc_line.get(c.document_id, -1)
        q = np.frombuffer(vecs[c.id], dtype="<f4")
        cands = candidate_features(retriever, q, c.latin_key, c.language, n_dense=N_DENSE, n_keyword=N_KEYWORD)
        out.append({"set": "alo", "base": "profile", "text": c.text, "language": c.language, "gold": set(), "claim_id": c.id,
                    "vec": q, "key": c.latin_key,
                    "split": "dev" if line % 2 == 0 else "test", "tag": "alo", "line": line, "cands": cands,
                    "group": f"a:{line}",
                    "retriever": retriever})
    return out


def evaluate_query(d: dict, retriever, vec: np.ndarray, passage_vecs_of) -> None:
    key = latin_key(d["text"], d.get("language") or "und")
    cands = candidate_features(retriever, vec, key, d.get("language"), n_dense=N_DENSE, n_keyword=N_KEYWORD)
    d["cands"], d["vec"], d["key"] = cands, vec, key
    d["retriever"] = retriever
    if d["gold"]:
        # Refiled copies of the gold record leave with it in the left-out setting.
        gold_rows = [r for t in d["gold"] for r in retriever.target_rows("fact_check", t)]
        gv = retriever.vectors[gold_rows]
        gw = {retriever.word_key(r) for r in gold_rows}
        d["copies"] = {c.target_id for c in cands if c.target == "fact_check" and (
            c.target_id in d["gold"] or retriever.word_key(c.row) in gw
            or float((gv @ retriever.vectors[c.row]).max()) >= DUP_COS)}
        # Candidate recall: is the gold among the union's candidates, and within each list's top K?
        d["rank_dense"] = _target_rank(retriever, retriever.vectors @ vec, d["gold"])
        toks = _retrieval.tokens(key)
        bm = np.asarray(retriever.bm25.get_scores(toks), dtype=np.float64) if toks else np.zeros(len(retriever))
        d["rank_bm25"] = _target_rank(retriever, bm, d["gold"], keyword=True)
        d["in_candidates"] = any(c.target == "fact_check" and c.target_id in d["gold"] for c in cands)


def _target_rank(retriever, scores: np.ndarray, gold: set[int], *, keyword: bool = False) -> int:
    """Rank of the best gold record when records are ordered by their best passage score."""
    best: dict[tuple[str, int], float] = {}
    for p, s in zip(retriever.passages, scores.tolist()):
        k = (p.target, p.target_id)
        if s > best.get(k, -1e9):
            best[k] = s
    g = max(best.get(("fact_check", t), -1e9) for t in gold)
    if keyword and g <= 0:  # no keyword hit: BM25 does not find it at any depth
        return 10**6
    return 1 + sum(1 for v in best.values() if v > g)


def decide(d: dict, cal: dict, *, left_out: bool = False) -> dict:
    """Rank (optionally with the gold record and its copies left out) and decide."""
    cands = d["cands"]
    if left_out:
        cands = [c for c in cands if not (c.target == "fact_check" and c.target_id in d.get("copies", d["gold"]))]
    ranked = rank_candidates(cands, cal)
    top = ranked[0][0] if ranked else None
    if top is not None:
        add_decision_features(d["retriever"], top, d["vec"], d["key"], d.get("language"), text=d["text"])
    hit_rank = 10**6
    for i, (c, _) in enumerate(ranked, 1):
        if c.target == "fact_check" and c.target_id in d["gold"] and not left_out:
            hit_rank = i
            break
    positive = bool(d["gold"]) and not left_out
    return {"top": top, "rank": hit_rank, "p": decision_probability(top, cal),
            "label": float(positive and hit_rank == 1), "positive": positive}


def fit_ranker(queries: list[dict], cal: dict) -> dict:
    """Pointwise logistic re-ranker on the dev related queries: paraphrases weigh 3x translated
    titles (rewordings are what propagandists write); each query's candidates share its weight."""
    X, y, w = [], [], []
    for d in queries:
        if d["split"] != "dev" or not d["gold"] or not d["cands"] or d["base"] != "full":
            continue
        X.append(features_matrix(d["cands"]))
        yy = np.array([float(c.target == "fact_check" and c.target_id in d["gold"]) for c in d["cands"]])
        y.append(yy)
        w.append(np.full(len(yy), RANKER_SET_WEIGHT.get(d["set"], 1.0) * 50.0 / len(yy)))
    Xa, ya, wa = np.vstack(X), np.concatenate(y), np.concatenate(w)
    mean, scale = Xa.mean(0), Xa.std(0) + 1e-9
    weights, bias = fit_logistic((Xa - mean) / scale, ya, wa, l2=RANKER_L2)
    print(f"ranker fitted on {len(X)} dev queries", flush=True)
    return dict(cal, features=list(RANKER_FEATURES), mean=mean.tolist(), scale=scale.tolist(),
                weights=weights.tolist(), bias=bias,
                fitted_on="ranker: dev halves of bench/data/paraphrases.jsonl (x3) and translated_claims.jsonl "
                          "against the profile's facts + EUvsDisinfo cases_dev.csv")


def reliability(ps: np.ndarray, ys: np.ndarray, bins: int = 10) -> tuple[list[list], float]:
    rows, ece = [], 0.0
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (ps >= lo) & ((ps < hi) if hi < 1 else (ps <= hi))
        if m.sum() == 0:
            continue
        conf, acc = float(ps[m].mean()), float(ys[m].mean())
        ece += m.sum() / len(ps) * abs(conf - acc)
        rows.append([f"{lo:.1f}-{hi:.1f}", int(m.sum()), round(conf, 3), round(acc, 3)])
    return rows, round(float(ece), 4)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-fit", action="store_true", help="evaluate the shipped calibration, do not refit")
    ap.add_argument("--no-alo", action="store_true", help="leave out the Alo.rs claims (bench/tmp/alo.db)")
    ap.add_argument("--make-reference", action="store_true", help="re-embed the decision's reference population")
    ap.add_argument("--doc-only", action="store_true", help="rewrite the docs section from bench/results only")
    ap.add_argument("--ranker-only", action="store_true",
                    help="refit the re-ranker only; keep the shipped decision, its line and Platt step")
    ap.add_argument("--dev-only", action="store_true",
                    help="fit as usual but score the dev halves only (no test row read; results and docs untouched)")
    args = ap.parse_args()
    if args.doc_only:
        write_doc(json.loads((REPO / "bench" / "results" / "matching_paraphrase.json").read_text(encoding="utf-8")))
        return
    require_shared()
    if args.make_reference or not REFERENCE.exists():
        make_reference()
    t_start = time.perf_counter()
    with CASES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    store, t_base = build_base()
    retriever = _retrieval.get_retriever(store)
    by_ext, by_title = gold_targets(store, retriever)
    queries = load_queries(rows, by_ext, by_title)
    print(f"base {len(retriever)} passages ({t_base:.0f}s); queries " +
          ", ".join(f"{s}={sum(q['set'] == s for q in queries)}" for s in ("paraphrase", "near_topic", "translated", "unrelated")),
          flush=True)
    t0 = time.perf_counter()
    vecs = embed_texts(store, [q["text"] for q in queries], kind="query", batch_size=64)
    t_embed = time.perf_counter() - t0
    t0 = time.perf_counter()
    for d, v in zip(queries, vecs):
        d["base"] = "full"
        evaluate_query(d, retriever, v, None)
    queries += on_profile_base(queries, profile_retriever(store, retriever))
    alo = [] if args.no_alo else alo_claims()
    t_feat = time.perf_counter() - t0
    print(f"queries embedded in {t_embed:.0f}s; candidates+features {t_feat:.0f}s; alo claims {len(alo)}", flush=True)
    cal = calibration()
    shipped = json.loads(CAL_PATH.read_text(encoding="utf-8"))
    if not args.no_fit:
        cal = fit_ranker(queries, cal)
    if args.ranker_only and not args.no_fit:
        # The decision reads absolute features of the first candidate only, so a new ranker
        # changes which candidate it sees, not what it weighs: keep the shipped decision (and
        # its held-out line) rather than refit it on ~100 dev rewordings again.
        cal = dict(cal, decision=shipped["decision"], threshold=shipped["threshold"])
        CAL_PATH.write_text(json.dumps(cal, indent=1) + "\n")
        print("re-ranker refitted; shipped decision kept", flush=True)
    # -- fit the decision on dev --------------------------------------------------------------
    if not args.no_fit and not args.ranker_only:
        X, y, groups, folds, near = [], [], [], [], []
        for d in queries + alo:
            if d["split"] != "dev":
                continue
            settings = [False, True] if d["gold"] else [False]
            for lo in settings:
                r = decide(d, cal, left_out=lo)
                if r["top"] is None:
                    continue
                X.append(decision_features(r["top"]))
                y.append(r["label"])
                folds.append(int(hashlib.md5(d.get("group", d["text"]).encode()).hexdigest(), 16) % LINE_FOLDS)
                near.append(d["set"] == "near_topic")
                groups.append(d["base"] + ":" + ("leftout-" if lo else "") + d["set"]
                              + ("-wrong" if r["positive"] and not r["label"] else ""))
        X, y = np.array(X), np.array(y)
        counts = defaultdict(int)
        for g in groups:
            counts[g] += 1
        w = np.array([1.0 / counts[g] for g in groups]) * len(groups) / len(counts)
        w = np.where(y == 0, w * FALSE_POSITIVE_COST, w)
        mean, scale = X.mean(0), X.std(0) + 1e-9
        weights, bias = fit_logistic((X - mean) / scale, y, w, l2=DECISION_L2)
        cal = dict(cal)
        cal["decision"] = {"features": list(DECISION_FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
                           "weights": weights.tolist(), "bias": bias,
                           "fitted_on": "dev halves: paraphrases, translated titles, near-topic negatives, unrelated "
                                        "claims, left-out gold records, Alo.rs claims of even-numbered articles"}
        # The weighted fit sets *where* to say "addressed" (z >= 0: a false alarm costs 2x); the
        # shown number is then recalibrated on the dev decisions as they come (unweighted, Platt),
        # so P is the share of such sentences whose first candidate really addresses them.
        z = ((X - mean) / scale) @ weights + bias
        a, b = fit_logistic(z[:, None], y, np.ones(len(y)), l2=1e-3)
        cal["decision"]["platt"] = [float(a[0]), float(b)]
        # The line: the held-out z that passes NEAR_TOPIC_LINE of dev near-topic sentences (never
        # below z = 0, the weighted fit's own line), as a P on the shown scale.
        z_held = held_out_z(X, y, w, np.array(folds))
        near_z = z_held[np.array(near)]
        z_line = 0.0 if NEAR_TOPIC_LINE is None else max(0.0, float(np.quantile(near_z, 1.0 - NEAR_TOPIC_LINE)))
        cal["threshold"] = float(1.0 / (1.0 + np.exp(-(a[0] * z_line + b))))
        cal["decision"]["line"] = {"z": z_line, "folds": LINE_FOLDS,
                                   "near_topic_share_held_out": round(float((near_z >= z_line).mean()), 4)}
        print(f"line at z = {z_line:.3f} (P = {cal['threshold']:.3f}); held-out dev near-topic share there "
              f"{cal['decision']['line']['near_topic_share_held_out']:.3f}", flush=True)
        CAL_PATH.write_text(json.dumps(cal, indent=1) + "\n")
        print("decision fitted on", dict(counts), flush=True)
    if args.dev_only:
        # Choosing a change: look at dev alone, so the test figure stays a single, final reading.
        report = evaluate(queries, alo, cal, splits=("dev",))
        for base in ("full", "profile"):
            print("dev", base, json.dumps({k: {m: v.get(m) for m in ("addressed_recall", "hybrid", "leftout_addressed",
                                                                   "addressed", "rate", "per_5000") if m in v}
                                           for k, v in report["dev"][base].items()}), flush=True)
        print("dev ECE", report["dev"]["reliability"]["ece"])
        return
    report = evaluate(queries, alo, cal)
    report["timing_s"] = {"base_import_embed": round(t_base, 1), "query_embed": round(t_embed, 1),
                          "features": round(t_feat, 1), "total": round(time.perf_counter() - t_start, 1)}
    report["base"] = {"passages": len(retriever), "profile_fact_checks": len(by_ext),
                      "records": len({(p.target, p.target_id) for p in retriever.passages})}
    write_results("matching_paraphrase", report)
    write_doc(report)
    for split in ("dev", "test"):
        for base in ("full", "profile"):
            sec = report[split][base]
            print(split, base, {k: (v.get("addressed_recall"), v.get("hybrid", {}).get("s@1"), v.get("leftout_addressed"))
                                if "hybrid" in v else (v.get("rate") if "rate" in v else v.get("per_5000"))
                                for k, v in sec.items()})
        print(split, "ECE", report[split]["reliability"]["ece"])


def evaluate(queries: list[dict], alo: list[dict], cal: dict, splits: tuple[str, ...] = ("dev", "test")) -> dict:
    out: dict = {}
    for split in splits:
        out[split] = {"reliability": _reliability([d for d in queries + alo if d["split"] == split], cal)}
        for base in ("full", "profile"):
            out[split][base] = _evaluate_base([d for d in queries if d["split"] == split and d["base"] == base],
                                              [d for d in alo if d["split"] == split and base == "profile"], split, cal)
    return out


def _reliability(ds: list[dict], cal: dict) -> dict:
    """Is P(addressed) the share of decisions whose first candidate really is the sentence's
    fact-check? Over every decision: related, left-out, negatives, Alo, both bases."""
    ps, ys = [], []
    for d in ds:
        for lo in ([False, True] if d["gold"] else [False]):
            r = decide(d, cal, left_out=lo)
            if r["top"] is not None:
                ps.append(r["p"])
                ys.append(r["label"])
    table, ece = reliability(np.array(ps), np.array(ys))
    return {"bins": table, "ece": ece, "n": len(ps)}


def _evaluate_base(qs: list[dict], a: list[dict], split: str, cal: dict) -> dict:
    if True:
        sec: dict = {}
        for name in ("paraphrase", "translated"):
            ds = [d for d in qs if d["set"] == name]
            if not ds:
                continue
            rs = [decide(d, cal) for d in ds]
            ranks = np.array([r["rank"] for r in rs], dtype=float)
            lo = [decide(d, cal, left_out=True) for d in ds]
            sec[name] = {
                "n": len(ds),
                "candidate_recall": {"union": round(float(np.mean([d["in_candidates"] for d in ds])), 4),
                                     **{f"dense@{k}": round(float(np.mean([d["rank_dense"] <= k for d in ds])), 4) for k in K_RECALL},
                                     **{f"bm25@{k}": round(float(np.mean([d["rank_bm25"] <= k for d in ds])), 4) for k in K_RECALL}},
                "baseline_e5": {"s@1": round(float(np.mean([d["rank_dense"] <= 1 for d in ds])), 4),
                                "s@10": round(float(np.mean([d["rank_dense"] <= 10 for d in ds])), 4)},
                "baseline_bm25": {"s@1": round(float(np.mean([d["rank_bm25"] <= 1 for d in ds])), 4),
                                  "s@10": round(float(np.mean([d["rank_bm25"] <= 10 for d in ds])), 4)},
                "hybrid": {"s@1": round(float((ranks <= 1).mean()), 4), "s@10": round(float((ranks <= 10).mean()), 4),
                           "mrr": round(float((1 / ranks).mean()), 4)},
                "addressed_recall": round(float(np.mean([r["p"] >= cal["threshold"] and r["rank"] == 1 for r in rs])), 4),
                "addressed_any": round(float(np.mean([r["p"] >= cal["threshold"] for r in rs])), 4),
                "leftout_addressed": round(float(np.mean([r["p"] >= cal["threshold"] for r in lo])), 4),
                "by_language": {},
            }
            for tag in sorted({d["tag"] for d in ds}):
                idx = [i for i, d in enumerate(ds) if d["tag"] == tag]
                sec[name]["by_language"][tag] = {
                    "n": len(idx), "s@1": round(float(np.mean([ranks[i] <= 1 for i in idx])), 3),
                    "addressed_recall": round(float(np.mean([rs[i]["p"] >= cal["threshold"] and rs[i]["rank"] == 1 for i in idx])), 3)}
            if split == "test":
                sec[name]["misses"] = [
                    {"text": d["text"], "rank": r["rank"], "p": round(r["p"], 3),
                     "top": r["top"].target_id if r["top"] else None}
                    for d, r in zip(ds, rs) if r["rank"] != 1 or r["p"] < cal["threshold"]][:40]
        for name in ("near_topic", "unrelated", "absent-paraphrase", "absent-translated"):
            ds = [d for d in qs if d["set"] == name]
            if not ds:
                continue
            rs = [decide(d, cal) for d in ds]
            sec[name] = {"n": len(ds), "addressed": int(sum(r["p"] >= cal["threshold"] for r in rs)),
                         "rate": round(float(np.mean([r["p"] >= cal["threshold"] for r in rs])), 4),
                         "by_kind": {}}
            for tag in sorted({d["tag"] for d in ds}):
                idx = [i for i, d in enumerate(ds) if d["tag"] == tag]
                sec[name]["by_kind"][tag] = [len(idx), int(sum(rs[i]["p"] >= cal["threshold"] for i in idx))]
            if split == "test":
                sec[name]["addressed_texts"] = [
                    {"text": d["text"], "p": round(r["p"], 3),
                     "matched": d["retriever"].passages[r["top"].row].text if r["top"] else None}
                    for d, r in zip(ds, rs) if r["p"] >= cal["threshold"]]
        if a:
            rs = [decide(d, cal) for d in a]
            hits = [(d, r) for d, r in zip(a, rs) if r["p"] >= cal["threshold"]]
            top5 = sorted(zip(a, rs), key=lambda x: -x[1]["p"])[:5]
            sec["alo"] = {"claims": len(a), "addressed": len(hits),
                          "per_5000": round(5000 * len(hits) / len(a), 2),
                          "highest": [{"claim_id": d["claim_id"], "line": d["line"], "text": d["text"], "p": round(r["p"], 3),
                                       "matched": d["retriever"].passages[r["top"].row].text} for d, r in top5],
                          "sentences": [{"claim_id": d["claim_id"], "line": d["line"], "text": d["text"],
                                         "p": round(r["p"], 3),
                                         "matched": d["retriever"].passages[r["top"].row].text} for d, r in hits]}
        return sec


def write_doc(report: dict) -> None:
    t = report["test"]
    f, pr = t["full"], t["profile"]
    lines = ["### Paraphrases, near-topic negatives, calibration (bench/bench_paraphrase.py)", "",
             f"Two fact bases: **full** = the profile's records plus every EUvsDisinfo case of `cases_dev.csv` as "
             f"distractors ({report['base']['records']} records, {report['base']['passages']} passages); **profile** = "
             "the profile's own records only (a newsroom's small base). TEST halves (by gold group); the re-ranker "
             "and the decision were fitted on the dev halves. Previous figures: issue 6, before this change.", ""]
    rows = [["paraphrases (issue 6, before)", "", "", "", "0.891 / 0.957", "", "0.87", ""],
            ["paraphrase (issue 6 first pass, no concept table)", 102, "0.431 / 0.716", "0.824 / 0.980",
             "0.863 / 0.980", "1.000", "0.402", "0.029"],
            ["translated (issue 6 first pass, no concept table)", 148, "0.338 / 0.561", "0.960 / 1.000",
             "0.987 / 1.000", "1.000", "0.595", "0.054"],
            ["paraphrase (concept table, before concept_jaccard)", 102, "0.431 / 0.716", "0.824 / 0.980",
             "0.873 / 0.990", "1.000", "0.422", "0.039"],
            ["translated (concept table, before concept_jaccard)", 148, "0.338 / 0.561", "0.960 / 1.000",
             "0.993 / 1.000", "1.000", "0.595", "0.061"],
            ["paraphrase (third pass, before the adapter)", 102, "0.431 / 0.716", "0.824 / 0.980",
             "0.873 / 0.990", "1.000", "0.422", "0.039"],
            ["translated (third pass, before the adapter)", 148, "0.338 / 0.561", "0.960 / 1.000",
             "0.993 / 1.000", "1.000", "0.595", "0.054"]]
    for name in ("paraphrase", "translated"):
        s = f.get(name)
        if not s:
            continue
        rows.append([name, s["n"], f"{s['baseline_bm25']['s@1']:.3f} / {s['baseline_bm25']['s@10']:.3f}",
                     f"{s['baseline_e5']['s@1']:.3f} / {s['baseline_e5']['s@10']:.3f}",
                     f"{s['hybrid']['s@1']:.3f} / {s['hybrid']['s@10']:.3f}",
                     f"{s['candidate_recall']['union']:.3f}", f"{s['addressed_recall']:.3f}",
                     f"{s['leftout_addressed']:.3f}"])
    lines.append(md_table(["full base, related", "n", "BM25 s@1 / s@10", "plain e5 s@1 / s@10",
                           "factwatch s@1 / s@10", "candidate recall (union of top 50 + 50)",
                           "addressed recall", "addressed with gold left out"], rows))
    lines.append("")
    if pr.get("paraphrase"):
        s = pr["paraphrase"]
        lines.append(f"Profile base, paraphrases of its own claims (n = {s['n']}): s@1 {s['hybrid']['s@1']:.3f}, "
                     f"addressed recall {s['addressed_recall']:.3f}, addressed with gold left out {s['leftout_addressed']:.3f} "
                     "(first pass: 0.943, 0.486, 0.000; concept table before concept_jaccard: 0.971, 0.514, 0.029; "
                     "third pass, before the adapter: 0.971, 0.514, 0.029).")
        lines.append("")
    neg = [["near-topic (issue 6, before)", "profile + EUvsDisinfo", 44, 7, "15.9%"],
           ["near_topic (issue 6 first pass)", "full / profile", 177, 1, "0.56%"],
           ["near_topic (concept table, before concept_jaccard)", "full / profile", 177, 2, "1.13%"],
           ["near_topic (third pass, before the adapter)", "full / profile", 177, 2, "1.13%"]]
    for base, sec in (("full", f), ("profile", pr)):
        for name in ("near_topic", "unrelated", "absent-paraphrase", "absent-translated"):
            s = sec.get(name)
            if s:
                neg.append([name, base, s["n"], s["addressed"], f"{s['rate']:.2%}"])
        if "alo" in sec:
            neg.append(["Alo.rs claims (odd lines)", base, sec["alo"]["claims"], sec["alo"]["addressed"],
                        f"{sec['alo']['per_5000']} per 5,000"])
    lines.append(md_table(["negatives (test)", "base", "n", "addressed", "rate"], neg))
    lines.append("")
    lines.append("`absent-*`: a rewording or translation of an EUvsDisinfo case asked of the profile base, which "
                 "lacks that case but holds same-topic records (must not be addressed).")
    lines.append("")
    rel = t["reliability"]
    lines.append(f"Reliability of the shown P(addressed) on every test decision (n = {rel['n']}: related, left-out, "
                 f"negatives, Alo; both bases): expected calibration error **{rel['ece']:.3f}**.")
    lines.append("")
    lines.append(md_table(["P bin", "n", "mean P", "share where the first candidate addresses it"], rel["bins"]))
    update_doc_section("paraphrase", "\n".join(lines))


if __name__ == "__main__":
    main()
