"""Which fact-checks address a claim: hybrid retrieval, re-ranking and a calibrated decision.

1. Candidates: the union of the dense top-K (e5 cosine, cross-lingual) and the keyword top-K
   (BM25 over Latin keys, so Cyrillic and Latin copies meet), grouped by fact-check or fact.
2. Re-ranking: a logistic model over the ranker features of ``match_features.FEATURE_TABLE``
   orders them (P that the candidate is the one the sentence is about).
3. Decision: a second logistic model over *absolute* features of the first candidate only
   (cosine, agreement of names, numbers, years and the claim's predicate; see
   match_features.py) gives P(the fact-check addresses the sentence); ``addressed`` when it
   passes the threshold. Being the best of a weak lot is not evidence.

``rank_query`` is the one ranking function: ``match_text``, the match stage and the benchmarks
call it. Both models are fitted on dev halves by bench/bench_paraphrase.py and ship as
``_calibration.json``; see docs/matching.md.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from factwatch.analysis import _retrieval
from factwatch.analysis._text import detect_language
from factwatch.analysis.match_features import (
    DECISION_FEATURES,
    FEATURE_TABLE,
    FUZZY_TOP,
    RANKER_FEATURES,
    Candidate,
    _competition_rank,
    add_decision_features,
    candidate_features,
    content_words,
    decision_feature_dict,
    features_matrix,
    fuzzy_overlap,
)
from factwatch.analysis.stance import stance_towards
from factwatch.errors import InputError
from factwatch.models import ClaimMatch
from factwatch.store import Store

if TYPE_CHECKING:  # only an annotation here; the module is the CLI's
    from factwatch.progress import Progress

__all__ = [
    "Match", "MatchResult", "MatchStats", "Ranking", "match_text", "match_new_claims", "rank_query",
    "candidate_features", "FEATURES", "FEATURE_TABLE", "DECISION_FEATURES",
]
# Re-exported for callers of the earlier single module.
_ = (FUZZY_TOP, _competition_rank, content_words, fuzzy_overlap)

N_DENSE = 50
N_KEYWORD = 50
LONG_TEXT_CHARS = 400  # above this a text is an article: match its most check-worthy sentences
LONG_TEXT_SENTENCES = 5
MAX_TEXT_CHARS = 1_000_000

FEATURES = RANKER_FEATURES  # the re-ranker's features, in calibration order


@dataclass(frozen=True, slots=True)
class Match:
    url: str | None
    claim: str
    verdict: str | None
    score: float
    publisher: str | None
    language: str | None
    date: str | None
    rebuttal: str | None
    matched_sentence: str  # the part of the input that matched
    fact_check_id: int | None
    fact_id: int | None = None
    kind: str = "fact_check"  # fact_check | fact
    matched_text: str = ""  # the fact-base passage that matched (claim, translation, headline)
    headline: str | None = None
    cosine: float = 0.0
    bm25: float = 0.0
    # Whether the matched sentence repeats the fact-checked claim or rejects it (analysis/stance.py).
    stance: str = "repeats"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["score"] = float(f"{self.score:.4g}")  # significant digits: rank 2 is often ~1e-7, not 0
        d["cosine"] = round(self.cosine, 4)
        d["bm25"] = round(self.bm25, 4)
        return d


@dataclass(frozen=True, slots=True)
class MatchResult:
    addressed: bool
    matches: list[Match] = field(default_factory=list)
    language: str = "und"
    queries: list[str] = field(default_factory=list)  # the sentences actually matched
    notes: list[str] = field(default_factory=list)  # fallbacks taken, e.g. empty fact base
    probability: float = 0.0  # P(addressed) from the decision model

    def as_dict(self, *, verbose: bool = False) -> dict[str, Any]:
        """The `match --json` shape; ``verbose`` adds language, the sentences matched and fallback notes."""
        # DESIGN.md's `match --json` contract: the decision and its calibrated probability.
        out: dict[str, Any] = {"addressed": self.addressed, "probability": round(self.probability, 4),
                               "matches": [m.as_dict() for m in self.matches]}
        if verbose:
            out.update(language=self.language, queries=list(self.queries), notes=list(self.notes))
        return out


@dataclass(frozen=True, slots=True)
class MatchStats:
    claims: int
    matched: int  # claims with at least one candidate
    addressed: int
    rows_changed: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- calibration ----------------------------------------------------------------------------------

# Used only when _calibration.json is missing or names other features (a broken install): the
# cosine and the agreement of the candidate's words with the sentence carry the decision.
_DEFAULT_DECISION = {
    "features": list(DECISION_FEATURES),
    "mean": [0.0] * len(DECISION_FEATURES),
    "scale": [1.0] * len(DECISION_FEATURES),
    "weights": [{"d_cos": 20.0, "d_sl_claim_cov": 4.0, "d_sl_predicate": 3.0, "d_entity_recall": 2.0,
                 "d_entity_extra": -1.5, "d_year_conflict": -3.0, "d_number_conflict": -1.5,
                 "d_fuzzy": 2.0}.get(f, 0.0) for f in DECISION_FEATURES],
    "bias": -25.0,
}
_DEFAULT_CALIBRATION = {
    "features": list(FEATURES),
    "mean": [0.0] * len(FEATURES),
    "scale": [1.0] * len(FEATURES),
    "weights": [{"cos": 20.0, "cos_gap_top": 20.0, "cos_gap_mean10": 10.0, "cos_z": 0.6, "cos_gap_next": 10.0,
                 "bm25_norm": 1.0, "inv_rank_dense": 1.0, "inv_rank_bm25": 1.0, "both_top10": 0.5,
                 "token_overlap": 2.0, "number_overlap": 0.5, "number_conflict": -1.0, "bm25_top1": 0.5,
                 "bm25_gap_next": 1.0, "fuzzy_overlap": 1.0, "sl_bm25_top1_margin": 2.0,
                 "both_top1": 1.0}.get(f, 0.0) for f in FEATURES],
    "bias": -22.0,
    "threshold": 0.5,
    "fitted_on": "defaults",
    "decision": _DEFAULT_DECISION,
}


@lru_cache(maxsize=1)
def calibration() -> dict[str, Any]:
    try:
        text = resources.files("factwatch.analysis").joinpath("_calibration.json").read_text(encoding="utf-8")
        cal = json.loads(text)
    except (FileNotFoundError, OSError, json.JSONDecodeError):
        return dict(_DEFAULT_CALIBRATION)
    if cal.get("features") != list(FEATURES):
        return dict(_DEFAULT_CALIBRATION)
    dec = cal.get("decision") or {}
    if not set(dec.get("features") or ()) <= set(DECISION_FEATURES):
        cal = dict(cal, decision=_DEFAULT_DECISION)
    return cal


def store_calibration(store: Store) -> tuple[dict[str, Any], int | None]:
    """The calibration in force: the newest one refitted from analysts' decisions (`factwatch
    calibrate`, analysis/recalibrate.py) with its id, else the shipped one and None."""
    from factwatch.analysis.recalibrate import stored_calibration

    return stored_calibration(store, calibration())


# How the match stage writes its rows; part of its cursor, so a change re-matches stored claims once.
# 2: ``score`` keeps 6 significant digits (it was rounded to 6 decimals, and every candidate below
# rank 1 scored 0.0, so their order on the claim page could not be read from the score).
ROW_FORMAT = 2


def stored_score(prob: float) -> float:
    """The re-ranker's score as the match stage stores it: 6 significant digits, so candidates below
    rank 1 (often 1e-6 to 1e-10) keep their order and size rather than all reading 0.0."""
    return float(f"{prob:.6g}")


def calibration_fingerprint(cal: dict[str, Any]) -> str:
    """A short, stable digest of a calibration: the match cursor carries it (a new one re-ranks all)."""
    return hashlib.sha1(json.dumps(cal, sort_keys=True).encode()).hexdigest()[:10]


def predict(X: np.ndarray, cal: dict[str, Any] | None = None) -> np.ndarray:
    """The re-ranker: P(candidate is the one the query is about) for each row of ``X``."""
    cal = cal or calibration()
    if not len(X):
        return np.zeros(0)
    z = ((X - np.asarray(cal["mean"])) / np.asarray(cal["scale"])) @ np.asarray(cal["weights"]) + cal["bias"]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def decision_features(top: Candidate | None, names: tuple[str, ...] | list[str] = DECISION_FEATURES) -> list[float]:
    """What the addressed/not-addressed decision sees, in the order of ``names``."""
    d = decision_feature_dict(top)
    return [d[n] for n in names]


def decision_probability(top: Candidate | None, cal: dict[str, Any] | None = None) -> float:
    """P(the fact-check of ``top`` addresses the sentence), from absolute features only."""
    cal = cal or calibration()
    if top is None:
        return 0.0
    dec = cal.get("decision") or _DEFAULT_DECISION
    if not set(dec["features"]) <= set(DECISION_FEATURES):
        dec = _DEFAULT_DECISION  # an older calibration's decision names features no longer computed
    x = (np.asarray(decision_features(top, dec["features"])) - np.asarray(dec["mean"])) / np.asarray(dec["scale"])
    z = float(x @ np.asarray(dec["weights"]) + dec["bias"])
    if dec.get("platt"):  # the shown number, recalibrated on dev decisions as they come
        z = dec["platt"][0] * z + dec["platt"][1]
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def addressed_probability(ranked: list[tuple[Candidate, float]], cal: dict[str, Any] | None = None) -> float:
    """P(addressed) of a ranked list: the decision on its first candidate."""
    return decision_probability(ranked[0][0] if ranked else None, cal)


def rank_candidates(cands: list[Candidate], cal: dict[str, Any] | None = None) -> list[tuple[Candidate, float]]:
    probs = predict(features_matrix(cands), cal)
    order = np.argsort(-probs, kind="stable")
    return [(cands[i], float(probs[i])) for i in order]


@dataclass(frozen=True, slots=True)
class Ranking:
    """One query's candidates, best first, and the decision on the first."""

    ranked: list[tuple[Candidate, float]]  # (candidate, re-ranker score)
    probability: float  # P(the first candidate's fact-check addresses the query)
    addressed: bool

    @property
    def evidence(self) -> dict[str, float]:
        return decision_feature_dict(self.ranked[0][0] if self.ranked else None)


def rank_query(
    retriever: _retrieval.Retriever, q: np.ndarray, key: str, language: str | None, *,
    text: str | None = None, cal: dict[str, Any] | None = None,
) -> Ranking:
    """The one ranking function: candidates (union of dense and keyword top-K), re-ranked, and
    the calibrated decision on the first. ``text`` is the original sentence (names by capitals)."""
    cal = cal or calibration()
    cands = candidate_features(retriever, q, key, language, n_dense=N_DENSE, n_keyword=N_KEYWORD)
    ranked = rank_candidates(cands, cal)
    if ranked:
        add_decision_features(retriever, ranked[0][0], q, key, language, text=text)
    p = addressed_probability(ranked, cal)
    return Ranking(ranked, p, bool(ranked) and p >= float(cal["threshold"]))


def _stance_claim(retriever: _retrieval.Retriever, cand: Candidate) -> tuple[str, str]:
    """The fact-checked claim in the language nearest the sentence: the evidence passage when it
    is the claim or a translation of it, else the claim as filed."""
    rows = retriever.target_rows(cand.target, cand.target_id)
    ev = cand.evidence_row if cand.evidence_row >= 0 else cand.row
    p = retriever.passages[ev]
    if p.field in ("claim", "translation", "statement"):
        return p.text, p.language or "en"
    for r in rows:
        if retriever.passages[r].field in ("claim", "statement"):
            return retriever.passages[r].text, retriever.passages[r].language or "en"
    return p.text, p.language or "en"


def stance_of(retriever: _retrieval.Retriever, cand: Candidate, text: str, language: str | None) -> str:
    claim, claim_language = _stance_claim(retriever, cand)
    return stance_towards(text, claim, language=language or "und", claim_language=claim_language)


# -- match_text -----------------------------------------------------------------------------------

def _queries(text: str, language: str) -> tuple[list[str], list[str]]:
    """The sentences to match: the text itself, or for long texts its most check-worthy ones."""
    from factwatch.analysis.claims import checkworthy_sentences

    notes = []
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"text clipped to its first {MAX_TEXT_CHARS} characters")
        text = text[:MAX_TEXT_CHARS]
    if len(text) <= LONG_TEXT_CHARS:
        return [text], notes
    picked = checkworthy_sentences(text, language, top=LONG_TEXT_SENTENCES)
    if not picked:
        # Nothing looks check-worthy (opinion piece, unknown script): match the opening instead.
        picked = checkworthy_sentences(text, language, top=LONG_TEXT_SENTENCES, threshold=0.0)
        notes.append("no check-worthy sentence found; matched the highest-scoring sentences")
    if not picked:
        notes.append(f"no sentences found; matched the first {LONG_TEXT_CHARS} characters")
        return [text[:LONG_TEXT_CHARS]], notes
    notes.append(f"long text: matched its {len(picked)} most check-worthy sentences")
    return [s for _, _, s, _ in sorted(picked, key=lambda p: p[0])], notes


def match_text(
    store: Store, text: str, *, k: int = 5, language: str | None = None,
    memo: MutableMapping[str, bytes] | None = None,
) -> MatchResult:
    """Fact-checks (and facts) that address ``text``, best first, with a calibrated decision.

    ``memo``: keep new query vectors there instead of the store (``embed_texts``; the web passes one).
    """
    from factwatch.analysis.embed import embed_texts

    if text is None or not str(text).strip():
        raise InputError("Nothing to match: the text is empty. Pass a claim, e.g. factwatch match \"NATO ...\".")
    if k < 1:
        raise InputError(f"-k must be at least 1, got {k}.")
    text = " ".join(str(text).split()) if len(text) <= LONG_TEXT_CHARS else str(text).strip()
    lang = detect_language(text[:2000], language)
    queries, notes = _queries(text, lang)
    retriever = _retrieval.get_retriever(store)
    if not len(retriever):
        notes.append("the fact base is empty: run `factwatch facts import FILE` then `factwatch analyze`")
        return MatchResult(False, [], lang, queries, notes)
    if lang not in _SUPPORTED:
        notes.append(f"language {lang!r} is outside the profile's languages: matched by e5 (multilingual); "
                     "keyword features may be empty")
    vectors = embed_texts(store, queries, kind="query", memo=memo)
    cal, _ = store_calibration(store)
    best: dict[tuple[str, int], tuple[float, Candidate, str]] = {}
    p_addressed = 0.0
    for query, q in zip(queries, vectors):
        ranking = rank_query(retriever, q, _retrieval.query_key(query, lang), lang, text=query, cal=cal)
        p_addressed = max(p_addressed, ranking.probability)
        for cand, prob in ranking.ranked:
            t = (cand.target, cand.target_id)
            if t not in best or prob > best[t][0]:
                best[t] = (prob, cand, query)
    ranked = sorted(best.values(), key=lambda x: -x[0])[:k]
    matches = _hydrate(store, retriever, ranked, language=lang)
    addressed = bool(matches) and p_addressed >= float(cal["threshold"])
    return MatchResult(addressed, matches, lang, queries, notes, p_addressed)


_SUPPORTED = frozenset({"sr", "hr", "bs", "cnr", "sq", "mk", "ru", "bg", "en", "uk", "sl"})


def _hydrate(
    store: Store, retriever: _retrieval.Retriever, ranked: list[tuple[float, Candidate, str]], *, language: str
) -> list[Match]:
    checks = store.get_fact_checks([c.target_id for _, c, _ in ranked if c.target == "fact_check"])
    facts = store.get_facts([c.target_id for _, c, _ in ranked if c.target == "fact"])
    out = []
    for prob, cand, query in ranked:
        passage = retriever.passages[cand.row]
        if cand.target == "fact_check" and cand.target_id in checks:
            fc = checks[cand.target_id]
            out.append(Match(
                url=fc.url, claim=fc.claim, verdict=fc.verdict, score=prob, publisher=fc.publisher,
                language=fc.language, date=fc.date, rebuttal=fc.rebuttal, matched_sentence=query,
                fact_check_id=fc.id, kind="fact_check", matched_text=passage.text, headline=fc.headline,
                cosine=cand.features["cos"], bm25=cand.features["bm25_log"],
                stance=stance_of(retriever, cand, query, language),
            ))
        elif cand.target == "fact" and cand.target_id in facts:
            f = facts[cand.target_id]
            out.append(Match(
                url=f.url, claim=f.statement, verdict=None, score=prob, publisher=f.source, language=f.language,
                date=f.date, rebuttal=None, matched_sentence=query, fact_check_id=None, fact_id=f.id, kind="fact",
                matched_text=passage.text, cosine=cand.features["cos"], bm25=cand.features["bm25_log"],
            ))
    return out


# -- the match stage ------------------------------------------------------------------------------

def match_new_claims(store: Store, *, k: int = 5, batch: int = 500, progress: Progress | None = None) -> MatchStats:
    """Write the top-k fact-checks of every new claim; rematch all claims when the fact base changed.

    The cursor is ``<last claim id>:<passage count>:<max passage id>``: a new import changes the
    second half, and then every claim is matched again (rows that come out the same are kept).
    A calibration stored by `factwatch calibrate` appends ``:<its id>``, so a new one re-decides all.
    The last part is a fingerprint of the calibration in force, so a release that ships a refitted
    re-ranker or decision (``_calibration.json``) re-ranks the claims already stored too.
    """
    retriever = _retrieval.get_retriever(store)
    count, max_id = store.fact_passage_state()
    raw = store.get_cursor("match") or ""
    parts = raw.split(":")
    last = int(parts[0]) if parts and parts[0].isdigit() else 0
    cal, cal_id = store_calibration(store)
    state = ([str(count), str(max_id)] + ([str(cal_id)] if cal_id is not None else [])
             + [calibration_fingerprint({**cal, "_row_format": ROW_FORMAT})])
    if parts[1:] != state:
        last = 0
    n_claims = n_matched = n_addressed = changed = 0
    total = store.count_claims_after(last) if progress else None
    while True:
        claims = store.claims_after(last, limit=batch)
        if not claims:
            break
        vecs = store.claim_vectors([c.id for c in claims])
        ready = [c for c in claims if c.id in vecs]
        # A claim without a vector yet (embed_claims not run) stops the cursor there.
        if len(ready) < len(claims):
            first_missing = next(c.id for c in claims if c.id not in vecs)
            ready = [c for c in ready if c.id < first_missing]
        rows: list[ClaimMatch] = []
        for claim in ready:
            q = np.frombuffer(vecs[claim.id], dtype="<f4")
            ranking = rank_query(retriever, q, claim.latin_key, claim.language, text=claim.text, cal=cal)
            if ranking.ranked:
                n_matched += 1
            n_addressed += ranking.addressed
            evidence = ranking.evidence
            for rank, (cand, prob) in enumerate(ranking.ranked[:k], 1):
                rows.append(ClaimMatch(
                    claim_id=claim.id, rank=rank, target=cand.target,
                    fact_check_id=cand.target_id if cand.target == "fact_check" else None,
                    fact_id=cand.target_id if cand.target == "fact" else None,
                    score=stored_score(prob), addressed=ranking.addressed, matched_text=retriever.passages[cand.row].text,
                    # Stance is decided here once (pages and commands read it); a fact is no claim.
                    stance=stance_of(retriever, cand, claim.text, claim.language) if cand.target == "fact_check" else None,
                    probability=round(ranking.probability, 6),
                    evidence=evidence if rank == 1 else {},
                ))
        changed += store.replace_claim_matches([c.id for c in ready], rows)
        n_claims += len(ready)
        if progress:
            progress(n_claims, total, "claims")
        if not ready:
            break
        last = ready[-1].id
        if len(ready) < len(claims):
            break
    new_cursor = ":".join([str(last), *state])
    if n_claims or raw != new_cursor:
        if raw != new_cursor:
            store.set_cursor("match", new_cursor)
    return MatchStats(claims=n_claims, matched=n_matched, addressed=n_addressed, rows_changed=changed)
