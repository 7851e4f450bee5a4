"""``/claims``, ``/claims/{id}`` and the response card downloads, with their ``/api`` forms.

Candidates, not verdicts (issue 6): a claim is shown with its candidate fact-check and the
calibrated P(addressed) the match stage stored, or with the analyst decision in force on it;
the fact-check's verdict is shown as the fact-check's. Stance is read from the match row, never
computed here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from factwatch.errors import NotFoundError
from factwatch.models import ClaimCopy, ClaimMatchRow, ClaimRow, ClaimSpread, Document
from factwatch.analysis.spread import ClaimSpreadReport, claim_spread
from factwatch.respond.cards import Card, render_card
from factwatch.respond.review import card_match, reviewed_card
from factwatch.store import Store
from factwatch.web._filters import REVIEW_CHOICES, STANCE_CHOICES, ClaimFilter, parse_claim_id
from factwatch.web._params import ClaimId, claim_filter, get_store
from factwatch.web._render import render
from factwatch.web._views import Page, split_at_claim

router = APIRouter()
CARD_MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "json": "application/json"}


@dataclass(frozen=True, slots=True)
class ClaimList:
    filter: ClaimFilter
    claims: list[ClaimRow]
    total: int

    @property
    def page(self) -> Page:
        return Page(total=self.total, limit=self.filter.limit, offset=self.filter.offset)

    def as_dict(self) -> dict[str, Any]:
        return {"claims": [r.as_dict() for r in self.claims], "total": self.total,
                "limit": self.filter.limit, "offset": self.filter.offset}


def claims_view(store: Store, f: ClaimFilter) -> ClaimList:
    rows = store.list_claim_rows(**f.store_kwargs(), limit=f.limit, offset=f.offset)
    return ClaimList(filter=f, claims=rows, total=store.count_claim_rows(**f.store_kwargs()))


@dataclass(frozen=True, slots=True)
class ClaimView:
    claim: ClaimRow
    doc: Document
    matches: list[ClaimMatchRow]
    spread: ClaimSpread
    copies: list[ClaimCopy]
    # Every copy and translation (same sentence, story cluster, same fact-check), in time order.
    reach: ClaimSpreadReport

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim.as_dict(),
            "matches": [m.as_dict() for m in self.matches],
            "spread": {**asdict(self.spread), "copies": [c.as_dict() for c in self.copies]},
            "reach": self.reach.as_dict(),
        }


def claim_view(store: Store, claim_id: str) -> ClaimView:
    row = store.get_claim_row(parse_claim_id(claim_id))
    return ClaimView(
        claim=row,
        doc=store.get_document(row.document_id),
        matches=store.claim_match_rows(row.id),
        spread=store.claim_spread(row.latin_key),
        copies=store.claim_copies(row.latin_key, exclude_claim_id=row.id),
        reach=claim_spread(store, row.id),
    )


def card_view(store: Store, claim_id: str, matches: list[ClaimMatchRow] | None = None) -> Card:
    """The claim's card as the review stands (confirmed, a candidate's, or a 404 when rejected)."""
    # use_llm=False keeps the dashboard deterministic and offline (the CLI is where an analyst
    # opts into a rewrite).
    return reviewed_card(store, parse_claim_id(claim_id), matches=matches, use_llm=False)


@router.get("/claims", response_class=HTMLResponse, include_in_schema=False)
def claims_page(request: Request, f: ClaimFilter = Depends(claim_filter), store: Store = Depends(get_store)) -> HTMLResponse:
    view = claims_view(store, f)
    return render(
        request, "claims.html", filter=f, claims=view.claims, page=view.page,
        languages=store.claim_languages(), source_names=store.claim_sources(), page_title="Claims",
        review_choices=REVIEW_CHOICES, stance_choices=STANCE_CHOICES,
    )


@router.get("/api/claims", tags=["api"])
def claims_json(f: ClaimFilter = Depends(claim_filter), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Check-worthy claims newest first, each with its best candidate fact-check: ``probability``
    (the calibrated P that it addresses the sentence), ``candidate`` (addressed, no analyst decision
    yet), ``review`` (the decision in force) and the stored ``stance``."""
    return claims_view(store, f).as_dict()


@router.get("/claims/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
def claim_page(request: Request, claim_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    view = claim_view(store, claim_id)
    top = card_match(view.matches)
    rejected = top if top is not None and top.review_decision == "rejected" else None
    return render(
        request, "claim.html",
        claim=view.claim, doc=view.doc, parts=split_at_claim(view.doc.text, view.claim.start, view.claim.end),
        spread=view.spread, copies=view.copies, claim_spread=view.reach, matches=view.matches, show_review=True,
        rejected=rejected,
        card=None if rejected else card_view(store, claim_id, view.matches),
        page_title=f"Claim {view.claim.id}",
    )


@router.get("/api/claims/{claim_id}", tags=["api"])
def claim_json(claim_id: ClaimId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One claim, its ranked fact-base matches, and its spread (copies in other documents)."""
    return claim_view(store, claim_id).as_dict()


@router.get("/claims/{claim_id}/card.{fmt}", include_in_schema=False)
def card_download(claim_id: str, fmt: str, store: Store = Depends(get_store)) -> Response:
    if fmt not in CARD_MEDIA_TYPES:
        raise NotFoundError(f"No card format {fmt!r}; use card.md or card.json.")
    card = card_view(store, claim_id)
    return Response(
        render_card(card, fmt), media_type=CARD_MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="claim-{card.claim_id}-card.{fmt}"'},
    )


@router.get("/api/claims/{claim_id}/card", tags=["api"])
def card_json(claim_id: ClaimId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """The claim's response card: verdict, refuting facts with citations, and a draft reply."""
    return card_view(store, claim_id).as_dict()
