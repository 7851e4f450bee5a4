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
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from factwatch.errors import NotFoundError
from factwatch.models import ClaimCopy, ClaimMatchRow, ClaimRow, ClaimSpread, Document
from factwatch.analysis.spread import ClaimSpreadReport, claim_spread
from factwatch.respond import workflow
from factwatch.respond.cards import SHORT_LIMIT, Card, render_card
from factwatch.respond.review import card_match, reviewed_card
from factwatch.store import Store
from factwatch.store._workflow import CLAIM_STATUSES, ClaimState, ReplyDraft, ReplyPost, TriageRow
from factwatch.web._auth import User, csrf_protect, require_analyst
from factwatch.web._filters import (
    ACTOR_TYPE_CHOICES,
    MATCH_CHOICES,
    REVIEW_CHOICES,
    SORT_CHOICES,
    STANCE_CHOICES,
    STATUS_CHOICES,
    ClaimFilter,
    parse_claim_id,
)
from factwatch.web._params import ClaimId, claim_filter, get_store, get_write_store, paged, paged_responses
from factwatch.web.routers.review import safe_next
from factwatch.web._render import render
from factwatch.web._views import Page, split_at_claim

router = APIRouter()
CARD_MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "json": "application/json"}


# Facets shown beside the filters, as Datasette shows them: each value with its count under the
# other filters (a facet's own filter is left out of its counts, so the alternatives stay visible).
FACETS = ("match", "status", "language", "actor_type", "country", "source", "narrative")


@dataclass(frozen=True, slots=True)
class ClaimList:
    filter: ClaimFilter
    rows: list[TriageRow]
    total: int
    facets: dict[str, list[tuple[str, int]]]

    @property
    def claims(self) -> list[ClaimRow]:
        return [r.claim for r in self.rows]

    @property
    def page(self) -> Page:
        return Page(total=self.total, limit=self.filter.limit, offset=self.filter.offset)

    def as_dict(self) -> dict[str, Any]:
        return {**paged("claims", [r.as_dict() for r in self.rows], (self.filter.limit, self.filter.offset),
                        total=self.total),
                "facets": {name: [{"value": v, "count": n} for v, n in values] for name, values in self.facets.items()}}


def claims_view(store: Store, f: ClaimFilter, *, facets: tuple[str, ...] = FACETS) -> ClaimList:
    page = store.triage_claims(f.triage_query(), limit=f.limit, offset=f.offset, facets=facets)
    return ClaimList(filter=f, rows=page.rows, total=page.total, facets=page.facets)


@dataclass(frozen=True, slots=True)
class ClaimView:
    claim: ClaimRow
    doc: Document
    matches: list[ClaimMatchRow]
    spread: ClaimSpread
    copies: list[ClaimCopy]
    # Every copy and translation (same sentence, story cluster, same fact-check), in time order.
    reach: ClaimSpreadReport
    state: ClaimState
    row: TriageRow  # the claim as /api/claims lists it: with status, assignee and spread
    drafts: dict[str, ReplyDraft]  # the analysts' latest edits; the card keeps the generated drafts
    posts: list[ReplyPost]

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.row.as_dict(),
            "matches": [m.as_dict() for m in self.matches],
            "spread": {**asdict(self.spread), "copies": [c.as_dict() for c in self.copies]},
            "reach": self.reach.as_dict(),
            "workflow": self.state.as_dict(),
            "drafts": {k: d.as_dict() for k, d in self.drafts.items()},
            "posts": [p.as_dict() for p in self.posts],
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
        state=store.claim_state(row.id),
        row=store.triage_row(row.id),
        drafts=store.reply_drafts(row.id),
        posts=store.reply_posts(row.id),
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
        request, "claims.html", filter=f, rows=view.rows, claims=view.claims, page=view.page, facets=view.facets,
        languages=store.claim_languages(), source_names=store.claim_sources(), page_title="Claims",
        review_choices=REVIEW_CHOICES, stance_choices=STANCE_CHOICES, match_choices=MATCH_CHOICES,
        status_choices=STATUS_CHOICES, sort_choices=SORT_CHOICES, actor_type_choices=ACTOR_TYPE_CHOICES,
        assignees=store.claim_assignees(),
    )


@router.get("/api/claims", tags=["api"], responses=paged_responses(
    "claims", "claims", extra={"facets": "Each filter's values with their counts under the other filters."}))
def claims_json(f: ClaimFilter = Depends(claim_filter), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Check-worthy claims (check-worthiness >= 0.5 unless ``min_score`` says otherwise), newest
    first or by ``sort`` (spread, score), each with its best candidate fact-check: ``probability``
    (the calibrated P that it addresses the sentence), ``review_decision`` (the decision in force),
    the stored ``stance``, the workflow ``status`` and ``assignee``, and ``spread`` (claims with the
    same sentence). ``facets``: each filter's values with their counts under the other filters."""
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
        state=view.state, drafts=view.drafts, posts=view.posts, statuses=CLAIM_STATUSES, short_limit=SHORT_LIMIT,
        # Nothing in the fact base addresses it (or an analyst rejected the candidate): offer to write one.
        unaddressed=rejected is not None or not (view.claim.addressed or view.claim.review_decision == "confirmed"),
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


# -- the workflow: status and assignee, edited drafts, where a reply was posted -----------------

def _claim_id(claim_id: str, store: Store) -> int:
    number = parse_claim_id(claim_id)
    store.get_claim(number)  # an unknown claim is a 404 before anything is written
    return number


@router.post("/claims/{claim_id}/status", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def status_form(request: Request, claim_id: str, user: User = Depends(require_analyst),
                      store: Store = Depends(get_write_store)) -> RedirectResponse:
    number = _claim_id(claim_id, store)
    form = await request.form()
    workflow.set_claim_status(store, number, status=str(form.get("status") or ""),
                              assignee=str(form.get("assignee") or ""), who=user.name, note=str(form.get("note") or ""))
    return RedirectResponse(safe_next(form.get("next"), f"/claims/{number}#workflow"), status_code=303)


class StatusChange(BaseModel):
    status: str = Field(description="new, in_review or responded.", max_length=20)
    assignee: str | None = Field(default=None, max_length=100, description="A user name; empty or null: nobody.")
    note: str | None = Field(default=None, max_length=workflow.NOTE_MAX)


@router.put("/api/claims/{claim_id}/status", tags=["api"])
def status_json(claim_id: ClaimId, body: StatusChange, user: User = Depends(require_analyst),
                store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Set the claim's status (new, in_review, responded) and assignee; who and when are stored."""
    number = _claim_id(claim_id, store)
    return workflow.set_claim_status(store, number, status=body.status, assignee=body.assignee, who=user.name,
                                     note=body.note).as_dict()


@router.post("/claims/{claim_id}/drafts/{kind}", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def draft_form(request: Request, claim_id: str, kind: str, user: User = Depends(require_analyst),
                     store: Store = Depends(get_write_store)) -> RedirectResponse:
    number = _claim_id(claim_id, store)
    form = await request.form()
    workflow.save_draft(store, number, kind, str(form.get("text") or ""), who=user.name)
    return RedirectResponse(f"/claims/{number}#drafts", status_code=303)


class DraftText(BaseModel):
    text: str = Field(max_length=workflow.LONG_MAX, description="The reply; the short draft at most 280 characters.")


@router.put("/api/claims/{claim_id}/drafts/{kind}", tags=["api"])
def draft_json(claim_id: ClaimId, kind: str, body: DraftText, user: User = Depends(require_analyst),
               store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Store an edited ``short`` or ``long`` draft of the claim's reply (the generated one stays on the card)."""
    number = _claim_id(claim_id, store)
    return workflow.save_draft(store, number, kind, body.text, who=user.name).as_dict()


@router.post("/claims/{claim_id}/posts", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def post_form(request: Request, claim_id: str, user: User = Depends(require_analyst),
                    store: Store = Depends(get_write_store)) -> RedirectResponse:
    number = _claim_id(claim_id, store)
    form = await request.form()
    workflow.record_post(store, number, str(form.get("url") or ""), who=user.name,
                         posted_at=str(form.get("posted_at") or ""), note=str(form.get("note") or ""))
    return RedirectResponse(f"/claims/{number}#posts", status_code=303)


class PostRecord(BaseModel):
    url: str = Field(max_length=2000, description="Where the reply was posted (http or https).")
    posted_at: str | None = Field(default=None, max_length=40, description="When (ISO 8601; default now).")
    note: str | None = Field(default=None, max_length=workflow.NOTE_MAX)


@router.post("/api/claims/{claim_id}/posts", tags=["api"], status_code=201)
def post_json(claim_id: ClaimId, body: PostRecord, user: User = Depends(require_analyst),
              store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Record where a reply to the claim was posted: the URL, when, and (from the token) by whom."""
    number = _claim_id(claim_id, store)
    return workflow.record_post(store, number, body.url, who=user.name, posted_at=body.posted_at,
                                note=body.note).as_dict()
