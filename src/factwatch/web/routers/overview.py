"""``/`` (the overview) and ``/api/stats`` (its counts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.models import ClaimRow, Run
from factwatch.store import Store
from factwatch.web._params import get_store
from factwatch.web._render import render
from factwatch.web._views import actor_type_counts

router = APIRouter()
LATEST_ADDRESSED = 8


@dataclass(frozen=True, slots=True)
class Overview:
    stats: dict[str, int]
    languages: dict[str, int]
    runs: list[Run]
    actor_types: list[tuple[str, int]]
    latest_addressed: list[ClaimRow]


def overview_view(store: Store) -> Overview:
    return Overview(
        stats=store.stats(),
        languages=store.language_counts(),
        runs=store.list_runs(limit=10),
        actor_types=actor_type_counts(store.list_sources()),
        latest_addressed=store.list_claim_rows(addressed=True, limit=LATEST_ADDRESSED),
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    view = overview_view(store)
    return render(
        request, "overview.html", stats=view.stats, languages=view.languages,
        language_max=max(view.languages.values(), default=0), runs=view.runs, actor_types=view.actor_types,
        latest_addressed=view.latest_addressed,
    )


@router.get("/api/stats", tags=["api"])
def stats_json(store: Store = Depends(get_store)) -> dict[str, Any]:
    """Row counts per table: the overview's count cards."""
    return store.stats()
