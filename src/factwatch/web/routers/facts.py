"""``/facts`` and ``/api/facts``: the fact base (fact-checks, facts and official statements).

Searchable, with the number of claims each fact-check addresses (a link to them on /claims);
analysts add and edit fact-checks and facts here, or start one from a claim nothing addresses.
Edits go through ``respond/workflow.py``, which records who changed what and drops the edited
row's searchable passages so the next ``factwatch analyze`` embeds and matches the new text.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from factwatch.errors import NotFoundError
from factwatch.models import Fact, FactCheck
from factwatch.respond import workflow
from factwatch.store import Store
from factwatch.store._workflow import FACT_CHECK_FIELDS, FACT_FIELDS
from factwatch.web._auth import User, csrf_protect, require_analyst
from factwatch.web._filters import MAX_ID, MAX_QUERY_CHARS, parse_claim_id, parse_int
from factwatch.web._params import DIGITS, get_store, get_write_store, paged, paged_responses, paging
from factwatch.web._render import render
from factwatch.web._views import Page

router = APIRouter()

FactQuery = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                        description="Search the claim, headline, rebuttal, publisher or statement; any script.")]
FactId = Annotated[str, Path(description="An id (a number).", json_schema_extra=DIGITS)]


def fact_checks_view(store: Store, limit: int, offset: int, q: str | None) -> tuple[list[FactCheck], int, dict[int, int]]:
    """A page of fact-checks (any script and word form), their total and the claims each addresses."""
    checks, total = store.search_fact_checks(q, limit=limit, offset=offset)
    return checks, total, store.addressed_claim_counts([fc.id for fc in checks])


def fact_list_view(store: Store, limit: int, offset: int, q: str | None) -> tuple[list[Fact], int]:
    """A page of facts and official statements and their total."""
    return store.search_facts(q, limit=limit, offset=offset)


@router.get("/facts", response_class=HTMLResponse, include_in_schema=False)
def facts_page(request: Request, q: FactQuery = None, page: tuple[int, int] = Depends(paging),
               facts_offset: Annotated[str | None, Query(max_length=20)] = None,
               store: Store = Depends(get_store)) -> HTMLResponse:
    # Two lists, two pagers, as the API pages them apart (/api/facts, /api/facts/facts): ``offset``
    # moves through the fact-checks and ``facts_offset`` through the facts, each keeping the other's.
    query = (q or "").strip() or None
    limit, offset = page
    at_fact = parse_int(facts_offset, name="facts_offset", default=0, minimum=0, maximum=10**9)
    checks, n_checks, addressed = fact_checks_view(store, limit, offset, query)
    facts, n_facts = fact_list_view(store, limit, at_fact, query)
    return render(request, "facts.html", fact_checks=checks, facts=facts,
                  page=Page(total=n_checks, limit=limit, offset=offset),
                  facts_page=Page(total=n_facts, limit=limit, offset=at_fact),
                  counts={"fact_checks": n_checks, "facts": n_facts}, q=query or "", addressed=addressed,
                  page_title="Fact base")


@router.get("/api/facts", tags=["api"], responses=paged_responses("fact_checks", "fact-checks"))
def facts_json(q: FactQuery = None, page: tuple[int, int] = Depends(paging),
               store: Store = Depends(get_store)) -> dict[str, Any]:
    """The fact-checks, newest first, a page at a time, each with ``addressed_claims`` (how many
    claims it addresses) and the URL listing them; ``q`` searches them in any script and word form.
    The facts and official statements are listed by ``/api/facts/facts``, paged the same way."""
    query = (q or "").strip() or None
    checks, total, addressed = fact_checks_view(store, *page, query)
    rows = [_fact_check_dict(fc, addressed[fc.id]) for fc in checks]
    return {**paged("fact_checks", rows, page, total=total), "q": query}


@router.get("/api/facts/facts", tags=["api"], responses=paged_responses("facts", "facts and official statements"))
def fact_list_json(q: FactQuery = None, page: tuple[int, int] = Depends(paging),
                   store: Store = Depends(get_store)) -> dict[str, Any]:
    """The facts and official statements, newest first, a page at a time; ``q`` searches the
    statement and its source in any script and word form."""
    query = (q or "").strip() or None
    facts, total = fact_list_view(store, *page, query)
    return {**paged("facts", [f.as_dict() for f in facts], page, total=total), "q": query}


def _id(value: str, what: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > MAX_ID:
        raise NotFoundError(f"No {what} {value!r}; ids are numbers, see /facts.")
    return int(value)


def _form_values(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: form.get(n) for n in names if n in form}


# -- fact-checks ----------------------------------------------------------------------------------

@router.get("/facts/checks/new", response_class=HTMLResponse, include_in_schema=False)
def new_fact_check_page(request: Request, from_claim: Annotated[str | None, Query(max_length=20)] = None,
                        user: User = Depends(require_analyst), store: Store = Depends(get_store)) -> HTMLResponse:
    values: dict[str, Any] = {}
    claim_id = None
    if from_claim:
        claim_id = parse_claim_id(from_claim)
        values = workflow.fact_check_from_claim(store, claim_id)
    return render(request, "fact_edit.html", target="fact_check", item=None, values=values, from_claim=claim_id,
                  fields=FACT_CHECK_FIELDS, addressed=0, edits=[], page_title="New fact-check")


@router.post("/facts/checks", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def create_fact_check_form(request: Request, user: User = Depends(require_analyst),
                                 store: Store = Depends(get_write_store)) -> RedirectResponse:
    form = await request.form()
    raw_claim = str(form.get("from_claim") or "").strip()
    fc = workflow.add_fact_check(store, _form_values(form, FACT_CHECK_FIELDS), who=user.name,
                                 from_claim_id=parse_claim_id(raw_claim) if raw_claim else None)
    return RedirectResponse(f"/facts/checks/{fc.id}", status_code=303)


@router.get("/facts/checks/{fact_check_id}", response_class=HTMLResponse, include_in_schema=False)
def fact_check_page(request: Request, fact_check_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    number = _id(fact_check_id, "fact-check")
    fc = store.get_fact_check(number)
    return render(request, "fact_edit.html", target="fact_check", item=fc, values=fc.as_dict(), from_claim=None,
                  fields=FACT_CHECK_FIELDS, addressed=store.addressed_claim_counts([number])[number],
                  edits=store.fact_edits("fact_check", number), page_title=f"Fact-check {number}")


@router.post("/facts/checks/{fact_check_id}", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def edit_fact_check_form(request: Request, fact_check_id: str, user: User = Depends(require_analyst),
                               store: Store = Depends(get_write_store)) -> RedirectResponse:
    number = _id(fact_check_id, "fact-check")
    form = await request.form()
    workflow.edit_fact_check(store, number, _form_values(form, FACT_CHECK_FIELDS), who=user.name)
    return RedirectResponse(f"/facts/checks/{number}", status_code=303)


class FactCheckBody(BaseModel):
    claim: str | None = Field(default=None, max_length=workflow.LONG_MAX, description="The claim it checks.")
    verdict: str | None = Field(default=None, max_length=500)
    rebuttal: str | None = Field(default=None, max_length=workflow.LONG_MAX)
    headline: str | None = Field(default=None, max_length=500)
    url: str | None = Field(default=None, max_length=500)
    publisher: str | None = Field(default=None, max_length=500)
    language: str | None = Field(default=None, max_length=3)
    date: str | None = Field(default=None, max_length=40)
    from_claim: int | None = Field(default=None, ge=1, le=MAX_ID, description="The claim it answers, if any.")


def _fact_check_dict(fc: FactCheck, addressed: int) -> dict[str, Any]:
    return {**fc.as_dict(), "addressed_claims": addressed, "claims_url": f"/api/claims?fact_check={fc.id}&min_score=0"}


def _one_fact_check(store: Store, fc: FactCheck) -> dict[str, Any]:
    return _fact_check_dict(fc, store.addressed_claim_counts([fc.id])[fc.id])


@router.get("/api/facts/checks/{fact_check_id}", tags=["api"])
def fact_check_json(fact_check_id: FactId,
                    store: Store = Depends(get_store)) -> dict[str, Any]:
    """One fact-check, how many claims it addresses and where they are listed."""
    return _one_fact_check(store, store.get_fact_check(_id(fact_check_id, "fact-check")))


@router.post("/api/facts/checks", tags=["api"], status_code=201)
def create_fact_check_json(body: FactCheckBody, user: User = Depends(require_analyst),
                           store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Add a fact-check by hand (``claim`` is required); ``from_claim`` records the claim it answers.
    The next ``factwatch analyze`` embeds it and matches claims against it."""
    if body.from_claim is not None:
        store.get_claim(body.from_claim)
    fc = workflow.add_fact_check(store, body.model_dump(exclude={"from_claim"}), who=user.name,
                                 from_claim_id=body.from_claim)
    return _one_fact_check(store, fc)


@router.put("/api/facts/checks/{fact_check_id}", tags=["api"])
def edit_fact_check_json(fact_check_id: FactId, body: FactCheckBody,
                         user: User = Depends(require_analyst), store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Change the fields given (others stay); who and what it was before are stored."""
    number = _id(fact_check_id, "fact-check")
    fc = workflow.edit_fact_check(store, number, body.model_dump(exclude={"from_claim"}, exclude_unset=True),
                                  who=user.name)
    return _one_fact_check(store, fc)


# -- facts ---------------------------------------------------------------------------------------

@router.get("/facts/facts/new", response_class=HTMLResponse, include_in_schema=False)
def new_fact_page(request: Request, user: User = Depends(require_analyst)) -> HTMLResponse:
    return render(request, "fact_edit.html", target="fact", item=None, values={}, from_claim=None, fields=FACT_FIELDS,
                  addressed=0, edits=[], page_title="New fact")


@router.post("/facts/facts", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def create_fact_form(request: Request, user: User = Depends(require_analyst),
                           store: Store = Depends(get_write_store)) -> RedirectResponse:
    form = await request.form()
    fact = workflow.add_fact(store, _form_values(form, FACT_FIELDS), who=user.name)
    return RedirectResponse(f"/facts/facts/{fact.id}", status_code=303)


def _get_fact(store: Store, number: int) -> Fact:
    found = store.get_facts([number]).get(number)
    if found is None:
        raise NotFoundError(f"No fact {number}; /facts lists them.")
    return found


@router.get("/facts/facts/{fact_id}", response_class=HTMLResponse, include_in_schema=False)
def fact_page(request: Request, fact_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
    number = _id(fact_id, "fact")
    fact = _get_fact(store, number)
    return render(request, "fact_edit.html", target="fact", item=fact, values=fact.as_dict(), from_claim=None,
                  fields=FACT_FIELDS, addressed=0, edits=store.fact_edits("fact", number), page_title=f"Fact {number}")


@router.post("/facts/facts/{fact_id}", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def edit_fact_form(request: Request, fact_id: str, user: User = Depends(require_analyst),
                         store: Store = Depends(get_write_store)) -> RedirectResponse:
    number = _id(fact_id, "fact")
    form = await request.form()
    workflow.edit_fact(store, number, _form_values(form, FACT_FIELDS), who=user.name)
    return RedirectResponse(f"/facts/facts/{number}", status_code=303)


class FactBody(BaseModel):
    statement: str | None = Field(default=None, max_length=workflow.LONG_MAX)
    source: str | None = Field(default=None, max_length=500)
    url: str | None = Field(default=None, max_length=500)
    date: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=3)


@router.post("/api/facts/facts", tags=["api"], status_code=201)
def create_fact_json(body: FactBody, user: User = Depends(require_analyst),
                     store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Add a fact or official statement by hand (``statement`` is required)."""
    return workflow.add_fact(store, body.model_dump(), who=user.name).as_dict()


@router.put("/api/facts/facts/{fact_id}", tags=["api"])
def edit_fact_json(fact_id: FactId, body: FactBody,
                   user: User = Depends(require_analyst), store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Change the fields given of a fact (others stay); who and what it was before are stored."""
    return workflow.edit_fact(store, _id(fact_id, "fact"), body.model_dump(exclude_unset=True), who=user.name).as_dict()
