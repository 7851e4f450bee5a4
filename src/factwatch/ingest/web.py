"""Web articles (trafilatura) and the one safe way factwatch fetches a URL.

``fetch_url`` refuses non-http(s) schemes and private, loopback, link-local, reserved and
multicast addresses (also on every redirect hop, which it follows itself), caps the body
size while streaming it and turns every httpx exception into a ``FetchError``.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import FetchError, InputError
from ..models import ParsedRecord, RejectedRecord
from ._encoding import bom_encoding, detect_encoding
from ._io import excerpt, parse_date, read_all

Item = ParsedRecord | RejectedRecord

MAX_PAGE_BYTES = 64 * 1024 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How ``fetch_url`` talks to the network."""

    timeout: float = 15.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "factwatch/0.1 (+https://github.com/factwatch)"

    @classmethod
    def from_env(cls, **overrides: Any) -> FetchSettings:
        """Defaults, then ``FACTWATCH_ALLOW_PRIVATE=1`` / ``FACTWATCH_FETCH_TIMEOUT``, then ``overrides``."""
        settings = cls()
        if os.environ.get("FACTWATCH_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes"):
            settings = replace(settings, allow_private=True)
        if timeout := os.environ.get("FACTWATCH_FETCH_TIMEOUT"):
            try:
                settings = replace(settings, timeout=float(timeout))
            except ValueError:
                pass
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


def _check_address(host: str, port: int, *, settings: FetchSettings, url: str) -> None:
    if settings.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"{url}: cannot resolve host {host!r} ({exc}); check the URL and your network") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified):
            raise FetchError(
                f"{url}: refused, {host} resolves to the non-public address {address}; "
                "set FACTWATCH_ALLOW_PRIVATE=1 only for local testing"
            )


def check_url(url: str, *, settings: FetchSettings) -> None:
    """Refuse a URL factwatch must not fetch; raises ``FetchError`` naming why."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"{url!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"{url}: refused {scheme or 'missing'}: scheme; only http:// and https:// URLs are fetched "
                         "(pass a local path without a scheme for files)")
    if not parts.hostname:
        raise FetchError(f"{url}: no host in the URL")
    # The host is resolved again by httpx when it connects; a DNS answer that changes in between
    # (rebinding) is not covered. Pinning the address would break TLS SNI for https.
    _check_address(parts.hostname, port or (443 if scheme == "https" else 80), settings=settings, url=url)


def fetch_url(
    url: str, *, settings: FetchSettings | None = None, etag: str | None = None, last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` safely; a conditional GET when ``etag``/``last_modified`` are given (304 → empty content)."""
    settings = settings or FetchSettings.from_env()
    headers = {"User-Agent": settings.user_agent, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    try:
        # trust_env=False: an environment proxy would connect on our behalf and defeat the
        # address checks above.
        with httpx.Client(timeout=settings.timeout, follow_redirects=False, trust_env=False) as client:
            for _hop in range(settings.max_redirects + 1):
                check_url(current, settings=settings)
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
    except httpx.TimeoutException:
        raise FetchError(f"{current} timed out after {settings.timeout:g}s; retry or raise --timeout") from None
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
