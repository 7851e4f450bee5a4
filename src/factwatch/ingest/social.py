"""Social-media exports: CSV and JSONL with a column mapping, the IRA tweet CSV, X API v2 JSONL.

All four are read line by line from a binary stream so a 1 GB export ingests in flat memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import PurePath
from typing import IO, Any

from ..errors import ConfigError, InputError
from ..models import ParsedRecord, RejectedRecord
from ._encoding import decode_line
from ._io import MAX_LINE_BYTES, LineReader, excerpt, parse_date

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

_CSV_FIELD_LIMIT = 16 * 1024 * 1024


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


def parse_mapping(spec: str | None) -> dict[str, str]:
    """Parse ``text=content,author=author`` as the CLI passes it."""
    if not spec:
        return {}
    out: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not value.strip():
            raise ConfigError(f"--map part {part!r} is not FIELD=COLUMN; write e.g. --map text=content,author=user")
        out[key.strip()] = value.strip()
    return check_mapping(out)


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


def _text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _meta_value(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value.lstrip("-").isdigit() and len(value) < 16:
            return int(value)
        return value[:1000]
    return value


# --------------------------------------------------------------------------- CSV

def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_csv(stream: bytes | IO[bytes], *, name: str) -> tuple[list[str], Iterator[tuple[str, dict[str, str] | RejectedRecord]]]:
    """Read the header of a CSV export; returns it and an iterator of ``(position, row)``.

    A row is a dict, or a RejectedRecord when it is bad. Lines are decoded one by one with
    the file's encoding; a row whose lines fail to decode is rejected. Quoted fields may span
    lines: csv.reader pulls as many lines as a row needs. An empty file has no header and no rows.
    """
    reader_lines = LineReader(stream)
    encoding = reader_lines.encoding
    bad_lines: dict[int, str] = {}

    def text_lines() -> Iterator[str]:
        for number, line in reader_lines:
            if line is None:
                bad_lines[number] = f"longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB"
                yield "\n"
                continue
            try:
                text = decode_line(line, encoding)
            except UnicodeDecodeError as exc:
                bad_lines[number] = f"not valid {encoding} (byte {exc.start + 1}); the file mixes encodings"
                text = line.decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace")
            # NUL bytes make csv raise on the whole rest of the file in some Python versions.
            yield text.replace("\x00", "")

    lines = text_lines()
    header_line = ""
    skipped = 0
    for header_line in lines:  # skip leading blank lines
        skipped += 1
        if header_line.strip():
            break
    if not header_line.strip():
        return [], iter(())
    if bad_lines:
        raise InputError(f"{name}: the CSV header line is not valid {encoding}; re-save the file as UTF-8")
    delimiter = _sniff_delimiter(header_line)
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise InputError(f"{name}: cannot read the CSV header: {exc}; check it is a CSV file or pass --format") from None
    header = [h.strip().lstrip("\ufeff") for h in header]

    def rows() -> Iterator[tuple[str, dict[str, str] | RejectedRecord]]:
        # The header line was consumed from `lines` already; the reader continues after it.
        reader = csv.reader(lines, delimiter=delimiter)
        row_number = 0
        last_line = skipped
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row_number += 1
                position = f"row {row_number}"
                last_line = reader.line_num + skipped
                yield position, RejectedRecord(position, f"{position}: malformed CSV: {exc}", "")
                continue
            first_line = last_line + 1
            last_line = reader.line_num + skipped
            if not any(f.strip() for f in fields):
                continue
            row_number += 1
            position = f"row {row_number} (line {first_line})"
            broken = [f"line {n}: {why}" for n, why in bad_lines.items() if first_line <= n <= last_line]
            for n in [n for n in bad_lines if n <= last_line]:
                del bad_lines[n]
            if broken:
                yield position, RejectedRecord(position, f"row {row_number}: {'; '.join(broken)}",
                                               excerpt(delimiter.join(fields)))
                continue
            if len(fields) > len(header):
                yield position, RejectedRecord(
                    position, f"row {row_number}: {len(fields)} fields but the header has {len(header)}; "
                    "a delimiter or quote inside a field is not escaped", excerpt(delimiter.join(fields)))
                continue
            yield position, dict(zip(header, fields))

    return header, rows()


def _record_from_fields(
    get: Any, *, position: str, label: str, columns: dict[str, str], explicit: dict[str, str],
    platform: str, source: str | None, default_source: str | None, extra: dict[str, Any], raw: Any,
) -> Item:
    text = _text_of(get(columns["text"])) if "text" in columns else None
    title = _text_of(get(columns["title"])) if "title" in columns else None
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
        got = _text_of(get(columns[fld]))
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
    columns = _resolve_columns(header, explicit)
    if "text" not in columns and "title" not in columns:
        raise InputError(f"{name}: no text column among {', '.join(header[:40])}; pass --map text=COLUMN")
    for position, row in rows:
        if isinstance(row, RejectedRecord):
            yield row
            continue
        used = set(columns.values())
        extra = {_norm(k): _meta_value(v) for k, v in row.items()
                 if k not in used and _norm(k) in META_COLUMNS and v not in (None, "")}
        yield _record_from_fields(
            row.get, position=position, label=position.split(" (")[0], columns=columns, explicit=explicit,
            platform="csv", source=source, default_source=default_source, extra=extra, raw=row,
        )


# --------------------------------------------------------------------------- JSONL

def iter_json_lines(stream: bytes | IO[bytes]) -> Iterator[tuple[str, Any]]:
    """``(position, value)`` per non-blank line, value a RejectedRecord if the line is bad."""
    reader = LineReader(stream)
    encoding = reader.encoding
    for number, line in reader:
        position = f"line {number}"
        if line is None:
            yield position, RejectedRecord(position, f"{position}: longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB")
            continue
        try:
            text = decode_line(line, encoding)
        except UnicodeDecodeError as exc:
            yield position, RejectedRecord(
                position, f"{position}: not valid {encoding} (byte {exc.start + 1}); the file mixes encodings",
                excerpt(line))
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield position, RejectedRecord(position, f"{position}: invalid JSON: {exc.msg} at column {exc.colno}",
                                           excerpt(text))
            continue
        except RecursionError:
            yield position, RejectedRecord(position, f"{position}: invalid JSON: nested too deeply", excerpt(text))
            continue
        yield position, value


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
    for position, obj in iter_json_lines(stream):
        if isinstance(obj, RejectedRecord):
            yield obj
            continue
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
        extra = {_norm(k): _meta_value(v) for k, v in obj.items()
                 if k not in used and _norm(k) in META_COLUMNS and v not in (None, "")}
        yield _record_from_fields(
            lambda path, o=obj: _dotted(o, path), position=position, label=position, columns=columns,
            explicit=explicit, platform="jsonl", source=source, default_source=default_source, extra=extra,
            raw=json.dumps(obj, ensure_ascii=False)[:2000],
        )


# --------------------------------------------------------------------------- IRA

IRA_LANGUAGES = {
    "English": "en", "Russian": "ru", "Serbian": "sr", "Croatian": "hr", "Bosnian": "bs", "Macedonian": "mk",
    "Albanian": "sq", "Bulgarian": "bg", "Ukrainian": "uk", "German": "de", "French": "fr", "Italian": "it",
    "Spanish": "es", "Arabic": "ar", "Slovenian": "sl",
}


def _truthy(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.strip().lower() in ("1", "true", "yes", "rt")


def iter_ira(
    stream: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """The FiveThirtyEight IRA tweets layout (``author``/``author_id``, ``content``, ``publish_date``, ...)."""
    header, rows = open_csv(stream, name=name)
    if not header:
        return
    if "content" not in header:
        raise InputError(f"{name}: no 'content' column, so not the IRA layout; pass --format csv --map text=COLUMN")
    for position, row in rows:
        if isinstance(row, RejectedRecord):
            yield row
            continue
        label = position.split(" (")[0]
        text = row.get("content")
        if text is None:
            yield RejectedRecord(position, f"{label}: missing text column 'content'", excerpt(row))
            continue
        if not text.strip():
            yield RejectedRecord(position, f"{label}: no text or title", excerpt(row))
            continue
        author = (row.get("author") or row.get("author_id") or "").strip() or None
        published = parse_date(row.get("publish_date"))
        meta: dict[str, Any] = {}
        for col in ("account_category", "account_type", "post_type", "region", "external_author_id",
                    "harvested_date", "new_june_2018", "alt_external_id"):
            if row.get(col):
                meta[col] = _meta_value(row[col])
        for col in ("followers", "following", "updates"):
            if row.get(col):
                meta[col] = _meta_value(row[col])
        retweet = _truthy(row.get("retweet"))
        if retweet is not None:
            meta["retweet"] = retweet
        language = (row.get("language") or "").strip()
        if language:
            meta["lang"] = IRA_LANGUAGES.get(language, language)
            meta["language_name"] = language
        if row.get("publish_date") and published is None:
            meta["published_raw"] = row["publish_date"][:100]
        links = [row[c] for c in sorted(row) if c.startswith("tco") and row.get(c)]
        if links:
            meta["links"] = links
        tweet_id = (row.get("tweet_id") or "").strip() or None
        url = (row.get("article_url") or "").strip() or None
        if url is None and tweet_id and author:
            url = f"https://twitter.com/{author}/status/{tweet_id}"
        yield ParsedRecord(
            text=text, platform="ira", position=position, external_id=tweet_id, url=url, title=None,
            author=author, published_at=published, source=source or author or "ira", meta=meta,
        )


# --------------------------------------------------------------------------- X API v2

_METRICS = {"retweet_count": "retweets", "reply_count": "replies", "like_count": "likes",
            "quote_count": "quotes", "impression_count": "views", "bookmark_count": "bookmarks"}


def _tweet_record(tweet: dict[str, Any], *, position: str, users: dict[str, dict[str, Any]],
                  source: str | None) -> Item:
    tweet_id = _text_of(tweet.get("id"))
    note = tweet.get("note_tweet")
    text = _text_of(note.get("text")) if isinstance(note, dict) and note.get("text") else _text_of(tweet.get("text"))
    if not tweet_id:
        return RejectedRecord(position, f"{position}: tweet without an id", excerpt(json.dumps(tweet, ensure_ascii=False)))
    if not text or not text.strip():
        return RejectedRecord(position, f"{position}: tweet {tweet_id} has no text", excerpt(json.dumps(tweet, ensure_ascii=False)))
    author_id = _text_of(tweet.get("author_id"))
    user = users.get(author_id or "", {})
    username = _text_of(user.get("username")) if isinstance(user, dict) else None
    meta: dict[str, Any] = {}
    if author_id:
        meta["author_id"] = author_id
    if isinstance(user, dict):
        if user.get("name"):
            meta["author_name"] = user.get("name")
        user_metrics = user.get("public_metrics")
        if isinstance(user_metrics, dict) and "followers_count" in user_metrics:
            meta["followers"] = user_metrics["followers_count"]
    if isinstance(tweet.get("lang"), str):
        meta["lang"] = tweet["lang"]
    metrics = tweet.get("public_metrics")
    if isinstance(metrics, dict):
        for key, short in _METRICS.items():
            if isinstance(metrics.get(key), int):
                meta[short] = metrics[key]
    refs = tweet.get("referenced_tweets")
    if isinstance(refs, list):
        kept = [{"type": r.get("type"), "id": r.get("id")} for r in refs if isinstance(r, dict)]
        if kept:
            meta["referenced_tweets"] = kept
            meta["retweet"] = any(r["type"] == "retweeted" for r in kept)
    entities = tweet.get("entities")
    if isinstance(entities, dict):
        def pick(kind: str, key: str) -> list[str]:
            items = entities.get(kind)
            if not isinstance(items, list):
                return []
            return [str(i[key]) for i in items if isinstance(i, dict) and i.get(key)]
        links = pick("urls", "expanded_url") or pick("urls", "url")
        if links:
            meta["links"] = links
        if tags := pick("hashtags", "tag"):
            meta["hashtags"] = tags
        if mentions := pick("mentions", "username"):
            meta["mentions"] = mentions
    if tweet.get("conversation_id"):
        meta["conversation_id"] = str(tweet["conversation_id"])
    url = f"https://x.com/{username}/status/{tweet_id}" if username else f"https://x.com/i/web/status/{tweet_id}"
    author = username or author_id
    return ParsedRecord(
        text=text, platform="x", position=position, external_id=tweet_id, url=url, author=author,
        published_at=parse_date(tweet.get("created_at")), source=source or author or "x", meta=meta,
    )


def iter_x(
    stream: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """X/Twitter API v2 JSONL: a tweet object a line, or a response page ``{"data": [...], "includes": ...}``."""
    users: dict[str, dict[str, Any]] = {}  # usernames seen on earlier pages apply to later ones too
    for position, obj in iter_json_lines(stream):
        if isinstance(obj, RejectedRecord):
            yield obj
            continue
        if not isinstance(obj, dict):
            yield RejectedRecord(position, f"{position}: expected a JSON object, got {type(obj).__name__}",
                                 excerpt(json.dumps(obj, ensure_ascii=False)))
            continue
        if "data" in obj or "includes" in obj:
            includes = obj.get("includes")
            if isinstance(includes, dict) and isinstance(includes.get("users"), list):
                for user in includes["users"]:
                    if isinstance(user, dict) and user.get("id") is not None:
                        users[str(user["id"])] = user
            data = obj.get("data")
            tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
            if not tweets and data is not None:
                yield RejectedRecord(position, f"{position}: 'data' is neither a tweet nor a list of tweets",
                                     excerpt(json.dumps(obj, ensure_ascii=False)))
            for i, tweet in enumerate(tweets, 1):
                pos = f"{position} tweet {i}" if len(tweets) > 1 else position
                if not isinstance(tweet, dict):
                    yield RejectedRecord(pos, f"{pos}: expected a tweet object", excerpt(json.dumps(tweet, ensure_ascii=False)))
                    continue
                yield _tweet_record(tweet, position=pos, users=users, source=source)
            continue
        if "text" in obj or "id" in obj:
            yield _tweet_record(obj, position=position, users=users, source=source)
            continue
        if "errors" in obj:
            yield RejectedRecord(position, f"{position}: API error page: {excerpt(obj['errors'], 200)}",
                                 excerpt(json.dumps(obj, ensure_ascii=False)))
            continue
        yield RejectedRecord(position, f"{position}: not an X API v2 tweet or response page",
                             excerpt(json.dumps(obj, ensure_ascii=False)))
