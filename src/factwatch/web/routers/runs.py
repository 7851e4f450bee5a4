"""``/runs`` and ``/runs/{id}``: ingestion runs and their rejected records, with ``/api`` forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.models import Rejection, Run
from factwatch.store import Store
from factwatch.web._filters import parse_int
from factwatch.web._params import OffsetParam, get_store, paged, paged_responses, runs_limit
from factwatch.web._render import render

router = APIRouter()


def runs_view(store: Store, limit: int) -> list[Run]:
    return store.list_runs(limit=limit)


@dataclass(frozen=True, slots=True)
class RunView:
    run: Run
    rejections: list[Rejection]

    def as_dict(self) -> dict[str, Any]:
        return {"run": self.run.as_dict(), "rejections": [r.as_dict() for r in self.rejections]}


def run_view(store: Store, run_id: str) -> RunView:
    run = store.get_run(run_id)
    return RunView(run=run, rejections=store.list_rejections(run.id))


@router.get("/runs", response_class=HTMLResponse, include_in_schema=False)
def runs_page(request: Request, limit: int = Depends(runs_limit), store: Store = Depends(get_store)) -> HTMLResponse:
    return render(request, "runs.html", runs=runs_view(store, limit), limit=limit, page_title="Runs")


@router.get("/api/runs", tags=["api"], responses=paged_responses("runs", "ingestion runs", max_limit=1000))
def runs_json(limit: int = Depends(runs_limit), offset: OffsetParam = None,
              store: Store = Depends(get_store)) -> dict[str, Any]:
    """The latest ingestion runs, newest first, a page at a time."""
    start = parse_int(offset, name="offset", default=0, minimum=0, maximum=10**9)
    runs = runs_view(store, start + limit)[start:]
    return paged("runs", [r.as_dict() for r in runs], (limit, start), total=store.stats().get("runs", 0))


@router.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
def run_page(request: Request, run_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    view = run_view(store, run_id)
    return render(request, "run.html", run=view.run, rejections=view.rejections, page_title=f"Run {view.run.id}")


@router.get("/api/runs/{run_id}", tags=["api"])
def run_json(run_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One run with the records it rejected and why."""
    return run_view(store, run_id).as_dict()
