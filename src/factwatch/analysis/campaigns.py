"""Campaigns: coordinated networks joined with what they carry and who owns them.

A campaign here is a group of coordination networks (the ``coordination`` stage, one per object
kind: url, hashtag, text, ...) whose accounts mostly coincide — the same accounts found by shared
links, hashtags and copied text are one operation, as the alerts stage groups them — together with
the narratives its accounts' documents carry, its sources and their owning actors (type, country),
first and last activity, and the fact-checks that address its claims. It is read-only: nothing is
stored, so it is always as fresh as the last ``analyze``.

Limits: automatic narrative assignments are candidates until an analyst confirms them (rejected
ones are left out); a fact-check is listed when it is the best match and the decision says it
addresses the claim ('candidate', with its p) or an analyst confirmed it ('confirmed'); coordination
shows co-sharing, not intent or who pays for it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from factwatch.models import StoredNetwork
from factwatch.store import Store
from factwatch.store._trends import STATE_TYPES

MAX_DOCUMENTS = 20_000  # per campaign: bounds the read on a big store; `documents_truncated` says so


@dataclass
class CampaignActor:
    name: str
    type: str | None
    country: str | None
    documents: int


@dataclass
class CampaignNarrative:
    id: str
    label: str
    status: str  # the catalogue entry's status (candidate narratives are marked so)
    documents: int
    accounts: int


@dataclass
class Campaign:
    id: str  # the first network's id: stable while the networks are
    networks: list[str]
    kinds: list[str]
    accounts: list[str]
    size: int  # accounts
    documents: int  # documents of its accounts (since --since)
    documents_truncated: bool
    first_at: str | None
    last_at: str | None
    sources: list[dict[str, Any]]  # {"name", "platform", "documents"}
    actors: list[CampaignActor]
    state_actors: int  # state or state-affiliated owning actors among its sources
    state_documents: int
    narratives: list[CampaignNarrative]
    fact_checks: list[dict[str, Any]]  # FactCheckedClaim fields: candidate or confirmed, never a verdict of ours
    median_lag: float  # seconds, smallest over its networks
    score: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CampaignReport:
    campaigns: list[Campaign]
    since: str | None
    networks: int  # stored networks read
    notes: list[str] = field(default_factory=lambda: [
        "Narrative assignments are automatic candidates unless an analyst confirmed them.",
        "Fact-checks marked 'candidate' are proposed matches with their probability p; "
        "'confirmed' ones an analyst reviewed. Neither is a verdict on the claim by factwatch.",
        "Coordination is repeated co-sharing within seconds; it does not by itself show intent.",
    ])

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since, "networks": self.networks, "notes": self.notes,
                "campaigns": [c.as_dict() for c in self.campaigns]}


def _group(networks: list[StoredNetwork]) -> list[list[StoredNetwork]]:
    """Networks whose account sets overlap by at least half of the smaller are one campaign
    (the rule of the alerts stage's coordinated-amplification groups)."""
    groups: list[tuple[set[str], list[StoredNetwork]]] = []
    for n in sorted(networks, key=lambda n: (-len(n.accounts), n.id)):
        accounts = set(n.accounts)
        for members, nets in groups:
            if 2 * len(accounts & members) >= min(len(accounts), len(members)):
                members |= accounts
                nets.append(n)
                break
        else:
            groups.append((accounts, [n]))
    return [nets for _accounts, nets in groups]


def _campaign(store: Store, nets: list[StoredNetwork], *, since: str | None,
              labels: dict[str, tuple[str, str]], carried: dict[int, set[str]]) -> Campaign | None:
    accounts = sorted({a for n in nets for a in n.accounts})
    # Newest first: past the cap, a campaign is read by its latest activity, not its first weeks.
    docs = store.account_share_documents(accounts, since=since, limit=MAX_DOCUMENTS + 1, newest_first=True)
    truncated = len(docs) > MAX_DOCUMENTS
    docs = docs[:MAX_DOCUMENTS]
    if since is not None and not docs:
        return None  # nothing of it in the period
    dated = [d.published_at for d in docs if d.published_at]
    sources: Counter[tuple[str, str]] = Counter((d.source, d.platform) for d in docs)
    actors: Counter[str] = Counter(d.actor for d in docs if d.actor)
    actor_rows = []
    for name, count in actors.most_common():
        info = store.get_actor(name) or {}
        actor_rows.append(CampaignActor(name=name, type=info.get("type"), country=info.get("country"), documents=count))
    state = {a.name for a in actor_rows if a.type in STATE_TYPES}
    per_narrative: dict[str, tuple[set[int], set[str]]] = {}
    for d in docs:
        for narrative in carried.get(d.id, ()):
            ids, who = per_narrative.setdefault(narrative, (set(), set()))
            ids.add(d.id)
            who.add((d.author or "").strip() or d.source)
    narratives = sorted(
        (CampaignNarrative(id=nid, label=labels.get(nid, (nid, ""))[0], status=labels.get(nid, ("", ""))[1],
                           documents=len(ids), accounts=len(who)) for nid, (ids, who) in per_narrative.items()),
        key=lambda n: (-n.documents, n.id))
    doc_ids = {d.id for d in docs}
    checked = [asdict(f) for f in store.source_fact_checked_claims(sorted({s for s, _p in sources}), limit=MAX_DOCUMENTS)
               if f.document_id in doc_ids]
    return Campaign(
        id=nets[0].id, networks=[n.id for n in nets], kinds=sorted({n.kind for n in nets}), accounts=accounts,
        size=len(accounts), documents=len(docs), documents_truncated=truncated,
        first_at=min(dated) if dated else None, last_at=max(dated) if dated else None,
        sources=[{"name": s, "platform": p, "documents": c} for (s, p), c in sources.most_common()],
        actors=actor_rows, state_actors=len(state), state_documents=sum(1 for d in docs if d.actor in state),
        narratives=narratives, fact_checks=checked,
        median_lag=min(n.median_lag for n in nets), score=max(n.score for n in nets))


def find_campaigns(store: Store, *, since: str | None = None, limit: int = 50) -> CampaignReport:
    """Campaigns active since ``since`` (documents published then or later), ranked by state
    involvement (state or state-affiliated actors among their sources), then size (accounts),
    then documents."""
    networks = store.list_coordination_networks(limit=100_000)
    labels = {n.id: (n.label, n.status) for n in store.list_narratives()}
    carried: dict[int, set[str]] = {}
    for _network, _kind, narrative, _account, doc, _published in store.network_narrative_documents():
        carried.setdefault(doc, set()).add(narrative)
    found = [c for nets in _group(networks) if (c := _campaign(store, nets, since=since, labels=labels, carried=carried))]
    found.sort(key=lambda c: (-c.state_actors, -c.size, -c.documents, c.id))
    return CampaignReport(campaigns=found[:limit], since=since, networks=len(networks))
