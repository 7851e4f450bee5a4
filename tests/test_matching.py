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
    # DESIGN.md: `match --json` is {"addressed", "probability", "matches"} (probability was missing).
    assert set(d) == {"addressed", "probability", "matches"} and d["addressed"] is True and len(d["matches"]) == 3
    assert 0.0 <= d["probability"] <= 1.0
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


def test_feature_table_names_each_feature_once_and_the_decision_reads_only_absolute_ones(facts_store):
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.match_features import DECISION_FEATURES, FEATURE_TABLE, RANKER_FEATURES
    from factwatch.analysis.matching import calibration, decision_probability, rank_query

    names = [f.name for f in FEATURE_TABLE]
    assert len(names) == len(set(names)) == len(RANKER_FEATURES) + len(DECISION_FEATURES)
    assert all(f.absolute for f in FEATURE_TABLE if f.used_by == "decision")
    assert set(calibration()["decision"]["features"]) <= set(DECISION_FEATURES)
    text = "Влада Косова је забранила Српску православну цркву."
    q = embed_texts(facts_store, [text], kind="query")[0]
    ranking = rank_query(_retrieval.get_retriever(facts_store), q, _retrieval.query_key(text, "sr"), "sr", text=text)
    ev = ranking.evidence
    assert set(ev) == set(DECISION_FEATURES)
    assert 0.0 <= ev["d_entity_recall"] <= 1.0 and 0.0 <= ev["d_sl_predicate"] <= 1.0
    # A calibration whose decision names features no longer computed still evaluates (defaults).
    old = dict(calibration(), decision={"features": ["logit_top1"], "mean": [0.0], "scale": [1.0],
                                        "weights": [1.0], "bias": 0.0})
    assert 0.0 <= decision_probability(ranking.ranked[0][0], old) <= 1.0


def _one_claim_base(store, tmp_path, claim: str, url: str = "https://factcheck.example.org/one"):
    import json

    path = tmp_path / "one.json"
    path.write_text(json.dumps({"@context": "https://schema.org", "@type": "ClaimReview", "url": url,
                                "claimReviewed": claim, "datePublished": "2024-05-01", "inLanguage": "en",
                                "author": {"@type": "Organization", "name": "Example"},
                                "reviewRating": {"@type": "Rating", "alternateName": "False"},
                                "reviewBody": "It is false."}), encoding="utf-8")
    import_facts(store, path)
    embed_fact_base(store)
    return store


@pytest.mark.parametrize("text", [
    "Haos na izboru za novu šeficu EU.",
    "Srbija je podnela zahtev za članstvo u Evropskoj uniji 2009. godine.",
    "NATO je objavio da će vežba u Rumuniji trajati dve nedelje.",
])
def test_best_of_a_weak_lot_is_not_addressed(store, tmp_path, text):
    # Regression (issue 6): in a base of one record the nearest passage always stands out, and
    # the decision read that as evidence ("Haos na izboru za novu šeficu EU." -> 0.99).
    _one_claim_base(store, tmp_path, "Serbia must join NATO to become a member of the EU")
    result = match_text(store, text)
    assert result.matches and result.addressed is False and result.probability < 0.5


def test_a_rewording_is_addressed_in_a_base_of_one_as_in_a_large_one(store, tmp_path):
    _one_claim_base(store, tmp_path, "Serbia must join NATO to become a member of the EU")
    result = match_text(store, "Srbija mora da uđe u NATO ako želi da postane članica Evropske unije.")
    assert result.addressed and result.probability >= 0.5


def test_year_and_entity_agreement_are_decision_evidence(store, tmp_path):
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.matching import rank_query

    _one_claim_base(store, tmp_path, "NATO bombed Serbia in 1999 with depleted uranium")
    retriever = _retrieval.get_retriever(store)

    def evidence(text, lang="en"):
        q = embed_texts(store, [text], kind="query")[0]
        return rank_query(retriever, q, _retrieval.query_key(text, lang), lang, text=text).evidence

    same = evidence("In 1999 NATO bombed Serbia using depleted uranium.")
    other = evidence("In 2014 floods hit Obrenovac in Serbia.")
    assert same["d_year_conflict"] == 0.0 and other["d_year_conflict"] == 1.0
    assert same["d_entity_recall"] == 1.0 and other["d_entity_recall"] < 1.0
    assert same["d_entity_extra"] < other["d_entity_extra"]


def test_match_stage_stores_stance_probability_and_evidence_once(facts_store):
    from factwatch.analysis.match_features import DECISION_FEATURES

    add_docs(facts_store, [
        "Влада Косова је забранила Српску православну цркву.",
        "Lažna vest: Vlada Kosova nije zabranila Srpsku pravoslavnu crkvu.",
    ])
    extract_claims(facts_store)
    embed_new_claims(facts_store)
    match_new_claims(facts_store, k=3)
    claims = facts_store.claims_after(0)
    repeat, reject = (facts_store.claim_matches(c.id) for c in claims[:2])
    assert repeat[0].stance == "repeats" and reject[0].stance == "rejects"
    for rows in (repeat, reject):
        assert len({r.probability for r in rows}) == 1 and rows[0].probability is not None
        assert set(rows[0].evidence) == set(DECISION_FEATURES) and all(r.evidence == {} for r in rows[1:])
        assert all(r.stance in {"repeats", "rejects", "reports", "asks", None} for r in rows)


def test_match_text_and_the_match_stage_rank_alike(facts_store):
    text = "Влада Косова је забранила Српску православну цркву, пише портал."
    add_docs(facts_store, [text])
    extract_claims(facts_store)
    embed_new_claims(facts_store)
    match_new_claims(facts_store, k=5)
    claim = facts_store.claims_after(0)[0]
    stored = facts_store.claim_matches(claim.id)
    result = match_text(facts_store, claim.text, language=claim.language)
    assert [m.fact_check_id or m.fact_id for m in result.matches] == [r.fact_check_id or r.fact_id for r in stored]
    assert result.probability == pytest.approx(stored[0].probability, abs=1e-6)
    assert result.addressed == stored[0].addressed


def test_dense_only_candidates_are_kept(store, tmp_path):
    # "The Alliance is now directly fighting Moscow in Ukraine" shares no keyword with "NATO is at
    # war with Russia": only e5 finds it, and the candidate union must keep it.
    import numpy as np

    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.match_features import candidate_features

    _one_claim_base(store, tmp_path, "NATO is at war with Russia", url="https://factcheck.example.org/war")
    _one_claim_base(store, tmp_path, "The Alliance summit in Vilnius discussed Ukraine's membership",
                    url="https://factcheck.example.org/summit")
    retriever = _retrieval.get_retriever(store)
    text = "The Alliance is now directly fighting Moscow in Ukraine"
    key = _retrieval.query_key(text, "en")
    kw = retriever.keyword(key, 1)
    war = [i for i, p in enumerate(retriever.passages) if p.text.startswith("NATO is at war")]
    assert war and war[0] not in kw.rows.tolist()  # BM25 does not find it
    q = embed_texts(store, [text], kind="query")[0]
    cands = candidate_features(retriever, q, key, "en", n_dense=1, n_keyword=1)
    assert any(c.row == war[0] for c in cands) and np.isfinite([c.features["cos"] for c in cands]).all()
    assert "NATO is at war with Russia" in [m.claim for m in match_text(store, text, k=5).matches]


def _concepts_of(text: str, language: str) -> frozenset[str]:
    from factwatch.analysis._concepts import concepts
    from factwatch.analysis._text import latin_key

    return concepts(latin_key(text, language))


def test_concepts_agree_across_languages_on_what_happens():
    # Issue 6: a rewording in another language shares no word with an English-only fact-check,
    # so the decision had only e5's cosine, where rewordings and same-topic news overlap.
    from factwatch.analysis._concepts import split_agreement

    claim = _concepts_of("NATO is training Ukrainian mercenaries at a base in Kosovo", "en")
    rewording = _concepts_of("На Косову альянс обучает украинских наемников на своей базе.", "ru")
    serbian = _concepts_of("У бази на Косову Алијанса обучава плаћенике из Украјине.", "sr")
    near_topic = _concepts_of("NATO je održao vežbu na Kosovu sa ukrajinskim oficirima.", "sr")
    assert {"NATO", "KOSOVO", "UKRAINE", "MERCENARY", "TRAIN", "BASE"} <= claim
    for text in (rewording, serbian):
        pred, pred_extra, actor, _ = split_agreement(text, [claim])
        assert pred == 1.0 and pred_extra == 0.0 and actor == 1.0
    pred, pred_extra, actor, _ = split_agreement(near_topic, [claim])
    assert actor == 1.0 and pred == 0.0 and pred_extra == 1.0  # same actors, another event


@pytest.mark.parametrize("text,language,absent", [
    ("Sad je vreme da se odluči.", "sr", "USA"),  # "sad" = now, not SAD (the USA)
    ("Vladimir je došao na mali sastanak.", "sr", "GOVERNMENT"),
    ("The decision was based on the report.", "en", "BASE"),
    ("Nacionalni park je otvoren.", "sr", "NAZI"),
    ("The secretary said nothing.", "en", "SECRET"),
])
def test_short_words_that_collide_across_languages_are_not_concepts(text, language, absent):
    assert absent not in _concepts_of(text, language)


def test_concept_agreement_is_ranker_evidence(store, tmp_path):
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.matching import rank_query

    _one_claim_base(store, tmp_path, "The EU will collapse because of the refugees, and Merkel is to blame",
                    url="https://factcheck.example.org/eu-collapse")
    retriever = _retrieval.get_retriever(store)

    def features(text, lang):
        q = embed_texts(store, [text], kind="query")[0]
        return rank_query(retriever, q, _retrieval.query_key(text, lang), lang, text=text).ranked[0][0].features

    feats = features("Избеглице ће срушити Европску унију, а крива је Меркелова.", "sr")
    assert feats["concept_recall"] == 1.0 and feats["concept_extra"] == 0.0
    feats = features("Европска унија је одобрила нови буџет за пољопривреду.", "sr")
    assert feats["concept_recall"] < 0.5


def test_concept_jaccard_weighs_missing_and_extra_concepts_at_once():
    # Issue 6 (helper S): with recall and extra scored apart, a passage naming two of the
    # sentence's four concepts plus others (a NATO base in Serbia) could outrank the one that
    # names all four (joining NATO for EU membership); the Jaccard share prefers the latter.
    from factwatch.analysis._concepts import agreement, jaccard

    sentence = _concepts_of("Evropske integracije Srbije uslovljene su članstvom u NATO paktu.", "sr")
    base = _concepts_of("NATO is secretly building a military base in Serbia, near Niš", "en")
    membership = _concepts_of("Serbia must join NATO to become a member of the EU", "en")
    assert {"EU", "SERBIA", "MEMBERSHIP", "NATO"} <= sentence
    assert jaccard(sentence, [membership]) == 1.0
    assert jaccard(sentence, [base]) < 0.5
    assert jaccard(sentence, [base, membership]) == 1.0  # best over the record's passages
    assert agreement(sentence, [base])[0] > 0.0  # recall alone still credits the base claim
    assert jaccard(frozenset(), [membership]) == 0.0 and jaccard(sentence, []) == 0.0


def test_shipped_ranker_reads_concept_jaccard(store, tmp_path):
    # The calibration names its features; one that does not match FEATURES silently falls back to
    # hand-set defaults, so the shipped file must be fitted with concept_jaccard.
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts
    from factwatch.analysis.matching import FEATURES, calibration, rank_query

    cal = calibration()
    assert cal["features"] == list(FEATURES) and "concept_jaccard" in FEATURES
    assert cal["fitted_on"] != "defaults"
    assert cal["weights"][list(FEATURES).index("concept_jaccard")] > 0.0
    _one_claim_base(store, tmp_path, "Serbia must join NATO to become a member of the EU")
    text = "Evropske integracije Srbije uslovljene su članstvom u NATO paktu."
    q = embed_texts(store, [text], kind="query")[0]
    feats = rank_query(_retrieval.get_retriever(store), q, _retrieval.query_key(text, "sr"), "sr",
                       text=text).ranked[0][0].features
    assert feats["concept_jaccard"] == 1.0


def test_a_shipped_calibration_change_rematches_stored_claims(facts_store, monkeypatch):
    # Regression (helper S): the match cursor knew the fact base and a stored calibration, not the
    # shipped _calibration.json, so a release with a refitted re-ranker kept the old ranking of
    # every claim already matched until the fact base changed.
    from factwatch.analysis import matching

    add_docs(facts_store, ["Влада Косова је забранила Српску православну цркву."])
    extract_claims(facts_store)
    embed_new_claims(facts_store)
    assert match_new_claims(facts_store, k=3).claims == 1
    assert match_new_claims(facts_store, k=3).claims == 0
    shipped = matching.calibration()
    refitted = dict(shipped, bias=shipped["bias"] + 0.5)  # what a new release's file would hold
    monkeypatch.setattr(matching, "calibration", lambda: refitted)
    again = match_new_claims(facts_store, k=3)
    assert again.claims == 1  # every stored claim ranked again with the new file
    assert match_new_claims(facts_store, k=3).claims == 0  # and once only
    assert matching.calibration_fingerprint(refitted) != matching.calibration_fingerprint(shipped)
