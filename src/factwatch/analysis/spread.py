"""How stories and claims spread: cluster reports and a claim's cascade across platforms.

Read-side services over what the ``dedup`` stage (``analysis/dedup.py``) and the match stage
stored; the CLI (``factwatch clusters``), the dashboard (``/clusters``) and response cards call them.
No datasketch here, so reading costs no index.

Time: ``published_at`` as ingest normalised it (UTC). The first appearance is the earliest dated
member; members without a timestamp come after the dated ones, with no lag, and are counted as
``undated``; if no member is dated, the first one stored stands in and ``first_dated`` is false.
Clock skew between sources is not corrected: an outlet whose clock runs early can look like the
first appearance (the lag of each copy is shown, so an implausible order can be checked).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from factwatch._records import asdict  # no per-leaf deepcopy: /api/clusters' largest CPU cost
from factwatch.analysis._textdiff import word_diff
from factwatch.models import ClusterMember, ClusterRow
from factwatch.store import Store

__all__ = [
    "ClusterCopy", "Amplifier", "ClusterReport", "TimelinePoint", "ClusterSummary", "ClusterList",
    "SpreadStep", "PlatformStep", "ClaimSpreadReport", "CopyOrigin",
    "cluster_report", "list_clusters", "claim_spread", "copy_origin", "MEMBER_LIMIT",
]

# A cluster page or timeline shows at most this many members (a bot farm's cluster can hold
# thousands); counts and amplifiers still come from every member the page reads.
MEMBER_LIMIT = 1000
TIMELINE_POINTS = 200
KEY_CHARS = 100_000


def _parse(ts: str | None) -> datetime | None:
    """An aware datetime, or None for a missing, unparsable or zone-less value (ingest writes UTC
    with a zone; anything else was written by hand or by an older version and is treated as undated)."""
    if not ts:
        return None
    try:
        t = datetime.fromisoformat(ts)
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def _time_key(ts: str | None, document_id: int) -> tuple[bool, float, int]:
    t = _parse(ts)
    return (t is None, t.timestamp() if t is not None else 0.0, document_id)


def _time_order(m: ClusterMember) -> tuple[bool, float, int]:
    return _time_key(m.published_at, m.document_id)


def _lag(ts: str | None, first: datetime | None) -> int | None:
    t = _parse(ts)
    if t is None or first is None:
        return None
    return int((t - first).total_seconds())


# -- clusters ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusterCopy:
    """One member of a cluster with its lag after the first appearance and what it changed."""

    document_id: int
    first: bool
    lag_seconds: int | None
    platform: str
    source: str
    actor: str | None
    actor_type: str | None
    author: str | None
    url: str | None
    title: str | None
    published_at: str | None
    language: str
    script: str
    parent_id: int | None  # the member the dedup stage matched it to
    similarity: float  # to that parent (rapidfuzz ratio, 0..1)
    exact: bool  # same Latin key as its parent: a copy, whatever the script
    altered: bool  # its Latin key differs from the first appearance's
    # Word changes (at most 20) from ``changes_from``: the copy it was taken from (parent_id), as a copy
    # chain reads; the first appearance when the dedup stage recorded no parent. None for the first.
    changes_from: int | None
    changes: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Amplifier:
    """An outlet or account that carried the story, with how often and when it first did."""

    name: str
    kind: str  # source | account
    platform: str
    actor: str | None
    documents: int
    first_seen: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClusterReport:
    id: int
    size: int
    first: ClusterCopy
    first_dated: bool
    copies: list[ClusterCopy]  # every member read, first appearance included, in time order
    sources: list[Amplifier]
    accounts: list[Amplifier]
    languages: list[str]
    scripts: list[str]
    platforms: list[str]
    altered: int  # members whose text differs from the first appearance (script aside)
    undated: int
    span_seconds: int | None
    truncated: bool  # size > MEMBER_LIMIT: copies holds the first MEMBER_LIMIT in time order
    timeline: list["TimelinePoint"]  # the dated members on one axis (see list_clusters)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _amplifiers(members: list[ClusterMember]) -> tuple[list[Amplifier], list[Amplifier]]:
    by_source: dict[str, list[ClusterMember]] = defaultdict(list)
    by_account: dict[tuple[str, str], list[ClusterMember]] = defaultdict(list)
    for m in members:
        by_source[m.source].append(m)
        if m.author:
            by_account[(m.platform, m.author)].append(m)

    def first_seen(ms: list[ClusterMember]) -> str | None:
        return min((m.published_at for m in ms if m.published_at), default=None)

    sources = [Amplifier(name, "source", ms[0].platform, ms[0].actor, len(ms), first_seen(ms)) for name, ms in by_source.items()]
    accounts = [Amplifier(author, "account", platform, ms[0].actor, len(ms), first_seen(ms))
                for (platform, author), ms in by_account.items()]
    order = lambda a: (a.first_seen is None, a.first_seen or "", a.name)  # noqa: E731
    return sorted(sources, key=order), sorted(accounts, key=order)


def cluster_report(store: Store, cluster_id: int, *, limit: int = MEMBER_LIMIT) -> ClusterReport:
    """Everything about one story cluster: first appearance, copies with lags and changes, amplifiers."""
    size = store.cluster_size(cluster_id)
    # The store orders by the timestamp string; a value that does not parse (written by hand or by
    # an older ingest) must not become the first appearance, so order again on parsed times.
    members = sorted(store.cluster_members(cluster_id, limit=limit), key=_time_order)
    first = members[0]
    t0 = _parse(first.published_at)
    # Enough of each key for the diff (MAX_DIFF_WORDS words), not a whole 16 MiB record per member.
    # Parents past the member limit are read too: each copy is compared with its own parent.
    wanted = {m.document_id for m in members} | {m.parent_id for m in members if m.parent_id is not None}
    keys = store.document_keys(sorted(wanted), max_chars=KEY_CHARS)
    first_key = keys.get(first.document_id, "")
    copies: list[ClusterCopy] = []
    for m in members:
        key = keys.get(m.document_id, "")
        base = None if m is first else m.parent_id if m.parent_id in keys else first.document_id
        base_key = key if base is None else keys.get(base, "")
        changes = [] if key == base_key else [op.as_dict() for op in word_diff(base_key, key)]
        copies.append(ClusterCopy(
            document_id=m.document_id, first=m is first, lag_seconds=_lag(m.published_at, t0), platform=m.platform,
            source=m.source, actor=m.actor, actor_type=m.actor_type, author=m.author, url=m.url, title=m.title,
            published_at=m.published_at, language=m.language, script=m.script, parent_id=m.parent_id,
            similarity=m.similarity, exact=m.exact, altered=key != first_key, changes_from=base, changes=changes,
        ))
    lags = [c.lag_seconds for c in copies if c.lag_seconds is not None]
    sources, accounts = _amplifiers(members)
    return ClusterReport(
        id=cluster_id, size=size, first=copies[0], first_dated=t0 is not None, copies=copies,
        sources=sources, accounts=accounts,
        languages=sorted({m.language for m in members}), scripts=sorted({m.script for m in members}),
        platforms=sorted({m.platform for m in members}), altered=sum(c.altered for c in copies),
        undated=sum(_time_order(m)[0] for m in members), span_seconds=max(lags) if lags else None,
        truncated=size > len(members), timeline=_timeline(members)[0],
    )


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One member on a cluster's timeline: ``x`` in 0..100, its share of the cluster's time span."""

    document_id: int
    x: float
    lag_seconds: int
    platform: str
    source: str
    author: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    row: ClusterRow
    timeline: list[TimelinePoint]
    span_seconds: int

    def as_dict(self) -> dict[str, Any]:
        return {**self.row.as_dict(), "span_seconds": self.span_seconds,
                "timeline": [p.as_dict() for p in self.timeline]}


@dataclass(frozen=True, slots=True)
class ClusterList:
    clusters: list[ClusterSummary]
    total: int
    min_size: int
    min_sources: int

    def as_dict(self) -> dict[str, Any]:
        return {"clusters": [c.as_dict() for c in self.clusters], "total": self.total,
                "parameters": {"min_size": self.min_size, "min_sources": self.min_sources}}


def _timeline(members: list[ClusterMember]) -> tuple[list[TimelinePoint], int]:
    dated = sorted(((m, t) for m in members if (t := _parse(m.published_at)) is not None),
                   key=lambda p: (p[1], p[0].document_id))
    if not dated:
        return [], 0
    t0 = dated[0][1]
    lags = [int((t - t0).total_seconds()) for _, t in dated]
    span = max(lags)
    return [TimelinePoint(m.document_id, round(100 * lag / span, 2) if span else 0.0, lag, m.platform, m.source, m.author)
            for (m, _), lag in zip(dated, lags)], span


def list_clusters(
    store: Store, *, min_size: int = 2, min_sources: int = 1, limit: int = 50, offset: int = 0,
) -> ClusterList:
    """Clusters of at least ``min_size`` documents from at least ``min_sources`` sources, largest
    first, each with its first appearance and a timeline of its members."""
    rows = store.list_cluster_rows(min_size=min_size, min_sources=min_sources, limit=limit, offset=offset)
    summaries = []
    for row in rows:
        points, span = _timeline(store.cluster_members(row.id, limit=TIMELINE_POINTS))
        summaries.append(ClusterSummary(row=row, timeline=points, span_seconds=span))
    return ClusterList(clusters=summaries, total=store.count_clusters(min_size=min_size, min_sources=min_sources),
                       min_size=min_size, min_sources=min_sources)


# -- a claim's spread ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpreadStep:
    """A document carrying the claim, with why it counts (``via``) and its lag after the first."""

    document_id: int
    via: str  # self | sentence | cluster | fact_check
    lag_seconds: int | None
    platform: str
    source: str
    actor: str | None
    author: str | None
    url: str | None
    title: str | None
    published_at: str | None
    language: str
    script: str
    cluster_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PlatformStep:
    """One platform in the cascade: when the claim first reached it and how much it carried there."""

    platform: str
    first_seen: str | None
    documents: int
    sources: int
    accounts: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClaimSpreadReport:
    claim_id: int
    documents: int
    sources: int
    accounts: int
    languages: list[str]
    scripts: list[str]
    first: SpreadStep | None
    cascade: list[PlatformStep]  # platforms in the order the claim reached them
    by_via: dict[str, int]
    steps: list[SpreadStep]  # every document, in time order (undated last)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def claim_spread(store: Store, claim_id: int) -> ClaimSpreadReport:
    """Every copy and translation of claim ``claim_id``: documents with the same Latin-key sentence,
    the members of their story clusters (any script), and documents whose claims were matched to
    the same fact-check in any language; with the cascade across platforms in time order."""
    docs = sorted(store.spread_documents(claim_id), key=lambda d: _time_key(d.published_at, d.document_id))
    t0 = _parse(docs[0].published_at) if docs else None
    steps = [SpreadStep(
        document_id=d.document_id, via=d.via, lag_seconds=_lag(d.published_at, t0), platform=d.platform,
        source=d.source, actor=d.actor, author=d.author, url=d.url, title=d.title, published_at=d.published_at,
        language=d.language, script=d.script, cluster_id=d.cluster_id,
    ) for d in docs]
    per_platform: dict[str, list[SpreadStep]] = defaultdict(list)
    for s in steps:
        per_platform[s.platform].append(s)
    cascade = [PlatformStep(
        platform=p, first_seen=next((s.published_at for s in ss if s.lag_seconds is not None), None), documents=len(ss),
        sources=len({s.source for s in ss}), accounts=len({s.author for s in ss if s.author}),
    ) for p, ss in per_platform.items()]
    cascade.sort(key=lambda c: (*_time_key(c.first_seen, 0)[:2], c.platform))
    by_via: dict[str, int] = defaultdict(int)
    for s in steps:
        by_via[s.via] += 1
    return ClaimSpreadReport(
        claim_id=claim_id, documents=len(steps), sources=len({s.source for s in steps}),
        accounts=len({(s.platform, s.author) for s in steps if s.author}),
        languages=sorted({s.language for s in steps}), scripts=sorted({s.script for s in steps}),
        first=steps[0] if steps else None, cascade=cascade, by_via=dict(by_via), steps=steps,
    )


# -- one document's place in its story ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CopyOrigin:
    """Where a document sits in its story cluster: the first appearance, or a copy published
    ``lag_seconds`` after it (the document page's "copy of … first published by … earlier")."""

    cluster_id: int
    size: int
    is_first: bool
    first: ClusterMember  # the cluster's first appearance
    lag_seconds: int | None  # None when this document or the first is undated
    parent_id: int | None  # the member the dedup stage matched this one to
    similarity: float | None
    exact: bool | None  # same Latin key as its parent: a copy, whatever the script

    def as_dict(self) -> dict[str, Any]:
        return {"cluster_id": self.cluster_id, "size": self.size, "is_first": self.is_first,
                "first_document_id": self.first.document_id, "first_source": self.first.source,
                "first_platform": self.first.platform, "first_published_at": self.first.published_at,
                "lag_seconds": self.lag_seconds, "parent_id": self.parent_id, "similarity": self.similarity,
                "exact": self.exact}


def copy_origin(store: Store, document_id: int, *, published_at: str | None = None) -> CopyOrigin | None:
    """The story cluster of ``document_id`` and its first appearance; None before the dedup stage
    has placed it. ``published_at``: the document's own time, for a member past MEMBER_LIMIT."""
    cluster_id = store.document_cluster(document_id)
    if cluster_id is None:
        return None
    # Parsed-time order, as cluster_report: an unparsable timestamp must not become the first.
    members = sorted(store.cluster_members(cluster_id, limit=MEMBER_LIMIT), key=_time_order)
    first = members[0]
    own = next((m for m in members if m.document_id == document_id), None)
    when = own.published_at if own else published_at
    is_first = first.document_id == document_id
    return CopyOrigin(
        cluster_id=cluster_id, size=store.cluster_size(cluster_id), is_first=is_first, first=first,
        lag_seconds=None if is_first else _lag(when, _parse(first.published_at)),
        parent_id=own.parent_id if own else None, similarity=own.similarity if own else None,
        exact=own.exact if own else None,
    )
