"""Shares for coordination detection: what each document shares, and the ``coordination`` stage.

A document is a share of every object of the chosen kind it carries (docs/coordination.md):

- ``url``: links the ingest layer kept (``meta.links``, ``meta.urls``) and http(s) links in the
  text, normalised (scheme and host lower-cased, fragment and trailing punctuation dropped).
  A news item's own address is not a share of it.
- ``repost``: the retweeted post (X ``referenced_tweets`` of type ``retweeted``); a Telegram
  forward is the forwarded channel plus the story cluster (exports name the channel, not the post).
- ``hashtag``: ``meta.hashtags`` and ``#tags`` in the text, case-folded.
- ``text``: the story cluster of the dedup stage (a near-duplicate text, across scripts).
- ``media``: ``meta.media_hash`` / ``meta.phash`` where an export gave one.

The account is the author (the source where there is none): the demo's CSV holds 44 accounts
under one source. Documents without a timestamp cannot be placed in a window: they are skipped
and counted, as are documents without an account.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from factwatch.analysis.coordination import (
    DEFAULT_EDGE_QUANTILE,
    DEFAULT_MIN_PARTICIPATION,
    DEFAULT_MIN_WEIGHT,
    DEFAULT_WINDOW,
    OBJECT_KINDS,
    CoordinationParams,
    CoordinationResult,
    Network,
    coordinated_networks,
)
from factwatch.errors import InputError
from factwatch.ingest.sharetable import read_share_columns
from factwatch.models import NetworkAccount, ShareDocument, StoredNetwork
from factwatch.store import Store

__all__ = ["CoordinationStats", "detect_coordination", "coordination_from_store", "document_objects",
           "result_dict", "stored_network", "coordination_from_table"]

STAGE = "coordination"
_URL = re.compile(r"https?://[^\s<>\"'«»“”]+", re.I)
_HASHTAG = re.compile(r"(?<![\w&])#(\w{2,100})", re.U)
_TRAILING = ".,;:!?)]}'\"»”…"


def _norm_url(url: str) -> str | None:
    url = url.strip().rstrip(_TRAILING)
    m = re.match(r"(?i)(https?)://([^/?#]+)([^#]*)", url)
    if not m:
        return None
    return f"{m.group(1).lower()}://{m.group(2).lower()}{m.group(3)}"


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int)) and str(v).strip()]
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,;|]+", value) if v]
    return []


def document_objects(doc: ShareDocument, kind: str) -> list[str]:
    """The objects of ``kind`` that ``doc`` shares (each once)."""
    meta = doc.meta
    found: list[str] = []
    if kind == "url":
        for raw in _as_list(meta.get("links")) + _as_list(meta.get("urls")) + _URL.findall(doc.text or ""):
            url = _norm_url(raw)
            if url:
                found.append(url)
    elif kind == "repost":
        refs = meta.get("referenced_tweets")
        if isinstance(refs, list):
            found += [f"x:{r.get('id')}" for r in refs if isinstance(r, dict) and r.get("type") == "retweeted" and r.get("id")]
        forwarded = meta.get("forwarded_from")
        if isinstance(forwarded, str) and forwarded and doc.cluster_id is not None:
            found.append(f"telegram:{forwarded}:{doc.cluster_id}")
    elif kind == "hashtag":
        tags = _as_list(meta.get("hashtags")) + _HASHTAG.findall(doc.text or "")
        found += ["#" + t.lstrip("#").casefold() for t in tags if t.lstrip("#")]
    elif kind == "text":
        if doc.cluster_id is not None:
            found.append(f"cluster:{doc.cluster_id}")
    elif kind == "media":
        for key in ("media_hash", "phash"):
            found += [f"{key}:{v}" for v in _as_list(meta.get(key))]
    return list(dict.fromkeys(found))


def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:  # ingest stores UTC; a naive value is taken as UTC, as ingest does
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


@dataclass
class _Table:
    account: list[str] = field(default_factory=list)
    obj: list[str] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    who: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def _iter_documents(store: Store, batch: int = 5000) -> Iterator[ShareDocument]:
    last = 0
    while True:
        docs = store.share_documents(last, limit=batch)
        if not docs:
            return
        yield from docs
        last = docs[-1].id


def _share_table(docs: Iterable[ShareDocument], kind: str, clock_offsets: dict[str, float]) -> _Table:
    table = _Table()
    for doc in docs:
        objects = document_objects(doc, kind)
        if not objects:
            continue
        account = (doc.author or "").strip() or (doc.source or "").strip()
        if not account:
            table.skipped["no account"] += 1
            continue
        t = _epoch(doc.published_at)
        if t is None:
            table.skipped["no timestamp"] += 1
            continue
        # Clock skew: a source known to stamp local time (or a slow clock) is shifted by its offset.
        t += clock_offsets.get(doc.source, 0.0)
        info = table.who.setdefault(account, {"sources": set(), "actors": set(), "platforms": set()})
        info["sources"].add(doc.source)
        info["platforms"].add(doc.platform)
        if doc.actor:
            info["actors"].add(doc.actor)
        for o in objects:
            table.account.append(account)
            table.obj.append(o)
            table.time.append(t)
            table.content.append(str(doc.id))
    table.skipped = dict(table.skipped)
    return table


def coordination_from_store(
    store: Store, *, params: CoordinationParams | None = None, clock_offsets: dict[str, float] | None = None,
) -> tuple[CoordinationResult, dict[str, dict[str, set[str]]]]:
    """Coordinated networks among the store's documents, and each account's sources, actors and platforms."""
    p = (params or CoordinationParams()).check()
    table = _share_table(_iter_documents(store), p.object_kind, clock_offsets or {})
    result = coordinated_networks(table.account, table.obj, np.asarray(table.time, dtype=np.float64),
                                  params=p, content=table.content, skipped=table.skipped)
    return result, table.who


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_network(n: Network, params: CoordinationParams, who: dict[str, dict[str, set[str]]]) -> StoredNetwork:
    details = [NetworkAccount(account=a, shares=n.account_shares.get(a, 0), community=n.communities.get(a, 0),
                              sources=sorted(who.get(a, {}).get("sources", ())),
                              actors=sorted(who.get(a, {}).get("actors", ())),
                              platforms=sorted(who.get(a, {}).get("platforms", ()))) for a in n.accounts]
    return StoredNetwork(
        id=n.id, kind=params.object_kind, accounts=n.accounts, edges=n.edges, objects=n.objects, shares=n.shares,
        first_at=_iso(n.first_at), last_at=_iso(n.last_at), density=n.density, median_lag=n.median_lag,
        score=n.score, parameters=params.as_dict(), computed_at="", account_details=details,
        top_objects=[list(x) for x in n.top_objects], edge_list=[list(e) for e in n.edge_list])


def result_dict(result: CoordinationResult, who: dict[str, dict[str, set[str]]] | None = None) -> dict[str, Any]:
    """The ``coordination --json`` shape (DESIGN.md): networks, parameters, and what was read."""
    nets = []
    for n in result.networks:
        d = stored_network(n, result.parameters, who or {}).as_dict()
        d.pop("computed_at")
        d.pop("parameters")
        nets.append(d)
    return {
        "networks": nets,
        "parameters": result.parameters.as_dict(),
        "summary": {
            "shares": result.shares, "accounts": result.accounts, "coordinated_accounts": result.coordinated_accounts,
            "edges": result.edges, "objects": result.objects, "all_edges": result.all_edges,
            "all_accounts": result.all_accounts, "all_objects": result.all_objects,
            "edge_weight_threshold": result.threshold,
        },
        "skipped": result.skipped,
    }


@dataclass(frozen=True, slots=True)
class CoordinationStats:
    kinds: int  # object kinds recomputed this run (0 when nothing changed)
    networks: int  # networks stored this run
    accounts: int  # coordinated accounts over those networks

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def detect_coordination(
    store: Store, *, window: float = DEFAULT_WINDOW, min_participation: int = DEFAULT_MIN_PARTICIPATION,
    edge_quantile: float | None = DEFAULT_EDGE_QUANTILE, min_weight: int = DEFAULT_MIN_WEIGHT,
    kinds: tuple[str, ...] = OBJECT_KINDS,
) -> CoordinationStats:
    """Stage ``coordination``: recompute and store every kind's networks when documents or clusters changed.

    The edge quantile is taken over the whole graph, so the networks are recomputed as a whole,
    never appended to; a rerun with nothing new reads the watermark and changes nothing.
    """
    params = [CoordinationParams(window=window, min_participation=min_participation, edge_quantile=edge_quantile,
                                 min_weight=min_weight, object_kind=k).check() for k in kinds]
    cursor = f"{store.coordination_watermark()}|{window}|{min_participation}|{edge_quantile}|{min_weight}|{','.join(kinds)}"
    if store.get_cursor(STAGE) == cursor:
        return CoordinationStats(kinds=0, networks=0, accounts=0)
    docs = list(_iter_documents(store))
    stored = 0
    accounts: set[str] = set()
    for p in params:
        table = _share_table(docs, p.object_kind, {})
        result = coordinated_networks(table.account, table.obj, np.asarray(table.time, dtype=np.float64),
                                      params=p, content=table.content)
        nets = [stored_network(n, p, table.who) for n in result.networks]
        store.replace_coordination_networks(p.object_kind, nets, stage=STAGE, cursor="" if p is not params[-1] else cursor)
        stored += len(nets)
        accounts.update(a for n in nets for a in n.accounts)
    return CoordinationStats(kinds=len(params), networks=stored, accounts=len(accounts))


def coordination_from_table(
    path: str | Path, *, account: str, obj: str, time: str, content: str | None = None,
    params: CoordinationParams | None = None,
) -> CoordinationResult:
    """``factwatch coordination --from-csv``: the same definition on a researcher's table, nothing ingested."""
    p = params or CoordinationParams(object_kind="url")
    accounts, objects, times, contents, skipped = read_share_columns(path, account=account, obj=obj, time=time,
                                                                   content=content)
    if not accounts:
        raise InputError(f"{path}: no usable rows (skipped: {skipped or 'none'}); check --account/--object/--time")
    return coordinated_networks(accounts, objects, times, params=p, content=contents, skipped=skipped)
