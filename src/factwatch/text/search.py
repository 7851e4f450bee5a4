"""Search terms that meet across scripts and word forms.

A query word is put through the same Latin matching key as documents (``latin_key``), so
``визе`` and ``vize`` become one term, then a light South-Slavic stemmer cuts a case ending
so ``vize`` also finds ``viza``, ``vizu`` and ``vizama``. The store turns the terms into an
FTS5 query over the documents' Latin key. Pure functions: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from factwatch.text.script import latin_key

__all__ = ["SearchTerm", "find_hit", "search_terms", "stem", "to_cyrillic"]

# Case endings of Serbian, Croatian, Bosnian and Montenegrin nouns and adjectives, in the
# Latin key (no diacritics). Longest first, so "vizama" loses "ama", not "a". No "ov"/"ova":
# cutting them turns "Kosov(o)" into "kos", a different word.
ENDINGS: tuple[str, ...] = (
    "ama", "ima", "ega", "emu", "oga", "omu", "ome",
    "ih", "im", "om", "em", "og", "oj",
    "a", "e", "i", "o", "u",
)
# A stem shorter than this keeps its ending: "rat" (war) must not become "ra".
MIN_STEM = 3
# A stem this long is specific enough to match as a prefix ("kosov*", "srbij*"); a shorter
# one only with the endings above ("viz" -> viza, vize, vizu, ...), as "viz*" would also find
# "vizija" (vision).
PREFIX_STEM = 5


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """One query word: any of ``forms`` as a whole word, or any word starting with ``prefix``."""

    word: str  # the word's Latin key
    forms: tuple[str, ...]
    prefix: str | None


def stem(word: str) -> str:
    """``word`` (a Latin key) without its case ending, when what is left is at least MIN_STEM long."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def _is_acronym(raw: str) -> bool:
    # NATO, НАТО, EU, ЕУ: written in capitals, inflected only after a hyphen ("NATO-a",
    # whose key is two words), so they are matched as typed, never stemmed. A word typed in
    # capitals is read as one too ("VIZE" finds "vize", not "vizama").
    letters = [c for c in raw if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def search_terms(query: str) -> list[SearchTerm]:
    """The terms of ``query``, one per word of its Latin key, all of which a match must contain."""
    terms: list[SearchTerm] = []
    for raw in query.split():
        for word in latin_key(raw, "sr").split():
            if _is_acronym(raw) or len(word) < MIN_STEM:
                # Acronyms and two-letter words as written: "NATO" must not find "natočili".
                terms.append(SearchTerm(word=word, forms=(word,), prefix=None))
                continue
            if not word.isalpha():  # numbers, codes: the word or a longer one ("2024" finds "2024a")
                terms.append(SearchTerm(word=word, forms=(word,), prefix=word))
                continue
            base = stem(word)
            if len(base) >= PREFIX_STEM:
                terms.append(SearchTerm(word=word, forms=(word,), prefix=base))
            else:
                forms = tuple(dict.fromkeys([word, base, *(base + e for e in ENDINGS)]))
                terms.append(SearchTerm(word=word, forms=forms, prefix=word))
    return terms


@lru_cache(maxsize=1)
def _latin_to_cyrillic():  # type: ignore[no-untyped-def]
    from serbian_translit.table import SRP_LAT_TO_CYR

    return SRP_LAT_TO_CYR


def to_cyrillic(text: str) -> str:
    """Serbian Latin -> Cyrillic (serbian-translit's table), for matching Cyrillic titles."""
    return str(_latin_to_cyrillic().apply(text))


_WORD_RE = re.compile(r"\w+")
# A snippet is shown from the first hit in this many characters; past it, from the start.
MAX_HIT_SCAN = 20_000


# Words longer than this are keyed but not cached: a hostile document of very long "words" would
# otherwise fill the 65,536 cache slots with megabytes each.
_CACHED_WORD_MAX = 64


@lru_cache(maxsize=65_536)
def _cached_word_key(word: str) -> str:
    return latin_key(word, "sr")


def _word_key(word: str) -> str:
    return _cached_word_key(word) if len(word) <= _CACHED_WORD_MAX else latin_key(word, "sr")


def find_hit(text: str, query: str) -> tuple[int, int] | None:
    """(start, end) of the first word of ``text`` that a term of ``query`` matches, in either
    script and any word form, as the store's search does; None when no word does."""
    terms = search_terms(query)
    if not terms:
        return None
    for m in _WORD_RE.finditer(text, 0, min(len(text), MAX_HIT_SCAN)):
        key = _word_key(m.group())
        if any(key in t.forms or (t.prefix and key.startswith(t.prefix)) for t in terms):
            return m.start(), m.end()
    return None
