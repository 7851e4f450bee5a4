"""Refit narrative thresholds on analysts' decisions (`factwatch narratives calibrate`, issue 9).

The shipped thresholds (``_narrative_calibration.json``, or the defaults of a catalogue nobody
labelled) are one per catalogue and level: narratives, sub-narratives, claims. Analysts'
confirm/reject decisions (``narrative_decisions``) are labels on the classifier's score for that
(document or claim, narrative). For each narrative and level with at least ``min_reviews``
decisions, the refit picks the threshold that makes the fewest errors on them (ties: the one
nearest the shipped threshold), then shrinks it toward the shipped threshold as if the shipped
one came with ``PRIOR_REVIEWS`` decisions of its own, and bounds the move; the rest keep the
shipped threshold. Confirmations of narratives the classifier did not assign (an analyst added
the label) count as positives below the line, so they can lower it.

Scores are recomputed with the current catalogue (vectors come from the store's cache, the
same computation the stage stored in ``narrative_assignments``), because a decision recorded
before a catalogue change carries an old score, and an added label has none. Before/after are
precision and recall of "assigned" against the decisions, cross-validated by document (the
issue-6 folds, ``recalibrate._folds``): "after" comes from thresholds fitted without the
document they score. For a catalogue without calibration the decision also keeps only narratives
within ``margin`` of the text's best one; the evaluation applies that too. Not modelled: a
sub-narrative also needs its parent found.

The newest stored refit of a catalogue is what the stage and ``narratives classify`` use
(``with_stored_thresholds``); the stage re-classifies every document when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from factwatch.analysis.narrative_model import Calibration, NarrativeModel
from factwatch.analysis.recalibrate import N_FOLDS, _folds
from factwatch.errors import InputError
from factwatch.store import Store

__all__ = ["NarrativeCalibrationReport", "calibrate_narratives", "with_stored_thresholds", "DEFAULT_MIN_REVIEWS",
           "PRIOR_REVIEWS"]

DEFAULT_MIN_REVIEWS = 8  # per narrative and level
# The shipped threshold counts as this many decisions: 8 decisions that all say "higher" move it
# 8/13 of the way to where they point, 40 decisions 40/45 of the way.
PRIOR_REVIEWS = 5
# The most a refit moves a threshold: raw cosines (e5 crowds them into 0.75-0.95) and
# standardised SemEval scores (shipped thresholds 0.25, scores mostly within -0.5..1) differ in scale.
MAX_SHIFT_COSINE = 0.05
MAX_SHIFT_STANDARDISED = 0.25
LEVELS = ("documents", "claims")


# -- the stored refit, as the classifier reads it --------------------------------------------------

def with_stored_thresholds(store: Store, catalogue: str, cal: Calibration) -> Calibration:
    """``cal`` with the per-narrative thresholds of the catalogue's newest stored refit, if any."""
    row = store.latest_narrative_calibration(catalogue)
    if row is None:
        return cal
    p = row.parameters
    return replace(cal, learned={str(k): float(v) for k, v in (p.get("documents") or {}).items()},
                   learned_claims={str(k): float(v) for k, v in (p.get("claims") or {}).items()})


# -- examples ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Example:
    catalogue: str
    narrative: str
    level: str  # "documents" | "claims"
    document_id: int
    score: float
    floor: float  # the margin rule: below this the narrative is never assigned, whatever the threshold
    confirmed: int
    assigned: bool  # the stage assigns it now


def _shipped_threshold(model: NarrativeModel, j: int, level: str) -> float:
    cal = model.calibration
    if level == "claims":
        return cal.claim_threshold
    return cal.threshold if model.narratives[j].parent is None else cal.sub_threshold


def _examples(store: Store, models: list[NarrativeModel]) -> tuple[list[_Example], int, int]:
    """One example per decision in force whose narrative is active and scorable; how many
    decisions there were and how many were skipped."""
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.narratives import catalogue_vocabulary, document_view

    owner = {n.id: (m, j) for m in models for j, n in enumerate(m.narratives)}
    memo: dict[str, bytes] = {}  # read only: new vectors stay in this run
    decisions = store.narrative_decisions_scored()
    vocabulary = catalogue_vocabulary([n for m in models for n in m.narratives])
    scores: dict[tuple[int, int | None, int], tuple[np.ndarray, float]] = {}
    out: list[_Example] = []
    for review, current in decisions:
        if review.narrative_id not in owner:
            continue  # retired, or its catalogue is gone
        model, j = owner[review.narrative_id]
        key = (review.document_id, review.claim_id, id(model))
        if key not in scores:
            cal = model.calibration
            if review.claim_id is None:
                doc = store.get_document(review.document_id)
                # The sentences the stage scored the document by (pick_sentences), so the refit sees its scores.
                sents, vectors, _, _ = document_view(store, models, vocabulary, doc, memo=memo)
                s = model.score(vectors).scores if sents else None
                margin_applies = not cal.standardised
            else:
                claim = next((c for c in store.claims_of_document(review.document_id) if c.id == review.claim_id), None)
                v = embed_texts(store, [claim.text], kind="query", memo=memo) if claim else None
                s = model.sentence_scores(v)[0] if v is not None else None
                margin_applies = True
            if s is None or not len(s):
                continue
            finite = s[np.isfinite(s)]
            floor = float(finite.max()) - cal.margin if margin_applies and cal.margin is not None and len(finite) else -np.inf
            scores[key] = (s, floor)
        s, floor = scores[key]
        if not np.isfinite(s[j]):
            continue  # gated out: the document's domain is another one
        out.append(_Example(model.narratives[j].catalogue, review.narrative_id,
                            "claims" if review.claim_id is not None else "documents", review.document_id,
                            float(s[j]), floor, int(review.decision == "confirmed"), current is not None))
    return out, len(decisions), len(decisions) - len(out)


# -- fitting ----------------------------------------------------------------------------------

def _predict(s: np.ndarray, floor: np.ndarray, t: float) -> np.ndarray:
    return s >= np.maximum(t, floor)


def fit_threshold(s: np.ndarray, floor: np.ndarray, y: np.ndarray, shipped: float, max_shift: float) -> float:
    """Fewest errors on the decisions (ties: nearest ``shipped``), shrunk toward ``shipped`` by
    ``PRIOR_REVIEWS`` pseudo-decisions, within ``max_shift`` of it."""
    u = np.unique(s)
    cands = np.concatenate([[shipped, u[0] - 1e-6, u[-1] + 1e-6], (u[:-1] + u[1:]) / 2])
    errors = np.array([np.sum(_predict(s, floor, t) != (y == 1)) for t in cands])
    best = cands[errors == errors.min()]
    t_fit = float(best[np.argmin(np.abs(best - shipped))])
    t = (len(s) * t_fit + PRIOR_REVIEWS * shipped) / (len(s) + PRIOR_REVIEWS)
    return float(np.clip(t, shipped - max_shift, shipped + max_shift))


def _fit_all(examples: list[_Example], rows: np.ndarray, shipped: dict[tuple[str, str], float],
             shifts: dict[tuple[str, str], float], min_reviews: int) -> dict[tuple[str, str], float]:
    """Thresholds for each (narrative, level) with at least ``min_reviews`` of ``rows``."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i in rows.tolist():
        groups.setdefault((examples[i].narrative, examples[i].level), []).append(i)
    fitted = {}
    for key, idx in groups.items():
        if len(idx) >= min_reviews:
            ex = [examples[i] for i in idx]
            fitted[key] = fit_threshold(np.array([e.score for e in ex]), np.array([e.floor for e in ex]),
                                        np.array([e.confirmed for e in ex]), shipped[key], shifts[key])
    return fitted


def _pr(pred: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    tp, fp = int(np.sum(pred & (y == 1))), int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    return {"precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None,
            "accuracy": round(float(np.mean(pred == (y == 1))), 4), "assigned": tp + fp,
            "true_positives": tp, "false_positives": fp, "false_negatives": fn}


# -- the service ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NarrativeCalibrationReport:
    decisions: int  # decisions in force
    used: int
    skipped: int  # retired narrative, claim or document gone, or gated out of the document's domain
    added_labels: int  # confirmations of narratives the classifier does not assign
    folds: int
    min_reviews: int
    prior_reviews: int
    before: dict[str, Any]
    after: dict[str, Any]
    narratives: list[dict[str, Any]]
    stored: bool
    calibration_ids: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"decisions": self.decisions, "used": self.used, "skipped": self.skipped,
                "added_labels": self.added_labels, "folds": self.folds, "min_reviews": self.min_reviews,
                "prior_reviews": self.prior_reviews, "before": self.before, "after": self.after,
                "narratives": self.narratives, "stored": self.stored, "calibration_ids": self.calibration_ids}


def calibrate_narratives(
    store: Store, *, min_reviews: int = DEFAULT_MIN_REVIEWS, dry_run: bool = False, who: str | None = None,
) -> NarrativeCalibrationReport:
    """Refit per-narrative thresholds on the decisions in force, report before (shipped) and
    after (cross-validated by document), and store the refit per catalogue unless ``dry_run``."""
    from factwatch.analysis.narratives import build_models
    from factwatch.respond.review import reviewer_name

    if min_reviews < 2:
        raise InputError(f"--min-reviews must be at least 2, got {min_reviews}.")
    models = build_models(store, memo={}, learned=False)
    examples, n_decisions, skipped = _examples(store, models)
    if not examples:
        why = (f"none of the {n_decisions} decision(s) is on an active narrative that can be scored"
               if n_decisions else "there are no analysts' decisions on narratives")
        raise InputError(
            f"Nothing to calibrate: {why}. Record some with `factwatch narratives confirm|reject DOCUMENT_ID "
            f"NARRATIVE_ID` (`factwatch narratives show ID` lists a narrative's documents; the web /review queue too).")
    owner = {n.id: (m, j) for m in models for j, n in enumerate(m.narratives)}
    shipped: dict[tuple[str, str], float] = {}
    shifts: dict[tuple[str, str], float] = {}
    for e in examples:
        m, j = owner[e.narrative]
        shipped[(e.narrative, e.level)] = _shipped_threshold(m, j, e.level)
        standardised = m.calibration.standardised and e.level == "documents"
        shifts[(e.narrative, e.level)] = MAX_SHIFT_STANDARDISED if standardised else MAX_SHIFT_COSINE
    s = np.array([e.score for e in examples])
    floor = np.array([e.floor for e in examples])
    y = np.array([e.confirmed for e in examples])
    t0 = np.array([shipped[(e.narrative, e.level)] for e in examples])
    before = _pr(s >= np.maximum(t0, floor), y)

    docs = np.array([e.document_id for e in examples])
    k = min(N_FOLDS, len(set(docs.tolist())))
    pred_after = s >= np.maximum(t0, floor)
    if k >= 2:
        folds = _folds(docs, k)
        for f in range(k):
            fitted = _fit_all(examples, np.flatnonzero(folds != f), shipped, shifts, min_reviews)
            for i in np.flatnonzero(folds == f).tolist():
                t = fitted.get((examples[i].narrative, examples[i].level), t0[i])
                pred_after[i] = s[i] >= max(t, floor[i])
    after = _pr(pred_after, y)
    final = _fit_all(examples, np.arange(len(examples)), shipped, shifts, min_reviews)

    rows = []
    for key in sorted(shipped):
        idx = [i for i, e in enumerate(examples) if (e.narrative, e.level) == key]
        rows.append({"narrative": key[0], "level": key[1], "catalogue": examples[idx[0]].catalogue,
                     "decisions": len(idx), "confirmed": int(sum(y[i] for i in idx)),
                     "added_labels": sum(1 for i in idx if y[i] and not examples[i].assigned),
                     "shipped": round(shipped[key], 4),
                     "threshold": round(final[key], 4) if key in final else None})

    ids: dict[str, int] = {}
    if not dry_run:
        # A catalogue whose earlier refit is in force gets a row even when nothing is fitted now
        # (say, a higher --min-reviews): the refit in force always matches the latest report.
        by_catalogue: dict[str, dict[str, dict[str, float]]] = {
            cat: {lv: {} for lv in LEVELS} for cat in {e.catalogue for e in examples}
            if store.latest_narrative_calibration(cat) is not None}
        for (nid, level), t in final.items():
            cat = owner[nid][0].narratives[owner[nid][1]].catalogue
            by_catalogue.setdefault(cat, {lv: {} for lv in LEVELS})[level][nid] = t
        for cat, thresholds in sorted(by_catalogue.items()):
            n = sum(1 for e in examples if e.catalogue == cat)
            row = store.add_narrative_calibration(
                cat, who=who or reviewer_name(), n_reviews=n,
                parameters={**thresholds, "prior_reviews": PRIOR_REVIEWS, "min_reviews": min_reviews,
                            "fitted_on": f"{n} analysts' decisions, prior: the shipped thresholds"},
                metrics={"before": before, "after": after})
            ids[cat] = row.id
    return NarrativeCalibrationReport(
        decisions=n_decisions, used=len(examples), skipped=skipped,
        added_labels=sum(1 for e in examples if e.confirmed and not e.assigned), folds=k, min_reviews=min_reviews,
        prior_reviews=PRIOR_REVIEWS, before=before, after=after, narratives=rows, stored=bool(ids),
        calibration_ids=ids)
