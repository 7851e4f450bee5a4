"""Which fact-checks address a claim: hybrid retrieval, re-ranking and a calibrated decision.

1. Candidates: the top passages by e5 cosine (dense, cross-lingual) and by BM25 over Latin keys
   (keyword, so Cyrillic and Latin copies meet), grouped by fact-check or fact.
2. Re-ranking: a logistic model over features of each candidate (cosine, its margin to the best
   and to the top-10 mean, its z-score against the query's cosine distribution over the corpus,
   BM25 normalised, dense and BM25 ranks, reciprocal-rank fusion, token/number/name overlap,
   language pair) gives P(candidate addresses the claim).
3. Decision: ``addressed`` is true when the best candidate's probability passes a threshold.

Both the model and the threshold are fitted on the dev half of the EUvsDisinfo benchmark by
bench/bench_matching.py and ship as ``_calibration.json``; see docs/matching.md.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from factwatch.analysis import _retrieval
from factwatch.analysis._text import detect_language
from factwatch.analysis.stance import stance_towards
from factwatch.errors import InputError
from factwatch.models import ClaimMatch
from factwatch.store import Store

__all__ = ["Match", "MatchResult", "MatchStats", "match_text", "match_new_claims", "candidate_features", "FEATURES"]

N_DENSE = 50
N_KEYWORD = 50
LONG_TEXT_CHARS = 400  # above this a text is an article: match its most check-worthy sentences
LONG_TEXT_SENTENCES = 5
MAX_TEXT_CHARS = 1_000_000

FEATURES = (
    "cos", "cos_gap_top", "cos_gap_mean10", "cos_z", "cos_gap_next",
    "bm25_norm", "bm25_log", "inv_rank_dense", "inv_rank_bm25", "rrf", "both_top10",
    "token_overlap", "number_overlap", "number_conflict", "same_language",
    "bm25_top1", "bm25_gap_next", "cos_x_bm25",
    # Per-query trust in each retriever, and cross-lingual name/number overlap.
    "q_bm25_margin", "q_cos_margin", "fuzzy_overlap", "fuzzy_count",
    "sl_bm25_norm", "sl_inv_rank_bm25", "sl_bm25_top1_margin", "bm25_top1_margin",
    "xl_cos_gap_top", "xl_inv_rank_dense", "xl_fuzzy_overlap", "dense_top1_margin", "both_top1",
)


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
        d["score"] = round(self.score, 4)
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
        out: dict[str, Any] = {"addressed": self.addressed, "matches": [m.as_dict() for m in self.matches]}
        if verbose:
            out.update(language=self.language, queries=list(self.queries), notes=list(self.notes),
                       probability=round(self.probability, 4))
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

# Used only when _calibration.json is missing (a broken install): the z-score and the margin
# carry most of the signal in e5's narrow cosine band.
_DEFAULT_CALIBRATION = {
    "features": list(FEATURES),
    "mean": [0.0] * len(FEATURES),
    "scale": [1.0] * len(FEATURES),
    "weights": [20.0, 20.0, 10.0, 0.6, 10.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.5, 2.0, 0.5, -1.0, 0.0, 0.5, 1.0, 0.0,
                0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    "bias": -22.0,
    "threshold": 0.5,
    "fitted_on": "defaults",
}


@lru_cache(maxsize=1)
def calibration() -> dict[str, Any]:
    try:
        text = resources.files("factwatch.analysis").joinpath("_calibration.json").read_text(encoding="utf-8")
        cal = json.loads(text)
        if cal.get("features") != list(FEATURES):
            return dict(_DEFAULT_CALIBRATION)
        return cal
    except (FileNotFoundError, OSError, json.JSONDecodeError):
        return dict(_DEFAULT_CALIBRATION)


def predict(X: np.ndarray, cal: dict[str, Any] | None = None) -> np.ndarray:
    cal = cal or calibration()
    if not len(X):
        return np.zeros(0)
    z = ((X - np.asarray(cal["mean"])) / np.asarray(cal["scale"])) @ np.asarray(cal["weights"]) + cal["bias"]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


# The decision sees how sure the ranker is and how far the best candidate stands out (relative
# to the fact base: in a small, one-topic base the nearest passage always stands out), and
# absolute anchors that do not depend on the base's size: the best candidate's raw cosine, how
# much of the query's content it covers (fuzzy names/numbers; stemmed tokens within one
# language), how much of the candidate's own content the query covers (within one language),
# and whether their numbers conflict.
DECISION_FEATURES = (
    "logit_top1", "logit_margin", "cos_z_top1",
    "cos_top1", "fuzzy_overlap_top1", "number_conflict_top1",
    "same_language_top1", "sl_token_overlap_top1", "sl_coverage_top1",
)
# Computed by candidate_features beside FEATURES, for the decision only (not the re-ranker).
DECISION_EXTRA = ("coverage",)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def decision_feature_dict(ranked: list[tuple["Candidate", float]]) -> dict[str, float]:
    """Every decision feature by name (a calibration names the ones its model uses)."""
    if not ranked:
        return {f: 0.0 for f in DECISION_FEATURES} | {"logit_top1": _logit(0.0)}
    p1 = ranked[0][1]
    p2 = ranked[1][1] if len(ranked) > 1 else 1e-6
    f1 = ranked[0][0].features
    return {
        "logit_top1": _logit(p1),
        "logit_margin": _logit(p1) - _logit(p2),
        "cos_z_top1": f1["cos_z"],
        "cos_top1": f1["cos"],
        "fuzzy_overlap_top1": f1["fuzzy_overlap"],
        "number_conflict_top1": f1["number_conflict"],
        # Word overlap means something only within one language (names and numbers, which
        # cross languages, are in fuzzy_overlap): gated by the candidate's language.
        "same_language_top1": f1["same_language"],
        "sl_token_overlap_top1": f1["same_language"] * f1["token_overlap"],
        "sl_coverage_top1": f1["same_language"] * f1.get("coverage", 0.0),
    }


def decision_features(ranked: list[tuple["Candidate", float]], names: tuple[str, ...] | list[str] = DECISION_FEATURES) -> list[float]:
    """What the addressed/not-addressed decision sees, in the order of ``names``."""
    d = decision_feature_dict(ranked)
    return [d[n] for n in names]


def addressed_probability(ranked: list[tuple["Candidate", float]], cal: dict[str, Any] | None = None) -> float:
    cal = cal or calibration()
    if not ranked:
        return 0.0
    dec = cal.get("decision")
    if not dec:
        return ranked[0][1]
    names = dec.get("features") or ["logit_top1", "logit_margin", "cos_z_top1"]
    x = (np.asarray(decision_features(ranked, names)) - np.asarray(dec["mean"])) / np.asarray(dec["scale"])
    z = float(x @ np.asarray(dec["weights"]) + dec["bias"])
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


# -- candidates and their features ----------------------------------------------------------------

_NUM_RE = re.compile(r"\d+")


@dataclass
class Candidate:
    target: str
    target_id: int
    row: int  # the passage (row in the retriever) that represents it: best cosine
    features: dict[str, float]


def candidate_features(
    retriever: _retrieval.Retriever, q: np.ndarray, key: str, language: str | None,
    *, n_dense: int = N_DENSE, n_keyword: int = N_KEYWORD,
) -> list[Candidate]:
    """Candidates for one query (vector ``q`` and Latin key ``key``) with re-ranking features."""
    if not len(retriever):
        return []
    dense = retriever.dense(q, n_dense)
    kw = retriever.keyword(key, n_keyword)
    rows = np.unique(np.concatenate([dense.rows, kw.rows]))
    if not len(rows):
        return []
    cos = retriever.vectors[rows] @ q
    bm = np.zeros(len(rows), dtype=np.float32)
    kw_score = dict(zip(kw.rows.tolist(), kw.scores.tolist()))
    q_tokens = set(_retrieval.tokens(key))
    if kw.rows.size:
        # BM25 for dense-only candidates too, so every candidate has both scores.
        full = None
        for i, r in enumerate(rows.tolist()):
            if r in kw_score:
                bm[i] = kw_score[r]
            elif q_tokens:
                if full is None:
                    full = np.asarray(retriever.bm25.get_scores(list(_retrieval.tokens(key))), dtype=np.float32)
                bm[i] = full[r]
    # Passages whose words are the same (copies differing in punctuation or case: EUvsDisinfo
    # files one claim under several cases) get the same cosine, so they tie instead of being
    # ordered by e5's reaction to a full stop.
    same_words: dict[str, float] = {}
    word_keys = [" ".join(_WORD_RE.findall(retriever.passages[r].latin_key)) for r in rows.tolist()]
    for wk, c in zip(word_keys, cos.tolist()):
        same_words[wk] = max(c, same_words.get(wk, -1.0))
    cos = np.array([same_words[wk] for wk in word_keys], dtype=np.float32)
    # Group passages by what they belong to (a fact-check's claim, translations, headline).
    groups: dict[tuple[str, int], list[int]] = {}
    for i, r in enumerate(rows.tolist()):
        p = retriever.passages[r]
        groups.setdefault((p.target, p.target_id), []).append(i)
    keys = list(groups)
    g_cos = np.array([cos[groups[k]].max() for k in keys], dtype=np.float32)
    g_bm = np.array([bm[groups[k]].max() for k in keys], dtype=np.float32)
    g_row = [rows[groups[k][int(np.argmax(cos[groups[k]]))]] for k in keys]
    order_d = np.argsort(-g_cos, kind="stable")
    order_b = np.argsort(-g_bm, kind="stable")
    # Competition ranks (1 + how many score strictly higher): equal scores share a rank, so two
    # fact-checks with the same summary get the same features instead of an arbitrary order.
    rank_d = _competition_rank(g_cos)
    rank_b = _competition_rank(g_bm)
    rank_b[g_bm <= 0] = len(keys) + 1
    top1 = float(g_cos[order_d[0]])
    mean10 = float(g_cos[order_d[:10]].mean())
    mu, sd = retriever.cosine_stats(q)
    bmax = float(g_bm.max()) if g_bm.size else 0.0
    q_nums = set(_NUM_RE.findall(key))
    bm_sorted = g_bm[order_b]
    bm_second = float(bm_sorted[1]) if len(bm_sorted) > 1 else 0.0
    # Query-level margins: how decisive each retriever is for this query. A same-language
    # query with a clear BM25 winner is almost always right; the model learns to defer to it.
    # The margin counts only as far as the BM25 winner covers the query's tokens: a lone hit on
    # one shared word ("vlada") in a small fact base has margin 1 and means nothing.
    q_bm_margin = (float(bm_sorted[0]) - bm_second) / bmax if bmax > 0 else 0.0
    if bmax > 0 and q_tokens:
        top_tokens = set(_retrieval.tokens(retriever.passages[g_row[int(order_b[0])]].latin_key))
        q_bm_margin *= len(q_tokens & top_tokens) / len(q_tokens)
    cos_sorted = g_cos[order_d]
    q_cos_margin = float(cos_sorted[0] - cos_sorted[1]) if len(cos_sorted) > 1 else 0.05
    q_words = content_words(key)
    out = []
    for j, k in enumerate(keys):
        d_rank = int(rank_d[j])
        nxt = float(g_cos[order_d[d_rank]]) if d_rank < len(keys) else float(g_cos[j]) - 0.05
        cos_j = float(g_cos[j])
        passage = retriever.passages[g_row[j]]
        p_tokens = set(_retrieval.tokens(passage.latin_key))
        p_nums = set(_NUM_RE.findall(passage.latin_key))
        feats = {
            "cos": cos_j,
            "cos_gap_top": cos_j - top1,
            "cos_gap_mean10": cos_j - mean10,
            "cos_z": (cos_j - mu) / sd,
            "cos_gap_next": cos_j - nxt if d_rank == 1 else cos_j - top1,
            "bm25_norm": float(g_bm[j]) / bmax if bmax > 0 else 0.0,
            "bm25_log": math.log1p(float(g_bm[j])),
            "inv_rank_dense": 1.0 / d_rank,
            "inv_rank_bm25": 1.0 / int(rank_b[j]) if g_bm[j] > 0 else 0.0,
            "rrf": 60.0 / (60 + d_rank) + (60.0 / (60 + int(rank_b[j])) if g_bm[j] > 0 else 0.0),
            "both_top10": float(d_rank <= 10 and rank_b[j] <= 10 and g_bm[j] > 0),
            "token_overlap": len(q_tokens & p_tokens) / len(q_tokens) if q_tokens else 0.0,
            "number_overlap": float(bool(q_nums & p_nums)),
            "number_conflict": float(bool(q_nums) and bool(p_nums) and not (q_nums & p_nums)),
            "same_language": float(bool(language) and language == passage.language),
            "bm25_top1": float(rank_b[j] == 1 and g_bm[j] > 0),
            "bm25_gap_next": (float(g_bm[j]) - bm_second) / bmax if (rank_b[j] == 1 and bmax > 0) else 0.0,
            "cos_x_bm25": cos_j * (float(g_bm[j]) / bmax if bmax > 0 else 0.0),
        }
        same = feats["same_language"]
        # Fuzzy name/number overlap only for the head of either list (latency: ~0.1 ms each).
        near_top = d_rank <= FUZZY_TOP or (g_bm[j] > 0 and rank_b[j] <= FUZZY_TOP)
        fz_n = fuzzy_overlap(q_words, passage.latin_key) if (q_words and near_top) else 0
        # The reverse: how much of the candidate's content the query covers (a sentence that
        # repeats a claim carries most of its names and words; one that shares "Srbija" and
        # "EU" with it does not). Decision-only, head of the lists only.
        p_words = content_words(passage.latin_key) if near_top else []
        coverage = fuzzy_overlap(p_words, key) / len(p_words) if p_words else 0.0
        bm_top1_margin = q_bm_margin if (rank_b[j] == 1 and g_bm[j] > 0) else 0.0
        feats.update({
            "q_bm25_margin": q_bm_margin,
            "q_cos_margin": q_cos_margin,
            "fuzzy_overlap": fz_n / len(q_words) if q_words else 0.0,
            "fuzzy_count": math.log1p(fz_n),
            "sl_bm25_norm": same * feats["bm25_norm"],
            "sl_inv_rank_bm25": same * feats["inv_rank_bm25"],
            "sl_bm25_top1_margin": same * bm_top1_margin,
            "bm25_top1_margin": bm_top1_margin,
            "xl_cos_gap_top": (1.0 - same) * feats["cos_gap_top"],
            "xl_inv_rank_dense": (1.0 - same) * feats["inv_rank_dense"],
            "xl_fuzzy_overlap": (1.0 - same) * (fz_n / len(q_words) if q_words else 0.0),
            "dense_top1_margin": q_cos_margin if d_rank == 1 else 0.0,
            "both_top1": float(d_rank == 1 and rank_b[j] == 1 and g_bm[j] > 0),
            "coverage": coverage,
        })
        out.append(Candidate(k[0], k[1], int(g_row[j]), feats))
    return out


_WORD_RE = re.compile(r"[a-z0-9]+")
FUZZY_TOP = 20  # candidates ranked <= this by cosine or BM25 get the fuzzy-overlap features
FUZZY_MIN = 85  # rapidfuzz ratio for two Latin-key words to count as the same name or number


def content_words(key: str) -> list[str]:
    """The words of a Latin key that can carry a name or a number across languages: numbers and
    non-stop words of 4+ letters, unstemmed and deduplicated (order kept)."""
    out: list[str] = []
    for t in _WORD_RE.findall(key):
        if t in _retrieval._STOP or (len(t) < 4 and not t.isdigit()):
            continue
        if t not in out:
            out.append(t)
    return out


def fuzzy_overlap(q_words: list[str], passage_key: str) -> int:
    """How many of the query's content words appear in the passage up to spelling: numbers
    exactly, words by rapidfuzz ``ratio`` >= 85 or, for 5+ letters, as a prefix of a passage
    word (inflection) — "zelenski" ~ "zelensky", "nato" = "nato", "soros" ~ "sorosa"."""
    from rapidfuzz import fuzz, process

    p_words = set(_WORD_RE.findall(passage_key))
    if not p_words:
        return 0
    choices = [w for w in p_words if not w.isdigit() and len(w) >= 3]
    n = 0
    for w in q_words:
        if w in p_words:
            n += 1
        elif w.isdigit() or not choices:
            continue
        elif process.extractOne(w, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN) is not None:
            n += 1
        elif len(w) >= 5 and any(c.startswith(w[:5]) and abs(len(c) - len(w)) <= 3 for c in choices):
            n += 1
    return n


def _competition_rank(scores: np.ndarray) -> np.ndarray:
    """1 + the number of scores strictly greater than each one (ties share the best rank)."""
    asc = np.sort(scores)
    return (len(scores) - np.searchsorted(asc, scores, side="right") + 1).astype(np.int64)


def features_matrix(cands: list[Candidate]) -> np.ndarray:
    return np.array([[c.features[f] for f in FEATURES] for c in cands], dtype=np.float64).reshape(len(cands), len(FEATURES))


def rank_candidates(cands: list[Candidate], cal: dict[str, Any] | None = None) -> list[tuple[Candidate, float]]:
    probs = predict(features_matrix(cands), cal)
    order = np.argsort(-probs, kind="stable")
    return [(cands[i], float(probs[i])) for i in order]


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
    best: dict[tuple[str, int], tuple[float, Candidate, str]] = {}
    p_addressed = 0.0
    for query, q in zip(queries, vectors):
        key = _retrieval.query_key(query, lang)
        ranked_q = rank_candidates(candidate_features(retriever, q, key, lang))
        p_addressed = max(p_addressed, addressed_probability(ranked_q))
        for cand, prob in ranked_q:
            t = (cand.target, cand.target_id)
            if t not in best or prob > best[t][0]:
                best[t] = (prob, cand, query)
    ranked = sorted(best.values(), key=lambda x: -x[0])[:k]
    matches = _hydrate(store, retriever, ranked, language=lang)
    threshold = float(calibration()["threshold"])
    addressed = bool(matches) and p_addressed >= threshold
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
                stance=stance_towards(query, fc.claim, language=language, claim_language=fc.language or "en"),
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

def match_new_claims(store: Store, *, k: int = 5, batch: int = 500) -> MatchStats:
    """Write the top-k fact-checks of every new claim; rematch all claims when the fact base changed.

    The cursor is ``<last claim id>:<passage count>:<max passage id>``: a new import changes the
    second half, and then every claim is matched again (rows that come out the same are kept).
    """
    retriever = _retrieval.get_retriever(store)
    count, max_id = store.fact_passage_state()
    raw = store.get_cursor("match") or ""
    parts = raw.split(":")
    last = int(parts[0]) if parts and parts[0].isdigit() else 0
    if parts[1:] != [str(count), str(max_id)]:
        last = 0
    threshold = float(calibration()["threshold"])
    n_claims = n_matched = n_addressed = changed = 0
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
            ranked = rank_candidates(candidate_features(retriever, q, claim.latin_key, claim.language))
            addressed = bool(ranked) and addressed_probability(ranked) >= threshold
            ranked = ranked[:k]
            if ranked:
                n_matched += 1
            n_addressed += addressed
            for rank, (cand, prob) in enumerate(ranked, 1):
                rows.append(ClaimMatch(
                    claim_id=claim.id, rank=rank, target=cand.target,
                    fact_check_id=cand.target_id if cand.target == "fact_check" else None,
                    fact_id=cand.target_id if cand.target == "fact" else None,
                    score=round(prob, 6), addressed=addressed, matched_text=retriever.passages[cand.row].text,
                ))
        changed += store.replace_claim_matches([c.id for c in ready], rows)
        n_claims += len(ready)
        if not ready:
            break
        last = ready[-1].id
        if len(ready) < len(claims):
            break
    new_cursor = f"{last}:{count}:{max_id}"
    if n_claims or raw != new_cursor:
        if raw != new_cursor:
            store.set_cursor("match", new_cursor)
    return MatchStats(claims=n_claims, matched=n_matched, addressed=n_addressed, rows_changed=changed)
