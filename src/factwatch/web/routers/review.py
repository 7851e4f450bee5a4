"""``/review`` (the review queue) and ``/audit`` (every decision), with their ``/api`` forms.

The queue holds candidate matches, narrative labels and candidate narratives that wait for an
analyst. A decision is a form POST (CSRF-checked, analysts only) or a JSON POST with a Bearer
token; both call ``respond/workflow.decide``, which stores who decided, when and the note.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from factwatch.errors import InputError
from factwatch.respond import workflow
from factwatch.store import Store
from factwatch.store._workflow import AUDIT_KINDS
from factwatch.web._auth import User, csrf_protect, require_analyst
from factwatch.web._filters import parse_int
from factwatch.web._params import DIGITS, get_store, get_write_store, paged, paged_responses, paging
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()

KindParam = Annotated[str | None, Query(description="match, narrative or candidate (default: all three).")]
QUEUE_LIMIT = 50
QUEUE_MAX = 200


def safe_next(value: Any, default: str) -> str:
    """A same-site path to go back to after a form; anything else (//evil, https://...) is ignored."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and "\\" not in value \
            and value.isprintable() and len(value) < 2000:
        return value
    return default


def _queue_page(limit_text: str | None, offset_text: str | None, kind: str | None) -> tuple[int, int]:
    """(limit, offset) of the queue; an offset pages one kind, so it needs ``kind``."""
    limit = parse_int(limit_text, name="limit", default=QUEUE_LIMIT, minimum=1, maximum=QUEUE_MAX)
    offset = parse_int(offset_text, name="offset", default=0, minimum=0, maximum=10**9)
    if offset and kind is None:
        raise InputError("offset pages one kind of item: add kind=match, kind=narrative or kind=candidate.")
    return limit, offset


Paging = Annotated[str | None, Query(description=f"Items per kind, 1-{QUEUE_MAX} (default {QUEUE_LIMIT}).",
                                     json_schema_extra=DIGITS)]
Offset = Annotated[str | None, Query(description="Skip this many items of the kind (needs kind); "
                                                 "next_offset says where the next page starts.",
                                     json_schema_extra=DIGITS)]


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, kind: KindParam = None, store: Store = Depends(get_store)) -> Response:
    kind = kind or None
    limit, offset = _queue_page(request.query_params.get("limit"), request.query_params.get("offset"), kind)
    queue = workflow.review_queue(store, kind=kind, limit=limit, offset=offset)
    total = queue.counts.get(kind, 0) if kind else 0
    if kind and offset and offset >= total:
        # The last item of the last page was just decided: show the page before, not an empty one.
        last = max(0, (total - 1) // limit * limit)
        return RedirectResponse(f"/review?kind={kind}&limit={limit}&offset={last}", status_code=303)
    page = Page(total=total, limit=limit, offset=offset) if kind else None
    return render(request, "review.html", queue=queue, kind=kind, kinds=workflow.QUEUE_KINDS, page=page,
                  item_id=workflow.narrative_item_id, page_title="Review queue")


@router.get("/api/review", tags=["api"])
def review_json(kind: KindParam = None, limit: Paging = None, offset: Offset = None,
                store: Store = Depends(get_store)) -> dict[str, Any]:
    """What waits for an analyst's decision: candidate matches (best first), narrative labels
    (highest score first) and candidate narratives (largest first), each with the ``item_id`` to
    post to ``/api/review/decisions``; ``counts`` says how many of each wait, and
    ``next_offset[kind]`` where that kind's next page starts (``?kind=...&offset=...``)."""
    kind = kind or None
    page_limit, page_offset = _queue_page(limit, offset, kind)
    return workflow.review_queue(store, kind=kind, limit=page_limit, offset=page_offset).as_dict()


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

def _audit(page: tuple[int, int], store: Store, kind: str | None, who: str | None) -> tuple[list[Any], Page]:
    limit, offset = page
    entries, total = store.audit_entries(kind=kind or None, who=(who or "").strip() or None, limit=limit, offset=offset)
    return entries, Page(total=total, limit=limit, offset=offset)


AuditKind = Annotated[str | None, Query(description=f"One of {', '.join(AUDIT_KINDS)}.")]
Who = Annotated[str | None, Query(max_length=100, description="Only this user's decisions.")]


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, kind: AuditKind = None, who: Who = None,
               window: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> HTMLResponse:
    entries, page = _audit(window, store, kind, who)
    return render(request, "review_audit.html", entries=entries, page=page, kind=kind or "", who=who or "",
                  kinds=AUDIT_KINDS, page_title="Audit")


@router.get("/api/audit", tags=["api"], responses=paged_responses("entries", "audit entries"))
def audit_json(kind: AuditKind = None, who: Who = None, window: tuple[int, int] = Depends(paging),
               store: Store = Depends(get_store)) -> dict[str, Any]:
    """Every decision and edit, newest first: match and narrative reviews, candidate narratives,
    claim status and assignee, draft edits, posted replies and fact-base edits; who and when."""
    entries, page = _audit(window, store, kind, who)
    return paged("entries", [e.as_dict() for e in entries], window, total=page.total)
