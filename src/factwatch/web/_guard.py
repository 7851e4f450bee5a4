"""The Host check, the security headers and the language cookie, as plain ASGI middleware.

It was an ``@app.middleware("http")`` function; Starlette runs those through BaseHTTPMiddleware,
which starts a task and streams every answer through a memory channel: under load a measurable
part of each request's CPU (bench/bench_web_load.py). The behaviour is unchanged: a request for a
name not served here gets a 400 (a guard against DNS rebinding); every other answer gets
``SECURITY_HEADERS`` and, after a valid ``?lang=``, the language cookie.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factwatch.web._hosts import host_name
from factwatch.web._i18n import remember_language
from factwatch.web._render import SECURITY_HEADERS, error_response


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
                for value in set_cookie:
                    headers.append("set-cookie", value.decode("latin-1"))
            await send(message)

        await self.app(scope, receive, add_headers)
