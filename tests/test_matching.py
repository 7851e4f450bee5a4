"""Hybrid matching: cross-lingual hits, the calibrated `addressed`, bad input, the match stage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from factwatch.analysis.claims import extract_claims
from factwatch.analysis.embed import embed_new_claims
from factwatch.analysis.factcheck import embed_fact_base
from factwatch.ingest.facts import import_facts
from factwatch.analysis.matching import match_new_claims, match_text
from factwatch.errors import InputError
from factwatch.models import NewDocument

DATA = Path(__file__).parent / "data" / "facts"


@pytest.fixture
def facts_store(store):
    for name in ("facts_profile.yaml", "claimreview_sample.json", "claimreview_array.json", "facts_sample.csv"):
        import_facts(store, DATA / name)
    embed_fact_base(store)
    return store


def add_docs(store, texts, *, source="portal.example", language="sr", script="Cyrl"):
    from factwatch.analysis._text import latin_key

    docs = [
        NewDocument(platform="web", source=source, text=t, language=language, script=script,
                    latin_key=latin_key(t, language), content_hash=hashlib.sha1(f"{source}{i}{t}".encode()).hexdigest(),
                    position=str(i), url=f"https://{source}/{i}", published_at=f"2024-01-0{i + 1}T10:00:00Z")
        for i, t in enumerate(texts)
    ]
    run = store.start_run("ingest", "test")
    store.insert_documents(docs, run_id=run)


def test_serbian_cyrillic_finds_english_fact_check(facts_store):
    result = match_text(facts_store, "Влада Косова је забранила Српску православну цркву, пише портал.")
    assert result.addressed
    top = result.matches[0]
    assert top.url == "https://factcheck.example.org/kosovo-church-ban" and top.verdict == "False"
    assert 0.0 <= top.score <= 1.0 and top.score > result.matches[1].score


@pytest.mark.parametrize("text", [
    "Србија и Мађарска потписале су споразум о изградњи новог нафтовода до 2027. године.",
    "Qeveria e Kosovës e rriti pagën minimale në 420 euro.",
    "The EU approved a new programme for youth exchanges between Serbia and Croatia.",
])
def test_unrelated_same_topic_claim_is_not_addressed(facts_store, text):
    result = match_text(facts_store, text)
    assert result.addressed is False
    assert result.matches  # candidates are still shown, best first
    assert [m.score for m in result.matches] == sorted((m.score for m in result.matches), reverse=True)


def test_as_dict_shape(facts_store):
    d = match_text(facts_store, "KFOR soldiers fired at Serb civilians in North Mitrovica.", k=3).as_dict()
    assert set(d) == {"addressed", "matches"} and d["addressed"] is True and len(d["matches"]) == 3
    assert {"url", "claim", "verdict", "score", "publisher", "language", "date", "rebuttal",
            "matched_sentence", "fact_check_id"} <= set(d["matches"][0])


def test_matches_translations_and_facts(facts_store):
    result = match_text(facts_store, "Qeveria e Kosovës ka ndaluar Kishën Ortodokse Serbe.")
    assert result.addressed and "Serbian Orthodox Church" in result.matches[0].claim
    fact = match_text(facts_store, "KFOR u Kosovu nema mandat Saveta bezbednosti UN.", k=10)
    assert any(m.kind == "fact" and "1244" in m.claim for m in fact.matches)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_an_input_error(facts_store, text):
    with pytest.raises(InputError, match="empty"):
        match_text(facts_store, text)


def test_huge_text_uses_its_check_worthy_sentences(facts_store):
    filler = "Dobro jutro svima, lep vikend vam želimo! " * 400
    text = filler + "Vlada Kosova je zabranila Srpsku pravoslavnu crkvu, tvrdi portal. " + filler
    result = match_text(facts_store, text)
    assert result.addressed and len(result.queries) <= 5
    assert any("Srpsku pravoslavnu crkvu" in q for q in result.queries)
    assert result.matches[0].matched_sentence.startswith("Vlada Kosova")
    assert any("check-worthy" in n for n in result.notes)


def test_unsupported_language_still_matched_with_note(facts_store):
    result = match_text(facts_store, "Η κυβέρνηση του Κοσόβου απαγόρευσε τη Σερβική Ορθόδοξη Εκκλησία.")
    assert result.matches and result.matches[0].url == "https://factcheck.example.org/kosovo-church-ban"
    assert any("outside the profile" in n for n in result.notes)


def test_empty_fact_base_says_what_to_do(store):
    result = match_text(store, "NATO is building a base in Albania.")
    assert result.addressed is False and result.matches == []
    assert any("facts import" in n for n in result.notes)


def test_match_stage_twice_changes_nothing(facts_store):
    add_docs(facts_store, [
        "Влада Косова је забранила Српску православну цркву. Шта мислите о томе?",
        "Скупштина града Београда усвојила је план нове трамвајске линије до Земуна.",
    ])
    extract_claims(facts_store)
    embed_new_claims(facts_store)
    first = match_new_claims(facts_store, k=3)
    assert first.claims == 2 and first.addressed == 1 and first.rows_changed == 6
    counts = facts_store.fact_base_counts()
    cursor = facts_store.get_cursor("match")
    second = match_new_claims(facts_store, k=3)
    assert (second.claims, second.rows_changed) == (0, 0)
    assert facts_store.fact_base_counts() == counts and facts_store.get_cursor("match") == cursor
    claim = facts_store.claims_after(0)[0]
    rows = facts_store.claim_matches(claim.id)
    assert rows[0].addressed and rows[0].fact_check_id is not None and [r.rank for r in rows] == [1, 2, 3]
    # A new import changes the fact base: every claim is matched again, unchanged rows stay.
    import_facts(facts_store, Path(__file__).parent / "data" / "facts" / "extra_claimreview.json")
    embed_fact_base(facts_store)
    third = match_new_claims(facts_store, k=3)
    assert third.claims == 2


def test_fuzzy_overlap_meets_names_and_numbers_across_scripts():
    from factwatch.analysis._text import latin_key
    from factwatch.analysis.matching import content_words, fuzzy_overlap

    q = content_words(latin_key("Зеленски и НАТО су напали Донбас 2014. године", "sr"))
    assert "zelenski" in q and "nato" in q and "2014" in q and "i" not in q
    passage = latin_key("Zelensky and NATO attacked Donbass in 2014", "en")
    assert fuzzy_overlap(q, passage) == 4  # zelenski~zelensky, nato, donbas~donbass, 2014
    assert fuzzy_overlap(content_words(latin_key("Soros 2015", "en")), latin_key("Soros 2016", "en")) == 1
    assert fuzzy_overlap([], passage) == 0 and fuzzy_overlap(q, "") == 0


def test_competition_rank_and_retriever_trust_features(facts_store):
    import numpy as np

    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.matching import FEATURES, _competition_rank, candidate_features

    assert _competition_rank(np.array([0.5, 0.9, 0.5, 0.1])).tolist() == [2, 1, 2, 4]
    text = "Влада Косова је забранила Српску православну цркву"
    retriever = _retrieval.get_retriever(facts_store)
    q = embed_texts(facts_store, [text], kind="query")[0]
    cands = candidate_features(retriever, q, _retrieval.query_key(text, "sr"), "sr")
    assert cands and all(set(FEATURES) <= set(c.features) for c in cands)
    for c in cands:
        f = c.features
        assert 0.0 <= f["fuzzy_overlap"] <= 1.0 and 0.0 <= f["q_bm25_margin"] <= 1.0
        assert f["sl_bm25_norm"] == f["same_language"] * f["bm25_norm"]
        assert f["both_top1"] <= f["bm25_top1"]


def test_each_match_says_whether_the_text_repeats_or_rejects_the_claim(facts_store):
    repeated = match_text(facts_store, "Vlada Kosova je zabranila Srpsku pravoslavnu crkvu.").as_dict()
    rejected = match_text(facts_store, "Lažna vest: Vlada Kosova nije zabranila Srpsku pravoslavnu crkvu.").as_dict()
    assert repeated["matches"][0]["stance"] == "repeats"
    assert rejected["matches"][0]["stance"] == "rejects"


@pytest.mark.parametrize("text", [
    "Srbija želi da sarađuje sa svima, i sa Evropom i sa Rusijom.",
    "Danska ministarka za integracije izjavila je danas da bi policiji trebalo dozvoliti da kažnjava prosjake.",
])
def test_ordinary_news_sentence_is_not_addressed_by_a_small_fact_base(facts_store, text):
    # Same topic words as the profile's claims, but repeats none of them: in a small base the
    # nearest passage always stands out, so the decision needs its absolute anchors.
    assert match_text(facts_store, text).addressed is False


def test_decision_features_are_named_and_old_calibrations_still_evaluate(facts_store):
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.matching import (
        DECISION_FEATURES, addressed_probability, calibration, candidate_features, decision_feature_dict,
        rank_candidates,
    )

    assert calibration()["decision"]["features"] == list(DECISION_FEATURES)
    text = "Влада Косова је забранила Српску православну цркву."
    q = embed_texts(facts_store, [text], kind="query")[0]
    ranked = rank_candidates(candidate_features(_retrieval.get_retriever(facts_store), q,
                                                _retrieval.query_key(text, "sr"), "sr"))
    d = decision_feature_dict(ranked)
    assert set(d) == set(DECISION_FEATURES)
    assert 0.0 <= d["fuzzy_overlap_top1"] <= 1.0 and 0.0 <= d["sl_coverage_top1"] <= 1.0
    old = dict(calibration(), decision={"features": ["logit_top1", "logit_margin", "cos_z_top1"],
                                        "mean": [0.0] * 3, "scale": [1.0] * 3, "weights": [1.0, 0.0, 0.0], "bias": 0.0})
    assert 0.0 <= addressed_probability(ranked, old) <= 1.0
