"""The Host check, the security headers and the language cookie, as plain ASGI middleware.

It was an ``@app.middleware("http")`` function; Starlette runs those through BaseHTTPMiddleware,
which starts a task and streams every answer through a memory channel: under load a measurable
part of each request's CPU (bench/bench_web_load.py). The behaviour is unchanged: a request for a
name not served here gets a 400 (a guard against DNS rebinding); every other answer gets
``SECURITY_HEADERS``, ``Cache-Control: no-store`` (but static files and public pages) and,
after a valid ``?lang=``, the language cookie.

It also caps request bodies (``body_limit``). FastAPI reads and parses a route's body before its
dependencies run, so without a cap a client with no login at all could make the server hold a
body of any size (a 200 MiB POST to /api/documents took the process from 122 MB to 974 MB before
its 400; docs/security.md, "Review of the read cache, the guard and logins"). A declared
``Content-Length`` over the cap is answered 413 without reading; a chunked body is counted as it
arrives and stopped with the same 413.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factwatch.web._hosts import host_name
from factwatch.web._i18n import remember_language
from factwatch.web._render import SECURITY_HEADERS, error_response

# Every answer but a static file or a public page: the workbench's pages and JSON are for the
# logged-in user only, so neither the browser's disk cache nor a caching proxy may keep them.
NO_STORE = "no-store"
CACHEABLE_PREFIXES = ("/static/", "/public/")

MAX_BODY = 4 * 2**20  # a JSON document of MAX_TEXT characters (routers/ingest_api.py), escaped, fits
MAX_UPLOAD_BODY = 51 * 2**20  # /api/ingest: its 50 MiB file (MAX_UPLOAD_BYTES) and the form around it
UPLOAD_PATHS = frozenset({"/api/ingest"})


def body_limit(path: str) -> int:
    """The largest request body accepted for ``path``, in bytes."""
    return MAX_UPLOAD_BODY if path.rstrip("/") in UPLOAD_PATHS else MAX_BODY


def _too_large(limit: int) -> str:
    return (f"The request body is over {limit // 2**20} MiB, the limit here. Send a whole export as a file "
            "to /api/ingest (up to 50 MiB), or ingest it on the server with `factwatch ingest PATH`.")


class BodyTooLarge(HTTPException):
    """Raised by the counting ``receive`` when a chunked body passes the limit: an HTTPException, so
    FastAPI's body parsing passes it on and the app's handler answers it (413, security headers)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))


def capped(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises ``BodyTooLarge`` once more than ``limit`` body bytes have come."""
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counting


class HostGuard:
    """Serves ``app`` for the names in ``owner.state.allowed_hosts`` (read per request)."""

    def __init__(self, app: ASGIApp, *, owner: FastAPI) -> None:
        self.app, self.owner = app, owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        name = host_name(request.headers.get("host", ""))
        if name not in self.owner.state.allowed_hosts:
            response = error_response(
                request, 400,
                f"Host {name or '(none)'!r} is not served here (a guard against DNS rebinding). "
                "Open the dashboard as http://127.0.0.1:PORT, or start it with --allowed-host NAME "
                "(or FACTWATCH_ALLOWED_HOSTS=NAME,...).",
            )
            await response(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:  # the server has already refused a malformed one
            await error_response(request, 413, _too_large(limit))(scope, receive, send)
            return
        # ?lang= switches the interface language and keeps it (cookie): worked out on a blank
        # response by the same function as before, and copied onto the real one.
        cookie = Response()
        remember_language(request, cookie)
        set_cookie = [v for k, v in cookie.raw_headers if k == b"set-cookie"]

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
                # Without ?lang= or its cookie a page is in the browser's language (web/_i18n.py).
                headers.add_vary_header("Accept-Language")
                if "cache-control" not in headers and not scope["path"].startswith(CACHEABLE_PREFIXES):
                    headers["cache-control"] = NO_STORE
                for value in set_cookie:
                    headers.append("set-cookie", value.decode("latin-1"))
            await send(message)

        await self.app(scope, capped(receive, limit), add_headers)
