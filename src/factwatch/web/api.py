"""The JSON API under ``/api/``: the same store calls as the pages, returned as records' ``as_dict()``.

Errors are mapped in ``app.py`` (one place): a ``FactwatchError`` becomes a 4xx
``{"error": message}`` body.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from factwatch.store import Store
from factwatch.web._filters import parse_document_filter, parse_document_id, parse_int

router = APIRouter(prefix="/api", tags=["api"])


def get_store(request: Request) -> Store:
    """The store ``create_app`` opened; passed in, never global (STYLE rule 4)."""
    return request.app.state.store


@router.get("/stats")
def api_stats(store: Store = Depends(get_store)) -> dict[str, Any]:
    return store.stats()


@router.get("/documents")
def api_documents(request: Request, store: Store = Depends(get_store)) -> dict[str, Any]:
    f = parse_document_filter(request.query_params)
    docs = store.list_documents(**f.store_kwargs(), limit=f.limit, offset=f.offset)
    return {
        "documents": [d.as_dict() for d in docs],
        "total": store.count_documents(**f.store_kwargs()),
        "limit": f.limit,
        "offset": f.offset,
    }


@router.get("/documents/{doc_id}")
def api_document(doc_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
    return store.get_document(parse_document_id(doc_id)).as_dict()


@router.get("/sources")
def api_sources(store: Store = Depends(get_store)) -> dict[str, Any]:
    return {
        "sources": [s.as_dict() for s in store.list_sources()],
        "actors": [a.as_dict() for a in store.list_actors()],
    }


@router.get("/runs")
def api_runs(request: Request, store: Store = Depends(get_store)) -> dict[str, Any]:
    limit = parse_int(request.query_params.get("limit"), name="limit", default=100, minimum=1, maximum=1000)
    return {"runs": [r.as_dict() for r in store.list_runs(limit=limit)]}


@router.get("/runs/{run_id}")
def api_run(run_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
    run = store.get_run(run_id)
    return {"run": run.as_dict(), "rejections": [r.as_dict() for r in store.list_rejections(run.id)]}


# --- Added later by the claims / fact-check engineer -------------------------------------
# /api/claims, /api/match?text=..., /api/cards/{id}: add routes here (or a router of their
# own included in app.py) calling the analysis/respond service functions.
