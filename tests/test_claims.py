"""Check-worthy claims: scoring quality on the labelled sample, offsets, the claims stage."""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from factwatch.analysis import checkworthiness_labels as labels
from factwatch.analysis._text import latin_key
from factwatch.analysis.checkworthiness import (
    FEATURES, HASH_BUCKETS, WEIGHTS_PATH, _hash, hashed_features, load_weights,
)
from factwatch.analysis.checkworthiness_labels import load_labelled, split_of
from factwatch.analysis.claims import MAX_CHARS, MIN_CHARS, THRESHOLD, extract_claims, score_sentence, sentence_features
from factwatch.models import NewDocument
from factwatch.text.sentences import split_sentences

LABELLED = Path(__file__).parent / "data" / "facts" / "checkworthy_labelled.jsonl"
REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "data" / "checkworthy_real.jsonl"
SHARED = REPO.parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data (real labelled sources) is absent")


def load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["split"] == split]


def f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    return 2 * tp / max(1, 2 * tp + fp + fn)


def test_labelled_sample_is_big_enough():
    rows = load("dev") + load("test")
    per_language = Counter(r["language"] for r in rows)
    assert sum(n >= 60 for n in per_language.values()) >= 3


def test_beats_number_or_name_baseline_on_test_split():
    rows = load("test")
    ours = [(score_sentence(r["text"], r["language"])[0] >= THRESHOLD, r["checkworthy"]) for r in rows]
    base = []
    for r in rows:
        f = sentence_features(r["text"], r["language"])
        base.append((bool(f["number"] or f["entities"]), r["checkworthy"]))
    assert f1(ours) >= 0.9 and f1(ours) > f1(base)


@pytest.mark.parametrize("text", ["Da li je NATO bombardovao Srbiju 1999?", "Kupite odmah, popust 30 odsto!",
                                  "Mislim da je to sramota.", "https://t.co/x", "Hvala!"])
def test_not_checkworthy(text):
    assert score_sentence(text, "sr")[0] < THRESHOLD


def test_extract_claims_offsets_and_rerun(store):
    text = "Добро јутро! Влада Косова забранила је Српску православну цркву, тврди портал. Шта мислите?"
    doc = NewDocument(platform="web", source="p", text=text, language="sr", script="Cyrl",
                      latin_key=latin_key(text, "sr"), content_hash=hashlib.sha1(text.encode()).hexdigest(), position="1")
    store.insert_documents([doc], run_id=store.start_run("ingest", "t"))
    first = extract_claims(store)
    assert first.documents == 1 and first.claims == 1
    claim = store.claims_after(0)[0]
    assert text[claim.start:claim.end] == claim.text and claim.text.startswith("Влада Косова")
    assert claim.latin_key.startswith("vlada kosova")
    counts, cursor = store.fact_base_counts(), store.get_cursor("claims")
    second = extract_claims(store)
    assert (second.documents, second.claims) == (0, 0)
    assert store.fact_base_counts() == counts and store.get_cursor("claims") == cursor


@pytest.mark.parametrize(
    "text,language,checkworthy",
    [
        ("U Bosni i Hercegovini sutra vjetrovito uz pljuskove.", "bs", False),
        ("Завтра в Сербии утром туман, затем солнечно.", "ru", False),
        ("Srednji kurs evra danas je 117,2 dinara.", "sr", False),
        # docs/checkworthiness.md: a single road accident is not of public interest; a policy or a toll is.
        ("Nesreća na auto-putu kod Niša zbog magle, poginula dva vozača.", "sr", False),
        ("Vlada Srbije zabranila je kamionima vožnju auto-putem kod Niša zbog magle.", "sr", True),
    ],
)
def test_forecasts_and_exchange_rates_are_service_information_not_claims(text, language, checkworthy):
    assert (score_sentence(text, language)[0] >= THRESHOLD) is checkworthy


# --- issue 6: check-worthiness on real sentences (docs/checkworthiness.md) ---------------------


@pytest.fixture(scope="module")
def real_rows():
    return load_labelled(REAL, shared=SHARED, repo=REPO)


@needs_shared
def test_real_labelled_set_resolves_and_is_split_by_document(real_rows):
    # Every reference resolves to the hashed sentence (load_labelled raises otherwise).
    assert len(real_rows) >= 650
    assert {r.group for r in real_rows} >= {"sr-Latn", "sr-Cyrl", "ru", "en", "bs", "sq", "mk", "cnr"}
    raw = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    # No third-party text in the repository: only the project's demo rows carry their text.
    assert all(("text" in r) == r["source"].startswith("demo/") for r in raw)
    splits: dict[tuple[str, str], set[str]] = {}
    for r in raw:
        assert r["split"] == split_of(r["source"], r["record"])
        splits.setdefault((r["source"], r["record"]), set()).add(r["split"])
    assert all(len(v) == 1 for v in splits.values())


@needs_shared
def test_real_test_half_f1_beats_the_rules_it_replaced(real_rows):
    test = [r for r in real_rows if r.split == "test"]
    ours = [(score_sentence(r.text, r.language)[0] >= THRESHOLD, r.checkworthy) for r in test]
    base = [(bool(sentence_features(r.text, r.language)["number"] or sentence_features(r.text, r.language)["entities"]),
             r.checkworthy) for r in test]
    # bench/results/checkworthy.json: 0.69 (rules at 79ccb3a: 0.56; number or name: 0.51). The issue's
    # goal of 0.80 is not reached; this guards against falling back.
    assert f1(ours) >= 0.65 and f1(ours) > f1(base) + 0.1


@needs_shared
def test_at_most_a_quarter_of_alo_sentences_are_claims():
    # Issue 6: 13,789 of 28,253 Alo.rs sentences (49%) were claims, gossip and sport included.
    kept = total = 0
    with (SHARED / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % 4:  # every fourth article keeps the test quick; the bench scores all
                continue
            text = json.loads(line)["text"] or ""
            for start, end in split_sentences(text):
                sentence = text[start:end].strip()
                total += 1
                kept += MIN_CHARS <= len(sentence) <= MAX_CHARS and score_sentence(sentence, "sr")[0] >= THRESHOLD
    assert total > 5000 and kept / total <= 0.25


@pytest.mark.parametrize(
    "text,language",
    [
        ("Njegovi roditelji se zovu Ranko i Borka Marin.", "sr"),  # the gossip example
        ("Sutra pretežno sunčano, temperatura do 24 stepena.", "sr"),
        ("Crvena zvezda pobedila je Partizan 2:1 u večitom derbiju.", "sr"),
        ("Ovnovi, ovog meseca očekuje vas nova ljubav i uspeh na poslu.", "sr"),
        ("Pevačica je otkrila da se udaje za svog dečka na leto.", "sr"),
        ("Mislim da je ova vlada najgora u istoriji.", "sr"),
        ("Да ли је Влада Србије потписала споразум?", "sr"),
        ("Fudbalerët e Partizanit fituan ndeshjen 3:1.", "sq"),
        ("Утрото ќе биде студено, од 2 степени.", "mk"),
        ("- To je sramota za Srbiju - rekao je Dačić.", "sr"),
        ("I think the sanctions are a terrible mistake.", "en"),
        # The speaker's own opinion, opened in Cyrillic, naming institutions (vetoed as opinion_lead).
        ("Мислим да је Влада Србије погрешила када је потписала споразум са НАТО.", "sr"),
    ],
)
def test_private_life_weather_sport_horoscope_opinion_questions_are_not_claims(text, language):
    assert score_sentence(text, language)[0] < THRESHOLD


@pytest.mark.parametrize(
    "text,language",
    [
        ("Влада Србије повећала је пензије за 5,5 одсто од јануара.", "sr"),
        ("Ministarstvo zdravlja objavilo je da je vakcinisano 40 posto stanovništva.", "sr"),
        ("Vlada Kosova zabranila je uvoz robe iz Srbije.", "sr"),
        ("Qeveria e Kosovës ndaloi importin e mallrave nga Serbia.", "sq"),
        ("Собранието ја усвои одлуката за промена на Уставот.", "mk"),
        ("Правительство Сербии отказалось вводить санкции против России.", "ru"),
        ("The European Commission approved 1.2 billion euros for Western Balkan railways.", "en"),
        ("Vijeće ministara BiH usvojilo je budžet institucija za 2024. godinu.", "bs"),
        ("Skupština Crne Gore izglasala je nepovjerenje Vladi.", "cnr"),
    ],
)
def test_claims_about_institutions_politics_health_economy_are_claims(text, language):
    assert score_sentence(text, language)[0] >= THRESHOLD


def test_hashed_features_are_stable_across_processes_and_shipped_in_full():
    # Buckets come from crc32, not hash() (salted per process): the shipped weights must keep meaning
    # the same n-grams in every run. "u:vlada" is the stem unigram of "Vlada".
    assert _hash("u:vlada") == zlib.crc32(b"u:vlada") % HASH_BUCKETS
    buckets = hashed_features(["vlada", "srbije", "usvojila"])
    assert buckets == sorted(set(buckets)) and _hash("b:vlada_srbij") in buckets and _hash("c:vlad") in buckets
    weights, hashed, threshold = load_weights()
    assert hashed.shape == (HASH_BUCKETS,) and np.count_nonzero(hashed) > 1000 and 0 < threshold < 1
    assert set(weights) == set(FEATURES)


def test_weights_with_a_wrong_bucket_count_are_refused(tmp_path):
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    np.save(tmp_path / data["hashed_weights"], np.zeros(1024, dtype=np.float32))
    (tmp_path / "w.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="1024"):
        load_weights.__wrapped__(tmp_path / "w.json")


def test_bench_span_limits_match_the_claims_stage():
    # bench/bench_checkworthy.py counts the Alo share with checkworthiness_labels' limits.
    assert (labels.MIN_CHARS, labels.MAX_CHARS) == (MIN_CHARS, MAX_CHARS)


def test_scoring_is_fast_enough_for_every_sentence():
    # The stage scores every sentence of every document (bench: ~7,000 sentences/s on one core).
    sentences = [f"Vlada Srbije je {i}. put usvojila izmene zakona o budžetu, rekao je ministar." for i in range(2000)]
    t0 = time.perf_counter()
    for s in sentences:
        score_sentence(s, "sr")
    assert len(sentences) / (time.perf_counter() - t0) > 1000


# --- issue 6: the second labelling pass (docs/checkworthiness.md, "Agreement") --------------------

SECOND_PASS = REPO / "tests" / "data" / "checkworthy_second_pass.jsonl"


def test_agreement_discounts_chance():
    # Two labellers who both say "no" to everything agree 100% and tell nothing apart: kappa is
    # about what is left after chance. Here 3 of 4 agree, chance agreement is 0.5, kappa 0.5.
    pairs = [(True, True), (False, False), (False, True), (False, False)]
    assert labels.agreement(pairs) == {"agreement": 0.75, "kappa": 0.5, "disagreements": 1}
    assert labels.agreement([(False, False)] * 3)["kappa"] == 1.0
    with pytest.raises(ValueError):
        labels.agreement([])


def test_second_pass_covers_dev_rows_only_and_audited_labels_follow_it():
    # The blind second pass sampled dev rows; its "first" is the label as it stood before the audit.
    # Rows changed by the audit carry "audit" and now hold the second pass's label; test rows are
    # never relabelled (docs/checkworthiness.md).
    real = {r["id"]: r for r in map(json.loads, REAL.read_text(encoding="utf-8").splitlines())}
    second = [json.loads(line) for line in SECOND_PASS.read_text(encoding="utf-8").splitlines()]
    assert len(second) == 200 and len({r["id"] for r in second}) == 200
    audited = {i for i, r in real.items() if r.get("audit")}
    assert all(real[i]["split"] == "dev" for i in audited)
    for r in second:
        row = real[r["id"]]
        assert row["split"] == "dev"
        if r["id"] in audited:
            assert row["checkworthy"] == r["second"] != r["first"]
        else:
            assert row["checkworthy"] == r["first"]
    stats = labels.agreement([(r["second"], r["first"]) for r in second])
    assert stats["kappa"] > 0.8  # bench/results/checkworthy.json: 0.87 (94.5% agreement)


@pytest.mark.parametrize(
    "text,language",
    [
        # Conditionals are not claims (docs/checkworthiness.md); with names and policy words in them
        # these scored 0.63-0.80 against a threshold of 0.3 before the condition-lead veto.
        ("If they win, the West will lift the sanctions against Russia and recognise Crimea.", "en"),
        ("Ako Vlada Srbije potpiše sporazum sa NATO, Rusija će uvesti sankcije.", "sr"),
        ("Ukoliko Kurti ne formira zajednicu srpskih opština, EU će uvesti mere Kosovu.", "sr"),
        ("Ако Скупштина усвоји закон, плате ће порасти за десет одсто.", "sr"),
        ("\"Ako ministar kaže da imamo 20 miliona govornika, onda će politika reći da je posegao za tuđima.", "sr"),
    ],
)
def test_sentences_that_open_with_a_condition_are_not_claims(text, language):
    score, feats = score_sentence(text, language)
    assert feats["conditional_lead"] and score < THRESHOLD


def test_a_condition_inside_a_reported_fact_is_not_vetoed():
    # Only the opening counts: "if" later in a sentence does not make the reported decision hypothetical.
    text = "Skupština je usvojila zakon po kojem se porez ne plaća ako je plata manja od 30.000 dinara."
    score, feats = score_sentence(text, "sr")
    assert not feats["conditional_lead"] and score >= THRESHOLD


@pytest.mark.parametrize(
    "text,language,vetoed",
    [
        # A quoted judgement with no event and no figure is a quote of opinion (docs/checkworthiness.md);
        # refitted with the fourth draw, the Dačić line scored 0.278 against a threshold of 0.275.
        ("- To je sramota za Srbiju - rekao je Dačić.", "sr", True),
        ("Вучић: Ситуација на Космету води у катастрофу", "sr", True),
        # A quote that reports an act or a figure stays with the model.
        ("- Vlada je usvojila sramotan zakon o porezu - rekao je Dačić.", "sr", False),
        ("\"Policija je uhapsila 20 ljudi, to je sramota\", rekao je.", "sr", False),
    ],
)
def test_quoted_judgements_without_an_event_or_figure_are_vetoed(text, language, vetoed):
    score, feats = score_sentence(text, language)
    assert bool(feats["opinion_quote"]) is vetoed
    if vetoed:
        assert score < THRESHOLD
