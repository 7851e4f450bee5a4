"""The dashboard: server-rendered pages over the store, plus the JSON API in ``api.py``.

Routes are thin: parse the query string (``_filters``), call the store, render a template.
Text from sources is hostile, so templates autoescape everything and the
Content-Security-Policy forbids inline scripts; a stored ``<script>`` shows as text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from factwatch.errors import ConfigError, FactwatchError, FetchError, InputError, NotFoundError, StoreError
from factwatch.analysis.matching import match_text
from factwatch.analysis.stance import stance_towards
from factwatch.respond.cards import build_card, render_card
from factwatch.store import Store, open_store
from factwatch.web import api
from factwatch.web._filters import (
    parse_claim_filter,
    parse_claim_id,
    parse_document_filter,
    parse_document_id,
    parse_int,
    parse_match_query,
    parse_paging,
)
from factwatch.web._views import (
    Page,
    actor_type_counts,
    claim_segments,
    make_snippet,
    pretty_json,
    safe_href,
    split_at_claim,
)

HERE = Path(__file__).resolve().parent
CARD_MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "json": "application/json"}

# The navigation bar, in order. Pages added later append here.
NAV: list[tuple[str, str]] = [
    ("/", "Overview"),
    ("/documents", "Documents"),
    ("/sources", "Sources"),
    ("/runs", "Runs"),
    ("/claims", "Claims"),  # check-worthy claims, their best fact-check, spread and response card
    ("/match", "Match"),  # fact-checks that address a pasted text
    ("/facts", "Facts"),  # the fact base: fact-checks and official statements
]
LATEST_ADDRESSED = 8

# `default-src 'self'` alone already blocks inline scripts and styles; the rest closes what
# default-src does not cover (framing, <base> hijack, form posts elsewhere).
CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # Source links leave the dashboard; do not tell a propaganda outlet who is reading it.
    "Referrer-Policy": "no-referrer",
}

# FactwatchError subclass -> HTTP status; the first match in MRO order wins.
ERROR_STATUS: dict[type[FactwatchError], int] = {
    NotFoundError: 404,
    InputError: 400,
    ConfigError: 400,
    FetchError: 502,
    StoreError: 503,
    FactwatchError: 400,
}


def error_status(exc: FactwatchError) -> int:
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 400


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        # Explicit, not left to a default: every {{ }} is escaped unless marked safe.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["nav"] = NAV
    env.filters["safe_href"] = safe_href
    env.filters["snippet"] = make_snippet
    env.filters["pretty_json"] = pretty_json
    return Jinja2Templates(env=env)


def create_app(db_url: str) -> FastAPI:
    """Open the store at ``db_url`` once, serve it, close it on shutdown."""
    # Opened here rather than in the lifespan so a bad --db fails `serve` before it listens.
    store = open_store(db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="factwatch", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    templates = _templates()

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def is_api(request: Request) -> bool:
        return request.url.path == "/api" or request.url.path.startswith("/api/")

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("page_title", None)
        return templates.TemplateResponse(
            request, name, {"current": request.url.path, **context}, status_code=status_code
        )

    def error_response(request: Request, status: int, message: str) -> Response:
        if is_api(request):
            return JSONResponse({"error": message}, status_code=status)
        return render(request, "error.html", status_code=status, status=status, message=message,
                      page_title=f"{status}")

    @app.exception_handler(FactwatchError)
    async def factwatch_error(request: Request, exc: FactwatchError) -> Response:
        return error_response(request, error_status(exc), str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "Not found; the navigation bar lists the pages." if exc.status_code == 404 else str(exc.detail)
        return error_response(request, exc.status_code, message)

    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    get_store = api.get_store

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
        languages = store.language_counts()
        return render(
            request, "overview.html",
            stats=store.stats(),
            languages=languages,
            language_max=max(languages.values(), default=0),
            runs=store.list_runs(limit=10),
            actor_types=actor_type_counts(store.list_sources()),
            latest_addressed=store.list_claim_rows(addressed=True, limit=LATEST_ADDRESSED),
        )

    @app.get("/sources", response_class=HTMLResponse)
    def sources(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
        return render(request, "sources.html", sources=store.list_sources(), page_title="Sources")

    @app.get("/documents", response_class=HTMLResponse)
    def documents(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
        f = parse_document_filter(request.query_params)
        docs = store.list_documents(**f.store_kwargs(), limit=f.limit, offset=f.offset)
        total = store.count_documents(**f.store_kwargs())
        return render(
            request, "documents.html",
            filter=f, documents=docs, page=Page(total=total, limit=f.limit, offset=f.offset),
            languages=sorted(store.language_counts()),
            source_names=store.source_names(),
            page_title="Documents",
        )

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
        doc = store.get_document(parse_document_id(doc_id))
        claims = store.document_claim_rows(doc.id)
        return render(
            request, "document.html", doc=doc, claims=claims,
            segments=claim_segments(doc.text, [(c.id, c.start, c.end) for c in claims]),
            page_title=doc.title or f"Document {doc.id}",
        )

    @app.get("/runs", response_class=HTMLResponse)
    def runs(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
        limit = parse_int(request.query_params.get("limit"), name="limit", default=100, minimum=1, maximum=1000)
        return render(request, "runs.html", runs=store.list_runs(limit=limit), limit=limit, page_title="Runs")

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run(request: Request, run_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
        found = store.get_run(run_id)
        return render(
            request, "run.html", run=found, rejections=store.list_rejections(found.id),
            page_title=f"Run {found.id}",
        )

    # --- Claims, fact-check matches, response cards, the fact base --------------------------

    @app.get("/claims", response_class=HTMLResponse)
    def claims(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
        f = parse_claim_filter(request.query_params)
        rows = store.list_claim_rows(**f.store_kwargs(), limit=f.limit, offset=f.offset)
        total = store.count_claim_rows(**f.store_kwargs())
        # A sentence that denies or debunks the fact-checked claim needs no response: say so.
        rejecting = {
            c.id for c in rows
            if c.addressed and c.match_verdict and c.match_claim
            and stance_towards(c.text, c.match_claim, language=c.language, claim_language="und") == "rejects"
        }
        return render(
            request, "claims.html",
            filter=f, claims=rows, rejecting=rejecting, page=Page(total=total, limit=f.limit, offset=f.offset),
            languages=store.claim_languages(), source_names=store.claim_sources(), page_title="Claims",
        )

    @app.get("/claims/{claim_id}", response_class=HTMLResponse)
    def claim(request: Request, claim_id: str, store: Store = Depends(get_store)) -> HTMLResponse:
        row = store.get_claim_row(parse_claim_id(claim_id))
        doc = store.get_document(row.document_id)
        card = build_card(store, row.id, use_llm=False)
        return render(
            request, "claim.html",
            claim=row, doc=doc, parts=split_at_claim(doc.text, row.start, row.end),
            spread=store.claim_spread(row.latin_key),
            copies=store.claim_copies(row.latin_key, exclude_claim_id=row.id),
            matches=store.claim_match_rows(row.id),
            # render_card escapes every field with html.escape and links only http(s) URLs
            # (respond/cards.py, _render_html); the template marks it safe for that reason.
            card_html=render_card(card, "html"),
            page_title=f"Claim {row.id}",
        )

    @app.get("/claims/{claim_id}/card.{fmt}")
    def claim_card(claim_id: str, fmt: str, store: Store = Depends(get_store)) -> Response:
        if fmt not in CARD_MEDIA_TYPES:
            raise NotFoundError(f"No card format {fmt!r}; use card.md or card.json.")
        card = build_card(store, parse_claim_id(claim_id), use_llm=False)
        return Response(
            render_card(card, fmt), media_type=CARD_MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="claim-{card.claim_id}-card.{fmt}"'},
        )

    @app.get("/match", response_class=HTMLResponse)
    def match(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
        mq = parse_match_query(request.query_params)
        result = match_text(store, mq.text, k=mq.k) if mq.text is not None else None
        return render(request, "match.html", query=mq, result=result, submitted="text" in request.query_params,
                      page_title="Match a claim")

    @app.get("/facts", response_class=HTMLResponse)
    def facts(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
        limit, offset = parse_paging(request.query_params)
        counts = store.stats()
        return render(
            request, "facts.html",
            fact_checks=store.list_fact_checks(limit=limit, offset=offset),
            facts=store.list_facts(limit=limit, offset=offset),
            page=Page(total=max(counts.get("fact_checks", 0), counts.get("facts", 0)), limit=limit, offset=offset),
            counts=counts, page_title="Fact base",
        )

    return app
