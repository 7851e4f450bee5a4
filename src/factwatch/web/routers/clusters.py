"""``/clusters`` and ``/clusters/{id}``, with their ``/api`` forms: story clusters and their timelines.

The timeline is an inline SVG drawn by the template from positions computed here (no script:
the CSP is ``default-src 'self'``; SVG geometry attributes are not styles).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from factwatch.analysis.spread import ClusterList, ClusterReport, cluster_report, list_clusters
from factwatch.errors import NotFoundError
from factwatch.store import Store
from factwatch.web._charts import chart_spec
from factwatch.web._filters import MAX_ID, parse_int, parse_paging
from factwatch.web._params import DIGITS, LimitParam, OffsetParam, Text, get_store, paged_responses
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()

# Fill colours of the timeline dots by platform (SVG presentation attributes, allowed by the CSP).
PLATFORM_COLOURS = {"telegram": "#2a7fb8", "x": "#222222", "facebook": "#3b5998", "rss": "#c0392b", "web": "#8e44ad"}


@dataclass(frozen=True, slots=True)
class ClusterQuery:
    min_size: int
    min_sources: int
    limit: int
    offset: int

    def query_string(self, *, offset: int | None = None) -> str:
        from urllib.parse import urlencode

        return urlencode({"min_size": self.min_size, "min_sources": self.min_sources, "limit": self.limit,
                          "offset": self.offset if offset is None else offset})


async def cluster_query(
    min_size: Annotated[Text, Query(description="Only clusters of at least this many documents (default 2).",
                                    json_schema_extra=DIGITS)] = None,
    min_sources: Annotated[Text, Query(description="Only clusters carried by at least this many outlets or "
                                       "accounts (default 1).", json_schema_extra=DIGITS)] = None,
    limit: LimitParam = None,
    offset: OffsetParam = None,
) -> ClusterQuery:
    given = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    page_limit, page_offset = parse_paging(given)
    return ClusterQuery(
        min_size=parse_int(min_size, name="min_size", default=2, minimum=1, maximum=10**9),
        min_sources=parse_int(min_sources, name="min_sources", default=1, minimum=1, maximum=10**9),
        limit=page_limit, offset=page_offset,
    )


@dataclass(frozen=True, slots=True)
class ClusterListView:
    query: ClusterQuery
    listing: ClusterList

    @property
    def page(self) -> Page:
        return Page(total=self.listing.total, limit=self.query.limit, offset=self.query.offset)

    def as_dict(self) -> dict[str, Any]:
        # The paging keys every /api list answers with (_params.paged).
        return {**self.listing.as_dict(), "limit": self.query.limit, "offset": self.query.offset,
                "next_offset": self.page.next_offset}


def clusters_view(store: Store, q: ClusterQuery) -> ClusterListView:
    return ClusterListView(query=q, listing=list_clusters(
        store, min_size=q.min_size, min_sources=q.min_sources, limit=q.limit, offset=q.offset))


def _cluster_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > MAX_ID:
        raise NotFoundError(f"No cluster {value!r}; cluster ids are numbers, see /clusters.")
    return int(value)


def cluster_view(store: Store, cluster_id: str) -> ClusterReport:
    return cluster_report(store, _cluster_id(cluster_id))


def copy_chain_chart(report: ClusterReport) -> dict[str, object]:
    """Copies so far at each dated member's publication, per platform and altered ones: how the story
    spread from its first appearance (a click on a point opens that copy)."""
    dated = [c for c in report.copies if c.lag_seconds is not None]
    series: dict[str, list[int]] = {}
    for platform in sorted({c.platform for c in dated}):
        running = 0
        series[platform] = [running := running + (c.platform == platform) for c in dated]
    running = 0
    series["altered wording"] = [running := running + c.altered for c in dated]
    colours = {**PLATFORM_COLOURS, "altered wording": "#e377c2"}
    # A time axis, not evenly spaced copies: the gaps are what shows a burst. Minutes, or hours
    # once the story runs past two days.
    span = max((c.lag_seconds or 0 for c in dated), default=0)
    unit, x_title = ((3600, "hours after the first appearance") if span > 2 * 86400
                     else (60, "minutes after the first appearance"))
    return chart_spec("line", [(c.published_at or "")[:19].replace("T", " ") for c in dated], series,
                      title="Copies so far, from the first appearance", colours=colours,
                      links=[f"/documents/{c.document_id}" for c in dated],
                      x=[round((c.lag_seconds or 0) / unit, 2) for c in dated],
                      x_title=x_title, stepped=True)


ClusterId = Annotated[str, Path(description="A cluster id (a number: its founding document's id).",
                                json_schema_extra=DIGITS)]


@router.get("/clusters", response_class=HTMLResponse, include_in_schema=False)
def clusters_page(request: Request, q: ClusterQuery = Depends(cluster_query), store: Store = Depends(get_store)) -> HTMLResponse:
    view = clusters_view(store, q)
    return render(request, "clusters.html", view=view, page=view.page, colours=PLATFORM_COLOURS,
                  page_title="Story clusters")


@router.get("/api/clusters", tags=["api"], responses=paged_responses(
    "clusters", "story clusters", extra={"parameters": "The size and source thresholds in force."}))
def clusters_json(q: ClusterQuery = Depends(cluster_query), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Story clusters (the same text re-published across outlets, scripts and platforms), largest
    first, each with its first appearance and a timeline of its members."""
    return clusters_view(store, q).as_dict()


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse, include_in_schema=False)
def cluster_page(request: Request, cluster_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    report = cluster_view(store, cluster_id)
    return render(request, "cluster.html", report=report, colours=PLATFORM_COLOURS, copy_chain=copy_chain_chart,
                  page_title=f"Cluster {report.id}")


@router.get("/api/clusters/{cluster_id}", tags=["api"])
def cluster_json(cluster_id: ClusterId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One cluster: first appearance, every copy with its lag and word changes, outlets and accounts."""
    return {"cluster": cluster_view(store, cluster_id).as_dict()}
