"""Stance by explicit negation and debunk vocabulary, across languages and scripts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factwatch.analysis.stance import debunks, negations, stance_towards

CLAIM = "KFOR is preparing an attack on Serbs in northern Kosovo"


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
def test_stance_towards_a_false_claim(text, language, expected):
    assert stance_towards(text, CLAIM, language=language) == expected


def test_a_claim_that_itself_negates_is_repeated_with_its_negation():
    claim = "EUFOR is in Bosnia illegally, without any UN mandate"
    assert stance_towards("EUFOR je u BiH bez ikakvog mandata UN", claim, language="bs") == "repeats"
    assert stance_towards("Mandat EUFOR-a je obnovljen u Vijeću sigurnosti UN-a.", claim, language="bs") == "rejects"


def test_counts_on_both_scripts_agree():
    assert negations("Ово није истина", "sr") == negations("Ovo nije istina", "sr") == 1
    assert debunks("Демантовали су вест", "sr") and debunks("Demantovali su vest", "sr")


@given(st.text(max_size=300), st.text(max_size=300))
def test_stance_is_total(text, claim):
    assert stance_towards(text, claim) in ("repeats", "rejects")
