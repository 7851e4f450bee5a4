"""A read cache for the JSON answers that are the same for every user of a role.

Fifty analysts polling the API ask the same few questions (the newest documents, the overview,
the counts); answering one again costs 2-4 ms of CPU in FastAPI and the store, a stored copy a
tenth of that (bench/bench_web_load.py). An answer is kept per (path, query, role, interface
language) and dropped whole when SQLite's ``PRAGMA data_version`` moves, which it does on the
app's read connection whenever any other connection commits (the app's own write store, an
ingest, ``factwatch analyze``): a write is never followed by a stale read. Entries also expire
after ``ttl`` seconds, for anything an answer takes from the clock.

Only the GET paths in ``CACHEABLE`` are cached: read-only views whose body depends on nothing of
the user but the role. Never per-user answers (saved searches, /api/users, sessions, anything
with a CSRF token) nor HTML pages. The login is still checked on every request, before the cache
is looked at, so a revoked token or a lower role gets no cached answer.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factwatch.web._auth import current_user
from factwatch.web._i18n import request_language

# Read views that take nothing from the user but the login (routers: documents, claims, sources,
# clusters, overview, campaigns). A new path belongs here only if the same is true of it.
CACHEABLE = re.compile(
    r"^/api/(documents|documents/\d+|claims|claims/\d+|sources|clusters|clusters/\d+|overview|stats|campaigns)$"
)
MAX_BODY = 1 << 20  # a bigger answer is rare and not worth the memory
HEADER = b"x-cache"  # hit or miss, for the benchmark's hit rate

Key = tuple[str, str, str, str]
Entry = tuple[float, int, list[tuple[bytes, bytes]], bytes]


class ResponseCache:
    """A bounded LRU of (expiry, status, headers, body), dropped whole when the data version moves.

    Bounded in entries and in body bytes: any viewer can make distinct keys (``?x=1``, ``?x=2``,
    ...), and 1,024 answers of up to ``MAX_BODY`` each were up to 1 GiB per worker (measured on the
    demo: 300 requests for ``/api/documents?limit=500&x=N`` held 126 MB after 2.6 s).
    """

    def __init__(self, *, entries: int = 1024, max_bytes: int = 64 * 2**20, ttl: float = 10.0) -> None:
        self.entries, self.max_bytes, self.ttl = entries, max_bytes, ttl
        self._version: int | None = None
        self._data: OrderedDict[Key, Entry] = OrderedDict()
        self._bytes = 0  # the bodies' total; headers are a few hundred bytes and bounded by entries
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._data)

    def get(self, version: int, key: Key) -> Entry | None:
        with self._lock:
            if version != self._version:
                self._data.clear()
                self._bytes = 0
                self._version = version
            entry = self._data.get(key)
            if entry is None or entry[0] < time.monotonic():
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, version: int, key: Key, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if version != self._version:
                return  # the data moved while the answer was made; it may be either side of it
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= len(old[3])
            self._data[key] = (time.monotonic() + self.ttl, status, headers, body)
            self._bytes += len(body)
            while len(self._data) > self.entries or self._bytes > self.max_bytes:
                self._bytes -= len(self._data.popitem(last=False)[1][3])


class CachedReads:
    """ASGI middleware serving ``CACHEABLE`` GETs from a ``ResponseCache``.

    ``data_version`` is the store's (None for a store without one: then nothing is cached).
    """

    def __init__(self, app: ASGIApp, *, data_version: Callable[[], int] | None, cache: ResponseCache) -> None:
        self.app, self.data_version, self.cache = app, data_version, cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or self.data_version is None
                or not CACHEABLE.match(scope["path"])):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        # Resolved here once and kept on the request's state: the routes' own login check reuses it.
        user = current_user(request)
        if user is None:  # no login or a bad token: the app answers 401 its usual way
            await self.app(scope, receive, send)
            return
        query = canonical_query(scope["query_string"])
        key = (scope["path"], query, user.role, request_language(request))
        version = self.data_version()
        entry = self.cache.get(version, key)
        if entry is not None:
            _, status, headers, body = entry
            await send({"type": "http.response.start", "status": status, "headers": [*headers, (HEADER, b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return
        start: tuple[int, list[tuple[bytes, bytes]]] | None = None
        chunks: list[bytes] = []
        size = 0

        async def keep(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                # A copy: the middleware outside adds its headers (and a language cookie) to this very
                # message, and those are added again to every answer served from here.
                start = (message["status"], list(message.get("headers", [])))
                message["headers"] = [*start[1], (HEADER, b"miss")]
            elif message["type"] == "http.response.body" and start is not None:
                size += len(message.get("body", b""))
                if size <= MAX_BODY:
                    chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and size <= MAX_BODY and _storable(*start):
                    self.cache.put(version, key, start[0], start[1], b"".join(chunks))
            await send(message)

        await self.app(scope, receive, keep)


def canonical_query(raw: bytes) -> str:
    """The query with its parameters in name order, so ``a=1&b=2`` and ``b=2&a=1`` share an entry.

    A stable sort on the name alone keeps repeated parameters in their order (``q=x&q=y`` is not
    ``q=y&q=x`` to a route that reads the first), and latin-1 keeps every byte apart (UTF-8 with
    replacement would merge two different invalid sequences into one key).
    """
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    return urlencode(sorted(pairs, key=lambda kv: kv[0]), encoding="latin-1")


def _storable(status: int, headers_list: list[tuple[bytes, bytes]]) -> bool:
    """Only a plain 200 JSON answer that sets no cookie."""
    if status != 200:
        return False
    headers = {k.lower(): v for k, v in headers_list}
    return b"set-cookie" not in headers and headers.get(b"content-type", b"").startswith(b"application/json")
