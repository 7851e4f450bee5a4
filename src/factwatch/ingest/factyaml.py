"""The profile fact base (``profiles/*/facts.yaml``): ``facts:`` (official statements a response
can cite) and ``claim_reviews:`` (debunks, with translations and the ids of their facts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..models import NewFact, NewFactCheck, RejectedRecord
from ..text.script import latin_key
from . import _factfields as fields
from ._factfields import Parsed

SECTIONS = ("facts", "claim_reviews")


def _date(item: dict[str, Any]) -> str | None:
    # YAML reads an unquoted 2024-03-01 as a datetime.date.
    return fields.date(str(item["date"]) if item.get("date") is not None else None)


def _fact(item: Any) -> NewFact:
    if not isinstance(item, dict):
        raise ValueError(f"a fact must be a mapping, got {type(item).__name__}")
    statement = fields.text(item.get("statement"), "statement")
    if not statement:
        raise ValueError("statement is missing")
    ext = fields.text(item.get("id"), "id")
    translations = item.get("translations") or {}
    if not isinstance(translations, dict):
        raise ValueError("translations must map language to text")
    topics = item.get("topics") or []
    if isinstance(topics, str):
        topics = [topics]
    return NewFact(
        key=fields.key("fact", ext, latin_key(statement)), statement=statement, external_id=ext,
        source=fields.text(item.get("source"), "source"), url=fields.url(item.get("url")), date=_date(item),
        language=fields.language(item.get("language")) or "en", topics=tuple(str(t) for t in topics),
        translations={str(k): t for k, v in translations.items() if (t := fields.text(v, f"translations.{k}"))},
    )


def _claim_review(item: Any) -> NewFactCheck:
    if not isinstance(item, dict):
        raise ValueError(f"a claim review must be a mapping, got {type(item).__name__}")
    claim = fields.text(item.get("claim"), "claim")
    if not claim:
        raise ValueError("claim is missing")
    language = fields.language(item.get("language")) or "en"
    url = fields.url(item.get("url"))
    translations: dict[str, dict[str, str]] = {}
    raw_tr = item.get("translations") or {}
    if not isinstance(raw_tr, dict):
        raise ValueError("translations must map language to {claim, rebuttal}")
    for lang, tr in raw_tr.items():
        if isinstance(tr, str):
            tr = {"claim": tr}
        if not isinstance(tr, dict):
            raise ValueError(f"translations.{lang} must be a mapping with claim and rebuttal")
        entry = {k: t for k in ("claim", "rebuttal")
                 if (t := fields.text(tr.get(k), f"translations.{lang}.{k}", paragraphs=k == "rebuttal"))}
        if entry:
            translations[str(lang)] = entry
    fact_ids = item.get("facts") or []
    if isinstance(fact_ids, str):
        fact_ids = [fact_ids]
    ext = fields.text(item.get("id"), "id")
    return NewFactCheck(
        key=fields.claim_key(url or ext, claim, language), claim=claim, format="yaml", external_id=ext,
        verdict=fields.text(item.get("verdict"), "verdict"),
        rebuttal=fields.text(item.get("rebuttal"), "rebuttal", paragraphs=True),
        url=url, publisher=fields.text(item.get("publisher"), "publisher"), language=language, date=_date(item),
        fact_ids=tuple(str(i) for i in fact_ids), translations=translations,
        headline=fields.text(item.get("title"), "title"),
    )


def parse_fact_yaml(content: str, *, name: str) -> Iterator[Parsed]:
    import yaml

    try:
        doc = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        raise InputError(f"{name} is not valid YAML: {exc}") from None
    except RecursionError:  # PyYAML composes nodes recursively
        raise InputError(f"{name}: {fields.too_deep_reason('the file')}.") from None
    if fields.too_deep(doc):
        raise InputError(f"{name}: {fields.too_deep_reason('the file')}.")
    if not isinstance(doc, dict) or not (set(SECTIONS) & set(doc)):
        raise InputError(f"{name}: expected a mapping with 'facts:' and/or 'claim_reviews:' lists "
                         "(profile facts.yaml).")
    for section in SECTIONS:
        if doc.get(section) is not None and not isinstance(doc[section], list):
            raise InputError(f"{name}: expected a mapping with '{section}:' as a list of items, "
                             f"got {type(doc[section]).__name__}.")
    for section, parse in (("facts", _fact), ("claim_reviews", _claim_review)):
        for i, item in enumerate(doc.get(section) or [], 1):
            try:
                yield parse(item)
            except ValueError as exc:
                yield RejectedRecord(f"{section}[{i}]", str(exc), fields.raw(item))
