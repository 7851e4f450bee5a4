"""``/sources`` and ``/api/sources``: the source registry and its actors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.models import Actor, Source
from factwatch.store import Store
from factwatch.web._params import get_store, paged, paged_responses, paging
from factwatch.web._render import render

router = APIRouter()


@dataclass(frozen=True, slots=True)
class SourceList:
    sources: list[Source]
    actors: list[Actor]

    def as_dict(self) -> dict[str, Any]:
        return {"sources": [s.as_dict() for s in self.sources], "actors": [a.as_dict() for a in self.actors]}


def sources_view(store: Store) -> SourceList:
    return SourceList(sources=store.list_sources(), actors=store.list_actors())


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    view = sources_view(store)
    return render(request, "sources.html", sources=view.sources, page_title="Sources")


@router.get("/api/sources", tags=["api"], responses=paged_responses(
    "sources", "sources", extra={"actors": "Every actor behind the sources (not paged: a catalogue)."}))
def sources_json(page: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> dict[str, Any]:
    """A page of registered sources with their document counts, and the actors behind them."""
    view = sources_view(store)
    return {**paged("sources", [s.as_dict() for s in view.sources], page), "actors": [a.as_dict() for a in view.actors]}
