"""Web articles (trafilatura) and the one safe way factwatch fetches a URL.

``fetch_url`` refuses non-http(s) schemes and every address that is not globally routable (on
every connection, redirects included, to the very address it checked: see ``_network``), ends
the whole fetch by a deadline, caps the body size while streaming it and turns every httpx
exception into a ``FetchError``.
"""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import ConfigError, FetchError, InputError
from ..models import ParsedRecord, RejectedRecord
from ._encoding import bom_encoding, detect_encoding
from ._io import excerpt, parse_date, read_all
from ._network import AddressRefused, Deadline, PinnedTransport

Item = ParsedRecord | RejectedRecord

MAX_PAGE_BYTES = 64 * 1024 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How ``fetch_url`` talks to the network."""

    timeout: float = 15.0  # one connect or read; FACTWATCH_FETCH_TIMEOUT
    deadline: float = 60.0  # the whole fetch, redirects included; FACTWATCH_FETCH_DEADLINE
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "factwatch/0.1 (+https://github.com/factwatch)"
    ca_file: str | None = None  # CA certificates (PEM) to trust for https instead of the system's

    @classmethod
    def from_env(cls, **overrides: Any) -> FetchSettings:
        """Defaults, then ``FACTWATCH_ALLOW_PRIVATE=1``, ``FACTWATCH_FETCH_TIMEOUT`` and
        ``FACTWATCH_FETCH_DEADLINE`` (seconds), then ``overrides``."""
        settings = cls()
        if os.environ.get("FACTWATCH_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes"):
            settings = replace(settings, allow_private=True)
        for field, variable in (("timeout", "FACTWATCH_FETCH_TIMEOUT"), ("deadline", "FACTWATCH_FETCH_DEADLINE")):
            if value := os.environ.get(variable):
                try:
                    seconds = float(value)
                except ValueError:
                    raise ConfigError(f"{variable}={value!r} is not a number of seconds; set it to e.g. 30") from None
                if not seconds > 0:
                    raise ConfigError(f"{variable}={value!r} must be more than 0 seconds")
                settings = replace(settings, **{field: seconds})
        return replace(settings, **overrides)


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    final_url: str
    status: int  # 200, or 304 for a conditional GET that found nothing new (content is then b"")
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None


def is_url(value: str) -> bool:
    """Whether ``value`` names something with a URL scheme rather than a local path."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value)) and not re.match(r"^[A-Za-z]:[\\/]", value)


def check_url(url: str) -> None:
    """Refuse a URL factwatch must not fetch; raises ``FetchError`` naming why.

    Addresses are checked when connecting (``_network.PinnedBackend``), where the name is resolved
    once and the checked address is the one connected to.
    """
    try:
        parts = urlsplit(url)
        if parts.port == 0:  # reading .port raises ValueError for a port out of range
            raise ValueError("port 0")
    except ValueError as exc:
        raise FetchError(f"{url!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"{url}: refused {scheme or 'missing'}: scheme; only http:// and https:// URLs are fetched "
                         "(pass a local path without a scheme for files)")
    if not parts.hostname:
        raise FetchError(f"{url}: no host in the URL")


def fetch_url(
    url: str, *, settings: FetchSettings | None = None, etag: str | None = None, last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` safely; a conditional GET when ``etag``/``last_modified`` are given (304 → empty content).

    The whole fetch, redirects included, ends by ``settings.deadline`` seconds however slowly the
    server sends; each single read or connect waits at most ``settings.timeout``.
    """
    settings = settings or FetchSettings.from_env()
    headers = {"User-Agent": settings.user_agent, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = Deadline(settings.deadline)
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else True
    transport = PinnedTransport(deadline=deadline, allow_private=settings.allow_private, verify=verify)
    current = url
    try:
        # trust_env=False and our own transport: an environment proxy would connect on our
        # behalf and defeat the address checks.
        with httpx.Client(transport=transport, timeout=settings.timeout, follow_redirects=False,
                          trust_env=False) as client:
            for _hop in range(settings.max_redirects + 1):
                check_url(current)
                with client.stream("GET", current, headers=headers) as response:
                    if response.status_code in _REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"{current}: HTTP {response.status_code} redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code == 304:
                        return FetchResult(url, current, 304, b"", response.headers.get("content-type"),
                                           response.headers.get("etag") or etag,
                                           response.headers.get("last-modified") or last_modified)
                    if response.status_code >= 400:
                        raise FetchError(f"{current}: HTTP {response.status_code} {response.reason_phrase}; "
                                         "check the URL or try again later")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                        raise FetchError(_too_large(current, settings))
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > settings.max_bytes:
                            raise FetchError(_too_large(current, settings))
                        chunks.append(chunk)
                    return FetchResult(url, current, response.status_code, b"".join(chunks),
                                       response.headers.get("content-type"), response.headers.get("etag"),
                                       response.headers.get("last-modified"))
            raise FetchError(f"{url}: more than {settings.max_redirects} redirects; open the URL in a browser "
                             "to find where it ends and pass that URL")
    except AddressRefused as exc:
        raise FetchError(f"{current}: {exc}") from None
    except httpx.TimeoutException:
        if deadline.expired():
            raise FetchError(f"{current}: not done after {settings.deadline:g}s, the deadline for one fetch (the "
                             "server sends too slowly); retry later or raise FACTWATCH_FETCH_DEADLINE") from None
        raise FetchError(f"{current} timed out after {settings.timeout:g}s waiting for the server; retry or "
                         "raise FACTWATCH_FETCH_TIMEOUT") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{current}: {type(exc).__name__}: {exc}; check the URL and your network") from None


def _too_large(url: str, settings: FetchSettings) -> str:
    return (f"{url}: response is larger than {settings.max_bytes} bytes; download it yourself and "
            "ingest the file, or raise the size limit")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(blob: bytes, content_type: str | None = None) -> str:
    """Decode a page: BOM, then HTTP charset, then ``<meta charset>``, then our detector."""
    candidates: list[str] = []
    bom = bom_encoding(blob)
    if bom:
        candidates.append(bom)
    if content_type and "charset=" in content_type.lower():
        candidates.append(content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'"))
    match = _META_CHARSET.search(blob[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for encoding in candidates:
        try:
            return blob.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return blob.decode(detect_encoding(blob), errors="replace")


def iter_html(
    data: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
    url: str | None = None, content_type: str | None = None,
) -> Iterator[Item]:
    """The main article of one HTML page (text, title, date, author) as a single record."""
    import trafilatura  # imported here: it loads lxml and its own config, slow for other formats

    blob = read_all(data, limit=MAX_PAGE_BYTES, what=name)
    if not blob.strip():
        raise InputError(f"{name} is empty; nothing to ingest")
    html = decode_html(blob, content_type)
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False,
            date_extraction_params={"extensive_search": True, "original_date": True,
                                    "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
    except Exception as exc:  # trafilatura raises lxml and ValueError types on broken markup
        raise InputError(f"{name}: cannot parse the HTML page ({type(exc).__name__}: {exc})") from None
    found = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
    text = found.get("text") or ""
    title = (found.get("title") or "").strip() or None
    position = "page"
    if not text.strip():
        yield RejectedRecord(position, f"{position}: no main text found in {name}", excerpt(html))
        return
    # trafilatura repeats the headline as the first line of the text.
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1:]
    page_url = found.get("url") or url
    meta: dict[str, Any] = {}
    for key in ("sitename", "hostname", "description", "categories", "tags", "image"):
        if found.get(key):
            meta[key] = found[key]
    if found.get("language"):
        meta["lang"] = found["language"]
    date = found.get("date")
    if isinstance(date, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", date):
        date = date[:-2] + ":" + date[-2:]
    yield ParsedRecord(
        text=text, platform="web", position=position, external_id=page_url, url=page_url, title=title,
        author=(found.get("author") or "").strip() or None, published_at=parse_date(date),
        source=source or found.get("sitename") or found.get("hostname") or name, meta=meta,
    )
