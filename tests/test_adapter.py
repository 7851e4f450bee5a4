"""The learned query adapter (analysis/_adapter.py) and its decision feature ``d_ad_cos``."""

from __future__ import annotations

import numpy as np
import pytest

from factwatch.analysis import _adapter, _retrieval
from factwatch.analysis.claims import extract_claims
from factwatch.analysis.embed import DIM, embed_new_claims, embed_texts
from factwatch.analysis.match_features import DECISION_FEATURES, Candidate, add_decision_features
from factwatch.analysis.matching import calibration, match_new_claims, match_text, rank_query
from factwatch.models import FactPassage

from test_matching import add_docs, facts_store  # noqa: F401  (fixture)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_shipped_map_loads_and_moves_query_vectors():
    a = _adapter.adapter_matrix()
    assert a is not None and a.shape == (DIM, DIM) and np.isfinite(a).all()
    q = _unit(np.random.default_rng(1).normal(size=DIM))
    out = _adapter.adapt(q)
    assert out.shape == (DIM,) and out.dtype == np.float32
    assert float(np.linalg.norm(out)) == pytest.approx(1.0, abs=1e-5)
    assert float(out @ q) < 0.999  # the map is not the identity


def test_without_a_map_the_adapted_vector_is_the_query(monkeypatch):
    monkeypatch.setattr(_adapter, "adapter_matrix", lambda: None)
    q = _unit(np.random.default_rng(2).normal(size=DIM))
    assert np.array_equal(_adapter.adapt(q), q)


def test_shipped_decision_reads_the_adapted_cosine():
    dec = calibration()["decision"]
    assert "d_ad_cos" in DECISION_FEATURES and "d_ad_cos" in dec["features"]
    assert dec["weights"][dec["features"].index("d_ad_cos")] > 0  # more adapted agreement, higher P


def _retriever(vectors: list[np.ndarray]) -> _retrieval.Retriever:
    passages = [FactPassage(i + 1, "fact_check", i + 1, "claim", "en", f"claim {i}", f"claim {i}", f"h{i}")
                for i in range(len(vectors))]
    return _retrieval.Retriever(passages, np.vstack(vectors).astype(np.float32))


def test_adapted_cosine_reorders_a_constructed_pair():
    # p_near is nearer the raw query than p_adapted, but p_adapted lies where the map sends the
    # query: raw cosine and adapted cosine must rank the two records the other way round.
    rng = np.random.default_rng(3)
    q = _unit(rng.normal(size=DIM))
    p_adapted = _adapter.adapt(q)
    c = float(p_adapted @ q)
    r = rng.normal(size=DIM)
    r -= (r @ q) * q
    r = _unit(r)
    target = (1.0 + c) / 2  # raw cosine between c and 1
    p_near = _unit(target * q + np.sqrt(1 - target**2) * r)
    assert float(p_near @ q) > c
    ret = _retriever([p_near, p_adapted])
    cands = [Candidate("fact_check", i + 1, i, {"cos": float(ret.vectors[i] @ q)}) for i in range(2)]
    for cand in cands:
        add_decision_features(ret, cand, q, "claim", "en", text="claim")
    near, adapted = cands
    assert near.features["d_cos"] > adapted.features["d_cos"]
    assert adapted.features["d_ad_cos"] > near.features["d_ad_cos"]
    assert adapted.features["d_ad_cos"] == pytest.approx(1.0, abs=1e-5)


def test_match_text_and_the_match_stage_apply_the_same_map(facts_store):  # noqa: F811
    text = "Влада Косова је забранила Српску православну цркву, пише портал."
    add_docs(facts_store, [text])
    extract_claims(facts_store)
    embed_new_claims(facts_store)
    match_new_claims(facts_store, k=5)
    claim = facts_store.claims_after(0)[0]
    stored = facts_store.claim_matches(claim.id)[0]
    # What match_text ranks with: the query vector of the sentence through the shared function.
    result = match_text(facts_store, claim.text, language=claim.language)
    ret = _retrieval.get_retriever(facts_store)
    q = embed_texts(facts_store, result.queries, kind="query")[0]
    ranking = rank_query(ret, q, _retrieval.query_key(result.queries[0], result.language), result.language,
                         text=result.queries[0])
    top = ranking.ranked[0][0]
    by_hand = float((ret.vectors[ret.target_rows(top.target, top.target_id)] @ _adapter.adapt(q)).max())
    assert ranking.evidence["d_ad_cos"] == pytest.approx(by_hand, abs=1e-6)
    assert stored.evidence["d_ad_cos"] == pytest.approx(by_hand, abs=1e-4)  # stored rounded to 4 places
    assert abs(stored.evidence["d_ad_cos"] - stored.evidence["d_cos"]) > 1e-3  # the map was applied
    assert result.probability == pytest.approx(stored.probability, abs=1e-6)
