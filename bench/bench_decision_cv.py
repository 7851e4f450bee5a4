"""Cross-validation of the ``addressed`` decision INSIDE the dev halves (issue 6 follow-up).

    PYTHONPATH=src .venv/bin/python bench/bench_decision_cv.py   (~3 min; reads no test row)

Same queries, bases, left-out copies, Alo.rs claims and group weighting as
bench/bench_paraphrase.py, but only dev rows: 5 folds by claim group (a paraphrase's gold
group, a translated title's case, a near-topic sentence's target record, an Alo article), the
decision refitted on four folds and scored on the fifth. Variants: extra absolute features,
other false-alarm weights and L2, boosted stumps. Each is read two ways: at its own line
(z >= 0 of the weighted fit, as shipped) and at the score where the dev near-topic rate is
1/2/4/6% (recall then does not move just because the line did).
Writes bench/results/decision_cv.json; changes no calibration.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_paraphrase as bp  # noqa: E402
from _common import write_results  # noqa: E402

from factwatch.analysis import _retrieval  # noqa: E402
from factwatch.analysis.match_features import DECISION_FEATURES  # noqa: E402
from factwatch.analysis._concepts import agreement, concepts, split_agreement  # noqa: E402
from factwatch.analysis.matching import calibration, rank_candidates  # noqa: E402

FOLDS = 5
REF_TOP = 10  # CSLS-style neighbourhood: mean of the 10 highest cosines to the reference set
BASE = list(DECISION_FEATURES)
# Concept agreement (analysis/_concepts.py) as decision evidence, split into what happens and
# who and where, with its cross-language share and the candidate's concept count: tried, not shipped.
CONCEPT = ["x_cc_pred", "x_cc_pred_extra", "x_cc_act", "x_cc_act_extra", "x_cc_xl_pred", "x_cc_n"]


def dev_rows() -> list[dict]:
    """One row per dev decision: the shipped decision features of the first candidate plus the
    raw values the candidate features below need."""
    with bp.CASES.open(encoding="utf-8", newline="") as f:
        cases = list(csv.DictReader(f))
    store, _ = bp.build_base()
    retriever = _retrieval.get_retriever(store)
    by_ext, by_title = bp.gold_targets(store, retriever)
    queries = [q for q in bp.load_queries(cases, by_ext, by_title) if q["split"] == "dev"]
    group = {d["text"]: "p:" + d["group"] for d in bp.read_jsonl(bp.DATA / "paraphrases.jsonl")}
    group |= {d["text"]: "n:" + json.dumps(d.get("near")) for d in bp.read_jsonl(bp.DATA / "near_topic_negatives.jsonl")}
    group |= {d["text"]: f"t:{d['issue_row']}" for d in bp.read_jsonl(bp.DATA / "translated_claims.jsonl")}
    vecs = bp.embed_texts(store, [q["text"] for q in queries], kind="query", batch_size=64)
    for d, v in zip(queries, vecs):
        d["base"] = "full"
        bp.evaluate_query(d, retriever, v, None)
    queries += bp.on_profile_base(queries, bp.profile_retriever(store, retriever))
    alo = [d for d in bp.alo_claims() if d["split"] == "dev"]
    cal = calibration()
    ref = _retrieval.reference_vectors()

    def ref_stats(v: np.ndarray) -> tuple[float, float, float]:
        s = ref @ v
        return float(np.sort(s)[-REF_TOP:].mean()), float(s.mean()), float(s.std()) + 1e-6

    out = []
    for d in queries + alo:
        g = f"a:{d['line']}" if d["set"] == "alo" else group.get(d["text"], "u:" + d["text"])
        q_top, _, _ = ref_stats(d["vec"])
        for lo in ([False, True] if d["gold"] else [False]):
            r = bp.decide(d, cal, left_out=lo)
            top = r["top"]
            if top is None:
                continue
            ret = d["retriever"]
            f = dict(top.features)
            csls, pz = [], []
            for row in ret.target_rows(top.target, top.target_id):
                c = float(ret.vectors[row] @ d["vec"])
                p_top, p_mean, p_sd = ref_stats(ret.vectors[row])
                csls.append(2 * c - q_top - p_top)  # both sides' hubness removed
                pz.append((c - p_mean) / p_sd)  # how unusual the cosine is for this passage
            s = f["d_same"]
            qc = concepts(d["key"])
            pcs = [concepts(ret.passages[row].latin_key) for row in ret.target_rows(top.target, top.target_id)]
            rec, extra = agreement(qc, pcs)
            n_c = max((len(p) for p in pcs), default=0)
            pr, pe, ar, ae = split_agreement(qc, pcs)
            f.update(x_cc_rec=rec, x_cc_extra=extra, x_cc_xl_rec=(1 - s) * rec, x_cc_n=min(n_c, 6) / 6.0,
                     x_cc_rec_cos=rec * f["d_cos"], x_cc_pred=pr, x_cc_pred_extra=pe, x_cc_act=ar, x_cc_act_extra=ae,
                     x_cc_xl_pred=(1 - s) * pr)
            # The re-ranker's own verdict on the first candidate (relative: it reads the rest of
            # the base), its margin over the next *different* record (refiled copies skipped),
            # and an event conflict: the sentence's what-happens concepts share none with the
            # candidate's (a veto that only lowers P). Tried for helper S's pass, not shipped.
            cands = [c for c in d["cands"] if not (lo and c.target == "fact_check"
                                                   and c.target_id in d.get("copies", d["gold"]))]
            ranked = rank_candidates(cands, cal)
            tv = ret.vectors[ret.target_rows(top.target, top.target_id)]
            wk = {ret.word_key(x) for x in ret.target_rows(top.target, top.target_id)}
            nxt = next((sc for c, sc in ranked[1:] if ret.word_key(c.row) not in wk
                        and float((tv @ ret.vectors[c.row]).max()) < bp.DUP_COS), 0.0)
            p1 = min(max(ranked[0][1], 1e-4), 1 - 1e-4)
            f.update(x_rank_logit=float(np.log(p1 / (1 - p1))), x_rank_margin=ranked[0][1] - nxt,
                     x_event_conflict=float(pr == 0.0 and pe == 1.0))
            f.update(x_csls=max(csls), x_pz=max(pz),
                     x_z_ent=f["d_ref_z"] * f["d_entity_recall"], x_csls_ent=max(csls) * f["d_entity_recall"],
                     x_s_gap=s * f["d_ref_gap"], x_s_z=s * f["d_ref_z"], x_x_gap=(1 - s) * f["d_ref_gap"],
                     x_x_z=(1 - s) * f["d_ref_z"], x_s_cos=s * f["d_cos"])
            out.append({"set": d["set"], "base": d["base"], "left_out": lo, "label": r["label"],
                        "positive": r["positive"], "feats": f,
                        "fold": int(hashlib.md5(g.encode()).hexdigest(), 16) % FOLDS,
                        "group": d["base"] + ":" + ("leftout-" if lo else "") + d["set"]
                                 + ("-wrong" if r["positive"] and not r["label"] else "")})
    return out


def weights(rs: list[dict], fp: float) -> tuple[np.ndarray, np.ndarray]:
    """bench_paraphrase's weighting: each group the same total, a false "addressed" ``fp`` times."""
    counts: dict[str, int] = defaultdict(int)
    for r in rs:
        counts[r["group"]] += 1
    w = np.array([1.0 / counts[r["group"]] for r in rs]) * len(rs) / len(counts)
    y = np.array([r["label"] for r in rs])
    return np.where(y == 0, w * fp, w), y


def matrix(rs: list[dict], feats: list[str]) -> np.ndarray:
    return np.array([[r["feats"][f] for f in feats] for r in rs], dtype=float)


def logistic(tr, te, feats, fp, l2):
    X, Xt = matrix(tr, feats), matrix(te, feats)
    w, y = weights(tr, fp)
    m, s = X.mean(0), X.std(0) + 1e-9
    b, c = bp.fit_logistic((X - m) / s, y, w, l2=l2)
    z = ((X - m) / s) @ b + c
    a, bb = bp.fit_logistic(z[:, None], y, np.ones(len(y)), l2=1e-3)  # Platt, as shipped
    zt = ((Xt - m) / s) @ b + c
    return zt, a[0] * zt + bb


def stumps(tr, te, feats, fp, l2, rounds: int = 150, lr: float = 0.1):
    """Gradient-boosted depth-1 trees (logistic loss, Newton steps), thresholds at 5% quantiles."""
    X, Xt = matrix(tr, feats), matrix(te, feats)
    w, y = weights(tr, fp)
    cuts = [np.unique(np.quantile(X[:, j], np.linspace(0.05, 0.95, 19))) for j in range(X.shape[1])]
    p0 = np.average(y, weights=w)
    F, Ft = np.full(len(X), np.log(p0 / (1 - p0))), np.full(len(Xt), np.log(p0 / (1 - p0)))
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-F))
        g, h = w * (y - p), w * p * (1 - p) + 1e-9
        best = max(((gl * gl / (hl + l2) + (g.sum() - gl) ** 2 / (h.sum() - hl + l2), j, t, gl / (hl + l2),
                     (g.sum() - gl) / (h.sum() - hl + l2))
                    for j in range(X.shape[1]) for t in cuts[j]
                    for gl, hl in [(g[X[:, j] <= t].sum(), h[X[:, j] <= t].sum())]), key=lambda b: b[0])
        _, j, t, vl, vr = best
        F += lr * np.where(X[:, j] > t, vr, vl)
        Ft += lr * np.where(Xt[:, j] > t, vr, vl)
    z = F
    a, bb = bp.fit_logistic(z[:, None], y, np.ones(len(y)), l2=1e-3)
    return Ft, a[0] * Ft + bb


def cv(rows, feats, *, model=logistic, fp=bp.FALSE_POSITIVE_COST, l2=bp.DECISION_L2, misses: bool = False) -> dict:
    z, zp = np.zeros(len(rows)), np.zeros(len(rows))
    for k in range(FOLDS):
        tr = [r for r in rows if r["fold"] != k]
        idx = [i for i, r in enumerate(rows) if r["fold"] == k]
        z[idx], zp[idx] = model(tr, [rows[i] for i in idx], feats, fp, l2)
    out = summarise(rows, z, 1 / (1 + np.exp(-zp)))
    if misses:
        out["why_missed"] = why_missed(rows, z)
    return out


def why_missed(rows, z) -> dict:
    """Median evidence of dev rewordings (full base, gold first) addressed vs missed, and of
    near-topic negatives: which features keep a true rewording under the line."""
    para = [i for i, r in enumerate(rows) if r["positive"] and r["set"] == "paraphrase" and r["base"] == "full"]
    first = [i for i in para if rows[i]["label"] == 1]
    sets = {"addressed": [i for i in first if z[i] >= 0], "missed": [i for i in first if z[i] < 0],
            "near_topic": [i for i, r in enumerate(rows) if r["set"] == "near_topic"]}
    out = {"paraphrases": len(para), "gold_first": len(first), "gold_not_first": len(para) - len(first),
           **{f"n_{k}": len(v) for k, v in sets.items()}, "median": {}}
    for f in ("d_cos", "d_ref_gap", "d_ref_z", "x_csls", "d_entity_recall", "d_entity_extra", "d_fuzzy", "d_same"):
        out["median"][f] = {k: round(float(np.median([rows[i]["feats"][f] for i in v])), 3) for k, v in sets.items()}
    gap90 = np.quantile([rows[i]["feats"]["d_ref_gap"] for i in sets["near_topic"]], 0.9)
    out["missed_below_near_topic_p90_ref_gap"] = round(float(np.mean([rows[i]["feats"]["d_ref_gap"] < gap90
                                                                       for i in sets["missed"]])), 3)
    out["missed_cross_language"] = round(float(np.mean([rows[i]["feats"]["d_same"] == 0 for i in sets["missed"]])), 3)
    return out


def summarise(rows, z, p) -> dict:
    def mask(fn):
        return np.array([bool(fn(r)) for r in rows])

    hit = mask(lambda r: r["label"] == 1)
    add = z >= 0
    para = mask(lambda r: r["positive"] and r["set"] == "paraphrase" and r["base"] == "full")
    trans = mask(lambda r: r["positive"] and r["set"] == "translated" and r["base"] == "full")
    near = mask(lambda r: r["set"] == "near_topic")
    out = {"paraphrase_addressed_recall": round(float((add & hit)[para].mean()), 3),
           "translated_addressed_recall": round(float((add & hit)[trans].mean()), 3),
           "near_topic_addressed": f"{int(add[near].sum())}/{int(near.sum())}",
           "left_out_addressed": f"{int(add[mask(lambda r: r['left_out'])].sum())}/{int(mask(lambda r: r['left_out']).sum())}",
           "alo_addressed": f"{int(add[mask(lambda r: r['set'] == 'alo')].sum())}/{int(mask(lambda r: r['set'] == 'alo').sum())}",
           "ece": bp.reliability(p, hit.astype(float))[1], "at_near_topic_rate": {}}
    other_neg = ~hit & ~near
    for rate in (0.01, 0.02, 0.04, 0.06):
        t = float(np.quantile(z[near], 1 - rate))
        out["at_near_topic_rate"][f"{rate:.0%}"] = {
            "paraphrase_recall": round(float(((z > t) & hit)[para].mean()), 3),
            "other_negatives_addressed": int((z[other_neg] > t).sum())}
    return out


def ranker_cv() -> dict:
    """The re-ranker's dev s@1/s@10 by the same group folds, with and without a hubness-corrected
    cosine per candidate (cosine minus the passage's mean top-10 reference cosine: a passage near
    everything should not win by that)."""
    from factwatch.analysis.match_features import features_matrix

    with bp.CASES.open(encoding="utf-8", newline="") as f:
        cases = list(csv.DictReader(f))
    store, _ = bp.build_base()
    ret = _retrieval.get_retriever(store)
    by_ext, by_title = bp.gold_targets(store, ret)
    qs = [q for q in bp.load_queries(cases, by_ext, by_title) if q["split"] == "dev" and q["gold"]]
    group = {d["text"]: "p:" + d["group"] for d in bp.read_jsonl(bp.DATA / "paraphrases.jsonl")}
    group |= {d["text"]: f"t:{d['issue_row']}" for d in bp.read_jsonl(bp.DATA / "translated_claims.jsonl")}
    hub = np.sort(ret.vectors @ _retrieval.reference_vectors().T, axis=1)[:, -REF_TOP:].mean(1)
    data = []
    for d, v in zip(qs, bp.embed_texts(store, [q["text"] for q in qs], kind="query", batch_size=64)):
        d["base"] = "full"
        bp.evaluate_query(d, ret, v, None)
        hub_cos = [[float(c.features["cos"] - hub[c.row])] for c in d["cands"]]
        qc = concepts(d["key"])
        conc = [list(agreement(qc, pcs)) + list(split_agreement(qc, pcs))
                for c in d["cands"]
                for pcs in [[concepts(ret.passages[r].latin_key) for r in ret.target_rows(c.target, c.target_id)]]]
        data.append({"set": d["set"], "fold": int(hashlib.md5(group.get(d["text"], d["text"]).encode()).hexdigest(), 16) % FOLDS,
                     "X": features_matrix(d["cands"]), "H": np.array(hub_cos), "C": np.array(conc).reshape(-1, 6),
                     "y": np.array([float(c.target == "fact_check" and c.target_id in d["gold"]) for c in d["cands"]])})
    out = {}
    from factwatch.analysis.match_features import RANKER_FEATURES

    keep = np.array([not f.startswith("concept_") for f in RANKER_FEATURES])
    no_jaccard = np.array([f != "concept_jaccard" for f in RANKER_FEATURES])
    for name, hubbed in (("shipped ranker features (with concept agreement)", False),
                         ("without concept_jaccard (concept table, before helper S)", "nojac"),
                         ("without concept agreement (issue 6 first pass)", "before"),
                         ("+ hubness-corrected cosine", True),
                         ("+ concept agreement split: what happens / who and where", "C")):
        ranks: dict[str, list[int]] = defaultdict(list)
        for k in range(FOLDS):
            def mat(q):
                if hubbed == "before":
                    return q["X"][:, keep]
                if hubbed == "nojac":
                    return q["X"][:, no_jaccard]
                if hubbed == "C":
                    return np.hstack([q["X"], q["C"][:, 2:]])
                return np.hstack([q["X"], q["H"]]) if hubbed else q["X"]
            tr = [q for q in data if q["fold"] != k]
            Xa = np.vstack([mat(q) for q in tr])
            wa = np.concatenate([np.full(len(q["y"]), bp.RANKER_SET_WEIGHT.get(q["set"], 1.0) * 50.0 / len(q["y"])) for q in tr])
            m, s = Xa.mean(0), Xa.std(0) + 1e-9
            b, c = bp.fit_logistic((Xa - m) / s, np.concatenate([q["y"] for q in tr]), wa, l2=bp.RANKER_L2)
            for q in (q for q in data if q["fold"] == k):
                sc = ((mat(q) - m) / s) @ b + c
                gold = sc[q["y"] == 1].max() if q["y"].any() else np.inf
                ranks[q["set"]].append(1 + int((sc > gold).sum()))
        out[name] = {k: {"n": len(v), "s@1": round(float(np.mean(np.array(v) <= 1)), 3),
                         "s@10": round(float(np.mean(np.array(v) <= 10)), 3)} for k, v in ranks.items()}
        print(name, json.dumps(out[name]), flush=True)
    return out


def main() -> None:
    bp.require_shared()
    rows = dev_rows()
    variants = {
        "shipped features (logistic, FA 2x, L2 1)": dict(feats=BASE, misses=True),
        "+ concept agreement: what happens / who and where, cross-language, count": dict(feats=BASE + CONCEPT,
                                                                                          misses=True),
        "+ concept agreement, not split (recall, extra)": dict(feats=BASE + ["x_cc_rec", "x_cc_extra"]),
        "+ CSLS (cosine minus both sides' reference neighbourhoods)": dict(feats=BASE + ["x_csls"]),
        "+ per-language-group slopes (same / cross language x ref gap, ref z, cosine)":
            dict(feats=BASE + ["x_s_gap", "x_s_z", "x_x_gap", "x_x_z", "x_s_cos"]),
        "+ re-ranker logit of the first candidate (relative)": dict(feats=BASE + ["x_rank_logit"]),
        "+ re-ranker margin over the next different record (relative)": dict(feats=BASE + ["x_rank_margin"]),
        "+ event conflict (what-happens concepts disjoint)": dict(feats=BASE + ["x_event_conflict"]),
        "false alarm 1x": dict(feats=BASE, fp=1.0),
        "false alarm 3x": dict(feats=BASE, fp=3.0),
        "L2 0.1": dict(feats=BASE, l2=0.1),
        "L2 10": dict(feats=BASE, l2=10.0),
    }
    only = sys.argv[1:]  # optional name fragments: run only those variants (the first always)
    if only:
        keep = [n for i, n in enumerate(variants) if i == 0 or any(o in n for o in only)]
        variants = {n: variants[n] for n in keep}
    res = {}
    for name, kw in variants.items():
        res[name] = cv(rows, **kw)
        print(name, json.dumps(res[name]), flush=True)
    write_results("decision_cv", {"rows": len(rows), "folds": FOLDS, "test_rows_read": 0, "variants": res,
                                  "ranker": ranker_cv()})


if __name__ == "__main__":
    main()
