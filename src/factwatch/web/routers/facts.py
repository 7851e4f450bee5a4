"""``/facts`` and ``/api/facts``: the fact base (fact-checks, facts and official statements)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.models import Fact, FactCheck
from factwatch.store import Store
from factwatch.web._params import get_store, paging
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()


@dataclass(frozen=True, slots=True)
class FactBase:
    fact_checks: list[FactCheck]
    facts: list[Fact]
    counts: dict[str, int]
    limit: int
    offset: int

    @property
    def page(self) -> Page:
        total = max(self.counts.get("fact_checks", 0), self.counts.get("facts", 0))
        return Page(total=total, limit=self.limit, offset=self.offset)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fact_checks": [fc.as_dict() for fc in self.fact_checks],
            "facts": [f.as_dict() for f in self.facts],
            "total_fact_checks": self.counts.get("fact_checks", 0),
            "total_facts": self.counts.get("facts", 0),
            "limit": self.limit,
            "offset": self.offset,
        }


def facts_view(store: Store, limit: int, offset: int) -> FactBase:
    return FactBase(
        fact_checks=store.list_fact_checks(limit=limit, offset=offset),
        facts=store.list_facts(limit=limit, offset=offset),
        counts=store.stats(), limit=limit, offset=offset,
    )


@router.get("/facts", response_class=HTMLResponse, include_in_schema=False)
def facts_page(request: Request, page: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> HTMLResponse:
    view = facts_view(store, *page)
    return render(request, "facts.html", fact_checks=view.fact_checks, facts=view.facts, page=view.page,
                  counts=view.counts, page_title="Fact base")


@router.get("/api/facts", tags=["api"])
def facts_json(page: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> dict[str, Any]:
    """A page of fact-checks and of facts, with their totals."""
    return facts_view(store, *page).as_dict()
