"""The JSON API under ``/api/``: the same store calls as the pages, returned as records' ``as_dict()``.

Errors are mapped in ``app.py`` (one place): a ``FactwatchError`` becomes a 4xx
``{"error": message}`` body.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request

from factwatch.analysis.matching import match_text
from factwatch.errors import InputError
from factwatch.respond.cards import build_card
from factwatch.store import Store
from factwatch.web._filters import (
    parse_claim_filter,
    parse_claim_id,
    parse_document_filter,
    parse_document_id,
    parse_int,
    parse_match_query,
    parse_paging,
)

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


# --- Claims, matches, response cards, the fact base ----------------------------------------

@router.get("/claims")
def api_claims(request: Request, store: Store = Depends(get_store)) -> dict[str, Any]:
    f = parse_claim_filter(request.query_params)
    rows = store.list_claim_rows(**f.store_kwargs(), limit=f.limit, offset=f.offset)
    return {
        "claims": [r.as_dict() for r in rows],
        "total": store.count_claim_rows(**f.store_kwargs()),
        "limit": f.limit,
        "offset": f.offset,
    }


@router.get("/claims/{claim_id}")
def api_claim(claim_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
    row = store.get_claim_row(parse_claim_id(claim_id))
    return {
        "claim": row.as_dict(),
        "matches": [m.as_dict() for m in store.claim_match_rows(row.id)],
        "spread": {
            **asdict(store.claim_spread(row.latin_key)),
            "copies": [c.as_dict() for c in store.claim_copies(row.latin_key, exclude_claim_id=row.id)],
        },
    }


@router.get("/claims/{claim_id}/card")
def api_claim_card(claim_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
    # The same dict render_card(card, "json") serialises; use_llm=False keeps the API
    # deterministic and offline (the CLI is where an analyst opts into a rewrite).
    return build_card(store, parse_claim_id(claim_id), use_llm=False).as_dict()


@router.get("/match")
def api_match(request: Request, store: Store = Depends(get_store)) -> dict[str, Any]:
    mq = parse_match_query(request.query_params)
    if mq.text is None:
        raise InputError("Nothing to match: text is empty. Call /api/match?text=CLAIM (optionally &k=5).")
    return match_text(store, mq.text, k=mq.k).as_dict()


@router.get("/facts")
def api_facts(request: Request, store: Store = Depends(get_store)) -> dict[str, Any]:
    limit, offset = parse_paging(request.query_params)
    counts = store.stats()
    return {
        "fact_checks": [fc.as_dict() for fc in store.list_fact_checks(limit=limit, offset=offset)],
        "facts": [f.as_dict() for f in store.list_facts(limit=limit, offset=offset)],
        "total_fact_checks": counts.get("fact_checks", 0),
        "total_facts": counts.get("facts", 0),
        "limit": limit,
        "offset": offset,
    }
