"""The FiveThirtyEight IRA tweets release (``author``, ``content``, ``publish_date``, ``language``,
``account_category``, ...): a CSV layout with its own columns, read with the shared CSV reader."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any

from ..errors import InputError
from ..models import ParsedRecord, RejectedRecord
from ._csv import open_csv
from ._io import excerpt, parse_date
from .tables import meta_value

Item = ParsedRecord | RejectedRecord

IRA_LANGUAGES = {
    "English": "en", "Russian": "ru", "Serbian": "sr", "Croatian": "hr", "Bosnian": "bs", "Macedonian": "mk",
    "Albanian": "sq", "Bulgarian": "bg", "Ukrainian": "uk", "German": "de", "French": "fr", "Italian": "it",
    "Spanish": "es", "Arabic": "ar", "Slovenian": "sl",
}


def missing_ira_columns(header: list[str]) -> list[str]:
    """The IRA columns ``header`` lacks: the ones detection looks for, so ``--format ira`` on any
    other CSV is refused as a whole instead of storing rows with no author or date."""
    columns = set(header)
    missing = [c for c in ("content", "publish_date") if c not in columns]
    if not columns & {"author", "author_id", "external_author_id"}:  # as detect.py accepts
        missing.insert(0, "author (or author_id)")
    return missing


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
    missing = missing_ira_columns(header)
    if missing:
        raise InputError(f"{name}: not the IRA layout: missing column(s) {', '.join(missing)} "
                         f"(columns: {', '.join(header[:40])}); pass --format csv --map text=COLUMN")
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
                meta[col] = meta_value(row[col])
        for col in ("followers", "following", "updates"):
            if row.get(col):
                meta[col] = meta_value(row[col])
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
            global_id=tweet_id is not None,  # a tweet id is unique on the platform
        )
