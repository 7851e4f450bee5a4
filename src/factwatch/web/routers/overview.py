"""``/`` (the overview) with ``/api/overview``, and ``/api/stats`` (its counts).

What is spreading now and who pushes it: documents a day by language and by actor type over the
last 30 days of data, narratives rising this week against the week before, claims of the latest
day, the newest alerts and the most recently active coordinated networks. "Now" is the newest
document at or before the wall clock, so an archive (or the demo) reads the same as a live feed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.models import Alert, ClaimRow, Run, Source, StoredNetwork
from factwatch.store import Store
from factwatch.web._charts import chart_spec
from factwatch.web._i18n import gettext, language_name
from factwatch.web._params import get_store
from factwatch.web._render import render
from factwatch.web._views import actor_type_counts

router = APIRouter()
LATEST_ADDRESSED = 8
WINDOW_DAYS = 30  # the documents-per-day charts
RISING_DAYS = 7  # this week against the week before
TOP_LANGUAGES = 8
TOP_RISING = 8
NETWORKS_SHOWN = 6
NETWORKS_SCANNED = 100  # the largest stored networks, of which the most recently active are shown


@dataclass(frozen=True, slots=True)
class RisingNarrative:
    narrative_id: str
    label: str
    recent: int  # documents in the last RISING_DAYS days of data
    previous: int  # in the RISING_DAYS before


@dataclass(frozen=True, slots=True)
class Activity:
    """Documents a day over the window ending on ``today`` (the newest day with documents)."""

    today: str | None
    is_today: bool  # ``today`` is the wall-clock day
    days: list[str] = field(default_factory=list)
    by_language: dict[str, list[int]] = field(default_factory=dict)
    by_actor_type: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Overview:
    stats: dict[str, int]
    languages: dict[str, int]
    runs: list[Run]
    actor_types: list[tuple[str, int]]
    latest_addressed: list[ClaimRow]
    activity: Activity
    rising: list[RisingNarrative]
    claims_today: int
    claims_today_addressed: int
    todays_claims: list[ClaimRow]
    alerts: list[Alert]
    networks: list[StoredNetwork]

    def charts(self) -> dict[str, dict[str, object]]:
        a = self.activity
        recent, previous = gettext("last {n} days", n=RISING_DAYS), gettext("{n} days before", n=RISING_DAYS)
        return {
            "chart-languages": chart_spec("line", a.days, {language_name(k) if k != "other" else k: v
                                                           for k, v in a.by_language.items()},
                                          title="Documents a day by language"),
            "chart-actor-types": chart_spec("bar", a.days, a.by_actor_type, stacked=True,
                                            title="Documents a day by actor type of the source"),
            "chart-rising": chart_spec(
                "bar", [r.label for r in self.rising],
                {recent: [r.recent for r in self.rising], previous: [r.previous for r in self.rising]},
                horizontal=True, title="Rising narratives", links=[f"/narratives/{r.narrative_id}" for r in self.rising],
                colours={recent: "#d62728", previous: "#9aa3ad"}),
            "chart-networks": chart_spec(
                "bar", [n.id for n in self.networks],
                {"accounts": [len(n.accounts) for n in self.networks], "objects": [n.objects for n in self.networks]},
                horizontal=True, title="Active coordinated networks",
                links=[f"/coordination/{n.id}" for n in self.networks]),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "stats": self.stats, "languages": self.languages,
            "activity": asdict(self.activity),
            "rising_narratives": [asdict(r) for r in self.rising],
            "claims_today": {"day": self.activity.today, "claims": self.claims_today,
                             "addressed": self.claims_today_addressed,
                             "latest": [c.as_dict() for c in self.todays_claims]},
            "alerts": [a.as_dict() for a in self.alerts],
            "networks": [{"id": n.id, "kind": n.kind, "accounts": len(n.accounts), "objects": n.objects,
                          "shares": n.shares, "last_at": n.last_at, "score": n.score} for n in self.networks],
            "actor_types": dict(self.actor_types),
        }


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def _activity(store: Store, now: datetime, sources: list[Source]) -> Activity:
    latest = store.latest_document_time(now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if latest is None:
        return Activity(today=None, is_today=False)
    end = _day(latest)
    first = end - timedelta(days=WINDOW_DAYS - 1)
    days = [(first + timedelta(days=i)).isoformat() for i in range(WINDOW_DAYS)]
    index = {d: i for i, d in enumerate(days)}
    actor_type = {s.name: s.actor_type or ("unknown" if s.actor else "unassigned") for s in sources}
    by_language: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    by_type: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for day, language, source, n in store.daily_language_source_counts(days[0], (end + timedelta(days=1)).isoformat()):
        if day in index:
            by_language[language or "und"][index[day]] += n
            by_type[actor_type.get(source, "unassigned")][index[day]] += n
    ranked = sorted(by_language, key=lambda k: (-sum(by_language[k]), k))
    languages = {k: by_language[k] for k in ranked[:TOP_LANGUAGES]}
    if len(ranked) > TOP_LANGUAGES:
        languages["other"] = [sum(by_language[k][i] for k in ranked[TOP_LANGUAGES:]) for i in range(len(days))]
    types = dict(sorted(by_type.items(), key=lambda kv: (-sum(kv[1]), kv[0])))
    return Activity(today=end.isoformat(), is_today=end == now.date(), days=days, by_language=languages,
                    by_actor_type=types)


def _rising(store: Store, today: str | None) -> list[RisingNarrative]:
    if today is None:
        return []
    end = _day(today)
    split = end - timedelta(days=RISING_DAYS - 1)
    start = split - timedelta(days=RISING_DAYS)
    recent: dict[str, int] = defaultdict(int)
    previous: dict[str, int] = defaultdict(int)
    for day, narrative, n in store.document_counts(dimension="narrative", since=start.isoformat(),
                                                   until=(end + timedelta(days=1)).isoformat()):
        (recent if _day(day) >= split else previous)[narrative] += n
    labels = {n.id: n.label for n in store.list_narratives()}
    rising = [RisingNarrative(k, labels.get(k, k), recent[k], previous.get(k, 0))
              for k in recent if recent[k] > previous.get(k, 0)]
    rising.sort(key=lambda r: (-(r.recent - r.previous), -r.recent, r.narrative_id))
    return rising[:TOP_RISING]


def overview_view(store: Store, *, now: datetime | None = None) -> Overview:
    now = now or datetime.now(timezone.utc)
    sources = store.list_sources()
    activity = _activity(store, now, sources)
    claims = addressed = 0
    todays: list[ClaimRow] = []
    if activity.today is not None:
        tomorrow = (_day(activity.today) + timedelta(days=1)).isoformat()
        claims, addressed = store.claims_published_between(activity.today, tomorrow)
        todays = [c for c in store.list_claim_rows(since=activity.today, limit=LATEST_ADDRESSED)
                  if (c.published_at or "") < tomorrow]
    networks = sorted(store.list_coordination_networks(limit=NETWORKS_SCANNED),
                      key=lambda n: (n.last_at or "", len(n.accounts)), reverse=True)[:NETWORKS_SHOWN]
    return Overview(
        stats=store.stats(),
        languages=store.language_counts(),
        runs=store.list_runs(limit=10),
        actor_types=actor_type_counts(sources),
        latest_addressed=store.list_claim_rows(addressed=True, limit=LATEST_ADDRESSED),
        activity=activity, rising=_rising(store, activity.today),
        claims_today=claims, claims_today_addressed=addressed, todays_claims=todays,
        alerts=store.list_alerts(limit=8), networks=networks,
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    view = overview_view(store)
    return render(
        request, "overview.html", view=view, stats=view.stats, languages=view.languages,
        language_max=max(view.languages.values(), default=0), runs=view.runs, actor_types=view.actor_types,
        latest_addressed=view.latest_addressed,
    )


@router.get("/api/overview", tags=["api"])
def overview_json(store: Store = Depends(get_store)) -> dict[str, Any]:
    """What is spreading now: documents a day by language and actor type (30 days to the newest
    document), narratives rising this week against the week before, the latest day's claims, the
    newest alerts and the most recently active coordinated networks."""
    return overview_view(store).as_dict()


@router.get("/api/stats", tags=["api"])
def stats_json(store: Store = Depends(get_store)) -> dict[str, Any]:
    """Row counts per table: the overview's count cards."""
    return store.stats()
