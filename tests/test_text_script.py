"""Script detection and the Latin matching key (factwatch.text.script)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factwatch.text import detect_script, latin_key, to_latin

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Vlada Srbije usvojila je budžet.", "Latn"),
        ("Влада Србије усвојила је буџет.", "Cyrl"),
        ("Правительство России", "Cyrl"),
        ("Η κυβέρνηση της Ελλάδας", "Grek"),
        ("الحكومة الجديدة", "Arab"),
        ("", "Zyyy"),
        ("123 456 !!! 🙂", "Zyyy"),
        ("Вучић у Бриселу: EU, NATO и Kosovo", "Cyrl"),
        ("Qeveria e Kosovës", "Latn"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_latin_key_cyrillic_and_latin_copies_meet() -> None:
    cyr = "Абдулах из Авганистана, први мигрант предузетник у Србији"
    lat = "Abdulah iz Avganistana, prvi migrant preduzetnik u Srbiji"
    assert latin_key(cyr, "sr") == latin_key(lat, "sr") == "abdulah iz avganistana prvi migrant preduzetnik u srbiji"


@pytest.mark.parametrize(
    ("text", "language", "key"),
    [
        ("Đoković — ŠAMPION!", "sr", "djokovic sampion"),
        ("Ђоковић", "sr", "djokovic"),
        ("Џеј Љубав Њушка", "sr", "dzej ljubav njuska"),
        ("Ќерка на Ѓорѓи", "mk", "kerka na gorgi"),
        ("Щука и ёж", "ru", "shhuka i yozh"),
        ("Щастие", "bg", "shtastie"),
        ("Qeveria e Kosovës, çështja", "sq", "qeveria e kosoves ceshtja"),
        ("  many   spaces\n\nand_underscores ", "en", "many spaces and underscores"),
        ("", "sr", ""),
    ],
)
def test_latin_key_examples(text: str, language: str, key: str) -> None:
    assert latin_key(text, language) == key


def test_latin_key_nfd_input_equals_nfc() -> None:
    import unicodedata

    s = "Šćepan Đurić śutra"
    assert latin_key(unicodedata.normalize("NFD", s), "cnr") == latin_key(s, "cnr") == "scepan djuric sutra"


def test_to_latin_keeps_case_and_diacritics() -> None:
    assert to_latin("Ђоковић у Њујорку", "sr") == "Đoković u Njujorku"
    assert to_latin("Ќерка", "mk") == "Ḱerka"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["sr", "mk", "ru", "bg", "uk", "en", "und"]))
def test_latin_key_properties(text: str, language: str) -> None:
    key = latin_key(text, language)
    assert key == key.strip()
    assert "  " not in key
    assert latin_key(key, language) == key  # a key is its own key
    assert not any("\u0400" <= ch <= "\u045f" for ch in key)  # no letter of the region's alphabets survives


def test_latin_key_on_politika_pairs() -> None:
    path = DATA / "serbian_news" / "serbian_news_titles.jsonl"
    if not path.exists():
        pytest.skip("needs ../shared/data (CI has it; a fresh clone does not)")
    same = total = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("site_name") == "Politika" and rec.get("title_transliterated"):
                total += 1
                same += latin_key(rec["title"], "sr") == latin_key(rec["title_transliterated"], "sr")
    assert total > 3000
    assert same / total > 0.99
