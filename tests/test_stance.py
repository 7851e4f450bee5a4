"""Stance (repeats, rejects, reports, asks) across languages and scripts, and the labelled set's shape."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factwatch.analysis.stance import debunks, negations, read_stance, stance_towards

CLAIM = "KFOR is preparing an attack on Serbs in northern Kosovo"
LABELLED = Path(__file__).parent / "data" / "stance_labelled.jsonl"


@pytest.mark.parametrize(
    "text,language,expected",
    [
        ("KFOR se sprema da napadne Srbe na severu Kosova!", "sr", "repeats"),
        ("КФОР се спрема да нападне Србе на северу Косова", "sr", "repeats"),
        ("KFOR se ne sprema da napadne Srbe na severu Kosova.", "sr", "rejects"),
        ("КФОР није планирао никакав напад на Србе.", "sr", "rejects"),
        ("Lažna vest: KFOR sprema napad na sever Kosova", "sr", "rejects"),
        ("KFOR demantovao da priprema napad na Srbe", "sr", "rejects"),
        ("КФОР готовит нападение на сербов на севере Косово", "ru", "repeats"),
        ("КФОР не готовит никакого нападения, это фейк", "ru", "rejects"),
        ("KFOR nuk po përgatit sulm ndaj serbëve në veri", "sq", "rejects"),
        ("KFOR is not preparing any attack, NATO said", "en", "rejects"),
    ],
)
def test_repeating_and_rejecting_a_false_claim(text, language, expected):
    assert stance_towards(text, CLAIM, language=language) == expected


@pytest.mark.parametrize(
    "text,language",
    [
        ("10 accounts posted that KFOR is about to attack", "en"),
        ("Russian media reported that KFOR is preparing an attack on Serbs.", "en"),
        ("Ruski mediji tvrde da KFOR sprema napad na Srbe.", "sr"),
        ("Руски медији су објавили да КФОР спрема напад.", "sr"),
        ("Prema pisanju portala, KFOR sprema napad na sjever.", "hr"),
        ("Според српските медиуми, КФОР подготвува напад.", "mk"),
        ("Как сообщают сербские СМИ, KFOR готовит нападение.", "ru"),
        ("Руски медии твърдят, че КФОР подготвя нападение.", "bg"),
        ("Sipas mediave serbe, KFOR-i po përgatit sulm.", "sq"),
        ("Navodno KFOR sprema napad na Srbe.", "bs"),
        ("Lavrov: KFOR sprema napad na Srbe", "sr"),  # a headline speaker
    ],
)
def test_reported_speech_and_attribution_report(text, language):
    assert stance_towards(text, CLAIM, language=language) == "reports"


@pytest.mark.parametrize(
    "text,language",
    [
        ("Is KFOR preparing an attack?", "en"),
        ("Da li KFOR sprema napad na Srbe", "sr"),  # headline without a question mark
        ("Sprema li KFOR napad na sjever Kosova", "hr"),
        ("Дали КФОР подготвува напад", "mk"),
        ("Готовит ли KFOR нападение на сербов", "ru"),
        ("A po përgatit KFOR-i sulm ndaj serbëve", "sq"),
        ("Is KFOR not preparing an attack?", "en"),  # a question, not a denial
    ],
)
def test_questions_ask(text, language):
    assert stance_towards(text, CLAIM, language=language) == "asks"


@pytest.mark.parametrize(
    "text,language",
    [
        ("Fake news claims that KFOR is preparing an attack on Serbs.", "en"),
        ("Nakon što su pojedini portali u regiji objavili da građani od januara moraju vaditi vize, "
         "provjerili smo šta je ETIAS.", "bs"),
        ("Ruski mediji tvrde, bez ikakvih dokaza, da KFOR sprema napad.", "sr"),
        ("Это фейк: КФОР никакого нападения не готовит.", "ru"),
        ("Lajmi se KFOR-i po përgatit sulm është i rremë.", "sq"),
    ],
)
def test_debunk_framing_rejects_even_with_attribution(text, language):
    claim = "From January, citizens of Serbia will need visas for the EU because of ETIAS" if "ETIAS" in text else CLAIM
    reading = read_stance(text, claim, language=language)
    assert reading.stance == "rejects" and reading.rule == "debunk" and reading.cue


@pytest.mark.parametrize(
    "text,language",
    [
        ("Is it a coincidence that KFOR is moving troops next to Serb villages?", "en"),
        ("Nije tajna da KFOR sprema napad na Srbe.", "sr"),  # a negation word, but it asserts
        ("Не секрет, что КФОР готовит нападение.", "ru"),
        ("Zašto ćute o tome da KFOR sprema napad?", "sr"),
        ("Kako saznaje naš portal, KFOR sprema napad na Srbe.", "sr"),  # factive: presented as found out
        ("Leaked documents revealed that KFOR is preparing an attack.", "en"),
    ],
)
def test_insinuation_and_factive_framing_repeat(text, language):
    assert stance_towards(text, CLAIM, language=language) == "repeats"


def test_a_claim_about_a_fake_is_repeated_in_any_language():
    claim = "The Bucha massacre was a fake staged by Ukraine"
    assert stance_towards("Masakr u Buči je fejk koji je inscenirala Ukrajina.", claim, language="sr") == "repeats"
    assert stance_towards("Резня в Буче — это фейк, постановка Украины.", claim, language="ru") == "repeats"


@pytest.mark.parametrize(
    "text,language,expected",
    [
        ("KFOR sprema napad na Srbe, a Beograd ne reaguje!", "sr", "repeats"),  # the negation is about Belgrade
        ("КФОР готовит нападение на сербов, но Белград ничего не делает.", "ru", "repeats"),
        ("Mediji šire paniku, a KFOR ne sprema nikakav napad.", "sr", "rejects"),  # the claim's clause is negated
        ("KFOR ne sprema napad, a mediji šire paniku.", "sr", "rejects"),
        ("KFOR je saopštio da ne sprema napad, potvrdili su iz komande.", "sr", "rejects"),  # a bare comma: one clause
    ],
)
def test_negation_counts_in_the_clause_that_carries_the_claim(text, language, expected):
    assert stance_towards(text, CLAIM, language=language) == expected


def test_words_that_look_like_question_particles_in_other_languages_do_not_ask():
    claim = "The United States runs secret biological laboratories in North Macedonia"
    # Serbian "dali" is "gave", not Macedonian "дали"; English "Do not…" is an order.
    assert stance_towards("Amerikanci su dali novac za tajne laboratorije u Makedoniji.", claim, language="sr") == "repeats"
    assert stance_towards("Дали САД имаат тајни лаборатории во Македонија", claim, language="mk") == "asks"
    assert stance_towards("Do believe it: the US runs secret labs in North Macedonia.", claim, language="en") == "repeats"


def test_reported_denial_rejects():
    assert stance_towards("Iz KFOR-a su saopštili da ne spremaju nikakav napad.", CLAIM, language="sr") == "rejects"


def test_a_claim_that_itself_negates_is_repeated_with_its_negation():
    claim = "EUFOR is in Bosnia illegally, without any UN mandate"
    assert stance_towards("EUFOR je u BiH bez ikakvog mandata UN", claim, language="bs") == "repeats"
    assert stance_towards("Mandat EUFOR-a je obnovljen u Vijeću sigurnosti UN-a.", claim, language="bs") == "rejects"


def test_albanian_case_suffix_is_not_a_negation():
    # Regression: "NATO-s" keyed to "nato s", and a bare "s" is Albanian "not".
    claim = "Albania is giving Kosovo passports to NATO soldiers"
    text = "Shqipëria po u jep pasaporta kosovare ushtarëve të NATO-s."
    assert negations(text, "sq") == 0
    assert stance_towards(text, claim, language="sq") == "repeats"
    assert negations("KFOR-i s'po përgatit sulm", "sq") == 1


def test_a_claim_word_is_not_a_cue():
    # The claim says "report": a text that repeats it is not an attribution.
    claim = "Western vaccines cause infertility and the Ministry of Health hid a report about it"
    assert stance_towards("Western vaccines cause infertility; the ministry hid the report.", claim, language="en") == "repeats"
    assert stance_towards("A blogger claims the ministry hid the report.", claim, language="en") == "reports"


def test_reading_explains_itself():
    reading = read_stance("Ruski mediji tvrde da KFOR sprema napad.", CLAIM, language="sr")
    assert reading.rule == "attribution" and reading.cue == "tvrde"
    assert "attributes" in reading.explain() and "tvrde" in reading.explain()
    assert read_stance("KFOR sprema napad na Srbe.", CLAIM, language="sr").explain() == "the text asserts the claim"


def test_counts_on_both_scripts_agree():
    assert negations("Ово није истина", "sr") == negations("Ovo nije istina", "sr") == 1
    assert debunks("Демантовали су вест", "sr") and debunks("Demantovali su vest", "sr")
    assert stance_towards("Руски медији тврде да КФОР спрема напад.", CLAIM, language="sr") == stance_towards(
        "Ruski mediji tvrde da KFOR sprema napad.", CLAIM, language="sr") == "reports"


def test_labelled_set_is_split_by_claim_and_covers_every_language_and_class():
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 180
    splits = {r["claim_id"]: set() for r in rows}
    for r in rows:
        splits[r["claim_id"]].add(r["split"])
    assert all(len(s) == 1 for s in splits.values()), "a claim is in both dev and test"
    langs = Counter(f"{r['language']}-{r['script']}" for r in rows)
    assert set(langs) == {"sr-Cyrl", "sr-Latn", "hr-Latn", "bs-Latn", "cnr-Latn", "mk-Cyrl", "sq-Latn", "ru-Cyrl",
                          "bg-Cyrl", "en-Latn"}
    for split in ("dev", "test"):
        classes = Counter(r["stance"] for r in rows if r["split"] == split)
        assert set(classes) == {"repeats", "rejects", "reports", "asks"} and min(classes.values()) >= 15


def test_labelled_test_half_accuracy():
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    test = [r for r in rows if r["split"] == "test"]
    right = sum(stance_towards(r["text"], r["claim"], language=r["language"], claim_language=r["claim_language"])
                == r["stance"] for r in test)
    assert right / len(test) >= 0.90


@given(st.text(max_size=300), st.text(max_size=300), st.sampled_from(["und", "sr", "sq", "ru", "en", "mk"]))
def test_stance_is_total(text, claim, language):
    assert stance_towards(text, claim, language=language) in ("repeats", "rejects", "reports", "asks")
