"""MultiClaim / SemEval-2025 Task 7 ``*fact_checks*.csv``: ``fact_check_id``, ``claim`` and
``title`` as Python-literal tuples ``('original', 'english', [('lang', p)])``, ``instances`` as
``[(unix_seconds, url)]``."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from ..models import NewFactCheck, RejectedRecord
from . import _factfields as fields
from ._factfields import Parsed

HEADER = frozenset({"fact_check_id", "claim"})


def _literal(value: str, name: str) -> Any:
    """MultiClaim stores Python-literal tuples; literal_eval never runs code."""
    if not value.strip():
        return None
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
        raise ValueError(f"{name} is not a Python literal ({type(exc).__name__})") from None


def _texts(value: Any, name: str) -> tuple[str | None, str | None, str | None]:
    """('original', 'english', [('lang', p)]) -> (original, english, iso language)."""
    if value is None:
        return None, None, None
    if not (isinstance(value, tuple) and len(value) >= 2 and all(isinstance(v, str) for v in value[:2])):
        raise ValueError(f"{name} must be a tuple ('original', 'english', [(lang, prob)])")
    langs = value[2] if len(value) > 2 and isinstance(value[2], list) else []
    lang = None
    if langs and isinstance(langs[0], tuple) and langs[0] and isinstance(langs[0][0], str):
        lang = fields.language(langs[0][0])
    return fields.text(value[0], name), fields.text(value[1], name), lang


def _publisher_from_url(url: str | None) -> str | None:
    m = re.match(r"^https?://(?:www\.)?([^/:]+)", url or "")
    return m[1] if m else None


def parse_multiclaim(content: str) -> Iterator[Parsed]:
    for item in fields.csv_rows(content):
        if isinstance(item, RejectedRecord):
            yield item
            continue
        n, row = item
        try:
            if "fact_check_id" not in row:
                raise ValueError("no fact_check_id column: is this trial_posts.csv? import trial_fact_checks.csv")
            original, english, lang = _texts(_literal(row.get("claim", ""), "claim"), "claim")
            if not original:
                raise ValueError("claim is empty")
            title, _title_en, _ = _texts(_literal(row.get("title", ""), "title"), "title")
            instances = _literal(row.get("instances", ""), "instances") or []
            url = date = None
            if isinstance(instances, list) and instances and isinstance(instances[0], tuple) and len(instances[0]) >= 2:
                when, where = instances[0][0], instances[0][1]
                date = fields.date(when) if isinstance(when, (int, float)) and not isinstance(when, bool) else None
                url = fields.url(where) if isinstance(where, str) else None
            translations = {}
            if english and lang != "en" and english != original:
                translations["en"] = {"claim": english}
            yield NewFactCheck(
                key=fields.claim_key(url, original, lang), claim=original, format="multiclaim",
                external_id=fields.text(row.get("fact_check_id"), "fact_check_id"), headline=title, url=url,
                language=lang, date=date, translations=translations, publisher=_publisher_from_url(url),
            )
        except ValueError as exc:
            yield RejectedRecord(f"row {n}", str(exc), fields.raw(row))
