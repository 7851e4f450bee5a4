"""``/campaigns`` and ``/api/campaigns`` (coordinated networks joined with what they carry and who
owns them), and ``/report`` with its downloads ``/report.md`` and ``/report.html`` (the briefing).

Both read through the CLI's own functions, ``analysis.campaigns.find_campaigns`` and
``respond.report.build_report``/``render``, so the dashboard and ``factwatch campaigns``/``report``
can never disagree. Nothing is stored: each answer is as fresh as the last ``analyze``.
``/api/campaigns`` is in the read cache (web/_cache.py): it takes nothing from the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from factwatch.analysis.campaigns import Campaign, CampaignReport, find_campaigns
from factwatch.respond.report import build_report, render as render_briefing
from factwatch.store import Store
from factwatch.web._filters import parse_date, parse_paging
from factwatch.web._params import DATE, LimitParam, OffsetParam, Text, get_store, paged, paged_responses
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()
ALL = 100_000  # campaigns are groups of stored networks: tens, not thousands; paged after ranking

SinceParam = Annotated[Text, Query(description="Only activity published on or after: YYYY-MM-DD or ISO 8601.",
                                   json_schema_extra=DATE)]


@dataclass(frozen=True, slots=True)
class CampaignsQuery:
    since: str | None
    limit: int
    offset: int

    def query_string(self, *, offset: int | None = None) -> str:
        return urlencode({"since": self.since or "", "limit": self.limit,
                          "offset": self.offset if offset is None else offset})


async def campaigns_query(since: SinceParam = None, limit: LimitParam = None,
                          offset: OffsetParam = None) -> CampaignsQuery:
    page_limit, page_offset = parse_paging({k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None})
    return CampaignsQuery(since=parse_date((since or "").strip() or None, name="since"), limit=page_limit,
                          offset=page_offset)


@dataclass(frozen=True, slots=True)
class CampaignsView:
    query: CampaignsQuery
    found: CampaignReport  # every campaign, ranked; the page is cut from it

    @property
    def total(self) -> int:
        return len(self.found.campaigns)

    @property
    def campaigns(self) -> list[Campaign]:
        return self.found.campaigns[self.query.offset:self.query.offset + self.query.limit]

    @property
    def page(self) -> Page:
        return Page(total=self.total, limit=self.query.limit, offset=self.query.offset)

    def as_dict(self) -> dict[str, Any]:
        return {**paged("campaigns", [c.as_dict() for c in self.campaigns], (self.query.limit, self.query.offset),
                        total=self.total),
                "since": self.query.since, "networks": self.found.networks, "notes": self.found.notes}


def campaigns_view(store: Store, q: CampaignsQuery) -> CampaignsView:
    return CampaignsView(query=q, found=find_campaigns(store, since=q.since, limit=ALL))


@router.get("/campaigns", response_class=HTMLResponse, include_in_schema=False)
def campaigns_page(request: Request, q: CampaignsQuery = Depends(campaigns_query),
                   store: Store = Depends(get_store)) -> HTMLResponse:
    view = campaigns_view(store, q)
    return render(request, "campaigns.html", view=view, page=view.page, page_title="Campaigns")


@router.get("/api/campaigns", tags=["api"], responses=paged_responses("campaigns", "campaigns", extra={
    "since": "The period's start filtered on, or null.", "networks": "Stored coordination networks read.",
    "notes": "What the figures mean: candidates are not verdicts."}))
def campaigns_json(q: CampaignsQuery = Depends(campaigns_query), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Campaigns: coordination networks whose accounts coincide, grouped across object kinds, with the
    narratives their documents carry (candidates unless confirmed), their sources and owning actors (type,
    country), first and last activity, and the fact-checks that address their claims ('candidate' with its
    p, or 'confirmed' by an analyst; never a verdict of factwatch). State-involved and largest first."""
    return campaigns_view(store, q).as_dict()


async def report_since(since: SinceParam = None) -> str | None:
    return parse_date((since or "").strip() or None, name="since")


@router.get("/report", response_class=HTMLResponse, include_in_schema=False)
def report_page(request: Request, since: str | None = Depends(report_since),
                store: Store = Depends(get_store)) -> HTMLResponse:
    report = build_report(store, since=since)
    downloads = "?" + urlencode({"since": since}) if since else ""
    return render(request, "report.html", report=report, downloads=downloads, page_title="Briefing")


def _download(store: Store, since: str | None, fmt: str, media_type: str) -> Response:
    name = f"factwatch-briefing-{(since or 'all')[:10]}.{fmt}"
    return Response(render_briefing(build_report(store, since=since), fmt) + "\n", media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/report.md", include_in_schema=False)
def report_markdown(since: str | None = Depends(report_since), store: Store = Depends(get_store)) -> Response:
    return _download(store, since, "md", "text/markdown; charset=utf-8")


@router.get("/report.html", include_in_schema=False)
def report_html(since: str | None = Depends(report_since), store: Store = Depends(get_store)) -> Response:
    return _download(store, since, "html", "text/html; charset=utf-8")
