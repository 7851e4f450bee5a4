"""The matching features as a named table: what the re-ranker and the decision see, and why.

Two kinds, and the difference matters (issue 6):

* **relative** features compare a candidate with the rest of the fact base (its rank, its gap
  to the best, its z-score against the corpus). They order candidates well, but in a small,
  one-topic fact base the nearest passage always stands out, so they cannot say whether the
  best candidate is *about* the sentence.
* **absolute** features hold the same in a base of 20 items as in one of 20,000: the raw
  cosine, and whether the candidate's key entities, numbers, years and predicate (its
  content words other than names) are in the sentence. Only these feed the decision.

``FEATURE_TABLE`` lists every feature once with its user (``ranker`` / ``decision``), kind and
meaning; ``RANKER_FEATURES`` and ``DECISION_FEATURES`` are read off it. ``candidate_features``
computes them for one query; ``analysis/matching.py`` holds the models and the one ranking
function that ``match_text`` and the match stage share.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from factwatch.analysis import _adapter, _concepts, _retrieval
from factwatch.analysis._text import latin_key

__all__ = [
    "FEATURE_TABLE", "RANKER_FEATURES", "DECISION_FEATURES", "Candidate", "Feature", "candidate_features",
    "add_decision_features", "content_words", "decision_feature_dict", "features_matrix", "fuzzy_overlap", "language_group",
]


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    used_by: str  # "ranker" or "decision"
    absolute: bool  # the same whatever the size and topic spread of the fact base
    meaning: str


FEATURE_TABLE: tuple[Feature, ...] = (
    # -- re-ranker: which candidate is the one (relative features are fine here) ---------------
    Feature("cos", "ranker", True, "e5 cosine of the query and the candidate's best passage"),
    Feature("cos_gap_top", "ranker", False, "cosine minus the best candidate's cosine"),
    Feature("cos_gap_mean10", "ranker", False, "cosine minus the mean of the top-10 cosines"),
    Feature("cos_z", "ranker", False, "z-score of the cosine against the query's cosines over the corpus"),
    Feature("cos_gap_next", "ranker", False, "margin over the next candidate by cosine (if first)"),
    Feature("bm25_norm", "ranker", False, "BM25 over Latin keys divided by the query's best BM25"),
    Feature("bm25_log", "ranker", False, "log(1 + BM25)"),
    Feature("inv_rank_dense", "ranker", False, "1 / competition rank by cosine"),
    Feature("inv_rank_bm25", "ranker", False, "1 / competition rank by BM25 (0 without a keyword hit)"),
    Feature("rrf", "ranker", False, "reciprocal-rank fusion of both ranks"),
    Feature("both_top10", "ranker", False, "in the top 10 of both retrievers"),
    Feature("token_overlap", "ranker", True, "share of the query's stemmed tokens in the passage"),
    Feature("number_overlap", "ranker", True, "a number in both"),
    Feature("number_conflict", "ranker", True, "both carry numbers, none shared"),
    Feature("same_language", "ranker", True, "the best passage is in the query's language"),
    Feature("bm25_top1", "ranker", False, "first by BM25"),
    Feature("bm25_gap_next", "ranker", False, "BM25 margin over the second (if first)"),
    Feature("cos_x_bm25", "ranker", False, "cosine times normalised BM25"),
    Feature("q_bm25_margin", "ranker", False, "query-level: BM25 top-1 margin times its token coverage"),
    Feature("q_cos_margin", "ranker", False, "query-level: cosine top-1 margin"),
    Feature("fuzzy_overlap", "ranker", True, "share of the query's content words in the passage up to spelling"),
    Feature("fuzzy_count", "ranker", True, "log(1 + that count)"),
    Feature("sl_bm25_norm", "ranker", False, "bm25_norm x same language"),
    Feature("sl_inv_rank_bm25", "ranker", False, "inv_rank_bm25 x same language"),
    Feature("sl_bm25_top1_margin", "ranker", False, "BM25 top-1 margin x same language"),
    Feature("bm25_top1_margin", "ranker", False, "BM25 top-1 margin, on the BM25 winner"),
    Feature("xl_cos_gap_top", "ranker", False, "cos_gap_top x other language"),
    Feature("xl_inv_rank_dense", "ranker", False, "inv_rank_dense x other language"),
    Feature("xl_fuzzy_overlap", "ranker", True, "fuzzy_overlap x other language"),
    Feature("dense_top1_margin", "ranker", False, "cosine top-1 margin, on the dense winner"),
    Feature("both_top1", "ranker", False, "first by both retrievers"),
    # A translation in the query's language scores a higher cosine than the English claim of
    # another record would, whatever it says: compare every candidate on its claim as filed too.
    Feature("cos_claim", "ranker", True, "cosine of the candidate's claim (or statement) as filed"),
    Feature("cos_claim_gap", "ranker", False, "cos_claim minus the best cos_claim among the candidates"),
    Feature("inv_rank_claim", "ranker", False, "1 / competition rank by cos_claim"),
    # A rewording in another language shares no word with the claim; the concept table
    # (_concepts.py: the region's words for actors and for what is said to happen, on the Latin
    # key) lets "Мигрантска криза ће срушити ЕУ" and "The EU will collapse under refugees" agree.
    Feature("concept_recall", "ranker", True,
            "best share of a passage's concepts (_concepts.py) found in the query, over the record's passages"),
    Feature("concept_extra", "ranker", True, "share of the query's concepts missing from that passage"),
    # Recall and extra apart let a passage naming half the sentence's concepts outrank one naming
    # all of them plus one more; the Jaccard share weighs both at once (dev cross-validation:
    # rewordings s@1 0.902 -> 0.931, translated titles 0.985 -> 0.992; docs/benchmarks.md).
    Feature("concept_jaccard", "ranker", True,
            "best |shared concepts| / |concepts of either| over the record's passages (_concepts.py)"),
    # -- decision: does the best candidate address the sentence (absolute only) ---------------
    # "Evidence passage": the candidate's passage in the query's language group (a translation
    # of the fact-check, BCMS counted as one), else its best passage by cosine.
    Feature("d_cos", "decision", True, "cosine of the best passage"),
    Feature("d_ev_cos", "decision", True, "cosine of the evidence passage"),
    Feature("d_same", "decision", True, "the evidence passage is in the query's language group"),
    Feature("d_sl_claim_cov", "decision", True, "same language x share of the passage's content words in the query"),
    Feature("d_sl_query_cov", "decision", True, "same language x share of the query's content words in the passage"),
    Feature("d_sl_predicate", "decision", True,
            "same language x share of the passage's predicate words (content words that are not names) in the query"),
    Feature("d_entity_recall", "decision", True, "share of the passage's names and acronyms found in the query"),
    Feature("d_entity_extra", "decision", True, "share of the query's names not found in the passage"),
    Feature("d_year_conflict", "decision", True, "both name years, none shared"),
    Feature("d_number_conflict", "decision", True, "both carry numbers, none shared"),
    Feature("d_fuzzy", "decision", True, "share of the query's content words in the passage (any language)"),
    Feature("d_xl_cos", "decision", True, "other language x cosine"),
    Feature("d_cos_claim", "decision", True, "cosine of the claim as filed (no translation bonus)"),
    # How far the cosine stands above the query's cosines to a fixed reference population of
    # sentences that are no fact-checked claim (_reference_vectors.npy: news headlines, posts).
    # Some sentences are near everything in e5's narrow band; this normalises per query without
    # reading the fact base, so it is the same in a base of one record as in one of 20,000.
    Feature("d_ref_gap", "decision", True, "cosine minus the query's best cosine to the reference population"),
    Feature("d_ref_z", "decision", True, "z-score of the cosine against the query's reference cosines"),
    # A linear map fitted on pairs outside the benchmark sets (_adapter.py) pulls "same claim,
    # other words or language" above "same topic, other claim"; passages are compared as stored.
    Feature("d_ad_cos", "decision", True,
            "cosine of the adapted query vector (_adapter.py) and the record's best passage"),
)
RANKER_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURE_TABLE if f.used_by == "ranker")
DECISION_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURE_TABLE if f.used_by == "decision")

FUZZY_TOP = 20  # candidates ranked <= this by cosine or BM25 get the costly word-level features
FUZZY_MIN = 85  # rapidfuzz ratio for two Latin-key words to count as the same name or number
_WORD_RE = re.compile(r"[a-z0-9]+")
_NUM_RE = re.compile(r"\d+")
_YEAR_RE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_ORIG_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Serbian, Bosnian, Croatian and Montenegrin read each other: one group for the evidence passage.
_GROUPS = {"sr": "bcms", "hr": "bcms", "bs": "bcms", "cnr": "bcms", "sh": "bcms", "me": "bcms"}


def language_group(language: str | None) -> str:
    base = (language or "und").split("-")[0].lower()
    return _GROUPS.get(base, base)


@dataclass
class Candidate:
    target: str
    target_id: int
    row: int  # the passage (row in the retriever) that represents it: best cosine
    features: dict[str, float]
    evidence_row: int = -1  # the passage the decision features were computed on


# -- words, names, numbers --------------------------------------------------------------------

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
    return sum(_found(w, passage_key) for w in q_words)


@lru_cache(maxsize=200_000)
def _found(word: str, passage_key: str) -> bool:
    words, choices, prefixes = _passage_index(passage_key)
    if word in words:
        return True
    if word.isdigit() or not choices:
        return False
    # Inflection first (cheap): a passage word with the same 5-letter prefix, +-3 letters long.
    if len(word) >= 5 and any(abs(n - len(word)) <= 3 for n in prefixes.get(word[:5], ())):
        return True
    return process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN) is not None


@lru_cache(maxsize=50_000)
def _passage_index(key: str) -> tuple[frozenset[str], tuple[str, ...], dict[str, tuple[int, ...]]]:
    """A passage's words, its fuzzy-match choices and its 5-letter prefixes (with word lengths)."""
    words = frozenset(_WORD_RE.findall(key))
    choices = tuple(sorted(w for w in words if not w.isdigit() and len(w) >= 3))
    prefixes: dict[str, list[int]] = {}
    for w in choices:
        if len(w) >= 5:
            prefixes.setdefault(w[:5], []).append(len(w))
    return words, choices, {k: tuple(v) for k, v in prefixes.items()}


def entities(text: str, language: str | None) -> list[str]:
    """Names and acronyms of an original-script text, as Latin keys: capitalised words after the
    first, and all-capital words anywhere (NATO, КФОР, EU). No NER model ships offline for these
    languages; capitals are the evidence every language here shares."""
    out: list[str] = []
    for i, w in enumerate(_ORIG_WORD_RE.findall(text)):
        if w.isdigit() or len(w) < 2:
            continue
        acronym = len(w) >= 2 and w.isupper()
        if not acronym and not (i > 0 and w[0].isupper()):
            continue
        k = latin_key(w, language or "und").strip()
        if k and k not in _retrieval._STOP and k not in out:
            out.append(k)
    return out


@dataclass(frozen=True, slots=True)
class Terms:
    """What the decision features read off one text (cached per passage by the retriever)."""

    words: tuple[str, ...]  # content words of the Latin key
    names: tuple[str, ...]  # entities as Latin keys
    predicate: tuple[str, ...]  # content words that are neither names nor numbers
    years: frozenset[str]
    numbers: frozenset[str]


def text_terms(text: str, key: str, language: str | None) -> Terms:
    words = content_words(key)
    names = entities(text, language)
    name_set = set(names)
    predicate = tuple(w for w in words if not w.isdigit() and w not in name_set)
    return Terms(tuple(words), tuple(names), predicate, frozenset(_YEAR_RE.findall(key)),
                 frozenset(_NUM_RE.findall(key)))


def _share(words: tuple[str, ...] | list[str], key: str) -> float:
    return fuzzy_overlap(list(words), key) / len(words) if words else 0.0


# -- candidates -------------------------------------------------------------------------------

def _competition_rank(scores: np.ndarray) -> np.ndarray:
    """1 + the number of scores strictly greater than each one (ties share the best rank)."""
    asc = np.sort(scores)
    return (len(scores) - np.searchsorted(asc, scores, side="right") + 1).astype(np.int64)


def candidate_features(
    retriever: _retrieval.Retriever, q: np.ndarray, key: str, language: str | None,
    *, n_dense: int = 50, n_keyword: int = 50,
) -> list[Candidate]:
    """Candidates for one query (vector ``q``, Latin key ``key``): the union of the dense top
    ``n_dense`` and the keyword top ``n_keyword`` passages, grouped by fact-check or fact, each
    with the ranker features of ``FEATURE_TABLE`` (``add_decision_features`` adds the rest)."""
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
    word_keys = [retriever.word_key(r) for r in rows.tolist()]
    for wk, c in zip(word_keys, cos.tolist()):
        same_words[wk] = max(c, same_words.get(wk, -1.0))
    cos = np.array([same_words[wk] for wk in word_keys], dtype=np.float32)
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
    # How decisive each retriever is for this query; the BM25 margin counts only as far as its
    # winner covers the query's tokens (a lone hit on "vlada" in a small base means nothing).
    q_bm_margin = (float(bm_sorted[0]) - bm_second) / bmax if bmax > 0 else 0.0
    if bmax > 0 and q_tokens:
        top_tokens = set(_retrieval.tokens(retriever.passages[g_row[int(order_b[0])]].latin_key))
        q_bm_margin *= len(q_tokens & top_tokens) / len(q_tokens)
    cos_sorted = g_cos[order_d]
    q_cos_margin = float(cos_sorted[0] - cos_sorted[1]) if len(cos_sorted) > 1 else 0.05
    q_words = content_words(key)
    q_concepts = _concepts.concepts(key)
    g_claim = np.array([float(retriever.vectors[retriever.claim_row(*k)] @ q) for k in keys], dtype=np.float32)
    rank_c = _competition_rank(g_claim)
    claim_top = float(g_claim.max())
    out = []
    for j, k in enumerate(keys):
        d_rank = int(rank_d[j])
        nxt = float(g_cos[order_d[d_rank]]) if d_rank < len(keys) else float(g_cos[j]) - 0.05
        cos_j = float(g_cos[j])
        passage = retriever.passages[g_row[j]]
        p_tokens = retriever.token_set(int(g_row[j]))
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
        near_top = d_rank <= FUZZY_TOP or (g_bm[j] > 0 and rank_b[j] <= FUZZY_TOP)
        fz = _share(q_words, passage.latin_key) if (q_words and near_top) else 0.0
        bm_top1_margin = q_bm_margin if (rank_b[j] == 1 and g_bm[j] > 0) else 0.0
        feats.update({
            "q_bm25_margin": q_bm_margin,
            "q_cos_margin": q_cos_margin,
            "fuzzy_overlap": fz,
            "fuzzy_count": math.log1p(fz * len(q_words)),
            "sl_bm25_norm": same * feats["bm25_norm"],
            "sl_inv_rank_bm25": same * feats["inv_rank_bm25"],
            "sl_bm25_top1_margin": same * bm_top1_margin,
            "bm25_top1_margin": bm_top1_margin,
            "xl_cos_gap_top": (1.0 - same) * feats["cos_gap_top"],
            "xl_inv_rank_dense": (1.0 - same) * feats["inv_rank_dense"],
            "xl_fuzzy_overlap": (1.0 - same) * fz,
            "dense_top1_margin": q_cos_margin if d_rank == 1 else 0.0,
            "both_top1": float(d_rank == 1 and rank_b[j] == 1 and g_bm[j] > 0),
            "cos_claim": float(g_claim[j]),
            "cos_claim_gap": float(g_claim[j]) - claim_top,
            "inv_rank_claim": 1.0 / int(rank_c[j]),
        })
        p_concepts = [retriever.concepts(r) for r in retriever.target_rows(*k)]
        feats["concept_recall"], feats["concept_extra"] = _concepts.agreement(q_concepts, p_concepts)
        feats["concept_jaccard"] = _concepts.jaccard(q_concepts, p_concepts)
        out.append(Candidate(k[0], k[1], int(g_row[j]), feats))
    return out


def add_decision_features(
    retriever: _retrieval.Retriever, cand: Candidate, q: np.ndarray, key: str, language: str | None,
    *, text: str | None = None,
) -> Candidate:
    """Compute the decision features of one candidate (in place; the ranked list's first only:
    they cost a fuzzy word match each and the decision reads no other candidate)."""
    if "d_cos" not in cand.features:
        ref = _retrieval.reference_vectors()
        cos = cand.features["cos"]
        if len(ref):
            sims = ref @ q
            cand.features.update({"d_ref_gap": cos - float(sims.max()),
                                  "d_ref_z": (cos - float(sims.mean())) / (float(sims.std()) + 1e-6)})
        else:  # a broken install without the reference file: neutral values
            cand.features.update({"d_ref_gap": 0.0, "d_ref_z": 0.0})
        cand.features["d_cos_claim"] = cand.features.get("cos_claim", cos)
        rows = retriever.target_rows(cand.target, cand.target_id)
        cand.features["d_ad_cos"] = float((retriever.vectors[rows] @ _adapter.adapt(q)).max()) if rows else cos
    if "d_cos" in cand.features:
        return cand
    q_group = language_group(language)
    cand.evidence_row = _evidence_row(retriever, (cand.target, cand.target_id), q, q_group, cand.row)
    qt = _query_terms(text or "", key, language or "und")
    cand.features.update(_decision_values(retriever, cand.evidence_row, q, key, qt, cand.features["cos"], q_group))
    return cand


@lru_cache(maxsize=4096)
def _query_terms(text: str, key: str, language: str) -> Terms:
    if text:
        return text_terms(text, key, language)
    words = content_words(key)  # no original text: no capitals, so no names
    return Terms(tuple(words), (), tuple(w for w in words if not w.isdigit()),
                 frozenset(_YEAR_RE.findall(key)), frozenset(_NUM_RE.findall(key)))


def _evidence_row(retriever: _retrieval.Retriever, target: tuple[str, int], q: np.ndarray, q_group: str,
                  best_row: int) -> int:
    """The candidate's passage in the query's language group (best by cosine), else ``best_row``."""
    rows = [r for r in retriever.target_rows(*target) if language_group(retriever.passages[r].language) == q_group]
    if not rows:
        return best_row
    if len(rows) == 1:
        return rows[0]
    sims = retriever.vectors[rows] @ q
    return rows[int(np.argmax(sims))]


def _decision_values(retriever: _retrieval.Retriever, row: int, q: np.ndarray, key: str, qt: Terms,
                     cos_best: float, q_group: str) -> dict[str, float]:
    p = retriever.passages[row]
    pt = retriever.terms(row)
    same = float(language_group(p.language) == q_group)
    ev_cos = float(retriever.vectors[row] @ q)
    names_found = _share(pt.names, key) if pt.names else 1.0
    extra = 1.0 - _share(qt.names, p.latin_key) if qt.names else 0.0
    return {
        "d_cos": cos_best,
        "d_ev_cos": ev_cos,
        "d_same": same,
        "d_sl_claim_cov": same * _share(pt.words, key),
        "d_sl_query_cov": same * _share(qt.words, p.latin_key),
        "d_sl_predicate": same * (_share(pt.predicate, key) if pt.predicate else 0.0),
        "d_entity_recall": names_found,
        "d_entity_extra": extra,
        "d_year_conflict": float(bool(qt.years) and bool(pt.years) and not (qt.years & pt.years)),
        "d_number_conflict": float(bool(qt.numbers) and bool(pt.numbers) and not (qt.numbers & pt.numbers)),
        "d_fuzzy": _share(qt.words, p.latin_key),
        "d_xl_cos": (1.0 - same) * ev_cos,
    }


def features_matrix(cands: list[Candidate], names: tuple[str, ...] | list[str] = RANKER_FEATURES) -> np.ndarray:
    return np.array([[c.features.get(f, 0.0) for f in names] for c in cands],
                    dtype=np.float64).reshape(len(cands), len(names))


def decision_feature_dict(top: Candidate | None) -> dict[str, float]:
    """The decision features of the ranked list's first candidate, by name (zeros for none)."""
    if top is None:
        return {f: 0.0 for f in DECISION_FEATURES}
    return {f: float(top.features.get(f, 0.0)) for f in DECISION_FEATURES}
