"""``/match`` and ``/api/match``: which fact-checks address a pasted text.

A GET here must neither write (query vectors live in the app's bounded LRU, not the store)
nor run unmetered (a token bucket per client): any web page can make a browser fire these.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from factwatch.analysis.matching import MatchResult, match_text
from factwatch.errors import InputError
from factwatch.store import Store
from factwatch.web._filters import MatchQuery
from factwatch.web._params import get_store, match_query
from factwatch.web._ratelimit import TokenBuckets, retry_after
from factwatch.web._render import render

router = APIRouter()


def metered(request: Request) -> None:
    """Spend one of this client's match tokens, or answer 429 with Retry-After."""
    buckets: TokenBuckets = request.app.state.match_buckets
    wait = buckets.take(request.client.host if request.client else "unknown")
    if wait:
        raise HTTPException(
            429,
            f"Too many matches from this address: at most {buckets.burst} at once and "
            f"{buckets.rate:g} a second after that. Retry in {retry_after(wait)} s.",
            headers={"Retry-After": retry_after(wait)},
        )


def match_view(request: Request, store: Store, mq: MatchQuery) -> MatchResult | None:
    """The match of the pasted text (None for the empty form), vectors kept in the app's LRU."""
    if mq.text is None:
        return None
    return match_text(store, mq.text, k=mq.k, memo=request.app.state.query_vectors)


@router.get("/match", response_class=HTMLResponse, include_in_schema=False)
def match_page(request: Request, mq: MatchQuery = Depends(match_query), store: Store = Depends(get_store)) -> HTMLResponse:
    if mq.text is not None:
        metered(request)  # the empty form costs nothing
    return render(request, "match.html", query=mq, result=match_view(request, store, mq),
                  submitted="text" in request.query_params, page_title="Match a claim")


@router.get("/api/match", tags=["api"], responses={429: {"description": "Rate limited; see Retry-After."}})
def match_json(
    request: Request, mq: MatchQuery = Depends(match_query), store: Store = Depends(get_store)
) -> dict[str, Any]:
    """Fact-checks and facts that address ``text``, best first, with the calibrated decision."""
    if mq.text is not None:
        metered(request)
    result = match_view(request, store, mq)
    if result is None:
        raise InputError("Nothing to match: text is empty. Call /api/match?text=CLAIM (optionally &k=5).")
    return result.as_dict()
