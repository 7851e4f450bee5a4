"""RSS 0.9x/1.0/2.0 and Atom feeds, parsed by feedparser from bytes we fetched ourselves.

feedparser is never given a URL: it would fetch it without our timeouts, size cap and
private-address checks (see ``web.fetch_url``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import IO, Any

import feedparser

from ..errors import InputError
from ..models import ParsedRecord, RejectedRecord
from ._io import excerpt, parse_date, read_all

Item = ParsedRecord | RejectedRecord

MAX_FEED_BYTES = 64 * 1024 * 1024


def _struct_to_iso(value: Any) -> str | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError):
        return None


def _entry_text(entry: Any) -> str:
    """The fullest body the entry carries: content:encoded / atom:content, else the summary."""
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, dict) else None
        if isinstance(value, str) and len(value) > len(best):
            best = value
    summary = entry.get("summary")
    if isinstance(summary, str) and len(summary) > len(best):
        best = summary
    return best


def iter_feed(
    data: bytes | IO[bytes], *, name: str, source: str | None = None,
    mapping: Mapping[str, str] | None = None, content_type: str | None = None, base_url: str | None = None,
) -> Iterator[Item]:
    """Entries of an RSS/Atom document as records.

    A feed feedparser flags as malformed (``bozo``) still yields what it recovered; only a
    document with no entries *and* a parse error fails as a whole.
    """
    blob = read_all(data, limit=MAX_FEED_BYTES, what=name)
    headers = {"content-type": content_type} if content_type else {}
    if base_url:
        headers["content-location"] = base_url
    try:
        parsed = feedparser.parse(blob, response_headers=headers, sanitize_html=True)
    except Exception as exc:  # feedparser wraps most errors in bozo, but SAX can still raise
        raise InputError(f"{name}: cannot parse as RSS/Atom: {exc}; check the URL points at a feed or pass --format html") from None
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            err = parsed.get("bozo_exception")
            raise InputError(
                f"{name}: not a readable RSS/Atom feed ({type(err).__name__}: {err}); "
                "check the URL points at a feed, or pass --format html for a web page"
            )
        if not parsed.get("version"):  # feedparser read it, but as no feed dialect it knows
            raise InputError(f"{name}: no RSS or Atom feed found; pass --format html for a web page")
        return
    feed = parsed.get("feed") or {}
    feed_title = (feed.get("title") or "").strip() or None
    feed_link = feed.get("link")
    feed_lang = feed.get("language")
    for index, entry in enumerate(entries, 1):
        position = f"item {index}"
        text = _entry_text(entry)
        title = (entry.get("title") or "").strip() or None
        if not text.strip() and not title:
            yield RejectedRecord(position, f"{position}: no text or title", excerpt(repr(dict(entry))))
            continue
        published = (_struct_to_iso(entry.get("published_parsed")) or _struct_to_iso(entry.get("updated_parsed"))
                     or parse_date(entry.get("published") or entry.get("updated")))
        link = entry.get("link") or None
        meta: dict[str, Any] = {}
        tags = [t.get("term") for t in entry.get("tags") or [] if isinstance(t, dict) and t.get("term")]
        if tags:
            meta["tags"] = tags
        if feed_lang:
            meta["lang"] = feed_lang
        if feed_link:
            meta["feed_link"] = feed_link
        if parsed.get("version"):
            meta["feed_version"] = parsed["version"]
        enclosures = [e.get("href") for e in entry.get("enclosures") or [] if isinstance(e, dict) and e.get("href")]
        if enclosures:
            meta["enclosures"] = enclosures
        yield ParsedRecord(
            text=text or title or "",
            platform="rss",
            position=position,
            external_id=(entry.get("id") or link or None),
            url=link,
            title=title,
            author=(entry.get("author") or "").strip() or None,
            published_at=published,
            source=source or feed_title or name,
            meta=meta,
        )
