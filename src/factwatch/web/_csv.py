"""CSV export of every list page: ``/PAGE?format=csv`` or ``/PAGE.csv``.

Every list page has a JSON twin under ``/api`` (the datasette pattern, routers/__init__.py), so one
ASGI middleware serves them all: it asks the app for ``/api/PAGE`` with the page's filters, page
after page (limit/offset) while the JSON says there are more, takes the list of records out of
each answer and writes them as CSV. The sub-requests carry the caller's headers, so the login,
roles and errors are the API's own.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading
apostrophe (OWASP "CSV injection"); nested values are written as JSON.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factwatch.web._render import SECURITY_HEADERS

PAGE_SIZE = 500  # the API's largest page (_filters.MAX_LIMIT)
MAX_ROWS = 100_000  # one export; a larger list is cut here and says so in a header
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Parameters of the page itself, not filters of the list.
_PAGE_ONLY = {"format", "limit", "offset", "lang"}


def csv_cell(value: Any) -> str:
    """One cell: text as is (formula starts defused), None empty, containers as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif not isinstance(value, str):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


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


def to_csv(rows: list[dict[str, Any]]) -> str:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


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
        filters = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=False)
                   if k not in _PAGE_ONLY]
        rows: list[dict[str, Any]] = []
        truncated = False
        offset = 0
        paged = True
        while True:
            params = filters + ([("limit", str(PAGE_SIZE)), ("offset", str(offset))] if paged else [])
            status, body = await self._get(scope, api, params)
            if status == 400 and paged and offset == 0:
                paged = False  # a list without limit/offset paging: ask once, whole
                continue
            if status != 200:
                await self._error(send, status, _message(body, status, page))
                return
            batch = records_of(json.loads(body))
            if batch is None:
                await self._error(send, 404, f"{page} is not a list; CSV export is for list pages.")
                return
            rows.extend(batch)
            payload_total = _total(body)
            offset += len(batch)
            if len(rows) >= MAX_ROWS:
                truncated = len(rows) > MAX_ROWS or (payload_total or 0) > MAX_ROWS
                rows = rows[:MAX_ROWS]
                break
            if not paged or not batch or payload_total is None or offset >= payload_total:
                break
        data = ("\ufeff" + to_csv(rows)).encode("utf-8")  # the BOM makes Excel read UTF-8
        name = page.strip("/").replace("/", "-") or "overview"
        headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        headers += [(b"content-type", b"text/csv; charset=utf-8"),
                    (b"content-disposition", f'attachment; filename="factwatch-{name}.csv"'.encode()),
                    (b"content-length", str(len(data)).encode()), (b"x-factwatch-rows", str(len(rows)).encode())]
        if truncated:
            headers.append((b"x-factwatch-truncated", f"first {MAX_ROWS} rows".encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": data if scope["method"] == "GET" else b""})

    @staticmethod
    async def _error(send: Send, status: int, message: str) -> None:
        data = message.encode("utf-8")
        headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        headers += [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})


def _total(body: bytes) -> int | None:
    payload = json.loads(body)
    total = payload.get("total") if isinstance(payload, dict) else None
    return total if isinstance(total, int) else None


def _message(body: bytes, status: int, page: str) -> str:
    try:
        payload = json.loads(body)
        text = payload.get("error") or payload.get("detail") if isinstance(payload, dict) else None
    except ValueError:
        text = None
    if status == 404:
        return f"{page} has no CSV export (no /api{page} list)."
    return f"CSV export of {page} failed ({status}): {text or 'see the page itself'}"
