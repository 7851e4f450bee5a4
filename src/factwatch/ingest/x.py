"""X/Twitter API v2 JSONL: one tweet object a line, or response pages ``{"data": [...], "includes": ...}``.

Tweet ids are global on the platform, so a tweet is one document whichever collection (``--source``)
brought it in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from ..errors import InputError
from ..models import ParsedRecord, RejectedRecord
from ._io import excerpt, parse_date
from ._json import iter_json_lines
from .tables import text_of

Item = ParsedRecord | RejectedRecord

_METRICS = {"retweet_count": "retweets", "reply_count": "replies", "like_count": "likes",
            "quote_count": "quotes", "impression_count": "views", "bookmark_count": "bookmarks"}


def _tweet_record(tweet: dict[str, Any], *, position: str, users: dict[str, dict[str, Any]],
                  source: str | None) -> Item:
    tweet_id = text_of(tweet.get("id"))
    note = tweet.get("note_tweet")
    text = text_of(note.get("text")) if isinstance(note, dict) and note.get("text") else text_of(tweet.get("text"))
    if not tweet_id:
        return RejectedRecord(position, f"{position}: tweet without an id", excerpt(json.dumps(tweet, ensure_ascii=False)))
    if not text or not text.strip():
        return RejectedRecord(position, f"{position}: tweet {tweet_id} has no text", excerpt(json.dumps(tweet, ensure_ascii=False)))
    author_id = text_of(tweet.get("author_id"))
    user = users.get(author_id or "", {})
    username = text_of(user.get("username")) if isinstance(user, dict) else None
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
        global_id=True,
    )


_X_KEYS = ("id", "text", "data", "includes", "errors")


def _check_first_line(obj: Any, *, name: str, position: str) -> None:
    """Refuse a file whose first line is neither a tweet nor an API page: a CSV or another JSONL
    layout read as ``--format x`` would otherwise be stored as a run of nothing but rejections."""
    if isinstance(obj, RejectedRecord):
        # A line that does not even start as a JSON object (a CSV header, HTML, prose) says the file
        # is another layout; a broken object, an over-long or mis-encoded line is that line's fault.
        if obj.reason.startswith(f"{position}: invalid JSON") and not obj.raw.lstrip("\ufeff \t").startswith("{"):
            raise InputError(f"{name}: {obj.reason}, so not X API v2 JSONL (a tweet object or a response "
                             "page a line); check the file or pass --format")
        return
    if not isinstance(obj, dict) or not any(k in obj for k in _X_KEYS):
        keys = ", ".join(str(k) for k in list(obj)[:20]) if isinstance(obj, dict) else type(obj).__name__
        raise InputError(f"{name}: {position} has none of the X API v2 keys {', '.join(_X_KEYS)} (got {keys}), "
                         "so not an X export; pass --format jsonl --map text=FIELD")


def iter_x(
    stream: bytes | IO[bytes], *, name: str, source: str | None = None, mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """X/Twitter API v2 JSONL: a tweet object a line, or a response page ``{"data": [...], "includes": ...}``."""
    users: dict[str, dict[str, Any]] = {}  # usernames seen on earlier pages apply to later ones too
    first = True
    for position, obj in iter_json_lines(stream):
        if first:  # the first line stands for the file, as a CSV header does
            first = False
            _check_first_line(obj, name=name, position=position)
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
