"""Text helpers of the analysis stages that ``factwatch.text`` does not already provide.

``factwatch.text`` owns language, script, sentence and Latin-key rules; they are re-exported
here so the stages import one module. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from factwatch.text import latin_key, split_sentences
from factwatch.text import detect_language as _detect

__all__ = ["detect_language", "fold", "latin_key", "split_sentences", "text_hash", "words"]

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def text_hash(text: str) -> str:
    """Key of the embedding cache: whitespace-normalised text, so copies that differ only in
    spacing are embedded once."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def detect_language(text: str, hint: str | None = None) -> str:
    """The language of ``text``; a known ``hint`` (a stored document's language) wins."""
    if hint and hint not in ("und", ""):
        return hint
    return _detect(text)[0]


def fold(text: str) -> str:
    """Accent-free casefolded form (for lexicon lookups on original-script text)."""
    s = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text)
