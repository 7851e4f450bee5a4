"""``/narratives`` and ``/api/narratives``: the catalogue with how many documents carry each narrative."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from factwatch.models import Narrative
from factwatch.store import Store
from factwatch.web._params import get_store, paged, paged_responses, paging
from factwatch.web._render import render

router = APIRouter()


@dataclass(frozen=True, slots=True)
class NarrativeCatalogue:
    narratives: list[Narrative]
    documents: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"narratives": [{**n.as_dict(), "documents": self.documents.get(n.id, 0)} for n in self.narratives]}


def narratives_view(store: Store) -> NarrativeCatalogue:
    return NarrativeCatalogue(narratives=store.list_narratives(status="active"),
                              documents=store.narrative_document_counts())


@router.get("/narratives", response_class=HTMLResponse, include_in_schema=False)
def narratives_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    view = narratives_view(store)
    return render(request, "narratives.html", narratives=view.narratives, documents=view.documents,
                  page_title="Narratives")


@router.get("/api/narratives", tags=["api"], responses=paged_responses("narratives", "catalogued narratives"))
def narratives_json(page: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> dict[str, Any]:
    """A page of the active catalogued narratives, each with the number of documents the classifier found it in."""
    return paged("narratives", narratives_view(store).as_dict()["narratives"], page)
