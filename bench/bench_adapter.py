"""A learned linear adapter over frozen e5-small query vectors (issue 6, fourth pass): fit and dev CV.

    PYTHONPATH=src OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python bench/bench_adapter.py   (~10 min; reads no test row)

Why: e5-small puts a rewording of a fact-checked claim and a same-topic sentence about another
claim in one cosine band. The idea tried here: a map ``q' = normalise((I + A) q)`` on the query
side only (passage vectors, the fact base and the reference population stay as stored), fitted
so that "same claim, other words or language" scores above "same topic, other claim".

Training pairs, all OUTSIDE the paraphrase / translated / near-topic sets (every record that is a
gold or near-topic target there, in either split, and every refiled copy of one, is removed from
queries and from the passage pool, so nothing of the dev or test halves is seen). The odd rows
of cases_dev.csv are bench/bench_matching.py's English-title test half: the shipped map was
fitted with them (``--exclude-matching-test`` leaves them out), so that benchmark's English-title
"addressed" figures are not independent of it (its s@1 is: the re-ranker does not read the map):
- EUvsDisinfo ``cases_dev.csv``: a case's title (as a query) -> its summary passage (the fact
  base's claim passage); negatives: every other case's summary, the hardest being cases with the
  same keywords (same topic, other claim);
- the profile's facts (facts.yaml): each translation (as a query) -> the record's passages in
  other languages (cross-language positives);
- the narrative catalogue's example statements (narratives.yaml): an example in one language
  (as a query) -> the same narrative's examples in the other languages (embedded as passages);
  narratives tied to an excluded record are dropped.
A fifth of the training records (by hash) is held out to choose the rank / L2 / temperature;
the dev paraphrase sets are not used for that.

Loss: InfoNCE over the whole passage pool (all positives of a query against every passage),
plus ``l2 * |A|^2`` (pull toward the identity); fitted by L-BFGS (scipy).

Evaluation (dev halves only, 5 folds by claim group, as bench/bench_decision_cv.py):
(a) the adapted cosine (and its gap to the best candidate's) as extra re-ranker features ->
    rewording / translated s@1, s@10; (b) the adapted cosine of the decision's candidate and its
    gap above the reference population as extra decision features -> recall at own line,
    near-topic of 342, left-out, Alo dev, recall where 1/2/4% of near-topic pass; the shipped
    rows are computed in the same run. Writes bench/results/adapter_cv.json and the map to
    bench/tmp/adapter_A.npy (nothing under src/ unless it beats shipped beyond fold noise).
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
import yaml
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_decision_cv as bdc  # noqa: E402
import bench_paraphrase as bp  # noqa: E402
from _common import REPO, TMP, write_results  # noqa: E402

from factwatch.analysis import _retrieval  # noqa: E402
from factwatch.analysis.match_features import RANKER_FEATURES, features_matrix  # noqa: E402

NARRATIVES = REPO / "profiles" / "western-balkans" / "narratives.yaml"
MAP_PATH = TMP / "adapter_A.npy"
SHIPPED_MAP = REPO / "src" / "factwatch" / "analysis" / "_adapter.npy"
# The decision features without the adapter's own (d_ad_cos ships in DECISION_FEATURES once
# installed): the comparison row, and the base the adapted cosine is added to.
BASE = [f for f in bdc.BASE if f != "d_ad_cos"]
DIM = 384
HOLDOUT = 5  # one record in five (by hash) is held out to choose the hyper-parameters


DISPROOF_NEGATIVES = True
EXCLUDE_MATCHING_TEST = False


def _first_sentences(text: str, limit: int = 300) -> str:
    """The opening of a disproof, without its link lines (e5 reads 512 tokens; the opening is
    where the facts that contradict the claim are stated)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("http")]
    t = " ".join(" ".join(lines).split())
    return t[:limit].rsplit(" ", 1)[0] if len(t) > limit else t


def _h(s: str) -> int:
    return int(hashlib.md5(s.encode()).hexdigest(), 16)


# -- training pairs ------------------------------------------------------------------------------

def excluded_records(store, ret) -> tuple[set[tuple[str, int]], set[str]]:
    """(target, id) of every gold / near-topic record of the paraphrase sets (both splits) and of
    its refiled copies; plus the profile ids among them (to drop narratives tied to them)."""
    with bp.CASES.open(encoding="utf-8", newline="") as f:
        cases = list(csv.DictReader(f))
    by_ext, by_title = bp.gold_targets(store, ret)
    ex: set[tuple[str, int]] = set()
    prof_ids: set[str] = set()
    for q in bp.load_queries(cases, by_ext, by_title):
        ex |= {("fact_check", t) for t in q["gold"]}
    for d in bp.read_jsonl(bp.DATA / "paraphrases.jsonl"):
        if d["gold"].get("source") == "profile":
            prof_ids.add(d["gold"]["id"])
    for d in bp.read_jsonl(bp.DATA / "near_topic_negatives.jsonl"):
        n = d.get("near") or {}
        if n.get("source") == "profile":
            prof_ids.add(n["id"])
            ex |= {("fact_check", t) for t in by_ext.get(n["id"], set())}
            ex |= {("fact", f.id) for f in store.facts_by_external_ids([n["id"]])}
        elif n.get("title"):
            ex |= {("fact_check", t) for t in by_title.get(" ".join(n["title"].split()), set())}
    # bench/bench_matching.py's test half (odd rows of cases_dev.csv: English title -> its case)
    # is this training task. Kept by default (the shipped map: with these ~540 pairs removed the
    # dev gain shrank to fold noise, docs/benchmarks.md "Fourth pass"), so that benchmark's
    # English-title "addressed" figures are not independent of the map; --exclude-matching-test
    # fits without them.
    if EXCLUDE_MATCHING_TEST:
        odd_titles = {" ".join((r.get("title") or "").split()) for i, r in enumerate(cases) if i % 2 == 1}
        for t in odd_titles:
            ex |= {("fact_check", fid) for fid in by_title.get(t, set())}
    # Refiled copies: any record with a passage this close to an excluded one leaves too.
    rows = [i for i, p in enumerate(ret.passages) if (p.target, p.target_id) in ex]
    near = (ret.vectors @ ret.vectors[rows].T).max(1) >= bp.DUP_COS
    ex |= {(ret.passages[i].target, ret.passages[i].target_id) for i in np.flatnonzero(near)}
    return ex, prof_ids


def training_set(store, ret) -> dict:
    """Query vectors, the passage pool and, per query, its positive pool rows and record key."""
    ex, prof_ids = excluded_records(store, ret)
    ids = sorted({p.target_id for p in ret.passages if p.target == "fact_check"})
    checks = store.get_fact_checks(ids)
    fact_ids = sorted({p.target_id for p in ret.passages if p.target == "fact"})
    facts = store.get_facts(fact_ids)
    pool_vecs: list[np.ndarray] = []
    pool_rec: list[str] = []
    q_text: list[str] = []
    q_rec: list[str] = []
    q_pos_lang: list[str | None] = []  # positives are the record's passages NOT in this language
    # Fact-base passages of kept records (a headline passage would be the title query itself).
    pool_lang: list[str] = []
    for i, p in enumerate(ret.passages):
        if (p.target, p.target_id) in ex or p.field == "headline":
            continue
        pool_vecs.append(ret.vectors[i])
        pool_rec.append(f"{p.target}:{p.target_id}")
        pool_lang.append(p.language or "und")
    kept = set(pool_rec)
    for fid, fc in checks.items():
        key = f"fact_check:{fid}"
        if key not in kept:
            continue
        if fc.format == "euvsdisinfo" and fc.headline:
            q_text.append(" ".join(fc.headline.split()))
            q_rec.append(key)
            q_pos_lang.append(None)
        elif fc.format == "yaml":
            for lang, tr in (fc.translations or {}).items():
                if tr.get("claim"):
                    q_text.append(tr["claim"])
                    q_rec.append(key)
                    q_pos_lang.append(lang)
    for fid, fa in facts.items():
        key = f"fact:{fid}"
        if key not in kept:
            continue
        for lang, tr in (fa.translations or {}).items():
            q_text.append(tr)
            q_rec.append(key)
            q_pos_lang.append(lang)
    # A case's own disproof names the same actors and events but states the facts: a "same
    # topic, other claim" negative for its title (never a positive; not in the real fact base).
    reb_text: list[str] = []
    if DISPROOF_NEGATIVES:
        for fid, fc in checks.items():
            key = f"fact_check:{fid}"
            if key in kept and fc.format == "euvsdisinfo" and fc.rebuttal:
                reb_text.append(_first_sentences(fc.rebuttal))
    # Narrative examples: passages (every language) and queries (every language).
    cat = yaml.safe_load(NARRATIVES.read_text(encoding="utf-8"))
    narr_p_text: list[str] = []
    for n in cat.get("narratives", []):
        if set(n.get("facts") or []) & prof_ids:
            continue
        key = f"narrative:{n['id']}"
        for lang, exs in (n.get("examples") or {}).items():
            for t in exs:
                narr_p_text.append(t)
                pool_rec.append(key)
                pool_lang.append(lang)
                q_text.append(t)
                q_rec.append(key)
                q_pos_lang.append(lang)
    t0 = time.perf_counter()
    qv = bp.embed_texts(store, q_text, kind="query", batch_size=64)
    pv_n = bp.embed_texts(store, narr_p_text, kind="passage", batch_size=64) if narr_p_text else np.zeros((0, DIM))
    print(f"embedded {len(q_text)} queries + {len(narr_p_text)} narrative passages in {time.perf_counter() - t0:.0f}s",
          flush=True)
    pv_r = bp.embed_texts(store, reb_text, kind="passage", batch_size=64) if reb_text else np.zeros((0, DIM))
    pool_rec += [f"disproof:{i}" for i in range(len(reb_text))]
    pool_lang += ["en"] * len(reb_text)
    P = np.vstack([np.array(pool_vecs, dtype=np.float32), pv_n.astype(np.float32), pv_r.astype(np.float32)])
    pool_rec_a = np.array(pool_rec)
    pool_lang_a = np.array(pool_lang)
    pos = np.zeros((len(q_text), len(P)), dtype=bool)
    for i, (rec, lang) in enumerate(zip(q_rec, q_pos_lang)):
        m = pool_rec_a == rec
        if lang is not None:
            m &= pool_lang_a != lang
        pos[i] = m
    keep = pos.any(1)
    Q = np.asarray(qv, dtype=np.float32)[keep]
    q_rec_a = np.array(q_rec)[keep]
    hold = np.array([_h(r) % HOLDOUT == 0 for r in q_rec_a])
    print(f"training pairs: {int(keep.sum())} queries ({int(hold.sum())} held out) over {len(P)} passages; "
          f"excluded records {len(ex)}; kinds " + json.dumps({k: int(sum(r.startswith(k) for r in q_rec_a))
                                                             for k in ("fact_check", "fact:", "narrative")}), flush=True)
    return {"Q": Q, "P": P, "pos": pos[keep], "rec": q_rec_a, "pool_rec": pool_rec_a, "hold": hold}


# -- the map -------------------------------------------------------------------------------------

def adapt(Q: np.ndarray, A: np.ndarray | None) -> np.ndarray:
    if A is None:
        return Q
    U = Q + Q @ A.T
    return U / np.linalg.norm(U, axis=1, keepdims=True)


def fit_map(Q, P, pos, *, l2: float, tau: float, rank: int | None, seed: int = 0, iters: int = 200) -> np.ndarray:
    """A (DIM x DIM) minimising InfoNCE(all positives vs the whole pool) + l2 |A|^2.
    rank: None = full matrix; else A = U V^T with U, V of that rank."""
    Qd, Pd, posf = Q.astype(np.float64), P.astype(np.float64), pos.astype(np.float64)
    rng = np.random.default_rng(seed)

    def unpack(x):
        if rank is None:
            return x.reshape(DIM, DIM), None, None
        U, V = x[: DIM * rank].reshape(DIM, rank), x[DIM * rank:].reshape(DIM, rank)
        return U @ V.T, U, V

    def f(x):
        A, U, V = unpack(x)
        W = Qd + Qd @ A.T
        nrm = np.linalg.norm(W, axis=1, keepdims=True)
        Z = W / nrm
        S = (Z @ Pd.T) / tau
        S -= S.max(1, keepdims=True)
        E = np.exp(S)
        lse = np.log(E.sum(1))
        lpos = np.log((E * posf).sum(1))
        loss = float((lse - lpos).sum()) / len(Q)
        G = (E / E.sum(1, keepdims=True) - E * posf / (E * posf).sum(1, keepdims=True)) / tau / len(Q)
        gz = G @ Pd
        gw = (gz - (gz * Z).sum(1, keepdims=True) * Z) / nrm
        gA = gw.T @ Qd
        if rank is None:
            return loss + l2 * float((A * A).sum()), (gA + 2 * l2 * A).ravel()
        gU, gV = gA @ V + 2 * l2 * (U @ (V.T @ V)), gA.T @ U + 2 * l2 * (V @ (U.T @ U))
        return loss + l2 * float((A * A).sum()), np.concatenate([gU.ravel(), gV.ravel()])

    x0 = np.zeros(DIM * DIM) if rank is None else rng.normal(0, 1e-3, 2 * DIM * rank)
    res = minimize(f, x0, jac=True, method="L-BFGS-B", options={"maxiter": iters})
    return unpack(res.x)[0].astype(np.float32)


def pool_metrics(Q, P, pos, rec, pool_rec) -> dict:
    """s@1 (a positive is the best pool passage) and the median gap between the best positive and
    the best passage of another record (the 'same topic, other claim' competitor)."""
    S = Q @ P.T
    best_pos = np.where(pos, S, -9).max(1)
    other = pool_rec[None, :] != rec[:, None]
    best_neg = np.where(other & ~pos, S, -9).max(1)
    sd = S.std(1)  # the gap in units of the query's spread over the pool: scale-free across maps
    return {"n": len(Q), "s@1": round(float(np.mean(best_pos > best_neg)), 3),
            "median_gap": round(float(np.median(best_pos - best_neg)), 4),
            "median_gap_sd": round(float(np.median((best_pos - best_neg) / sd)), 3)}


def choose(ts: dict) -> tuple[dict, list[dict]]:
    tr, ho = ~ts["hold"], ts["hold"]
    Q, P, pos, rec, prec = ts["Q"], ts["P"], ts["pos"], ts["rec"], ts["pool_rec"]
    # Pool passages of held-out records stay in the pool for the fit as negatives only if the
    # fit never sees them as positives: drop held-out records' rows from the training pool.
    held_recs = set(rec[ho])
    pmask = np.array([r not in held_recs for r in prec])
    base = pool_metrics(Q[ho], P, pos[ho], rec[ho], prec)
    print("identity, held out:", base, flush=True)
    grid = []
    for rank, l2, tau in ((None, 1.0, 0.02), (None, 0.1, 0.02), (None, 0.01, 0.02), (None, 0.1, 0.05),
                          (32, 0.1, 0.02), (None, 10.0, 0.02), (None, 0.001, 0.02)):
        t0 = time.perf_counter()
        A = fit_map(Q[tr], P[pmask], pos[tr][:, pmask], l2=l2, tau=tau, rank=rank)
        m = pool_metrics(adapt(Q[ho], A), P, pos[ho], rec[ho], prec)
        mt = pool_metrics(adapt(Q[tr], A), P, pos[tr], rec[tr], prec)
        row = {"rank": rank, "l2": l2, "tau": tau, "held_out": m, "train": mt, "norm_A": round(float(np.linalg.norm(A)), 3),
               "fit_s": round(time.perf_counter() - t0, 1)}
        print(json.dumps(row), flush=True)
        grid.append(row)
    best = max(grid, key=lambda r: (r["held_out"]["s@1"], r["held_out"]["median_gap_sd"]))
    return {"identity_held_out": base, **best}, grid


# -- dev cross-validation ------------------------------------------------------------------------

def ranker_cv(A: np.ndarray) -> dict:
    """bench_decision_cv.ranker_cv's folds and fit, shipped features vs + adapted cosine."""
    with bp.CASES.open(encoding="utf-8", newline="") as f:
        cases = list(csv.DictReader(f))
    store, _ = bp.build_base()
    ret = _retrieval.get_retriever(store)
    by_ext, by_title = bp.gold_targets(store, ret)
    qs = [q for q in bp.load_queries(cases, by_ext, by_title) if q["split"] == "dev" and q["gold"]]
    group = {d["text"]: "p:" + d["group"] for d in bp.read_jsonl(bp.DATA / "paraphrases.jsonl")}
    group |= {d["text"]: f"t:{d['issue_row']}" for d in bp.read_jsonl(bp.DATA / "translated_claims.jsonl")}
    data = []
    for d, v in zip(qs, bp.embed_texts(store, [q["text"] for q in qs], kind="query", batch_size=64)):
        d["base"] = "full"
        bp.evaluate_query(d, ret, v, None)
        qa = adapt(v[None, :].astype(np.float32), A)[0]
        ac = np.array([float(ret.vectors[ret.target_rows(c.target, c.target_id)].dot(qa).max()) for c in d["cands"]])
        data.append({"set": d["set"], "fold": _h(group.get(d["text"], d["text"])) % bdc.FOLDS,
                     "X": features_matrix(d["cands"]), "Ad": np.c_[ac, ac - ac.max()],
                     "y": np.array([float(c.target == "fact_check" and c.target_id in d["gold"]) for c in d["cands"]])})
    out = {}
    for name, cols in (("shipped ranker features", None), ("+ adapted cosine", 1), ("+ adapted cosine and its gap", 2)):
        ranks: dict[str, list[int]] = defaultdict(list)

        def mat(q):
            return q["X"] if cols is None else np.hstack([q["X"], q["Ad"][:, :cols]])
        for k in range(bdc.FOLDS):
            tr = [q for q in data if q["fold"] != k]
            Xa = np.vstack([mat(q) for q in tr])
            wa = np.concatenate([np.full(len(q["y"]), bp.RANKER_SET_WEIGHT.get(q["set"], 1.0) * 50.0 / len(q["y"]))
                                 for q in tr])
            m, s = Xa.mean(0), Xa.std(0) + 1e-9
            b, c = bp.fit_logistic((Xa - m) / s, np.concatenate([q["y"] for q in tr]), wa, l2=bp.RANKER_L2)
            for q in (q for q in data if q["fold"] == k):
                sc = ((mat(q) - m) / s) @ b + c
                gold = sc[q["y"] == 1].max() if q["y"].any() else np.inf
                ranks[q["set"]].append(1 + int((sc > gold).sum()))
        out[name] = {k: {"n": len(v), "s@1": round(float(np.mean(np.array(v) <= 1)), 3),
                         "s@10": round(float(np.mean(np.array(v) <= 10)), 3)} for k, v in ranks.items()}
        print("ranker", name, json.dumps(out[name]), flush=True)
    # Each cosine alone over the same candidates (no re-ranker), for reference.
    for name, j in (("plain e5 cosine (candidates only)", None), ("plain adapted cosine (candidates only)", 0)):
        ranks = defaultdict(list)
        for q in data:
            sc = q["X"][:, list(RANKER_FEATURES).index("cos")] if j is None else q["Ad"][:, 0]
            gold = sc[q["y"] == 1].max() if q["y"].any() else np.inf
            ranks[q["set"]].append(1 + int((sc > gold).sum()))
        out[name] = {k: {"n": len(v), "s@1": round(float(np.mean(np.array(v) <= 1)), 3),
                         "s@10": round(float(np.mean(np.array(v) <= 10)), 3)} for k, v in ranks.items()}
        print("ranker", name, json.dumps(out[name]), flush=True)
    return out


SALTS = 4


def _brief(v: dict) -> dict:
    return {"recall": v["paraphrase_addressed_recall"], "translated": v["translated_addressed_recall"],
            "near": v["near_topic_addressed"], "left_out": v["left_out_addressed"], "alo": v["alo_addressed"],
            "at_1_2_4": [v["at_near_topic_rate"][k]["paraphrase_recall"] for k in ("1%", "2%", "4%")]}


def negatives_at_own_line(rows: list[dict], feats: list[str]) -> dict:
    """Held-out decisions said "addressed" wrongly, by base and set (bdc.cv's folds and fit):
    the absent-* and unrelated sets that bdc.summarise only counts at the matched lines."""
    z = np.zeros(len(rows))
    for k in range(bdc.FOLDS):
        tr = [r for r in rows if r["fold"] != k]
        idx = [i for i, r in enumerate(rows) if r["fold"] == k]
        z[idx], _ = bdc.logistic(tr, [rows[i] for i in idx], feats, bp.FALSE_POSITIVE_COST, bp.DECISION_L2)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, zz in zip(rows, z):
        if r["label"] == 0:
            k = f"{r['base']}:{'leftout-' if r['left_out'] else ''}{r['set']}"
            out[k][0] += int(zz >= 0)
            out[k][1] += 1
    return {k: f"{a}/{n}" for k, (a, n) in sorted(out.items())}


def decision_cv(A: np.ndarray) -> dict:
    """bench_decision_cv's dev rows (shipped ranking) plus the adapted cosine of the decision's
    candidate and its gap above the reference population; 5-fold CV of the decision."""
    seen: list[tuple[dict, dict]] = []
    decide = bp.decide

    def recording(d, cal, *, left_out=False):
        r = decide(d, cal, left_out=left_out)
        if r["top"] is not None:
            seen.append((d, r))
        return r

    bp.decide = recording  # dev_rows emits one row per decision with a candidate, in call order
    try:
        rows = bdc.dev_rows()
    finally:
        bp.decide = decide
    assert len(rows) == len(seen), (len(rows), len(seen))
    ref = _retrieval.reference_vectors().astype(np.float32)
    for row, (d, r) in zip(rows, seen):
        qa = adapt(np.asarray(d["vec"], dtype=np.float32)[None, :], A)[0]
        top = r["top"]
        ac = float(d["retriever"].vectors[d["retriever"].target_rows(top.target, top.target_id)].dot(qa).max())
        rs = ref @ qa
        row["feats"].update(x_ad_cos=ac, x_ad_ref_gap=ac - float(rs.max()),
                            x_ad_ref_z=(ac - float(rs.mean())) / (float(rs.std()) + 1e-6))
    res = {}
    # Fold noise: the same comparison under other fold assignments (claim groups hashed with a salt).
    group = {d["text"]: "p:" + d["group"] for d in bp.read_jsonl(bp.DATA / "paraphrases.jsonl")}
    group |= {d["text"]: "n:" + json.dumps(d.get("near")) for d in bp.read_jsonl(bp.DATA / "near_topic_negatives.jsonl")}
    group |= {d["text"]: f"t:{d['issue_row']}" for d in bp.read_jsonl(bp.DATA / "translated_claims.jsonl")}
    gkey = [f"a:{d['line']}" if d["set"] == "alo" else group.get(d["text"], "u:" + d["text"]) for d, _ in seen]
    assert all(r["fold"] == _h(g) % bdc.FOLDS for r, g in zip(rows, gkey))
    salted = {}
    for salt in range(1, SALTS + 1):
        for r, g in zip(rows, gkey):
            r["fold"] = _h(f"{salt}:{g}") % bdc.FOLDS
        salted[salt] = {n: bdc.cv(rows, f) for n, f in (("third-pass", BASE), ("adapted", BASE + ["x_ad_cos"]))}
        print("salt", salt, json.dumps({n: _brief(v) for n, v in salted[salt].items()}), flush=True)
    for r, g in zip(rows, gkey):
        r["fold"] = _h(g) % bdc.FOLDS
    res["fold_salts"] = {s: {n: _brief(v) for n, v in x.items()} for s, x in salted.items()}
    for name, feats in (("third-pass features", BASE), ("+ adapted cosine", BASE + ["x_ad_cos"]),
                        ("+ adapted cosine, its reference gap and z", BASE + ["x_ad_cos", "x_ad_ref_gap", "x_ad_ref_z"])):
        res[name] = bdc.cv(rows, feats)
        res[name]["wrong_addressed_by_set"] = negatives_at_own_line(rows, feats)
        print("decision", name, json.dumps(res[name]), flush=True)
    return {"rows": len(rows), "variants": res}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit-only", action="store_true", help="fit and score the held-out training pairs only")
    ap.add_argument("--install", action="store_true",
                    help=f"also write the map to {SHIPPED_MAP.relative_to(REPO)} (then refit with bench_paraphrase.py)")
    ap.add_argument("--l2", type=float, help="fix L2 (full matrix) instead of the held-out choice")
    ap.add_argument("--tau", type=float, help="fix the temperature instead of the held-out choice")
    ap.add_argument("--exclude-matching-test", action="store_true",
                    help="also leave out bench_matching.py's test-half cases (odd rows of cases_dev.csv)")
    args = ap.parse_args()
    global EXCLUDE_MATCHING_TEST
    EXCLUDE_MATCHING_TEST = args.exclude_matching_test
    bp.require_shared()
    store, _ = bp.build_base()
    ret = _retrieval.get_retriever(store)
    ts = training_set(store, ret)
    best, grid = choose(ts)
    if args.l2 is not None or args.tau is not None:  # a fixed setting instead of the held-out choice
        best = dict(best, rank=None, l2=args.l2 if args.l2 is not None else best["l2"],
                    tau=args.tau if args.tau is not None else best["tau"], forced=True)
    # Refit the chosen setting on every training pair (held-out records included).
    A = fit_map(ts["Q"], ts["P"], ts["pos"], l2=best["l2"], tau=best["tau"], rank=best["rank"])
    np.save(MAP_PATH, A)
    if args.install:
        np.save(SHIPPED_MAP, A.astype(np.float32))
        print(f"installed {SHIPPED_MAP.relative_to(REPO)}", flush=True)
    result = {"test_rows_read": 0, "chosen": best, "grid": grid, "pairs": int(len(ts["Q"]))}
    if not args.fit_only:
        result["ranker_cv"] = ranker_cv(A)
        result["decision_cv"] = decision_cv(A)
    write_results("adapter_cv", result)


if __name__ == "__main__":
    main()
