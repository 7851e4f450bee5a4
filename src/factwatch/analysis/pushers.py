"""Who pushes what (issue 9): per narrative, the outlets, accounts and owning actors that carry
it; per source (and its actor), the narratives it carries over time, its share of state or
state-affiliated content and its claims matched to fact-checks.

Read-only services over what the ``narratives``, ``dedup`` and ``match`` stages stored; an
assignment an analyst rejected is not counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from factwatch.errors import NotFoundError
from factwatch.models import CarrierDocument, FactCheckedClaim
from factwatch.store import Store
from factwatch.store._trends import STATE_TYPES


@dataclass(frozen=True, slots=True)
class Carrier:
    """One outlet, account or actor carrying a narrative."""

    name: str
    documents: int
    first_at: str | None
    latest_at: str | None
    source: str | None = None  # accounts: the source they post on
    platform: str | None = None
    actor: str | None = None
    actor_type: str | None = None
    country: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class NarrativePushers:
    narrative_id: str
    documents: int
    first: CarrierDocument | None  # the first dated appearance
    latest: CarrierDocument | None
    languages: dict[str, int]
    platforms: dict[str, int]
    outlets: list[Carrier]
    accounts: list[Carrier]
    actors: list[Carrier]
    state_documents: int  # carried by a state or state-affiliated actor's sources
    daily: list[tuple[str, int]]  # (day, documents)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["daily"] = [{"day": day, "documents": n} for day, n in self.daily]
        return d


@dataclass(frozen=True, slots=True)
class NarrativeCarried:
    narrative_id: str
    label: str
    documents: int
    first_at: str | None
    latest_at: str | None
    monthly: dict[str, int] = field(default_factory=dict)  # 'YYYY-MM' -> documents

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """A source, or every source of an actor: what it carries and how much of it is state content."""

    name: str
    kind: str  # source | actor
    platform: str | None
    actor: str | None
    actor_type: str | None
    country: str | None
    sources: list[str]
    documents: int
    state_documents: int  # its documents published, copied, forwarded or linked from state or state-affiliated sources
    state_share: float
    narratives: list[NarrativeCarried]
    fact_checked: list[FactCheckedClaim]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _carriers(docs: list[CarrierDocument], key: str) -> list[Carrier]:
    groups: dict[str, list[CarrierDocument]] = defaultdict(list)
    for d in docs:
        name = getattr(d, key)
        if name:
            groups[name].append(d)
    out = []
    for name, items in groups.items():
        dated = [d.published_at for d in items if d.published_at]
        one = items[0]
        out.append(Carrier(
            name=name, documents=len(items), first_at=min(dated) if dated else None,
            latest_at=max(dated) if dated else None,
            source=one.source if key == "account" else None,
            platform=one.platform if key != "actor" else None,
            actor=one.actor if key != "actor" else None,
            actor_type=one.actor_type, country=one.actor_country))
    return sorted(out, key=lambda c: (-c.documents, c.first_at or "~", c.name))


def narrative_pushers(store: Store, narrative_id: str) -> NarrativePushers:
    """Who carries a narrative: outlets, accounts, owning actors (type, country), first and latest
    appearance, languages and daily counts."""
    store.get_narrative(narrative_id)  # NotFoundError naming the fix
    docs = store.narrative_carriers(narrative_id)
    dated = [d for d in docs if d.published_at]
    daily = Counter(d.published_at[:10] for d in dated if d.published_at)
    return NarrativePushers(
        narrative_id=narrative_id, documents=len(docs),
        first=dated[0] if dated else None, latest=dated[-1] if dated else None,
        languages=dict(Counter(d.language for d in docs).most_common()),
        platforms=dict(Counter(d.platform for d in docs).most_common()),
        outlets=_carriers(docs, "source"), accounts=_carriers(docs, "account"), actors=_carriers(docs, "actor"),
        state_documents=sum(1 for d in docs if d.actor_type in STATE_TYPES),
        daily=sorted(daily.items()))


def source_profile(store: Store, name: str) -> SourceProfile:
    """A source (by name) or an actor (by name: all its sources): narratives carried per month,
    share of state or state-affiliated content, and claims matched to fact-checks."""
    source = store.get_source(name)
    if source is not None:
        sources, kind = [source.name], "source"
        actor = store.get_actor(source.actor) if source.actor else None
    else:
        actor = store.get_actor(name)
        if actor is None:
            raise NotFoundError(f"No source or actor {name!r}; `factwatch sources list` shows the names.")
        sources, kind = store.actor_source_names(name), "actor"
    total, state = store.source_state_content(sources)
    carried: dict[str, dict[str, Any]] = {}
    for _doc, published, narrative, label in store.source_narrative_documents(sources):
        entry = carried.setdefault(narrative, {"label": label, "docs": set(), "dates": [], "monthly": Counter()})
        entry["docs"].add(_doc)
        if published:
            entry["dates"].append(published)
            entry["monthly"][published[:7]] += 1
    narratives = sorted(
        (NarrativeCarried(narrative_id=n, label=e["label"], documents=len(e["docs"]),
                          first_at=min(e["dates"]) if e["dates"] else None,
                          latest_at=max(e["dates"]) if e["dates"] else None, monthly=dict(sorted(e["monthly"].items())))
         for n, e in carried.items()), key=lambda c: (-c.documents, c.narrative_id))
    return SourceProfile(
        name=name, kind=kind, platform=source.platform if source else None,
        actor=(source.actor if source else name), actor_type=actor["type"] if actor else None,
        country=(actor or {}).get("country") or (source.country if source else None),
        sources=sources, documents=total, state_documents=state, state_share=round(state / total, 4) if total else 0.0,
        narratives=narratives, fact_checked=store.source_fact_checked_claims(sources))
