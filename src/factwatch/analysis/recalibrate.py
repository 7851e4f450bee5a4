"""Refit the "addressed" decision on analysts' decisions (`factwatch calibrate`, issue 6 item 5).

The shipped decision (``_calibration.json``: a logistic model over the decision features of the
first candidate, then Platt) is fitted on dev benchmark halves. Analysts' confirm/reject
decisions (``store.list_reviews``) are labels on the same features, snapshotted when they
decided. The refit is an L2-regularised logistic regression in the shipped model's final-logit
space whose penalty pulls it toward the shipped weights — the prior, so 20 decisions nudge the
model rather than replace it — with the prior's strength chosen by cross-validation over the
decisions (folds by claim), then a Platt step fitted on the out-of-fold logits (itself pulled
toward the identity). Before/after are measured by cross-validation by claim: the "after"
numbers come from models that never saw the claim they score.

The newest stored refit is what the match stage and ``match_text`` use
(``stored_calibration``); the shipped file stays the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from factwatch.analysis.match_features import DECISION_FEATURES
from factwatch.errors import InputError
from factwatch.models import Review
from factwatch.store import Store

__all__ = ["CalibrationReport", "calibrate", "review_examples", "stored_calibration", "DEFAULT_MIN_REVIEWS"]

DEFAULT_MIN_REVIEWS = 20
# Prior strengths tried (L2 penalty on the distance from the shipped weights, per standardised
# feature; one decision adds at most 0.25 x^2 of curvature, so 30 is worth over a hundred
# decisions). At 3 or 10, 31 decisions that said the opposite of the shipped model reversed its
# order of the claims (correlation of logits -0.8 and -0.6); at 30 it flattens instead.
PRIOR_STRENGTHS = (30.0, 100.0, 300.0, 1000.0)
BIAS_PENALTY = 0.1  # the bias is pulled 10x less: "the line is too strict" is what analysts say most
PLATT_PRIOR = 3.0
# The Platt slope may flatten the shipped scores (at most 4x) but never flip or erase their order:
# with random labels an unbounded slope went to ~0 or below, i.e. one probability for every claim.
MIN_PLATT_SLOPE = 0.25
N_FOLDS = 5
N_BINS = 5


@dataclass(frozen=True, slots=True)
class _Model:
    weights: np.ndarray  # in the final-logit space: z = x_std @ weights + bias, then platt
    bias: float
    platt: tuple[float, float]
    prior_strength: float

    def logits(self, xs: np.ndarray) -> np.ndarray:
        return self.platt[0] * (xs @ self.weights + self.bias) + self.platt[1]


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    reviews: int  # decisions used
    skipped: int  # decisions whose features could not be had (claim or candidate gone)
    before: dict[str, Any]
    after: dict[str, Any]
    stored: bool
    calibration_id: int | None
    prior_strength: float
    folds: int
    threshold: float

    def as_dict(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "before": self.before, "after": self.after, "stored": self.stored,
                "calibration_id": self.calibration_id, "skipped": self.skipped,
                "prior_strength": self.prior_strength, "folds": self.folds, "threshold": round(self.threshold, 4)}


# -- the stored calibration, as the matcher reads it ------------------------------------------------

def stored_calibration(store: Store, shipped: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """``shipped`` with the newest stored decision in place of its own, and that row's id; the
    shipped calibration and None when nothing usable is stored."""
    row = store.latest_calibration()
    if row is None:
        return shipped, None
    dec = row.parameters.get("decision") or {}
    names = dec.get("features") or []
    if not (names and set(names) <= set(DECISION_FEATURES)
            and all(len(dec.get(k) or ()) == len(names) for k in ("mean", "scale", "weights"))):
        return shipped, None  # written by a version that computed other features
    return dict(shipped, decision=dec, threshold=float(row.parameters.get("threshold", shipped["threshold"]))), row.id


# -- examples -------------------------------------------------------------------------------------

def review_examples(store: Store, names: list[str]) -> tuple[list[tuple[int, list[float], int]], int]:
    """(claim id, decision features in ``names`` order, 1 if confirmed) per decision in force,
    and how many were skipped. Features come from the decision's snapshot; a decision on a
    candidate below rank 1 (the stage keeps evidence for the first only) is re-ranked."""
    reviews = store.list_reviews(latest_only=True)
    out: list[tuple[int, list[float], int]] = []
    missing: list[Review] = []
    for r in reviews:
        if set(names) <= set(r.evidence):
            out.append((r.claim_id, [float(r.evidence[n]) for n in names], int(r.decision == "confirmed")))
        else:
            missing.append(r)
    recomputed = _recompute(store, missing, names)
    for r in missing:
        x = recomputed.get(r.id)
        if x is not None:
            out.append((r.claim_id, x, int(r.decision == "confirmed")))
    return out, len(reviews) - len(out)


def _recompute(store: Store, reviews: list[Review], names: list[str]) -> dict[int, list[float]]:
    """The decision features of each reviewed candidate, by ranking its claim again."""
    if not reviews:
        return {}
    from factwatch.analysis import _retrieval
    from factwatch.analysis.match_features import add_decision_features, decision_feature_dict
    from factwatch.analysis.matching import calibration, rank_query

    retriever = _retrieval.get_retriever(store)
    vectors = store.claim_vectors(sorted({r.claim_id for r in reviews}))
    out: dict[int, list[float]] = {}
    for r in reviews:
        if r.claim_id not in vectors or not len(retriever):
            continue
        claim = store.get_claim(r.claim_id)
        q = np.frombuffer(vectors[r.claim_id], dtype="<f4")
        ranking = rank_query(retriever, q, claim.latin_key, claim.language, text=claim.text, cal=calibration())
        cand = next((c for c, _ in ranking.ranked if (c.target, c.target_id) == (r.target, r.target_id)), None)
        if cand is None:
            continue  # the fact-check left the fact base, or no longer comes up for the claim
        add_decision_features(retriever, cand, q, claim.latin_key, claim.language, text=claim.text)
        d = decision_feature_dict(cand)
        out[r.id] = [float(d.get(n, 0.0)) for n in names]
    return out


# -- fitting --------------------------------------------------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _fit_logistic(
    a: np.ndarray, y: np.ndarray, theta0: np.ndarray, penalty: np.ndarray, *, offset: np.ndarray | float = 0.0,
) -> np.ndarray:
    """argmin sum(log loss of a @ theta + offset) + 1/2 sum(penalty * (theta - theta0)^2): Newton's
    method with backtracking (a full Newton step overshoots where the logits are large and p(1-p) tiny)."""

    def objective(t: np.ndarray) -> float:
        z = a @ t + offset
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * (t - theta0) ** 2))

    theta = theta0.copy()
    value = objective(theta)
    for _ in range(100):
        p = _sigmoid(a @ theta + offset)
        grad = a.T @ (p - y) + penalty * (theta - theta0)
        hess = (a.T * (p * (1 - p))) @ a + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        size = 1.0
        while size > 1e-6:
            candidate = theta - size * step
            new_value = objective(candidate)
            if new_value <= value - 1e-4 * size * float(grad @ step):
                break
            size /= 2
        else:
            break  # no descent left: at the optimum within precision
        theta, value = candidate, new_value
        if float(np.max(np.abs(size * step))) < 1e-9:
            break
    return theta


def _fit_core(xs: np.ndarray, y: np.ndarray, w0: np.ndarray, b0: float, lam: float) -> tuple[np.ndarray, float]:
    a = np.hstack([xs, np.ones((len(xs), 1))])
    penalty = np.array([lam] * xs.shape[1] + [lam * BIAS_PENALTY])
    theta = _fit_logistic(a, y, np.append(w0, b0), penalty)
    return theta[:-1], float(theta[-1])


def _fit_platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    a = np.column_stack([z, np.ones(len(z))])
    alpha, beta = _fit_logistic(a, y, np.array([1.0, 0.0]), np.array([PLATT_PRIOR, PLATT_PRIOR]))
    if alpha < MIN_PLATT_SLOPE:  # refit the offset with the slope held at its floor
        z = MIN_PLATT_SLOPE * z
        (beta,) = _fit_logistic(np.ones((len(z), 1)), y, np.array([0.0]), np.array([PLATT_PRIOR]), offset=z)
        alpha = MIN_PLATT_SLOPE
    return float(alpha), float(beta)


def _folds(groups: np.ndarray, k: int) -> np.ndarray:
    """Fold of each row: whole claims per fold (a claim's decisions never straddle train and test)."""
    claims = sorted(set(groups.tolist()))
    fold_of = {c: i % k for i, c in enumerate(claims)}
    return np.array([fold_of[g] for g in groups.tolist()])


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _fit(xs: np.ndarray, y: np.ndarray, groups: np.ndarray, w0: np.ndarray, b0: float) -> _Model:
    """The refit: prior strength by cross-validation by claim, then Platt on its out-of-fold logits."""
    k = min(N_FOLDS, len(set(groups.tolist())))
    if k < 2 or len(set(y.tolist())) < 2:
        w, b = _fit_core(xs, y, w0, b0, PRIOR_STRENGTHS[0])
        return _Model(w, b, (1.0, 0.0), PRIOR_STRENGTHS[0])
    folds = _folds(groups, k)
    best: tuple[float, float, np.ndarray] | None = None
    for lam in sorted(PRIOR_STRENGTHS, reverse=True):  # ties keep the stronger prior
        oof = np.zeros(len(y))
        for f in range(k):
            test = folds == f
            w, b = _fit_core(xs[~test], y[~test], w0, b0, lam)
            oof[test] = xs[test] @ w + b
        loss = _log_loss(_sigmoid(oof), y)
        if best is None or loss < best[0] - 1e-9:
            best = (loss, lam, oof)
    assert best is not None
    _, lam, oof = best
    w, b = _fit_core(xs, y, w0, b0, lam)
    return _Model(w, b, _fit_platt(oof, y), lam)


# -- metrics --------------------------------------------------------------------------------------

def metrics(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, Any]:
    """Log-loss, Brier, accuracy, precision and recall of "addressed" at ``threshold``, ECE and
    the reliability table (equal-width bins of the predicted probability)."""
    pred = p >= threshold
    tp = int(np.sum(pred & (y == 1)))
    bins = []
    ece = 0.0
    for i in range(N_BINS):
        lo, hi = i / N_BINS, (i + 1) / N_BINS
        inside = (p >= lo) & ((p < hi) if i < N_BINS - 1 else (p <= hi))
        n = int(inside.sum())
        if n:
            mean_p, observed = float(p[inside].mean()), float(y[inside].mean())
            ece += n / len(p) * abs(mean_p - observed)
            bins.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": n, "mean_p": round(mean_p, 4),
                         "observed": round(observed, 4)})
        else:
            bins.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": 0, "mean_p": None, "observed": None})
    return {
        "log_loss": round(_log_loss(p, y), 4),
        "brier": round(float(np.mean((p - y) ** 2)), 4),
        "accuracy": round(float(np.mean(pred == (y == 1))), 4),
        "precision": round(tp / int(pred.sum()), 4) if pred.any() else None,
        "recall": round(tp / int(y.sum()), 4) if y.any() else None,
        "addressed": int(pred.sum()),
        "ece": round(ece, 4),
        "reliability": bins,
    }


# -- the service ----------------------------------------------------------------------------------

def calibrate(
    store: Store, *, min_reviews: int = DEFAULT_MIN_REVIEWS, dry_run: bool = False, who: str | None = None,
) -> CalibrationReport:
    """Refit the decision on the analysts' decisions in force, report before (the shipped
    decision) and after (the refit, cross-validated by claim), and store the refit unless ``dry_run``."""
    from factwatch.analysis.matching import calibration
    from factwatch.respond.review import reviewer_name

    if min_reviews < 2:
        raise InputError(f"--min-reviews must be at least 2, got {min_reviews}.")
    shipped = calibration()
    dec = shipped["decision"]
    names = list(dec["features"])
    examples, skipped = review_examples(store, names)
    if len(examples) < min_reviews:
        raise InputError(
            f"{len(examples)} analyst decision(s) to learn from; calibrate needs at least {min_reviews} "
            f"(--min-reviews). Record more with `factwatch review confirm|reject MATCH_ID` "
            f"(`factwatch review list` shows the candidates).")
    y = np.array([e[2] for e in examples], dtype=float)
    if len(set(y.tolist())) < 2:
        kind = "confirmed" if y[0] == 1 else "rejected"
        raise InputError(
            f"All {len(examples)} decisions are {kind}: a refit needs both confirmed and rejected matches. "
            f"Review some of the other kind with `factwatch review list --status pending`.")
    groups = np.array([e[0] for e in examples])
    xs = (np.array([e[1] for e in examples]) - np.asarray(dec["mean"])) / np.asarray(dec["scale"])
    # The shipped decision in its final-logit space: Platt folded into the weights.
    a, c = dec.get("platt") or (1.0, 0.0)
    w0 = a * np.asarray(dec["weights"], dtype=float)
    b0 = a * float(dec["bias"]) + c
    threshold = float(shipped["threshold"])

    before = metrics(_sigmoid(xs @ w0 + b0), y, threshold)
    k = min(N_FOLDS, len(set(groups.tolist())))
    folds = _folds(groups, k)
    p_after = np.zeros(len(y))
    for f in range(k):
        test = folds == f
        model = _fit(xs[~test], y[~test], groups[~test], w0, b0)
        p_after[test] = _sigmoid(model.logits(xs[test]))
    after = metrics(p_after, y, threshold)
    final = _fit(xs, y, groups, w0, b0)

    stored_id: int | None = None
    if not dry_run:
        parameters = {
            "decision": {"features": names, "mean": list(dec["mean"]), "scale": list(dec["scale"]),
                         "weights": [float(v) for v in final.weights], "bias": final.bias,
                         "platt": list(final.platt),
                         "fitted_on": f"{len(examples)} analysts' decisions, prior: the shipped decision"},
            "threshold": threshold,
            "prior_strength": final.prior_strength,
        }
        row = store.add_calibration(who=who or reviewer_name(), n_reviews=len(examples), parameters=parameters,
                                    metrics={"before": before, "after": after, "skipped": skipped})
        stored_id = row.id
    return CalibrationReport(
        reviews=len(examples), skipped=skipped, before=before, after=after, stored=not dry_run,
        calibration_id=stored_id, prior_strength=final.prior_strength, folds=k, threshold=threshold)

