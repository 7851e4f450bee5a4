"""``/discovery`` and ``/api/discovery``: candidate new narratives (issue 9), largest first.

Read-only like every page: candidates are promoted with ``factwatch narratives promote ID``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from factwatch.analysis.discovery import MIN_SIZE, Candidate, candidates
from factwatch.store import Store
from factwatch.web._params import get_store, paged, paged_responses, paging
from factwatch.web._render import render

router = APIRouter()

MinSize = Annotated[int, Query(ge=1, le=10_000, description="Only candidates of at least this many claims.")]
Limit = Annotated[int, Query(ge=1, le=500, description="How many candidates, largest first.")]


@dataclass(frozen=True, slots=True)
class DiscoveryView:
    candidates: list[Candidate]
    min_size: int

    def as_dict(self) -> dict[str, Any]:
        return {"min_size": self.min_size, "candidates": [c.as_dict() for c in self.candidates]}


def discovery_view(store: Store, *, min_size: int = MIN_SIZE, limit: int = 100) -> DiscoveryView:
    return DiscoveryView(candidates=candidates(store, min_size=min_size, limit=limit), min_size=min_size)


@router.get("/discovery", response_class=HTMLResponse, include_in_schema=False)
def discovery_page(request: Request, store: Store = Depends(get_store), min_size: MinSize = MIN_SIZE,
                   limit: Limit = 100) -> HTMLResponse:
    view = discovery_view(store, min_size=min_size, limit=limit)
    return render(request, "discovery.html", candidates=view.candidates, min_size=view.min_size,
                  page_title="Candidate narratives")


@router.get("/api/discovery", tags=["api"], responses=paged_responses("candidates", "candidate narratives"))
def discovery_json(store: Store = Depends(get_store), min_size: MinSize = MIN_SIZE,
                   page: tuple[int, int] = Depends(paging)) -> dict[str, Any]:
    """Candidate new narratives, largest first, a page at a time: clusters of check-worthy claims
    that match no catalogued narrative, with representative claims, top terms (one word's
    translations as one term), size, growth (last 7 days against the 7 before), languages and
    sources."""
    # The whole list, cut here: growth is counted up to the latest claim of all candidates, which
    # candidates() finds only among those it is given, so a page alone would shift it.
    whole = discovery_view(store, min_size=min_size, limit=len(store.discovery_clusters(min_size=min_size)) or 1)
    return {**paged("candidates", whole.as_dict()["candidates"], page), "min_size": min_size}
