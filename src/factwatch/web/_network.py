"""A stored coordination network as a graph for the network page (drawn by static/charts.js with cytoscape).

Accounts are nodes sized by their co-shared posts and coloured by their source's actor type; the
edges between accounts are the stored co-share weights. The network's most shared objects are
nodes too, each tied to the accounts that shared it with that account's lag after the network's
first share of it: the lags are read from the accounts' documents, not stored by the stage.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from factwatch.analysis.shares import document_objects
from factwatch.models import StoredNetwork
from factwatch.store import Store
from factwatch.text.script import latin_key
from factwatch.web._charts import ACTOR_TYPE_COLOURS
from factwatch.web._i18n import gettext

TOP_OBJECTS = 12  # object nodes drawn; more make the graph unreadable
MAX_DOCUMENTS = 5000  # of the accounts' documents read for the lags (oldest first)
OBJECT_LABEL = 40
MARGIN = 86_400  # seconds read either side of the network's first and last co-share
# What a post's text must hold to share an object of the kind in its text (document_objects'
# hashtag and URL patterns); the meta columns of social exports are checked without it.
MARKERS = {"hashtag": "#", "url": "://"}


@dataclass(frozen=True, slots=True)
class Share:
    """One account's first share of one of the network's top objects."""

    object: str
    account: str
    at: str | None
    lag_seconds: int | None  # after the first share of the object by any account of the network


@dataclass(frozen=True, slots=True)
class NetworkGraph:
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    actor_types: dict[str, int] = field(default_factory=dict)  # accounts per actor type (the legend)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def spec(self) -> dict[str, Any]:
        """What static/charts.js reads: cytoscape's node and edge data, and its click-detail texts."""
        return {"nodes": self.nodes, "edges": self.edges, "text": graph_texts(), "names": graph_names()}


# The graph's click-detail texts, in the interface language at render time (the graph itself is cached
# across languages). charts.js fills the {placeholders}; its English copies are only a fallback.
GRAPH_TEXTS: dict[str, str] = {
    "empty": "No accounts to draw.",
    "object": "Object: {full}",
    "shared_by": "Shared by {accounts} accounts of this network",
    "first_share": "First share: {at}",
    "account": "Account: {label}",
    "actor_type": "Actor type: {actor_type}",
    "shares": "Co-shared posts: {shares}",
    "sources": "Sources: {sources}",
    "shared": "{account} shared {target}",
    "share_at": "at {at} · {lag} after the network's first share",
    "between": "{a} and {b}",
    "co_shared": "co-shared {weight} times",
    "undated": "undated",
    "no_lag": "no lag",
}


def graph_texts() -> dict[str, str]:
    return {key: gettext(message) for key, message in GRAPH_TEXTS.items()}


def graph_names() -> dict[str, str]:
    """The actor types a node carries (its data keeps the stored key), named in the interface language."""
    return {key: gettext(key) for key in ACTOR_TYPE_COLOURS}


def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp()


def _shifted(value: str | None, seconds: float) -> str | None:
    t = _epoch(value)
    if t is None:
        return None
    return datetime.fromtimestamp(t + seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _narrowing(kind: str, objects: list[str]) -> tuple[list[int] | None, list[str] | None]:
    """(story clusters, substrings) that every document sharing one of ``objects`` has, for the store
    to filter on before ``document_objects`` decides exactly; (None, None) when there is no safe filter.
    SQLite's LIKE folds ASCII case only, so a non-ASCII needle also goes as its Latin key, which the
    store matches against each document's Latin key (any case, either script)."""
    if kind == "text":
        return [int(o.split(":", 1)[1]) for o in objects if o.startswith("cluster:") and o[8:].isdigit()], None
    needles: list[str] = []
    for o in objects:
        if kind == "url":
            needle = o.split("://", 1)[-1]
        elif kind == "hashtag":
            needle = o.lstrip("#")
        elif kind == "repost":
            parts = o.split(":")
            needle = parts[1] if len(parts) > 1 else ""
        elif kind == "media":
            needle = o.split(":", 1)[-1]
        else:
            return None, None
        key = latin_key(needle) if not needle.isascii() else needle
        if not needle or not key:
            return None, None
        needles += [needle] if needle.isascii() else [needle, key]
    return None, needles


def _short(text: str) -> str:
    return text if len(text) <= OBJECT_LABEL else text[:OBJECT_LABEL - 1] + "…"


class GraphCache:
    """The graphs drawn lately, by network id and the time the stage computed it: the lags are read
    from the accounts' documents (a second on a busy account set), and they change only when the
    coordination stage recomputes the network, which changes ``computed_at``."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[tuple[str, str], NetworkGraph] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, network: StoredNetwork) -> NetworkGraph | None:
        with self._lock:
            graph = self._data.get((network.id, network.computed_at))
            if graph is not None:
                self._data.move_to_end((network.id, network.computed_at))
            return graph

    def put(self, network: StoredNetwork, graph: NetworkGraph) -> None:
        with self._lock:
            self._data[(network.id, network.computed_at)] = graph
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)


def network_graph(store: Store, network: StoredNetwork, *, top_objects: int = TOP_OBJECTS,
                  cache: GraphCache | None = None, narrow: bool = True) -> NetworkGraph:
    """``narrow``: let the store pre-filter the accounts' documents by object (off, every document
    of the accounts in the span is read: the same graph, slower; the tests compare the two)."""
    cached = cache.get(network) if cache is not None else None
    if cached is not None:
        return cached
    graph = _network_graph(store, network, top_objects=top_objects, narrow=narrow)
    if cache is not None:
        cache.put(network, graph)
    return graph


def _network_graph(store: Store, network: StoredNetwork, *, top_objects: int, narrow: bool) -> NetworkGraph:
    types = {a.name: a.type for a in store.list_actors()}
    top_shares = max((a.shares for a in network.account_details), default=1) or 1
    nodes: list[dict[str, Any]] = []
    per_type: dict[str, int] = {}
    for a in network.account_details:
        kind = next((types[x] for x in a.actors if x in types), "unknown" if a.actors else "unassigned")
        per_type[kind] = per_type.get(kind, 0) + 1
        nodes.append({"id": "a:" + a.account, "label": a.account, "kind": "account", "actor_type": kind,
                      "colour": ACTOR_TYPE_COLOURS.get(kind, ACTOR_TYPE_COLOURS["unknown"]), "shares": a.shares,
                      "sources": a.sources, "size": round(14 + 30 * math.sqrt(a.shares / top_shares), 1)})
    top_weight = max((int(w) for _a, _b, w in network.edge_list), default=1) or 1
    drawn = {n["label"] for n in nodes}
    # cytoscape refuses an edge to a node it does not have: keep edges between listed accounts only.
    edges: list[dict[str, Any]] = [
        {"source": "a:" + str(a), "target": "a:" + str(b), "kind": "co-share", "between": [str(a), str(b)],
         "weight": int(w), "width": round(1 + 5 * int(w) / top_weight, 1)}
        for a, b, w in network.edge_list if str(a) in drawn and str(b) in drawn]

    wanted = [str(obj) for obj, _count in network.top_objects[:top_objects]]
    first: dict[tuple[str, str], tuple[float | None, str | None]] = {}  # (object, account) -> first share
    if wanted:
        want = set(wanted)
        clusters, needles = _narrowing(network.kind, wanted) if narrow else (None, None)
        docs = store.account_share_documents(
            network.accounts, since=_shifted(network.first_at, -MARGIN), until=_shifted(network.last_at, MARGIN),
            clusters=clusters, needles=needles, limit=MAX_DOCUMENTS, marker=MARKERS.get(network.kind))
        for doc in docs:
            account = (doc.author or "").strip() or doc.source
            for obj in document_objects(doc, network.kind):
                if obj in want and (obj, account) not in first:
                    first[(obj, account)] = (_epoch(doc.published_at), doc.published_at)
    shares: list[Share] = []
    for obj in wanted:
        times = [t for (o, _a), (t, _at) in first.items() if o == obj and t is not None]
        start = min(times) if times else None
        found = sorted(((a, t, at) for (o, a), (t, at) in first.items() if o == obj),
                       key=lambda x: (x[1] is None, x[1] or 0.0, x[0]))
        found = [f for f in found if f[0] in drawn]
        for account, t, at in found:
            shares.append(Share(obj, account, at, None if t is None or start is None else int(round(t - start))))
        if not found:
            continue
        nodes.append({"id": "o:" + obj, "label": _short(obj), "full": obj, "kind": "object", "size": 12,
                      "colour": "#555555", "accounts": len(found),
                      "first_at": next((at for _a, _t, at in found if at), None)})
        edges += [{"source": "a:" + a, "target": "o:" + obj, "account": a, "target_label": _short(obj), "kind": "share",
                   "at": at, "lag": None if t is None or start is None else int(round(t - start)), "width": 1}
                  for a, t, at in found]
    return NetworkGraph(nodes=nodes, edges=edges, shares=shares,
                        actor_types=dict(sorted(per_type.items(), key=lambda kv: -kv[1])))
