"""The dashboard and its JSON API: one FastAPI app over one store.

This module wires the parts: it opens the store, installs the Host check and the security
headers, maps errors once, and mounts the routers (``routers/``, one module per page family,
each page's HTML and ``/api`` forms sharing a view function).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from factwatch.errors import FactwatchError
from factwatch.store import open_store
from factwatch.web._auth import LoginRequired, csrf_protect, require_viewer
from factwatch.web._cache import CachedReads, ResponseCache
from factwatch.web._csv import CsvExport
from factwatch.web._guard import HostGuard
from factwatch.web._hosts import allowed_host_names
from factwatch.web._memo import DEFAULT_ENTRIES, VectorLRU
from factwatch.web._ratelimit import TokenBuckets
from factwatch.web._render import HERE, SECURITY_HEADERS, error_response, error_status
from factwatch.web._writestore import WriteStore
from factwatch.web.routers import ROUTERS, auth, public, publish

log = logging.getLogger(__name__)

# A person pasting claims stays far below this; a page firing GETs in a loop does not.
# One match costs ~0.1 s of CPU (embedding plus re-ranking), so 1/s keeps a flood to a tenth of a core.
MATCH_BURST = 20
MATCH_RATE = 1.0


def create_app(
    db_url: str,
    *,
    host: str | None = None,
    allowed_hosts: Iterable[str] = (),
    match_rate: float = MATCH_RATE,
    match_burst: int = MATCH_BURST,
    query_vectors: int = DEFAULT_ENTRIES,
) -> FastAPI:
    """Open the store at ``db_url`` once, serve it, close it on shutdown.

    Requests are answered only for loopback names, ``host`` (the address ``serve`` binds) and
    ``allowed_hosts`` plus FACTWATCH_ALLOWED_HOSTS; any other Host header gets a 400.
    """
    # Opened here rather than in the lifespan so a bad --db fails `serve` before it listens.
    # Read-only: no page or API call writes (issue 7 item 7), and a mistyped --db is an error, not a
    # new empty database.
    store = open_store(db_url, access="read")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()
            write_store.close()

    # The schema is served by routers/auth.py behind the login, as all of /api (docs/security.md).
    app = FastAPI(title="factwatch", version="1", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    write_store = WriteStore(db_url, lambda: open_store(db_url, access="write"))
    app.state.write_store = write_store
    app.state.login_throttle = auth.LoginThrottle(write_store.get)  # counts in the store: all workers
    app.state.allowed_hosts = allowed_host_names(host, allowed_hosts)
    app.state.match_buckets = TokenBuckets(rate=match_rate, burst=match_burst)
    app.state.query_vectors = VectorLRU(query_vectors)

    # Plain ASGI middleware (web/_guard.py says why), innermost first: Starlette wraps each one added
    # around the last. The read cache answers only after the Host check, with the same headers.
    # FACTWATCH_READ_CACHE=0 turns the read cache off (to measure without it, bench/bench_web_load.py).
    app.state.read_cache = ResponseCache()
    versions = getattr(store, "data_version", None) if os.environ.get("FACTWATCH_READ_CACHE", "1") != "0" else None
    app.add_middleware(CachedReads, data_version=versions, cache=app.state.read_cache)
    app.add_middleware(HostGuard, owner=app)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.next_url, status_code=303, headers=SECURITY_HEADERS)

    @app.exception_handler(FactwatchError)
    async def factwatch_error(request: Request, exc: FactwatchError) -> Response:
        return error_response(request, error_status(exc), str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "Not found; the navigation bar lists the pages." if exc.status_code == 404 else str(exc.detail)
        return error_response(request, exc.status_code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return error_response(request, 400, f"Bad request: {problems}")

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        # A bug, not bad input: log it whole, but answer in the API's or the pages' own form
        # with the security headers rather than Starlette's bare "Internal Server Error".
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, "Internal error; it is logged. Please report it with the URL.")

    # Every page and /api route needs a login (viewer or above), and every write from a session
    # its CSRF token; routes that change something ask for a higher role themselves. Only /login,
    # /public/* and /static are open.
    for router in (*ROUTERS, publish.router):
        app.include_router(router, dependencies=[Depends(require_viewer), Depends(csrf_protect)])
    app.include_router(auth.router)
    app.include_router(public.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(CsvExport)  # /PAGE?format=csv and /PAGE.csv for every list page (web/_csv.py)
    return app
