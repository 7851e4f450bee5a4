"""Pure helpers that shape store records for the templates. No I/O, no SQL."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from factwatch.models import Source
from factwatch.text.search import find_hit

SNIPPET_CHARS = 220
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: str | None) -> str | None:
    """``url`` if it is safe to put in ``href``: absolute http(s) only, else None.

    Source URLs come from hostile feeds. ``javascript:``/``data:`` links run code on click, and
    browsers strip tabs, newlines and leading spaces before reading the scheme
    ("java\\tscript:"), so any control character or space disqualifies the URL outright.
    """
    if not url or _CONTROL_RE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


@dataclass(frozen=True, slots=True)
class Snippet:
    """A text excerpt split around the first query hit; the template marks ``hit``."""

    before: str
    hit: str = ""
    after: str = ""


def make_snippet(text: str, query: str | None = None, *, width: int = SNIPPET_CHARS) -> Snippet:
    flat = " ".join(text.split())
    if query:
        lowered = flat.casefold()
        for word in sorted(query.split(), key=len, reverse=True):
            at = lowered.find(word.casefold())
            # FTS also matches through the Latin key and without diacritics; when the word is
            # not literally in the text, fall back to the opening of the text.
            if at < 0 or len(lowered) != len(flat):
                continue
            start = max(0, at - width // 3)
            end = min(len(flat), at + len(word) + width - width // 3)
            before = ("…" if start else "") + flat[start:at]
            after = flat[at + len(word):end] + ("…" if end < len(flat) else "")
            return Snippet(before, flat[at:at + len(word)], after)
        # Not literally there: the word in the other script or another form, as search found it.
        hit = find_hit(flat, query)
        if hit is not None:
            at, end_hit = hit
            start = max(0, at - width // 3)
            end = min(len(flat), end_hit + width - width // 3)
            return Snippet(("…" if start else "") + flat[start:at], flat[at:end_hit],
                           flat[end_hit:end] + ("…" if end < len(flat) else ""))
    if len(flat) <= width:
        return Snippet(flat)
    return Snippet(flat[:width].rstrip() + "…")


def actor_type_counts(sources: Iterable[Source]) -> list[tuple[str, int]]:
    """Sources per actor type, largest first; sources without an actor count as "unassigned"."""
    counts = Counter(s.actor_type or ("unknown" if s.actor else "unassigned") for s in sources)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@dataclass(frozen=True, slots=True)
class Page:
    """Where the current page sits in a result list, for the "prev"/"next" links."""

    total: int
    limit: int
    offset: int

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total) if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)

    @property
    def prev_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


@dataclass(frozen=True, slots=True)
class Highlighted:
    """A document's text split around one claim span; the template wraps ``claim`` in <mark>."""

    before: str
    claim: str
    after: str


def split_at_claim(text: str, start: int, end: int) -> Highlighted:
    """``text`` cut at the claim's character offsets (clamped, so bad offsets never raise)."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return Highlighted(text[:start], text[start:end], text[end:])


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of document text; ``claim_id`` is set when the run is a claim span."""

    text: str
    claim_id: int | None = None


def claim_segments(text: str, spans: Iterable[tuple[int, int, int]]) -> list[Segment]:
    """``text`` as plain and claim runs from (claim_id, start, end); overlapping spans are skipped."""
    out: list[Segment] = []
    at = 0
    for claim_id, start, end in sorted(spans, key=lambda s: (s[1], s[2])):
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if start < at or end <= start:
            continue
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], claim_id))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out
