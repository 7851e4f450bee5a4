"""clean_text and normalize (factwatch.text.normalize)."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factwatch.models import Normalized
from factwatch.text import clean_text, normalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain text", "plain text"),
        ("<p>Prvi pasus.</p><p>Drugi &amp; treći.</p>", "Prvi pasus.\n\nDrugi & treći."),
        ("a<script>alert('x')</script>b", "a b"),
        ("<style>p{color:red}</style>Tekst", "Tekst"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok"),
        ("zero\u200bwidth\ufeff joiner\u200d", "zerowidth joiner"),
        ("ctrl\x00\x07chars", "ctrlchars"),
        ("  many   \t spaces  ", "many spaces"),
        ("line one\r\nline two\n\n\n\nnew para", "line one\nline two\n\nnew para"),
        ("S\u030cabac", "Šabac"),  # NFD -> NFC
        ("a < b and c > d", "a < b and c > d"),
        ("AT&T and &#1041;", "AT&T and Б"),
        ("<!-- comment -->visible<br/>next", "visible\n\nnext"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(["<script>", "</script>", "<p>", "&lt;", "&gt;", "&amp;", "<", ">", "script", "x", " ",
                             "\n", "\u200b", "S\u030c", "<scr", "ipt>", "<style>", "&#60;", "\x00"]),
            max_size=30,
        ).map("".join),
    )
)
def test_clean_text_properties(raw: str) -> None:
    out = clean_text(raw)
    assert clean_text(out) == out  # idempotent
    assert "<script" not in out.lower()
    assert unicodedata.is_normalized("NFC", out)
    assert "\u200b" not in out and "\x00" not in out


def test_normalize_empty() -> None:
    n = normalize("")
    assert isinstance(n, Normalized)
    assert (n.language, n.script, n.latin_key, n.sentences) == ("und", "Zyyy", "", [])


@pytest.mark.parametrize("junk", ["\x00\x01\x02\xff\xfe", "\ufffd" * 50, "%PDF-1.4 \x00\x00 obj<< >>", "1234 5678 !!!"])
def test_normalize_binary_junk_does_not_crash(junk: str) -> None:
    n = normalize(junk)
    assert n.language == "und" or isinstance(n.language, str)
    assert "\x00" not in n.text


def test_normalize_cyrillic_title() -> None:
    n = normalize("Абдулах из Авганистана, први мигрант предузетник у Србији")
    assert (n.language, n.script) == ("sr", "Cyrl")
    assert n.latin_key == "abdulah iz avganistana prvi migrant preduzetnik u srbiji"
    assert n.as_dict()["language"] == "sr"


def test_normalize_html_article() -> None:
    n = normalize("<p>Vlada Srbije je juče usvojila predlog budžeta.</p><p>Predsednik je rekao da je to dobro.</p>",
                  title="Budžet usvojen")
    assert n.language == "sr"
    assert n.sentences == ["Vlada Srbije je juče usvojila predlog budžeta.", "Predsednik je rekao da je to dobro."]


def test_language_hint_breaks_ties_but_not_evidence() -> None:
    assert normalize("Vlada je usvojila zakon.", language_hint="cnr").language == "cnr"
    assert normalize("Владата денеска ќе одржи седница.", language_hint="sr").language == "mk"
    assert normalize("Predsednik je rekao da će vreme biti lepo i da se deca vraćaju.", language_hint="hr").language == "sr"


def test_normalize_is_fast_for_tweets() -> None:
    tweet = ("Vučić: Srbija neće uvesti sankcije Rusiji, dijalog sa Prištinom se nastavlja u Briselu "
             "sledeće nedelje #Srbija https://t.co/abc @user ") * 2
    normalize(tweet)  # load the model
    t0 = time.perf_counter()
    for i in range(200):
        normalize(tweet + str(i))
    per_doc = (time.perf_counter() - t0) / 200
    assert per_doc < 0.002  # target 0.5 ms; loose bound for slow CI machines
