"""Typed records of the fact base, claims and matches (issue 3).

They live here rather than in ``models.py`` only because this issue's files were fenced; the
store imports them, nothing here imports the store. Move them to ``models.py`` at leisure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class NewFactCheck:
    key: str
    claim: str
    format: str
    external_id: str | None = None
    verdict: str | None = None
    rating_value: str | None = None
    rebuttal: str | None = None
    headline: str | None = None
    url: str | None = None
    publisher: str | None = None
    language: str | None = None
    date: str | None = None
    claim_author: str | None = None
    appearance: str | None = None
    fact_ids: tuple[str, ...] = ()
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FactCheck:
    id: int
    key: str
    external_id: str | None
    claim: str
    verdict: str | None
    rating_value: str | None
    rebuttal: str | None
    headline: str | None
    url: str | None
    publisher: str | None
    language: str | None
    date: str | None
    claim_author: str | None
    appearance: str | None
    fact_ids: tuple[str, ...]
    translations: dict[str, dict[str, str]]
    format: str

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fact_ids"] = list(self.fact_ids)
        return d


@dataclass(frozen=True, slots=True)
class NewFact:
    key: str
    statement: str
    external_id: str | None = None
    source: str | None = None
    url: str | None = None
    date: str | None = None
    language: str | None = None
    topics: tuple[str, ...] = ()
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fact:
    id: int
    key: str
    external_id: str | None
    statement: str
    source: str | None
    url: str | None
    date: str | None
    language: str | None
    topics: tuple[str, ...]
    translations: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["topics"] = list(self.topics)
        return d


@dataclass(frozen=True, slots=True)
class NewClaim:
    document_id: int
    start: int
    end: int
    text: str
    language: str
    latin_key: str
    score: float
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    document_id: int
    start: int
    end: int
    text: str
    language: str
    latin_key: str
    score: float
    features: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FactPassage:
    """One searchable text of the fact base; ``id`` is its key in the vector index."""

    id: int
    target: str  # fact_check | fact
    target_id: int
    field: str  # claim | headline | translation | statement
    language: str | None
    text: str
    latin_key: str
    text_hash: str


@dataclass(frozen=True, slots=True)
class NewFactPassage:
    target: str
    target_id: int
    field: str
    language: str | None
    text: str
    latin_key: str
    text_hash: str


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    claim_id: int
    rank: int
    target: str
    fact_check_id: int | None
    fact_id: int | None
    score: float
    addressed: bool
    matched_text: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClaimSpread:
    """How far one claim's sentence (by Latin key) has travelled."""

    documents: int
    sources: int
    first_document_id: int | None
    first_seen: str | None
    first_source: str | None
