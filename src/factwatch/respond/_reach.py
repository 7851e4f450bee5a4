"""How far a claim has spread, as a response card says it.

Built from ``analysis/spread.py:claim_spread``: every copy and translation of the claim (the same
Latin-key sentence, the members of its story clusters in any script, the documents whose claims
were matched to the same fact-check in any language), not only exact copies of one sentence. The
card shows the counts (documents, sources, social accounts, Cyrillic and Latin copies,
translations), the first appearance and the cascade across platforms in time order
("Telegram → X → outlets"). Labels are English, as the rest of the card; plurals come from
``respond/_phrases.py``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from factwatch.analysis.spread import ClaimSpreadReport, SpreadStep
from factwatch.respond._phrases import count

__all__ = ["CascadeStep", "Reach", "claim_reach", "duration", "platform_name", "OUTLETS"]

# How the card names a platform; feeds and web pages are all "outlets" in the cascade, since an
# analyst asks "did it reach the press", not "by RSS or by page fetch".
_PLATFORM_NAMES = {"telegram": "Telegram", "x": "X", "ira": "X", "facebook": "Facebook", "rss": "RSS", "web": "web"}
OUTLETS = "outlets"
_OUTLET_PLATFORMS = frozenset({"rss", "web"})
_UNKNOWN_LANGUAGES = frozenset({"", "und"})


def platform_name(platform: str) -> str:
    return _PLATFORM_NAMES.get(platform, platform)


def _group(platform: str) -> str:
    return OUTLETS if platform in _OUTLET_PLATFORMS else platform_name(platform)


def duration(seconds: int | None) -> str:
    """A lag as the dashboard writes it (templates/_timeline.html ``duration``): 2d 3h, 7h 05m, 4m 09s."""
    if seconds is None:
        return "—"
    if seconds >= 86400:
        return f"{seconds // 86400}d {(seconds % 86400) // 3600}h"
    if seconds >= 3600:
        return f"{seconds // 3600}h {(seconds % 3600) // 60:02d}m"
    return f"{seconds // 60}m {seconds % 60:02d}s"


@dataclass(frozen=True, slots=True)
class CascadeStep:
    """One platform group the claim reached, with when it first did and how much it carried there."""

    name: str  # Telegram | X | Facebook | outlets | another platform's name
    platforms: list[str]
    first_seen: str | None
    lag_seconds: int | None  # after the claim's first appearance
    documents: int
    sources: int
    accounts: int  # distinct posting accounts on a social platform; 0 for outlets

    @property
    def label(self) -> str:
        """"X from 2026-10-06T05:30:00Z (+40m 00s): 12 documents, 12 accounts"."""
        when = f" from {self.first_seen}" if self.first_seen else " (undated)"
        if self.lag_seconds:
            when += f" (+{duration(self.lag_seconds)})"
        carriers = (count(self.accounts, "en", "account") if self.name != OUTLETS and self.accounts
                    else count(self.sources, "en", "source"))
        return f"{self.name}{when}: {count(self.documents, 'en', 'document')}, {carriers}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Reach:
    counts: dict[str, int]  # documents, sources, accounts, copies, translations, cyrillic, latin
    languages: dict[str, int]  # document language -> documents, most first
    first: dict[str, Any]  # the first appearance: document_id, date, source, platform, author, url, ...
    cascade: list[CascadeStep]
    lag_seconds: int | None  # the card's own document after the first appearance


def _account(step: SpreadStep) -> str | None:
    # An X or Telegram export names the account as the source when it has no separate author.
    return None if step.platform in _OUTLET_PLATFORMS else f"{step.platform}:{step.author or step.source}"


def claim_reach(report: ClaimSpreadReport) -> Reach:
    """The card's view of ``report``: copies are in the claim's own language (any script),
    translations in another; the cascade groups platforms and orders them by first appearance."""
    steps = report.steps
    own = next((s for s in steps if s.via == "self"), None)
    language = own.language if own else None
    known = [s for s in steps if s.language not in _UNKNOWN_LANGUAGES]
    translations = sum(1 for s in known if language not in _UNKNOWN_LANGUAGES and s.language != language)
    accounts = {a for s in steps if (a := _account(s))}
    counts = {
        "documents": report.documents, "sources": report.sources, "accounts": len(accounts),
        "copies": report.documents - translations - (1 if own else 0), "translations": translations,
        "cyrillic": sum(1 for s in steps if s.script == "Cyrl"), "latin": sum(1 for s in steps if s.script == "Latn"),
    }
    by_language: dict[str, int] = defaultdict(int)
    for s in steps:
        by_language[s.language] += 1
    groups: dict[str, list[SpreadStep]] = defaultdict(list)
    for s in steps:  # time order, undated last: a group's first dated step is its first appearance
        groups[_group(s.platform)].append(s)
    cascade = []
    for name, ss in groups.items():
        dated = next((s for s in ss if s.lag_seconds is not None), None)
        cascade.append(CascadeStep(
            name=name, platforms=sorted({s.platform for s in ss}), first_seen=dated.published_at if dated else None,
            lag_seconds=dated.lag_seconds if dated else None, documents=len(ss), sources=len({s.source for s in ss}),
            accounts=len({a for s in ss if (a := _account(s))}),
        ))
    # Dict order is already time order (steps are); undated groups go last.
    cascade.sort(key=lambda c: c.lag_seconds is None)
    first = report.first
    return Reach(
        counts=counts,
        languages=dict(sorted(by_language.items(), key=lambda kv: (-kv[1], kv[0]))),
        first=({"document_id": first.document_id, "date": first.published_at, "source": first.source,
                "platform": first.platform, "author": first.author, "url": first.url, "language": first.language,
                "script": first.script, "cluster_id": first.cluster_id} if first else {}),
        cascade=cascade,
        lag_seconds=own.lag_seconds if own else None,
    )
