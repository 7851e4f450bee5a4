"""Sentence splitting with offsets (factwatch.text.sentences)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factwatch.text import sentences, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Petrović je rekao da je rast 3.5 odsto, tj. 1.000 dinara. Vlada je pala!",
            ["Dr. Petrović je rekao da je rast 3.5 odsto, tj. 1.000 dinara.", "Vlada je pala!"],
        ),
        ("Рекао је др. Јовановић, т.ј. министар. Нова реченица.", ["Рекао је др. Јовановић, т.ј. министар.", "Нова реченица."]),
        ("Sastanak je 25. jula 2019. godine. Dolaze svi.", ["Sastanak je 25. jula 2019. godine.", "Dolaze svi."]),
        ("Voće, povrće itd. Sledeće godine više.", ["Voće, povrće itd.", "Sledeće godine više."]),
        ("Mr. Smith went to St. Louis. He stayed.", ["Mr. Smith went to St. Louis.", "He stayed."]),
        ("Čekali smo... i ništa. Kraj.", ["Čekali smo... i ništa.", "Kraj."]),
        ("Rekao je: „Ovo je kraj.“ Onda je otišao.", ["Rekao je: „Ovo je kraj.“", "Onda je otišao."]),
        ("On je rekao «Da!» Ona nije.", ["On je rekao «Da!»", "Ona nije."]),
        ("Vidi https://www.alo.rs/vesti/a.b.html. Onda idemo.", ["Vidi https://www.alo.rs/vesti/a.b.html.", "Onda idemo."]),
        ("Naslov bez tačke\n\nPrvi pasus. Drugi.", ["Naslov bez tačke", "Prvi pasus.", "Drugi."]),
        ("M. Medenica piše iz Beograda.", ["M. Medenica piše iz Beograda."]),
        ("Šta sad? Ništa!", ["Šta sad?", "Ništa!"]),
        ("", []),
        ("   \n  ", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


_pieces = st.sampled_from(
    ["Vlada", "je", "dr.", "3.5", "1.000", "...", "…", "!", "?", ".", "„citat.“", "«Da!»", "\n", "\n\n", " ", "  ",
     "https://x.rs/a.b", "npr.", "т.ј.", "Он", "рекао", "g.", "St.", "A.", "\t", "“", "2019."]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_pieces, max_size=40).map(" ".join), st.text(max_size=200)))
def test_split_sentences_properties(text: str) -> None:
    spans = split_sentences(text)
    prev_end = 0
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert start >= prev_end  # in order, non-overlapping
        assert text[start:end].strip() == text[start:end] != ""
        prev_end = end
    # Nothing but whitespace is left out.
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered) or not spans and not text.strip()
