"""``/trends`` and ``/alerts`` (issue 9): documents over time per narrative, source, actor type,
language or platform, with the spikes the ``alerts`` stage found marked; and the stored alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from factwatch.analysis.trends import DIMENSIONS, TrendSeries, trend_series
from factwatch.errors import InputError
from factwatch.models import ALERT_KINDS, Alert
from factwatch.store import Store
from factwatch.web._alert_text import alert_summary
from factwatch.web._charts import Chart, line_chart
from factwatch.web._i18n import activate as activate_language
from factwatch.web._params import DATE, get_store, paged, paged_responses, paging
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()
Text = str | None


def parse_since(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"since expects a date such as 2026-10-01 or an ISO 8601 timestamp; got {value[:40]!r}.") from None
    if len(value.strip()) == 10:
        return parsed.date().isoformat()
    try:
        # Stored times are UTC: compare a time given with an offset as UTC.
        utc = parsed.astimezone(timezone.utc) if parsed.tzinfo is not None else parsed
    except OverflowError:
        raise InputError(f"since is out of range: {value[:40]!r}.") from None
    return utc.replace(tzinfo=None).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class TrendsView:
    trends: TrendSeries
    spikes: dict[str, list[dict[str, Any]]]  # narrative -> stored spike alerts in view
    chart: Chart = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {**self.trends.as_dict(), "spikes": self.spikes}


def trends_view(store: Store, *, by: str | None, bucket: str | None, since: str | None, narrative: str | None,
                top: str | None) -> TrendsView:
    by, bucket = by or "narrative", bucket or "day"
    if bucket not in ("day", "hour"):
        raise InputError(f"bucket is 'day' or 'hour', not {bucket[:20]!r}.")
    if by not in DIMENSIONS:
        raise InputError(f"by is one of {', '.join(DIMENSIONS)}, not {by[:20]!r}.")
    if top is not None and (not top.isdigit() or not 1 <= int(top) <= 50):
        raise InputError("top is a number from 1 to 50.")
    if narrative is not None:
        store.get_narrative(narrative)  # 404 naming the fix
    series = trend_series(store, dimension=by, bucket=bucket, since=parse_since(since), narrative_id=narrative,
                          top=int(top) if top else 8)
    spikes: dict[str, list[dict[str, Any]]] = {}
    markers: dict[str, list[tuple[str, str]]] = {}
    if by == "narrative":
        for a in store.list_alerts(kind="spike", limit=10_000) + store.list_alerts(kind="candidate-growth", limit=10_000):
            if a.narrative_id in series.series and a.details.get("bucket") == bucket:
                spikes.setdefault(a.narrative_id, []).append({"bucket": a.at, "alert": a.id, "summary": a.summary})
                # The JSON keeps the stored English summary; a marker's title is in the interface language.
                markers.setdefault(a.narrative_id, []).append((a.at, alert_summary(a)))
    chart = line_chart(series.buckets, series.series, markers)
    return TrendsView(trends=series, spikes=spikes, chart=chart)


ByParam = Annotated[Text, Query(description="narrative, source, actor_type, language or platform (default narrative).")]
BucketParam = Annotated[Text, Query(description="day or hour (UTC; default day).")]
SinceParam = Annotated[Text, Query(description="YYYY-MM-DD or an ISO 8601 timestamp.", json_schema_extra=DATE)]
NarrativeParam = Annotated[Text, Query(description="Only documents carrying this narrative id.")]
TopParam = Annotated[Text, Query(description="The N largest series, 1-50 (default 8).",
                                 json_schema_extra={"type": "string", "pattern": "^[0-9]+$"})]


@router.get("/trends", response_class=HTMLResponse, include_in_schema=False)
def trends_page(request: Request, by: ByParam = None, bucket: BucketParam = None, since: SinceParam = None,
                narrative: NarrativeParam = None, top: TopParam = None,
                store: Store = Depends(get_store)) -> HTMLResponse:
    activate_language(request)  # before the view: the chart's spike titles are rendered in it
    view = trends_view(store, by=by, bucket=bucket, since=since, narrative=narrative, top=top)
    return render(request, "trends.html", view=view, dimensions=DIMENSIONS, by=by or "narrative",
                  bucket=bucket or "day", since=since or "", narrative=narrative or "", page_title="Trends")


@router.get("/api/trends", tags=["api"])
def trends_json(by: ByParam = None, bucket: BucketParam = None, since: SinceParam = None,
                narrative: NarrativeParam = None, top: TopParam = None,
                store: Store = Depends(get_store)) -> dict[str, Any]:
    """Documents per day or hour for each value of a dimension (zero-filled), and stored spikes."""
    return trends_view(store, by=by, bucket=bucket, since=since, narrative=narrative, top=top).as_dict()


@dataclass(frozen=True, slots=True)
class AlertsView:
    alerts: list[Alert]
    kind: str | None
    page: Page

    def as_dict(self) -> dict[str, Any]:
        return {"alerts": [a.as_dict() for a in self.alerts], "kind": self.kind, "kinds": list(ALERT_KINDS)}


def alerts_view(store: Store, *, since: str | None, kind: str | None, page: tuple[int, int]) -> AlertsView:
    """A page of alerts, newest first, and where it sits (the page pages as /api/alerts does)."""
    if kind is not None and kind not in ALERT_KINDS:
        raise InputError(f"kind is one of {', '.join(ALERT_KINDS)}, not {kind[:40]!r}.")
    start, (limit, offset) = parse_since(since), page
    return AlertsView(alerts=store.list_alerts(since=start, kind=kind, limit=limit, offset=offset), kind=kind,
                      page=Page(total=store.count_alerts(since=start, kind=kind), limit=limit, offset=offset))


KindParam = Annotated[Text, Query(description="spike, candidate-growth, state-actor or coordinated-amplification.")]


@router.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_page(request: Request, since: SinceParam = None, kind: KindParam = None,
                page: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> HTMLResponse:
    view = alerts_view(store, since=since, kind=kind, page=page)
    return render(request, "alerts.html", view=view, kinds=ALERT_KINDS, since=since or "", page_title="Alerts")


@router.get("/api/alerts", tags=["api"], responses=paged_responses("alerts", "alerts"))
def alerts_json(since: SinceParam = None, kind: KindParam = None, page: tuple[int, int] = Depends(paging),
                store: Store = Depends(get_store)) -> dict[str, Any]:
    """Stored alerts, newest first, a page at a time: narrative spikes, state actors starting a
    narrative, coordinated amplification, saved searches with new matches."""
    if kind is not None and kind not in ALERT_KINDS:
        raise InputError(f"kind is one of {', '.join(ALERT_KINDS)}, not {kind[:40]!r}.")
    start = parse_since(since)
    limit, offset = page
    alerts = store.list_alerts(since=start, kind=kind, limit=limit, offset=offset)
    return {**paged("alerts", [a.as_dict() for a in alerts], page, total=store.count_alerts(since=start, kind=kind)),
            "kind": kind, "kinds": list(ALERT_KINDS)}
