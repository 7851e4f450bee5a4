"""The text helpers the fact-base code needs, with small fallbacks.

``factwatch.text`` owns language, script, sentence and Latin-key rules; this module only
adapts them (and keeps this package importable while ``text/`` grows). Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def text_hash(text: str) -> str:
    """Key of the embedding cache: whitespace-normalised text, so copies that differ only in
    spacing are embedded once."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def latin_key(text: str, language: str | None = "und") -> str:
    try:
        from factwatch.text.normalize import latin_key as _key
    except ImportError:  # pragma: no cover - text/ not merged yet
        from factwatch.text.script import latin_key as _key
    return _key(text, language or "und")


def split_sentences(text: str) -> list[tuple[int, int]]:
    try:
        from factwatch.text.sentences import split_sentences as _split
    except ImportError:  # pragma: no cover
        _split = None
    if _split is not None:
        return _split(text)
    spans, start = [], 0
    for m in re.finditer(r"[.!?…]+[\"'”»)]*\s+", text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in ((s, e - (len(text[s:e]) - len(text[s:e].rstrip()))) for s, e in spans) if e > s]


_MK_LETTERS = set("ѓќѕѐѝЃЌЅ")
_RU_LETTERS = set("ыэъёЫЭЪЁщЩ")
_SQ_MARKS = re.compile(r"[ëç]|\b(dhe|është|nga|për|që|të|një|janë)\b", re.IGNORECASE)
_BCMS_MARKS = re.compile(r"[čćđšž]|\b(je|su|i|u|na|da|se|od|za|nije|koji|što|sto|kako)\b", re.IGNORECASE)


def detect_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 code; the text package's detector when present, else script/letter rules."""
    if hint and hint not in ("und", ""):
        return hint
    try:
        from factwatch.text.lang import detect_language as _detect  # type: ignore[attr-defined]
    except ImportError:
        _detect = None
    if _detect is not None:
        try:
            found = _detect(text)
            code = found[0] if isinstance(found, tuple) else getattr(found, "language", found)
            if isinstance(code, str) and code:
                return code
        except Exception:  # a detector bug must not stop matching; fall back to the rules below
            pass
    return _rule_language(text)


@lru_cache(maxsize=4096)
def _rule_language(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "und"
    cyr = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if cyr > len(letters) / 2:
        if any(c in _MK_LETTERS for c in text):
            return "mk"
        if any(c in _RU_LETTERS for c in text):
            return "ru"
        return "sr"
    if _SQ_MARKS.search(text):
        return "sq"
    if len(_BCMS_MARKS.findall(text)) >= 2:
        return "sr"
    if all(c.isascii() for c in letters):
        return "en"
    return "und"


def fold(text: str) -> str:
    """Accent-free casefolded form (for lexicon lookups on original-script text)."""
    s = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text)
