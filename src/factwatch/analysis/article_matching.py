"""Which fact-checks address an article: each check-worthy sentence matched on its own.

An article scored as one query dilutes the one false sentence among twenty true ones, and
``match_text``'s long-text path keeps only its five most check-worthy sentences, so a planted
claim that the scorer ranks sixth came out "not addressed". Here the article is split by the
claims stage's own extraction (``analysis/claims.checkworthy_sentences``: text/sentences.py, the
same scorer and threshold), every check-worthy sentence goes through ``match_text`` (so through
``rank_query``, the one ranking function) and the sentences come back best first. A short text
(at most ``LONG_TEXT_CHARS``) is matched whole, exactly as ``match_text`` does.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from factwatch.analysis._text import detect_language
from factwatch.analysis.claims import checkworthy_sentences
from factwatch.analysis.matching import LONG_TEXT_CHARS, MatchResult, match_text
from factwatch.store import Store

__all__ = ["ArticleMatch", "SentenceMatch", "match_article", "MAX_SENTENCES"]

# Each sentence costs one e5 query (~60 a second here) and one ranking; the most check-worthy
# MAX_SENTENCES of a very long text are matched and a note says so.
MAX_SENTENCES = 40


@lru_cache(maxsize=1)
def single_threaded_blas() -> None:
    """Run numpy's BLAS on one thread in this process (once; idempotent).

    Ranking a sentence is a handful of matrix-vector products of a few thousand 384-d rows.
    OpenBLAS splits each over its threads, and on a busy machine a product waits for a thread
    that is descheduled: 3-20 ms a product instead of 0.03 ms, 20 ms a sentence (measured, load
    10, 1,480 passages). One thread gives bitwise the same products (tests/test_article_matching.py).
    e5 runs its own OpenMP pool and is not affected.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    """One check-worthy sentence of the article and what the fact base says about it."""

    start: int  # offsets in the text as given (stripped of surrounding blanks)
    end: int
    sentence: str
    checkworthiness: float
    result: MatchResult

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "sentence": self.sentence,
                "checkworthiness": round(self.checkworthiness, 4), **self.result.as_dict()}


@dataclass(frozen=True, slots=True)
class ArticleMatch:
    """``result``: the decision shown first (a long text's best sentence, a short text's own);
    ``sentences``: every check-worthy sentence matched, most probably addressed first (empty for a
    short text)."""

    result: MatchResult
    sentences: list[SentenceMatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    whole: bool = False  # a short text, matched whole: its answer is match_text's, unchanged

    @property
    def addressed_sentences(self) -> list[SentenceMatch]:
        return [s for s in self.sentences if s.result.addressed]

    def as_dict(self) -> dict[str, Any]:
        """The ``match --json`` shape (decision, probability, matches of the best sentence); for an
        article also ``sentences`` (each check-worthy sentence with its own decision and matches,
        best first) and ``notes``. A short text's answer is exactly ``match_text``'s, as before."""
        if self.whole:
            return self.result.as_dict()
        return {**self.result.as_dict(), "sentences": [s.as_dict() for s in self.sentences],
                "notes": [*self.result.notes, *self.notes]}


def match_article(
    store: Store, text: str, *, k: int = 5, language: str | None = None,
    memo: MutableMapping[str, bytes] | None = None,
) -> ArticleMatch:
    """Match ``text``: whole when short, else sentence by sentence (see the module's docstring).

    ``memo`` as for ``match_text``: the web passes its LRU so a GET never writes the store."""
    single_threaded_blas()
    body = (text or "").strip()
    if len(body) <= LONG_TEXT_CHARS:
        return ArticleMatch(match_text(store, text, k=k, language=language, memo=memo), whole=True)
    lang = detect_language(body[:2000], language)
    picked = checkworthy_sentences(body, lang)
    notes = []
    if len(picked) > MAX_SENTENCES:
        notes.append(f"{len(picked)} check-worthy sentences: matched the {MAX_SENTENCES} most check-worthy")
        picked = sorted(picked, key=lambda s: (-s[3], s[0]))[:MAX_SENTENCES]
    unique: dict[str, tuple[int, int, str, float]] = {}
    for item in sorted(picked, key=lambda s: s[0]):
        unique.setdefault(" ".join(item[2].split()), item)  # a repeated sentence is matched once
    if not unique:
        # Nothing check-worthy (an opinion piece, an unknown script): match_text's own fallbacks.
        return ArticleMatch(match_text(store, body, k=k, language=lang, memo=memo), [], notes)
    from factwatch.analysis.embed import embed_texts

    # One batch through e5 instead of one call a sentence; match_text then finds each vector in
    # the cache (or in ``memo``) under the same text hash.
    embed_texts(store, list(unique), kind="query", memo=memo)
    matched = [SentenceMatch(start, end, sentence, score,
                             match_text(store, sentence, k=k, language=lang, memo=memo))
               for sentence, (start, end, _, score) in unique.items()]
    matched.sort(key=lambda s: (-s.result.probability, s.start))
    return ArticleMatch(matched[0].result, matched, notes)
