"""Fields of fact-base records, shared by every fact format (claimreview.py, factcsv.py, ...).

Text goes through ingest's own cleaning (``text.normalize.clean_text``: entities, tags, script
contents, invisible characters) and dates through ingest's ``parse_date``; the fact parsers used
to carry their own copies, which had already drifted (issue 6, item 8).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..models import NewFact, NewFactCheck, RejectedRecord
from ..text.normalize import clean_text
from ..text.script import latin_key
from ._io import excerpt, parse_date

Parsed = NewFactCheck | NewFact | RejectedRecord

MAX_FIELD_CHARS = 20_000  # a rebuttal longer than this is an article, not a rebuttal: clip it
# A ClaimReview is 3-4 levels deep, a profile YAML 4. Deeper input is not a fact base, and past
# ~1,000 levels Python's parsers and walkers raise RecursionError (issue 7, item 12).
MAX_DEPTH = 64

# csv's default field limit (128 KiB) is below some EUvsDisinfo disproofs with pasted sources.
csv.field_size_limit(16 * 1024 * 1024)


def text(value: Any, name: str, *, paragraphs: bool = False) -> str | None:
    """A text field, cleaned: None when absent or empty; ValueError when of the wrong type.

    One line unless ``paragraphs`` (rebuttals keep their paragraph breaks).
    """
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        # YAML 1.1 reads an unquoted verdict "False" as a boolean, a rating 1 as a number.
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    value = clean_text(value)
    if not paragraphs:
        value = " ".join(value.split())
    return value[:MAX_FIELD_CHARS] or None


def url(value: Any, name: str = "url") -> str | None:
    value = text(value, name)
    if value is None:
        return None
    if not re.match(r"^https?://\S+$", value, re.IGNORECASE):
        raise ValueError(f"{name} {value[:80]!r} is not an http(s) URL")
    return value


def key(*parts: str | None) -> str:
    return hashlib.sha1("\n".join(p or "" for p in parts).encode("utf-8")).hexdigest()


def claim_key(url: str | None, claim: str, language: str | None) -> str:
    """Identity of a fact-check: its URL and the Latin key of its claim (script-independent)."""
    return key(url, latin_key(claim, language or "und"))


def person(value: Any) -> str | None:
    """schema.org Person/Organization (object, list of them, or plain text) -> a display name."""
    if isinstance(value, list):
        names = [n for n in (person(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName") or value.get("url")
    return text(value, "name") if isinstance(value, str) else None


_LANG3 = {
    "eng": "en", "srp": "sr", "hrv": "hr", "bos": "bs", "sqi": "sq", "alb": "sq", "mkd": "mk", "mac": "mk",
    "rus": "ru", "bul": "bg", "ukr": "uk", "spa": "es", "por": "pt", "fra": "fr", "fre": "fr", "deu": "de",
    "ger": "de", "ita": "it", "pol": "pl", "ces": "cs", "slk": "sk", "slv": "sl", "ron": "ro", "hun": "hu",
    "tur": "tr", "ell": "el", "ara": "ar", "hin": "hi", "kor": "ko", "tha": "th", "msa": "ms", "zho": "zh",
    "jpn": "ja", "nld": "nl", "cnr": "cnr",
}
_LANG_NAMES = {
    "english": "en", "serbian": "sr", "croatian": "hr", "bosnian": "bs", "albanian": "sq", "macedonian": "mk",
    "russian": "ru", "bulgarian": "bg", "ukrainian": "uk", "montenegrin": "cnr", "german": "de", "french": "fr",
    "spanish": "es", "italian": "it", "polish": "pl", "czech": "cs", "slovak": "sk", "hungarian": "hu",
    "romanian": "ro", "greek": "el", "slovenian": "sl",
}


def language(value: Any) -> str | None:
    """An ISO 639-1 code (or ``cnr``) from a code, a three-letter code, a name or schema.org Language."""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip().lower()
    if v in _LANG_NAMES:
        return _LANG_NAMES[v]
    v = v.replace("_", "-").split("-")[0]
    return _LANG3.get(v, v if 2 <= len(v) <= 3 and v.isalpha() else None)


_SHORT_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")  # EUvsDisinfo: 3/14/23


def date(value: Any) -> str | None:
    """The day (``YYYY-MM-DD``, UTC) of any date ``parse_date`` reads, MM/DD/YY, or unix seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"date must be text, got {type(value).__name__}")
    if isinstance(value, str):
        value = value.strip()
        if value.isdigit():
            # parse_date reads digits as unix time (right for posts); in a fact base "2023" is a
            # year, not 1970-01-01 00:33, and a bare number is no date at all.
            raise ValueError(f"date {value[:40]!r} is a number, not a date (YYYY-MM-DD)")
        short = _SHORT_US_DATE.match(value)
        if short:
            value = f"{short[1]}/{short[2]}/20{short[3]}"
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"date {str(value)[:40]!r} is not a date (YYYY-MM-DD, DD.MM.YYYY, MM/DD/YY or RFC 2822)")
    return parsed[:10]


def first(value: Any) -> Any:
    return (value[0] if value else None) if isinstance(value, list) else value


def too_deep(node: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether parsed JSON/YAML nests lists and mappings more than ``limit`` levels (no recursion)."""
    stack = [(node, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children)
    return False


def too_deep_reason(what: str) -> str:
    return (f"{what} nests lists or objects more than {MAX_DEPTH} levels deep; a fact-check is a few levels "
            "deep, so this is not a fact base (or it is damaged)")


def raw(value: Any) -> str:
    """An excerpt of a parsed record for the rejections table."""
    return excerpt(json.dumps(value, ensure_ascii=False, default=str))


def csv_rows(content: str) -> Iterator[tuple[int, dict[str, str]] | RejectedRecord]:
    """``(row number, {lower-cased column: value})`` of a CSV with a header row (row 2 first),
    or a rejection for a row the csv module cannot read (the reader then goes on)."""
    # newline="": the csv module reads line ends itself; a lone "\r" inside a field is
    # otherwise a csv.Error for the whole file.
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise InputError(f"The CSV header row cannot be read ({exc}); check the file is CSV.") from None
    if not fieldnames:
        raise InputError("The CSV file has no header row; the first line must name the columns.")
    n = 1
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RejectedRecord(f"row {n}", f"not readable as CSV ({exc})", "")
            continue
        yield n, {(k or "").strip().lower(): (v or "") for k, v in row.items() if isinstance(v, str)}


def csv_header(content: str) -> set[str]:
    try:
        return {h.strip().lower() for h in next(csv.reader(io.StringIO(content, newline="")), [])}
    except csv.Error:
        return set()
