"""match_article's speed-up keeps every sentence's answer exactly rank_query's on that sentence.

Real fact base (the profile's, embedded by the real pipeline), real e5 vectors, real BLAS. The
article is the demo's planted KFOR claim among news sentences, and, when ../shared/data is
present, a long Alo.rs article (40 check-worthy sentences matched).

Before: each sentence's matrix-vector products ran on every OpenBLAS thread; on a busy machine a
product waited for a descheduled thread (3-20 ms instead of 0.03 ms), 0.3-0.4 s a sentence.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

REPO = Path(__file__).resolve().parents[1]
PROFILE_FACTS = REPO / "profiles" / "western-balkans" / "facts.yaml"
ALO = REPO.parent / "shared" / "data" / "serbian_news" / "alo_articles.jsonl"
PLANTED = "Prema informacijama do kojih je došao naš list, KFOR se sprema za napad na Srbe na severu Kosova."
NEWS = (
    "Evropska komisija je odobrila Srbiji 1,5 milijardi evra iz Plana rasta za Zapadni Balkan. "
    "Evropska investiciona banka odobrila je Srbiji kredit od 600 miliona evra za izgradnju pruge. "
    "Sastanak je trajao duže od očekivanog. NATO je 1999. godine bombardovao Srbiju 78 dana. "
    f"{PLANTED} Svetska banka odobrila je Srbiji zajam od 400 miliona evra za modernizaciju energetske mreže. "
    "Predsednik je najavio obraćanje javnosti u četvrtak uveče."
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from factwatch.ingest.facts import import_facts
    from factwatch.pipeline import run_pipeline
    from factwatch.store import open_store

    path = tmp_path_factory.mktemp("article_matching") / "factwatch.db"
    with open_store(str(path)) as s:
        import_facts(s, PROFILE_FACTS)
        run_pipeline(s)
    with open_store(str(path), access="read") as s:
        yield s


def alone(store, sentence: str, language: str, k: int):
    """rank_query on one sentence, its vector embedded on its own, with numpy's BLAS on two threads."""
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import encode
    from factwatch.analysis.matching import rank_query, store_calibration

    sentence = " ".join(sentence.split())  # as pasted: match_text and the CLI join its lines
    q = encode([sentence], kind="query", batch_size=1)[0]
    cal, _ = store_calibration(store)
    with threadpool_limits(2, user_api="blas"):
        return rank_query(_retrieval.get_retriever(store), q, _retrieval.query_key(sentence, language), language,
                          text=sentence, cal=cal)


def assert_each_sentence_is_rank_query_alone(store, article, language: str, k: int = 5) -> None:
    for s in article.sentences:
        ranking = alone(store, s.sentence, language, k)
        assert s.result.probability == ranking.probability, s.sentence
        assert s.result.addressed == ranking.addressed
        want = [(c.target, c.target_id, p) for c, p in ranking.ranked[:k]]
        got = [("fact" if m.kind == "fact" else "fact_check", m.fact_id if m.kind == "fact" else m.fact_check_id,
                m.score) for m in s.result.matches]
        assert got == want, s.sentence


def test_each_sentence_is_matched_exactly_as_rank_query_alone(store):
    from factwatch.analysis.article_matching import match_article

    article = match_article(store, NEWS, language="sr", memo={})
    assert len(article.sentences) >= 4 and [s.sentence for s in article.addressed_sentences] == [PLANTED]
    assert_each_sentence_is_rank_query_alone(store, article, "sr")


@pytest.mark.skipif(not ALO.exists(), reason=f"{ALO} is absent (../shared/data is not in a fresh clone)")
def test_a_long_real_article_matches_each_sentence_as_rank_query_alone(store):
    from factwatch.analysis.article_matching import MAX_SENTENCES, match_article

    with ALO.open(encoding="utf-8") as f:
        text = next(json.loads(line)["text"] for line in f if '"sr-04-2489"' in line)
    article = match_article(store, text, memo={})
    assert len(article.sentences) == MAX_SENTENCES  # 49 check-worthy: the 40 most are matched
    assert_each_sentence_is_rank_query_alone(store, article, article.result.language)


def test_matching_runs_numpys_blas_on_one_thread_with_the_same_products(store):
    from factwatch.analysis.article_matching import match_article

    match_article(store, NEWS, memo={})
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas)
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((3000, 384)).astype(np.float32)
    q = rng.standard_normal(384).astype(np.float32)
    one = vectors @ q
    with threadpool_limits(2, user_api="blas"):
        two = vectors @ q
    assert np.array_equal(one, two)  # one thread changes the time, not the numbers
