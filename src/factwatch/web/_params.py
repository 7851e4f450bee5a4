"""FastAPI dependencies: the store, and the query parameters each page and its API form read.

Parameters are declared here once so the OpenAPI schema (``/api/openapi.json``) lists them;
they are taken as strings and validated by ``_filters``, so a page and its API answer a bad
value with the same 400 message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Path, Query, Request

from factwatch.store import Store
from factwatch.web._filters import (
    MAX_LIMIT,
    ClaimFilter,
    DocumentFilter,
    MatchQuery,
    parse_claim_filter,
    parse_document_filter,
    parse_int,
    parse_match_query,
    parse_paging,
)

Text = str | None


# The dependencies here that do no I/O are ``async def``: FastAPI runs a plain ``def`` one in its
# thread pool, and each such hop cost a thread wake-up and a GIL hand-over per request (four per
# /api list before, bench/bench_web_load.py).
async def get_store(request: Request) -> Store:
    """The store ``create_app`` opened; passed in, never global (STYLE rule 4)."""
    return request.app.state.store


def get_write_store(request: Request) -> Store:
    """A writable store on the same database, for logins, decisions and edits.

    Reads keep the read-only store; this one is opened on the first write and kept. A database
    the server may not write answers 503 saying so, and the pages that only read still work.
    """
    return request.app.state.write_store.get()


def _given(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v is not None}


# The schema says what a value looks like (digits, a date) so the contract test's generator
# aims there, as a client would; the value still arrives as a string for _filters to judge.
DIGITS = {"type": "string", "pattern": "^[0-9]+$"}
DATE = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}

LimitParam = Annotated[Text, Query(description="Page size, 1-500 (default 50).", json_schema_extra=DIGITS)]
OffsetParam = Annotated[Text, Query(description="Rows to skip (default 0).", json_schema_extra=DIGITS)]
LanguageParam = Annotated[Text, Query(description="ISO 639 code: sr, hr, bs, cnr, sq, mk, ru, en.")]
SourceParam = Annotated[Text, Query(description="Source name, exactly as listed by /api/sources.")]
QueryParam = Annotated[Text, Query(description="Full-text search, any script.")]


async def document_filter(
    language: LanguageParam = None,
    source: SourceParam = None,
    since: Annotated[Text, Query(description="YYYY-MM-DD or an ISO 8601 timestamp.", json_schema_extra=DATE)] = None,
    until: Annotated[Text, Query(description="YYYY-MM-DD (the whole day) or an ISO 8601 timestamp.",
                                 json_schema_extra=DATE)] = None,
    q: QueryParam = None,
    limit: LimitParam = None,
    offset: OffsetParam = None,
) -> DocumentFilter:
    return parse_document_filter(_given(language=language, source=source, since=since, until=until, q=q,
                                        limit=limit, offset=offset))


async def claim_filter(
    addressed: Annotated[Text, Query(description="yes, no or all.")] = None,
    language: LanguageParam = None,
    source: SourceParam = None,
    q: QueryParam = None,
    review: Annotated[Text, Query(description="The analyst decision on the best candidate: pending, confirmed, "
                                              "rejected or all.")] = None,
    stance: Annotated[Text, Query(description="The stored stance of the sentence towards the fact-checked "
                                              "claim: repeats, rejects, reports, asks or all.")] = None,
    limit: LimitParam = None,
    offset: OffsetParam = None,
    since: Annotated[Text, Query(description="Published on or after: YYYY-MM-DD or ISO 8601.", json_schema_extra=DATE)] = None,
    until: Annotated[Text, Query(description="Published on or before (a date: the whole day).", json_schema_extra=DATE)] = None,
    actor_type: Annotated[Text, Query(description="The source's actor type: state, state-affiliated, non-state, "
                                                  "independent media, unknown.")] = None,
    country: Annotated[Text, Query(description="The source's country (else its actor's), as /api/sources lists it.")] = None,
    narrative: Annotated[Text, Query(description="A narrative id (/api/narratives): claims in documents carrying it.")] = None,
    min_score: Annotated[Text, Query(description="Lowest check-worthiness shown, 0-1 (0: all). Without it, "
                                                 "claims below 0.5 are hidden unless a fact-check addresses them.")] = None,
    match: Annotated[Text, Query(description="Match status: none, candidate, confirmed, rejected or all.")] = None,
    status: Annotated[Text, Query(description="Workflow status: new, in_review, responded or all.")] = None,
    assignee: Annotated[Text, Query(description="The user the claim is assigned to.")] = None,
    fact_check: Annotated[Text, Query(description="Claims this fact-check id addresses.", json_schema_extra=DIGITS)] = None,
    sort: Annotated[Text, Query(description="recency (default), spread or score.")] = None,
) -> ClaimFilter:
    return parse_claim_filter(_given(addressed=addressed, language=language, source=source, q=q,
                                     review=review, stance=stance, limit=limit, offset=offset, since=since,
                                     until=until, actor_type=actor_type, country=country, narrative=narrative,
                                     min_score=min_score, match=match, status=status, assignee=assignee,
                                     fact_check=fact_check, sort=sort))


async def paging(limit: LimitParam = None, offset: OffsetParam = None) -> tuple[int, int]:
    return parse_paging(_given(limit=limit, offset=offset))


def paged(key: str, items: Sequence[Any], page: tuple[int, int], *, total: int | None = None) -> dict[str, Any]:
    """An /api list in the shape every list answers with: the rows under ``key``, ``total``,
    ``limit``, ``offset`` and ``next_offset`` (None on the last page), so a client pages through
    any list the same way (as the CSV export does, web/_csv.py).

    With ``total`` None, ``items`` is the whole list (a catalogue of tens or hundreds: sources,
    narratives) and is cut here; otherwise it is already the page and ``total`` counts them all.
    """
    limit, offset = page
    if total is None:
        total, items = len(items), items[offset:offset + limit]
    return {key: list(items), "total": total, "limit": limit, "offset": offset,
            "next_offset": offset + limit if offset + limit < total else None}


def paged_responses(key: str, rows: str, *, max_limit: int = MAX_LIMIT,
                    extra: dict[str, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a list ``paged`` builds, for a route's ``responses=``: the OpenAPI schema
    (and /docs) then names the key the rows are under and the paging fields a client reads.

    ``extra`` names the other keys some lists answer beside the page (facets, the filter in force),
    with what each holds; they are described, not required, and may be of any type.
    """
    count = {"type": "integer", "minimum": 0}
    schema = {"type": "object", "required": [key, "total", "limit", "offset", "next_offset"], "properties": {
        key: {"type": "array", "items": {"type": "object"}, "description": rows},
        "total": {**count, "description": "Rows in the whole list."},
        "limit": {"type": "integer", "minimum": 1, "maximum": max_limit},
        "offset": count,
        "next_offset": {"anyOf": [count, {"type": "null"}], "description": "The next page's offset; null on the last."},
        **{name: {"description": text} for name, text in (extra or {}).items()},
    }}
    return {200: {"description": f"A page of {rows}.", "content": {"application/json": {"schema": schema}}}}


def runs_limit(
    limit: Annotated[Text, Query(description="Latest runs to list, 1-1000 (default 100).", json_schema_extra=DIGITS)] = None,
) -> int:
    return parse_int(limit, name="limit", default=100, minimum=1, maximum=1000)


def match_query(
    text: Annotated[Text, Query(description="A claim or an article to match, up to 20,000 characters.")] = None,
    k: Annotated[Text, Query(description="Matches to return, 1-20 (default 5).", json_schema_extra=DIGITS)] = None,
    url: Annotated[Text, Query(description="Or an article's http(s) URL: fetched (public addresses only, "
                                           "with a deadline) and its main text matched.")] = None,
) -> MatchQuery:
    return parse_match_query(_given(text=text, k=k, url=url))


# Path ids: numbers in the schema, strings to the view, which answers 404 for anything else.
DocumentId = Annotated[str, Path(description="A document id (a number).", json_schema_extra=DIGITS)]
ClaimId = Annotated[str, Path(description="A claim id (a number).", json_schema_extra=DIGITS)]
