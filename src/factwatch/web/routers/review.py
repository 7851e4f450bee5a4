"""``/review`` (the review queue) and ``/audit`` (every decision), with their ``/api`` forms.

The queue holds candidate matches, narrative labels and candidate narratives that wait for an
analyst. A decision is a form POST (CSRF-checked, analysts only) or a JSON POST with a Bearer
token; both call ``respond/workflow.decide``, which stores who decided, when and the note.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from factwatch.respond import workflow
from factwatch.store import Store
from factwatch.store._workflow import AUDIT_KINDS
from factwatch.web._auth import User, csrf_protect, require_analyst
from factwatch.web._filters import parse_paging
from factwatch.web._params import get_store, get_write_store
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()

KindParam = Annotated[str | None, Query(description="match, narrative or candidate (default: all three).")]
QUEUE_LIMIT = 50


def safe_next(value: Any, default: str) -> str:
    """A same-site path to go back to after a form; anything else (//evil, https://...) is ignored."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and "\\" not in value \
            and value.isprintable() and len(value) < 2000:
        return value
    return default


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, kind: KindParam = None, store: Store = Depends(get_store)) -> HTMLResponse:
    kind = kind or None
    queue = workflow.review_queue(store, kind=kind, limit=QUEUE_LIMIT)
    return render(request, "review.html", queue=queue, kind=kind, kinds=workflow.QUEUE_KINDS,
                  item_id=workflow.narrative_item_id, page_title="Review queue")


@router.get("/api/review", tags=["api"])
def review_json(kind: KindParam = None, store: Store = Depends(get_store)) -> dict[str, Any]:
    """What waits for an analyst's decision: candidate matches (best first), narrative labels
    (highest score first) and candidate narratives (largest first), each with the ``item_id`` to
    post to ``/api/review/decisions``, and how many of each wait."""
    return workflow.review_queue(store, kind=kind or None, limit=QUEUE_LIMIT).as_dict()


@router.post("/review/decide", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def review_decide_form(request: Request, user: User = Depends(require_analyst),
                             store: Store = Depends(get_write_store)) -> RedirectResponse:
    form = await request.form()
    workflow.decide(store, str(form.get("kind") or ""), str(form.get("item") or ""), str(form.get("decision") or ""),
                    who=user.name, note=str(form.get("note") or ""), title=str(form.get("title") or ""))
    return RedirectResponse(safe_next(form.get("next"), "/review"), status_code=303)


class Decision(BaseModel):
    kind: Literal["match", "narrative", "candidate"]
    item: str = Field(max_length=300, description="The item_id from /api/review: CLAIM.RANK for a match, "
                                                  "DOCUMENT[.CLAIM]:NARRATIVE for a label, the id of a candidate.")
    decision: Literal["confirmed", "rejected"]
    note: str | None = Field(default=None, max_length=workflow.NOTE_MAX)
    title: str | None = Field(default=None, max_length=300,
                              description="For a confirmed candidate narrative: its title (default: its first claim).")


@router.post("/api/review/decisions", tags=["api"], status_code=201)
def review_decide_json(body: Decision, user: User = Depends(require_analyst),
                       store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Confirm or reject a queue item; the stored decision says who and when."""
    return workflow.decide(store, body.kind, body.item, body.decision, who=user.name, note=body.note, title=body.title)


# -- the audit list ---------------------------------------------------------------------------

def _audit(request: Request, store: Store, kind: str | None, who: str | None) -> tuple[list[Any], Page]:
    limit, offset = parse_paging(request.query_params)
    entries, total = store.audit_entries(kind=kind or None, who=(who or "").strip() or None, limit=limit, offset=offset)
    return entries, Page(total=total, limit=limit, offset=offset)


AuditKind = Annotated[str | None, Query(description=f"One of {', '.join(AUDIT_KINDS)}.")]
Who = Annotated[str | None, Query(max_length=100, description="Only this user's decisions.")]


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, kind: AuditKind = None, who: Who = None,
               store: Store = Depends(get_store)) -> HTMLResponse:
    entries, page = _audit(request, store, kind, who)
    return render(request, "review_audit.html", entries=entries, page=page, kind=kind or "", who=who or "",
                  kinds=AUDIT_KINDS, page_title="Audit")


@router.get("/api/audit", tags=["api"])
def audit_json(request: Request, kind: AuditKind = None, who: Who = None,
               store: Store = Depends(get_store)) -> dict[str, Any]:
    """Every decision and edit, newest first: match and narrative reviews, candidate narratives,
    claim status and assignee, draft edits, posted replies and fact-base edits; who and when."""
    entries, page = _audit(request, store, kind, who)
    return {"entries": [e.as_dict() for e in entries], "total": page.total, "limit": page.limit, "offset": page.offset}
