"""``/coordination`` and ``/coordination/{id}``, with their ``/api`` forms: stored coordination networks.

The networks are those the ``coordination`` stage stored with its default parameters
(docs/coordination.md); ``factwatch coordination`` computes them with any parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from factwatch.analysis.coordination import OBJECT_KINDS
from factwatch.errors import InputError, NotFoundError
from factwatch.models import StoredNetwork
from factwatch.store import Store
from factwatch.web._filters import parse_paging
from factwatch.web._params import LimitParam, OffsetParam, Text, get_store, paged, paged_responses
from factwatch.web._charts import ACTOR_TYPE_COLOURS
from factwatch.web._network import GraphCache, NetworkGraph, network_graph
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()


@dataclass(frozen=True, slots=True)
class CoordinationQuery:
    kind: str | None
    limit: int
    offset: int

    def query_string(self, *, offset: int | None = None) -> str:
        from urllib.parse import urlencode

        return urlencode({"kind": self.kind or "", "limit": self.limit,
                          "offset": self.offset if offset is None else offset})


def coordination_query(
    kind: Annotated[Text, Query(description=f"Only networks of this object kind: {', '.join(OBJECT_KINDS)}.")] = None,
    limit: LimitParam = None,
    offset: OffsetParam = None,
) -> CoordinationQuery:
    given = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    page_limit, page_offset = parse_paging(given)
    kind = (kind or "").strip() or None
    if kind is not None and kind not in OBJECT_KINDS:
        raise InputError(f"kind={kind[:40]!r} is not an object kind; use one of {', '.join(OBJECT_KINDS)}.")
    return CoordinationQuery(kind=kind, limit=page_limit, offset=page_offset)


@dataclass(frozen=True, slots=True)
class CoordinationListView:
    query: CoordinationQuery
    networks: list[StoredNetwork]
    total: int

    @property
    def page(self) -> Page:
        return Page(total=self.total, limit=self.query.limit, offset=self.query.offset)

    def as_dict(self) -> dict[str, Any]:
        return {**paged("networks", [n.as_dict() for n in self.networks], (self.query.limit, self.query.offset),
                        total=self.total), "kind": self.query.kind, "kinds": list(OBJECT_KINDS)}


def coordination_view(store: Store, q: CoordinationQuery) -> CoordinationListView:
    return CoordinationListView(
        query=q, total=store.count_coordination_networks(kind=q.kind),
        networks=store.list_coordination_networks(kind=q.kind, limit=q.limit, offset=q.offset))


def _network(store: Store, network_id: str) -> StoredNetwork:
    if len(network_id) > 80 or not network_id.isascii():
        raise NotFoundError(f"No coordination network {network_id[:80]!r}; see /coordination.")
    return store.get_coordination_network(network_id)


@dataclass(frozen=True, slots=True)
class NetworkView:
    network: StoredNetwork
    graph: NetworkGraph

    def as_dict(self) -> dict[str, Any]:
        return {"network": self.network.as_dict(), "graph": self.graph.as_dict()}


def network_view(store: Store, network_id: str, cache: GraphCache | None = None) -> NetworkView:
    network = _network(store, network_id)
    return NetworkView(network=network, graph=network_graph(store, network, cache=cache))


def graph_cache(request: Request) -> GraphCache:
    """One cache per app (so per store), made on first use."""
    cache = getattr(request.app.state, "network_graphs", None)
    if cache is None:
        cache = request.app.state.network_graphs = GraphCache()
    return cache


NetworkId = Annotated[str, Path(description="A network id, e.g. url-c4c617e52196 (its object kind and a hash of its accounts).")]


@router.get("/coordination", response_class=HTMLResponse, include_in_schema=False)
def coordination_page(request: Request, q: CoordinationQuery = Depends(coordination_query),
                      store: Store = Depends(get_store)) -> HTMLResponse:
    view = coordination_view(store, q)
    return render(request, "coordination.html", view=view, page=view.page, kinds=OBJECT_KINDS,
                  page_title="Coordinated sharing")


@router.get("/api/coordination", tags=["api"], responses=paged_responses(
    "networks", "coordinated networks", extra={"kind": "The object kind filtered on, or null.",
                                               "kinds": "The object kinds there are."}))
def coordination_json(q: CoordinationQuery = Depends(coordination_query), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Coordination networks (accounts that repeatedly shared the same object within seconds), largest first."""
    return coordination_view(store, q).as_dict()


@router.get("/coordination/{network_id}", response_class=HTMLResponse, include_in_schema=False)
def network_page(request: Request, network_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    view = network_view(store, network_id, graph_cache(request))
    return render(request, "coordination_network.html", network=view.network, graph=view.graph,
                  colours=ACTOR_TYPE_COLOURS, page_title=f"Network {view.network.id}")


@router.get("/api/coordination/{network_id}", tags=["api"])
def network_json(network_id: NetworkId, request: Request, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One network: its accounts with sources, actors and communities, its edges and most shared objects,
    and its graph: accounts (size = co-shared posts, colour = actor type) and the objects they shared
    with each account's lag after the network's first share of it."""
    return network_view(store, network_id, graph_cache(request)).as_dict()
