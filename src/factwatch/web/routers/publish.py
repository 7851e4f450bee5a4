"""Publishing a claim's response card (analysts): the form on the claim page and its /api form.

Mounted behind the login like every router; publishing needs the analyst role and, from a
session, the CSRF token. The public side is ``routers/public.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from factwatch.respond.publishing import publish_card
from factwatch.store import Store
from factwatch.store._accounts import PublishedCard
from factwatch.web._auth import User, csrf_protect, require_analyst, require_viewer
from factwatch.web._filters import parse_claim_id
from factwatch.web._params import ClaimId, get_store, get_write_store, paged, paged_responses, paging
from factwatch.web._render import TEMPLATES

router = APIRouter()


def publication(request: Request, claim_id: int) -> PublishedCard | None:
    """For templates: the claim's publication, or None (the claim page's publish box reads it)."""
    return request.app.state.store.get_published_card(int(claim_id))


TEMPLATES.env.globals["publication"] = publication


def _summary(pub: PublishedCard) -> dict[str, Any]:
    return {"claim_id": pub.claim_id, "url": f"/public/cards/{pub.claim_id}", "language": pub.language,
            "published_by": pub.published_by, "published_at": pub.published_at}


@router.post("/claims/{claim_id}/publish", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def publish_form(claim_id: ClaimId, user: User = Depends(require_analyst),
                 store: Store = Depends(get_write_store)) -> RedirectResponse:
    cid = parse_claim_id(claim_id)
    publish_card(store, cid, who=user.name)
    return RedirectResponse(f"/claims/{cid}#publish", status_code=303)


@router.post("/claims/{claim_id}/unpublish", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def unpublish_form(claim_id: ClaimId, user: User = Depends(require_analyst),
                   store: Store = Depends(get_write_store)) -> RedirectResponse:
    cid = parse_claim_id(claim_id)
    store.unpublish_card(cid)
    return RedirectResponse(f"/claims/{cid}#publish", status_code=303)


@router.post("/api/claims/{claim_id}/publish", tags=["api"])
def publish_api(claim_id: ClaimId, user: User = Depends(require_analyst),
                store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Publish the claim's confirmed response card at /public/cards/{claim_id} (analyst; republishing
    replaces the snapshot)."""
    return _summary(publish_card(store, parse_claim_id(claim_id), who=user.name))


@router.post("/api/claims/{claim_id}/unpublish", tags=["api"])
def unpublish_api(claim_id: ClaimId, user: User = Depends(require_analyst),
                  store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Withdraw the claim's public card: /public/cards/{claim_id} answers 404 from now on (analyst)."""
    cid = parse_claim_id(claim_id)
    store.unpublish_card(cid)
    return {"claim_id": cid, "published": False}


@router.get("/api/published", tags=["api"], responses=paged_responses("published", "published cards"))
def published_api(page: tuple[int, int] = Depends(paging), user: User = Depends(require_viewer),
                  store: Store = Depends(get_store)) -> dict[str, Any]:
    """The published cards, newest first: where each is public, who published it and when."""
    lim, off = page
    return paged("published", [_summary(p) for p in store.list_published_cards(limit=lim, offset=off)], page,
                 total=store.count_published_cards())
