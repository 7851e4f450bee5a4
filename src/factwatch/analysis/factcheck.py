"""The fact base's analysis stage ``embed_facts``: embed fact-checks and facts for matching.

Importing the fact base (ClaimReview, CSV, EUvsDisinfo, MultiClaim, YAML) is ingestion and lives
in ``factwatch.ingest.facts``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from factwatch.analysis._text import latin_key, text_hash
from factwatch.models import NewFactPassage
from factwatch.progress import Progress
from factwatch.store import Store

__all__ = ["FactEmbedStats", "PASSAGE_FIELDS", "embed_fact_base"]


@dataclass(frozen=True, slots=True)
class FactEmbedStats:
    fact_checks: int
    facts: int
    passages: int
    embedded: int
    cached: int
    index_size: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the embed_facts stage ------------------------------------------------------------------------

PASSAGE_FIELDS = ("claim", "headline", "translation", "statement")


def _passage(target: str, target_id: int, fld: str, language: str | None, text: str) -> NewFactPassage:
    from factwatch.analysis.embed import clip

    text = clip(text)
    return NewFactPassage(target, target_id, fld, language, text, latin_key(text, language or "und"), text_hash(text))


def _as_passages(progress: Progress, base: int, size: int) -> Progress:
    """Texts encoded for one batch of passages, reported as passages (only cache misses are encoded)."""

    def report(done: int, of: int | None = None, unit: str = "texts") -> None:
        progress(base + (size * done // of if of else size), base + size, "passages")

    return report


def embed_fact_base(
    store: Store, *, fields: tuple[str, ...] | list[str] = PASSAGE_FIELDS, batch_size: int = 32, limit: int = 2000,
    progress: Progress | None = None,
) -> FactEmbedStats:
    """Embed each new fact-check's claim (plus headline and translations) and each new fact.

    ``fields`` picks the searchable texts; the claim itself is always one (a fact-check with
    no passage would be picked up again on every run).
    """
    from factwatch.analysis import _retrieval
    from factwatch.analysis.embed import embed_texts

    counts: dict[str, int] = {}
    n_checks = n_facts = n_passages = n_seen = 0
    while True:
        checks = store.fact_checks_without_passages(limit=limit)
        facts = store.facts_without_passages(limit=limit)
        if not checks and not facts:
            break
        rows: list[NewFactPassage] = []
        for fc in checks:
            rows.append(_passage("fact_check", fc.id, "claim", fc.language, fc.claim))
            if "headline" in fields and fc.headline and latin_key(fc.headline) != latin_key(fc.claim):
                rows.append(_passage("fact_check", fc.id, "headline", fc.language, fc.headline))
            if "translation" in fields:
                for lang, tr in sorted(fc.translations.items()):
                    if tr.get("claim"):
                        rows.append(_passage("fact_check", fc.id, "translation", lang, tr["claim"]))
        for f in facts:
            rows.append(_passage("fact", f.id, "statement", f.language, f.statement))
            if "translation" in fields:
                for lang, t in sorted(f.translations.items()):
                    rows.append(_passage("fact", f.id, "translation", lang, t))
        # Vectors first, then the passage rows: a crash in between leaves only cache entries.
        embed_texts(store, [r.text for r in rows], kind="passage", batch_size=batch_size, stats=counts,
                    progress=_as_passages(progress, n_seen, len(rows)) if progress else None)
        n_seen += len(rows)
        if progress:
            progress(n_seen, n_seen, "passages")
        n_passages += store.insert_fact_passages(rows)
        n_checks += len(checks)
        n_facts += len(facts)
    index_size = _retrieval.refresh_index(store)
    return FactEmbedStats(
        fact_checks=n_checks, facts=n_facts, passages=n_passages, embedded=counts.get("embedded", 0),
        cached=counts.get("cached", 0), index_size=index_size,
    )
