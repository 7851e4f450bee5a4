"""Writing-system detection and the Latin matching key.

``detect_script`` names the dominant script of a text (ISO 15924). ``latin_key`` turns
Cyrillic or Latin text into one comparable ASCII-ish form, so that a Politika headline in
Cyrillic and its Latin copy on another portal meet in deduplication and search.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["detect_script", "latin_key", "to_latin"]

# Letters only (no digits, no underscore): \w minus \d minus _ .
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u052F\u1C80-\u1C8F\u2DE0-\u2DFF\uA640-\uA69F]")

# Other scripts, checked only when Latin and Cyrillic together are not the majority
# (rare in this region's feeds, so clarity beats speed here).
_OTHER_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Grek", re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF]")),
    ("Arab", re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")),
    ("Hebr", re.compile(r"[\u0590-\u05FF]")),
    ("Armn", re.compile(r"[\u0530-\u058F]")),
    ("Geor", re.compile(r"[\u10A0-\u10FF]")),
    ("Deva", re.compile(r"[\u0900-\u097F]")),
    ("Thai", re.compile(r"[\u0E00-\u0E7F]")),
    ("Hang", re.compile(r"[\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]")),
    ("Jpan", re.compile(r"[\u3040-\u30FF]")),
    ("Hani", re.compile(r"[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF]")),
)


def detect_script(text: str) -> str:
    """Return the ISO 15924 code of the dominant script among the letters of ``text``.

    ``"Latn"``, ``"Cyrl"``, others such as ``"Grek"`` or ``"Arab"``; ``"Zyyy"`` (common)
    when the text has no letters, ``"Zzzz"`` when its letters belong to none we know.
    """
    if not text:
        return "Zyyy"
    latin = len(_LATIN_RE.findall(text))
    cyrillic = len(_CYRILLIC_RE.findall(text))
    letters = len(_LETTER_RE.findall(text))
    if letters == 0:
        return "Zyyy"
    if latin + cyrillic >= letters / 2:
        # Ties go to Cyrillic: a Cyrillic text with as many Latin letters (URLs, brand
        # names) is still a Cyrillic text, while the reverse almost never happens.
        return "Cyrl" if cyrillic >= latin else "Latn"
    counts = {name: len(rx.findall(text)) for name, rx in _OTHER_SCRIPTS}
    counts["Latn"] = latin
    counts["Cyrl"] = cyrillic
    best = max(counts, key=counts.__getitem__)
    if counts[best] == 0:
        return "Zzzz"
    if best == "Hani" and counts["Jpan"]:
        # Japanese mixes kana with Han; any kana means Japanese.
        return "Jpan"
    return best


# --- Latin matching key -------------------------------------------------------------

# Letters whose Unicode decomposition has no ASCII base, or where the regional
# convention differs from "drop the accent": đ is written "dj" when a keyboard lacks it
# (Serbian/Croatian practice), so Đ and Dj copies of a name must meet.
_SPECIAL_LATIN = {
    "đ": "dj", "ð": "dj", "ɖ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss",
    "ı": "i", "ħ": "h", "ŧ": "t", "þ": "th", "ŀ": "l", "ŋ": "n", "ǵ": "g", "ḱ": "k",
    "ǆ": "dz", "ǉ": "lj", "ǌ": "nj",
}
# Apostrophes disappear instead of splitting a word ("O'Brien" ~ "OBrien", and
# cyrtranslit renders ь/ъ as apostrophes).
_DELETE = "'’ʼ`´\u00ad\u200b\u200c\u200d\u2060\ufeff"

# Which transliteration each language uses. Serbian-script languages go through
# serbian-translit's letter table; the rest through cyrtranslit's, by its own codes.
_CYRTRANSLIT_CODE = {"mk": "mk", "ru": "ru", "bg": "bg", "uk": "ua", "be": "by", "tg": "tj", "mn": "mn"}


def _strip_accents(s: str) -> str:
    out = []
    for ch in s:
        if ch in _SPECIAL_LATIN:
            out.append(_SPECIAL_LATIN[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        out.append(base)
    return "".join(out)


@lru_cache(maxsize=1)
def _latin_table() -> dict[int, str | None]:
    """Lower-case Latin letters with diacritics -> plain ASCII, combining marks dropped."""
    table: dict[int, str | None] = {}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        if not ch.isalpha():
            continue
        low = ch.lower()
        plain = _strip_accents(low)
        if plain != ch:
            table[cp] = plain
    for ch, rep in _SPECIAL_LATIN.items():
        table[ord(ch)] = rep
    for cp in range(0x0300, 0x0370):  # combining diacritical marks (NFD input, ś as s + U+0301)
        table[cp] = None
    for ch in _DELETE:
        table[ord(ch)] = None
    return table


def _serbian_cyr_to_lat() -> dict[str, str]:
    # serbian-translit's own letter table (its converter also protects quoted text and
    # foreign words, which a matching key must not do, so we take only the letters).
    from serbian_translit.table import SRP_CYR_TO_LAT

    letters = SRP_CYR_TO_LAT.letters
    return {**letters.singles, **letters.digraphs}


def _cyrtranslit_cyr_to_lat(code: str) -> dict[str, str]:
    from cyrtranslit.mapping import TRANSLIT_DICT

    return {k: v for k, v in TRANSLIT_DICT[code]["tolatin"].items() if k.islower() or not k.isalpha()}


@lru_cache(maxsize=32)
def _key_table(language: str) -> dict[int, str | None]:
    """One ``str.translate`` table per language: Cyrillic -> Latin -> plain ASCII."""
    lang = (language or "").lower()
    if lang in _CYRTRANSLIT_CODE:
        cyr = _cyrtranslit_cyr_to_lat(_CYRTRANSLIT_CODE[lang])
    else:
        cyr = _serbian_cyr_to_lat()
    # Letters the chosen alphabet lacks (й in a "Serbian" text, ѓ in a "Russian" one) are
    # read as the alphabet that has them, so no Cyrillic letter survives into the key.
    merged: dict[str, str] = {}
    for code in ("by", "bg", "mk", "ua", "ru"):
        merged.update(_cyrtranslit_cyr_to_lat(code))
    merged.update(_serbian_cyr_to_lat())
    merged.update(cyr)
    for cp in range(0x0400, 0x0460):  # ѐ ѝ Ѐ Ѝ: accented vowels, read as their base letter
        ch = chr(cp).lower()
        if ch not in merged:
            base = unicodedata.normalize("NFD", ch)[0]
            if base in merged:
                merged[ch] = merged[base]
    latin = _latin_table()
    table: dict[int, str | None] = dict(latin)
    for ch, rep in merged.items():
        if len(ch) != 1:
            continue
        table[ord(ch)] = rep.lower().translate(latin)
    return table


_NON_WORD_RE = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _serbian_lower_table() -> dict[int, str]:
    return {ord(k): v for k, v in _serbian_cyr_to_lat().items() if len(k) == 1}


def serbian_cyrillic_to_latin_lower(lowered: str) -> str:
    """Fast Serbian Cyrillic -> Latin for already lower-cased text, diacritics kept.

    For rule matching, not display: ``to_latin`` keeps case and protects quotes.
    """
    out = lowered.translate(_serbian_lower_table())
    if "\u0301" in out:  # Montenegrin с́/з́ become ś/ź
        out = unicodedata.normalize("NFC", out)
    return out


def to_latin(text: str, language: str = "sr") -> str:
    """Transliterate Cyrillic letters to Latin, keeping case and diacritics (č, š, ž).

    Serbian/Montenegrin use serbian-translit, others cyrtranslit with the matching code.
    """
    lang = (language or "").lower()
    if lang in _CYRTRANSLIT_CODE:
        import cyrtranslit

        return cyrtranslit.to_latin(text, _CYRTRANSLIT_CODE[lang])
    from serbian_translit.table import CNR_CYR_TO_LAT, SRP_CYR_TO_LAT

    rule = CNR_CYR_TO_LAT if lang == "cnr" else SRP_CYR_TO_LAT
    return rule.apply(text)


def latin_key(text: str, language: str = "und") -> str:
    """A Latin matching key: transliterated, casefolded, accent-free, punctuation-free.

    The Cyrillic and Latin copies of one Serbian headline give the same key, e.g.
    ``latin_key("Први мигрант у Србији", "sr") == latin_key("Prvi migrant u Srbiji", "sr")``.
    ``language`` picks the Cyrillic table (``mk``, ``ru``, ``bg``, ``uk`` differ from Serbian);
    Latin text does not depend on it.
    """
    if not text:
        return ""
    s = text.casefold().translate(_key_table(language))
    if not s.isascii():
        # Rare leftovers (precomposed letters outside the tables, other scripts): decompose
        # and drop marks; letters of other scripts (Greek, Arabic) stay as they are.
        # Compatibility forms (𝕊, ﬁ, ２) may decompose to capitals: casefold again.
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()
        s = s.translate(_key_table(language))
    return _NON_WORD_RE.sub(" ", s).strip()
