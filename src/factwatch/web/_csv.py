"""CSV export of every list page: ``/PAGE?format=csv`` or ``/PAGE.csv``.

Every list page has a JSON twin under ``/api`` (the datasette pattern, routers/__init__.py), so one
ASGI middleware serves them all: it asks the app for ``/api/PAGE`` with the page's filters, page
after page (limit/offset) while the JSON says there are more, takes the list of records out of
each answer and streams them as CSV
(one API page in memory at a time; at most MAX_ROWS rows, a header says when the list was cut). The sub-requests carry the caller's headers, so the login,
roles and errors are the API's own.

Cells are written by export/tables.py (shared with `factwatch export csv`): formula starts defused
(OWASP "CSV injection"), nested values as JSON.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factwatch.export.tables import csv_cell, csv_lines  # noqa: F401  (csv_cell: tests import it from here)
from factwatch.web._render import SECURITY_HEADERS

PAGE_SIZE = 500  # the API's largest page (_filters.MAX_LIMIT)
MAX_ROWS = 100_000  # one export; a larger list is cut here and says so in a header
# Parameters of the page itself, not filters of the list.
_PAGE_ONLY = {"format", "limit", "offset", "lang"}


def records_of(payload: Any) -> list[dict[str, Any]] | None:
    """The list in an API answer: the answer itself, or its longest list of objects."""
    if isinstance(payload, list):
        return [r if isinstance(r, dict) else {"value": r} for r in payload]
    if not isinstance(payload, dict):
        return None
    buckets, series = payload.get("buckets"), payload.get("series")
    if isinstance(buckets, list) and isinstance(series, dict) and all(
            isinstance(v, list) and len(v) == len(buckets) for v in series.values()):
        # A time series (/trends): one row per bucket, one column per series.
        return [{"bucket": b, **{str(k): v[i] for k, v in series.items()}} for i, b in enumerate(buckets)]
    lists = [v for v in payload.values() if isinstance(v, list) and all(isinstance(r, dict) for r in v)]
    if not lists:
        return None
    return max(lists, key=len)


def _paging(offset: int) -> list[tuple[str, str]]:
    return [("limit", str(PAGE_SIZE)), ("offset", str(offset))]


def wants_csv(scope: Scope) -> str | None:
    """The page path a CSV export is asked for, or None."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return None
    path: str = scope["path"]
    if path.startswith(("/api/", "/static/")) or path == "/api":
        return None
    if path.endswith(".csv") and len(path) > len("/.csv"):
        return path[: -len(".csv")]
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    return path if ("format", "csv") in query else None


class CsvExport:
    """ASGI middleware: answers CSV exports of list pages, passes everything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def _get(self, scope: Scope, path: str, params: list[tuple[str, str]]) -> tuple[int, bytes]:
        sub = dict(scope)
        sub.update(path=path, raw_path=path.encode(), query_string=urlencode(params).encode(), method="GET")
        if "state" in scope:  # each sub-request its own request.state, as Starlette gives each request
            sub["state"] = dict(scope["state"])
        status = 500
        body = bytearray()

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(sub, receive, send)
        return status, bytes(body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = wants_csv(scope)
        if page is None:
            await self.app(scope, receive, send)
            return
        api = "/api/overview" if page == "/" else "/api" + page
        filters = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                   if k not in _PAGE_ONLY]
        # The first page decides the status and the columns; later pages are streamed as they
        # come, so a 100,000-row export never sits in memory whole.
        paged = True
        status, payload = await self._get_json(scope, api, filters + _paging(0))
        if status == 400:
            paged = False  # a list without limit/offset paging: ask once, whole
            status, payload = await self._get_json(scope, api, filters)
        if status != 200:
            await self._error(send, status, _message(payload, status, page))
            return
        batch = records_of(payload)
        if batch is None:
            await self._error(send, 404, f"{page} is not a list; CSV export is for list pages.")
            return
        total = _total(payload)
        name = page.strip("/").replace("/", "-") or "overview"
        headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        headers += [(b"content-type", b"text/csv; charset=utf-8"), (b"cache-control", b"no-store"),
                    (b"content-disposition", f'attachment; filename="factwatch-{name}.csv"'.encode())]
        if total is not None:
            headers.append((b"x-factwatch-rows", str(min(total, MAX_ROWS)).encode()))
            if total > MAX_ROWS:
                headers.append((b"x-factwatch-truncated", f"first {MAX_ROWS} of {total} rows".encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        columns = list(dict.fromkeys(k for row in batch for k in row))
        # The BOM makes Excel read the file as UTF-8.
        await send({"type": "http.response.body", "body": ("\ufeff" + csv_lines([columns], header=True)).encode(),
                    "more_body": True})
        written = 0
        while batch:
            batch = batch[: MAX_ROWS - written]
            await send({"type": "http.response.body", "more_body": True,
                        "body": csv_lines([[row.get(c) for c in columns] for row in batch]).encode()})
            written += len(batch)
            if not paged or total is None or written >= min(total, MAX_ROWS):
                break
            status, payload = await self._get_json(scope, api, filters + _paging(written))
            if status != 200:
                break  # the status is sent; the file ends at the last whole page
            batch = records_of(payload) or []
        await send({"type": "http.response.body", "body": b""})

    async def _get_json(self, scope: Scope, path: str, params: list[tuple[str, str]]) -> tuple[int, Any]:
        status, body = await self._get(scope, path, params)
        try:
            return status, json.loads(body)
        except ValueError:
            return (status if status != 200 else 502), None

    @staticmethod
    async def _error(send: Send, status: int, message: str) -> None:
        data = message.encode("utf-8")
        headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        headers += [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})


def _total(payload: Any) -> int | None:
    total = payload.get("total") if isinstance(payload, dict) else None
    return total if isinstance(total, int) else None


def _message(payload: Any, status: int, page: str) -> str:
    text = (payload.get("error") or payload.get("detail")) if isinstance(payload, dict) else None
    if status == 404:
        return f"{page} has no CSV export (no /api{page} list)."
    return f"CSV export of {page} failed ({status}): {text or 'see the page itself'}"
