"""Who pushes what (issue 9): ``/narratives/{id}`` (outlets, accounts and owning actors carrying a
narrative, its first and latest appearance, languages, documents a day) and ``/sources/{name}``
(a source's or actor's narratives by month, share of state content, fact-checked claims)."""

from __future__ import annotations

from collections import Counter

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse

from factwatch.analysis.pushers import NarrativePushers, narrative_pushers
from factwatch.analysis.trends import TrendSeries, bucket_range, trend_series
from factwatch.errors import NotFoundError
from factwatch.models import Narrative
from factwatch.store import Store
from factwatch.web._alert_text import alert_summary
from factwatch.web._charts import Chart, chart_spec, line_chart
from factwatch.web._i18n import activate as activate_language
from factwatch.web._i18n import language_name
from factwatch.web._params import get_store
from factwatch.web._profiles import profile_view
from factwatch.web._render import render

router = APIRouter()
TOP_CARRIERS = 12  # outlets in the narrative's bar chart (the table lists them all)


@dataclass(frozen=True, slots=True)
class NarrativeView:
    narrative: Narrative
    pushers: NarrativePushers
    alerts: list[Any]
    chart: Chart = field(repr=False)
    by_actor_type: TrendSeries = field(default_factory=lambda: TrendSeries("actor_type", "day", []))
    fact_checks: list[dict[str, Any]] = field(default_factory=list)
    # Analysts' decisions in force on its assignments ("confirmed"/"rejected" -> count): the rest
    # are the classifier's candidates (on real news most uncalibrated ones are wrong: docs/narratives.md).
    reviews: dict[str, int] = field(default_factory=dict)

    def charts(self) -> dict[str, dict[str, object]]:
        p = self.pushers
        outlets = p.outlets[:TOP_CARRIERS]
        return {
            "chart-narrative-actors": chart_spec("bar", self.by_actor_type.buckets, self.by_actor_type.series,
                                                 stacked=True, title="Documents a day by actor type"),
            "chart-narrative-languages": chart_spec("bar", [language_name(k) for k in p.languages],
                                                    {"documents": list(p.languages.values())},
                                                    title="Documents by language"),
            "chart-narrative-outlets": chart_spec(
                "bar", [c.name for c in outlets], {"documents": [c.documents for c in outlets]}, horizontal=True,
                title="Outlets and channels carrying it", links=[f"/sources/{quote(c.name, safe='')}" for c in outlets]),
        }

    def as_dict(self) -> dict[str, Any]:
        return {"narrative": self.narrative.as_dict(), "pushers": self.pushers.as_dict(),
                "alerts": [a.as_dict() for a in self.alerts], "by_actor_type": self.by_actor_type.as_dict(),
                "fact_checks": self.fact_checks, "reviews": self.reviews}


def _checked(value: str, what: str) -> str:
    if len(value) > 300:
        raise NotFoundError(f"No {what} {value[:80]!r}...")
    return value


def narrative_view(store: Store, narrative_id: str) -> NarrativeView:
    narrative = store.get_narrative(_checked(narrative_id, "narrative"))
    pushers = narrative_pushers(store, narrative.id)
    alerts = store.list_alerts(narrative_id=narrative.id, limit=500)
    chart = line_chart([], {})
    if pushers.daily:
        days = bucket_range(pushers.daily[0][0], pushers.daily[-1][0], "day")
        counts = dict(pushers.daily)
        spikes = [(a.at, alert_summary(a)) for a in alerts if a.kind in ("spike", "candidate-growth")]
        chart = line_chart(days, {"documents": [counts.get(d, 0) for d in days]}, {"documents": spikes})
    return NarrativeView(narrative=narrative, pushers=pushers, alerts=alerts, chart=chart,
                         by_actor_type=trend_series(store, dimension="actor_type", narrative_id=narrative.id),
                         fact_checks=store.narrative_fact_checks(narrative.id),
                         reviews=dict(Counter(r.decision for r in store.list_narrative_reviews(narrative_id=narrative.id))))


NarrativeId = Annotated[str, Path(description="A narrative id, as listed by /api/narratives.")]
SourceName = Annotated[str, Path(description="A source name (/api/sources) or an actor name (all its sources).")]


@router.get("/narratives/{narrative_id}", response_class=HTMLResponse, include_in_schema=False)
def narrative_page(request: Request, narrative_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    activate_language(request)  # before the view: the chart's spike titles are rendered in it
    view = narrative_view(store, narrative_id)
    return render(request, "narrative.html", view=view, page_title=view.narrative.label)


@router.get("/api/narratives/{narrative_id}", tags=["api"])
def narrative_json(narrative_id: NarrativeId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One narrative and who pushes it: outlets, accounts, owning actors (type, country), first and latest
    appearance, languages, documents a day (in all and by actor type), its alerts, and the fact-checks
    that address claims in its documents."""
    return narrative_view(store, narrative_id).as_dict()


@router.get("/sources/{name:path}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, name: str, store: Store = Depends(get_store)) -> HTMLResponse:
    view = profile_view(store, _checked(name, "source"))
    return render(request, "source.html", profile=view.profile, view=view,
                  page_title=view.profile.name)


@router.get("/api/sources/{name:path}", tags=["api"])
def source_json(name: SourceName, store: Store = Depends(get_store)) -> dict[str, Any]:
    """A source (or an actor's sources): narratives carried by month, share of state or state-affiliated
    content, claims matched to fact-checks ('confirmed' by an analyst, else 'candidate'), and claims a
    month with how many fact-checks rate false, misleading or partly false (``false_share``)."""
    return {"source": profile_view(store, _checked(name, "source")).as_dict()}
