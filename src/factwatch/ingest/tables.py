"""Tables of posts: CSV and JSONL exports, fields found by a column map (``--map``) or by the
column names real exports use. Both are read record by record, so a 1 GB export ingests in flat
memory; ira.py and x.py reuse the CSV reader and the field helpers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import PurePath
from typing import IO, Any

from ..errors import ConfigError, InputError
from ..models import ParsedRecord, RejectedRecord
from ._csv import open_csv
from ._io import excerpt, parse_date
from ._json import iter_json_lines

Item = ParsedRecord | RejectedRecord

FIELDS = ("text", "title", "author", "external_id", "published_at", "url", "source", "language", "platform")

# Column names seen in real exports (CrowdTangle, Junkipedia, 4CAT, Twitter/X archives,
# Facebook/Instagram exports, the FiveThirtyEight IRA release), compared case-insensitively.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "full_text", "body", "message", "tweet", "post", "post_text", "description",
             "caption"),
    "title": ("title", "headline", "subject"),
    "author": ("author", "username", "screen_name", "user_screen_name", "user", "author_name", "account",
               "user_name", "from", "channel"),
    "external_id": ("id", "tweet_id", "post_id", "message_id", "guid", "status_id", "id_str"),
    "published_at": ("published_at", "date", "created_at", "timestamp", "time", "publish_date", "datetime",
                     "pubdate", "published", "post_created", "date_published"),
    "url": ("url", "link", "permalink", "href", "post_url", "tweet_url"),
    "source": ("source", "outlet", "site", "page_name", "sitename"),
    "language": ("lang", "language"),
    "platform": ("platform",),
}
# Extra columns worth keeping in ``meta`` (engagement and account facts); anything else is dropped
# so one wide export does not bloat every document row.
META_COLUMNS = frozenset({
    "views", "view_count", "forwards", "shares", "share_count", "retweets", "retweet_count", "likes", "like_count",
    "favorites", "favorite_count", "reactions", "comments", "comment_count", "replies", "reply_count",
    "followers", "followers_count", "following", "account_category", "account_type", "post_type", "hashtags",
    "links", "urls", "mentions", "region", "country", "verified", "retweet", "is_retweet",
})


def check_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a ``--map`` mapping (our field -> input column)."""
    if not mapping:
        return {}
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"--map names unknown field(s) {', '.join(unknown)}; fields are {', '.join(FIELDS)} "
            "(e.g. --map text=content,author=author)"
        )
    return {k: v for k, v in mapping.items() if v}


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _resolve_columns(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Map each of our fields to an actual column name of this file."""
    by_norm = {_norm(c): c for c in columns}
    resolved: dict[str, str] = {}
    for fld in FIELDS:
        if fld in mapping:
            wanted = mapping[fld]
            actual = wanted if wanted in columns else by_norm.get(_norm(wanted))
            if actual is None:
                raise InputError(
                    f"the header has no column {wanted!r} for {fld} (columns: {', '.join(columns[:40])}); "
                    f"fix --map {fld}=COLUMN"
                )
            resolved[fld] = actual
            continue
        for candidate in DEFAULT_COLUMNS[fld]:
            if candidate in by_norm and by_norm[candidate] not in resolved.values():
                resolved[fld] = by_norm[candidate]
                break
    return resolved


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def meta_value(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value.lstrip("-").isdigit() and len(value) < 16:
            return int(value)
        return value[:1000]
    return value


# --------------------------------------------------------------------------- CSV

def _record_from_fields(
    get: Any, *, position: str, label: str, columns: dict[str, str], explicit: dict[str, str],
    platform: str, source: str | None, default_source: str | None, extra: dict[str, Any], raw: Any,
) -> Item:
    text = text_of(get(columns["text"])) if "text" in columns else None
    title = text_of(get(columns["title"])) if "title" in columns else None
    if text is None and title is None:
        if "text" in explicit:
            what = "column" if label.startswith("row") else "field"
            return RejectedRecord(position, f"{label}: missing text {what} {explicit['text']!r}", excerpt(raw))
        return RejectedRecord(position, f"{label}: no text or title", excerpt(raw))
    if not (text or "").strip() and not (title or "").strip():
        return RejectedRecord(position, f"{label}: no text or title", excerpt(raw))

    def val(fld: str) -> str | None:
        if fld not in columns:
            return None
        got = text_of(get(columns[fld]))
        return got.strip() if got and got.strip() else None

    raw_date = get(columns["published_at"]) if "published_at" in columns else None
    meta = dict(extra)
    published = parse_date(raw_date)
    if raw_date not in (None, "") and published is None:
        meta["published_raw"] = str(raw_date)[:100]
    lang = val("language")
    if lang:
        meta["lang"] = lang
    author = val("author")
    return ParsedRecord(
        text=text or title or "",
        platform=val("platform") or platform,
        position=position,
        external_id=val("external_id"),
        url=val("url"),
        title=title.strip() if title and title.strip() else None,
        author=author,
        published_at=published,
        source=source or val("source") or default_source,
        meta=meta,
    )


def iter_csv(
    stream: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """Rows of a CSV export as records, columns found by ``mapping`` or by common names."""
    explicit = check_mapping(mapping)
    default_source = PurePath(name).name.split(".")[0] or None
    header, rows = open_csv(stream, name=name)
    if not header:
        return
    try:
        columns = _resolve_columns(header, explicit)
    except InputError as exc:  # name the file, as every other refusal of a whole input does
        raise InputError(f"{name}: {exc}") from None
    if "text" not in columns and "title" not in columns:
        raise InputError(f"{name}: no text column among {', '.join(header[:40])}; pass --map text=COLUMN")
    for position, row in rows:
        if isinstance(row, RejectedRecord):
            yield row
            continue
        used = set(columns.values())
        extra = {_norm(k): meta_value(v) for k, v in row.items()
                 if k not in used and _norm(k) in META_COLUMNS and v not in (None, "")}
        yield _record_from_fields(
            row.get, position=position, label=position.split(" (")[0], columns=columns, explicit=explicit,
            platform="csv", source=source, default_source=default_source, extra=extra, raw=row,
        )


# --------------------------------------------------------------------------- JSONL

def _dotted(obj: Any, path: str) -> Any:
    if isinstance(obj, dict) and path in obj:
        return obj[path]
    for part in path.split("."):
        if isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


def iter_jsonl(
    stream: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """One JSON object a line; fields found by ``mapping`` (dotted paths allowed) or common names."""
    explicit = check_mapping(mapping)
    default_source = PurePath(name).name.split(".")[0] or None
    first = True
    for position, obj in iter_json_lines(stream):
        if isinstance(obj, RejectedRecord):
            yield obj
            continue
        if first and isinstance(obj, dict) and "text" in explicit:
            # The first object stands for the file, as a CSV header does: a --map text=FIELD it
            # lacks is a mistyped map, and every record would be rejected for it.
            first = False
            if not any(path in obj or _dotted(obj, path) is not None
                       for path in (explicit["text"], explicit.get("title", "title"))):
                keys = ", ".join(str(k) for k in list(obj)[:40])
                raise InputError(f"{name}: {position} has no field {explicit['text']!r} for text (fields: {keys}); "
                                 "fix --map text=FIELD")
        first = False
        if not isinstance(obj, dict):
            yield RejectedRecord(position, f"{position}: expected a JSON object, got {type(obj).__name__}",
                                 excerpt(json.dumps(obj, ensure_ascii=False)))
            continue
        keys = [k for k in obj if isinstance(k, str)]
        try:
            columns = _resolve_columns(keys, {k: v for k, v in explicit.items() if "." not in v and v in obj})
        except InputError:  # cannot happen: only present keys are passed
            columns = {}
        for fld, path in explicit.items():
            columns[fld] = path
        used = set(columns.values())
        extra = {_norm(k): meta_value(v) for k, v in obj.items()
                 if k not in used and _norm(k) in META_COLUMNS and v not in (None, "")}
        yield _record_from_fields(
            lambda path, o=obj: _dotted(o, path), position=position, label=position, columns=columns,
            explicit=explicit, platform="jsonl", source=source, default_source=default_source, extra=extra,
            raw=json.dumps(obj, ensure_ascii=False)[:2000],
        )
