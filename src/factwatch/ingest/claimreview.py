"""schema.org ClaimReview: JSON-LD objects, arrays, ``@graph``, JSON lines, or HTML pages that
embed them in ``<script type="application/ld+json">``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..models import NewFactCheck, RejectedRecord
from . import _factfields as fields
from ._factfields import Parsed
from ._io import excerpt

_LDJSON_RE = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_CONTAINERS = ("mainEntity", "review", "itemListElement", "item")
# Same markers as ingest's detect.py: a feed names itself in its root element.
_FEED_RE = re.compile(r"<(rss|rdf:RDF|feed)[\s>]", re.IGNORECASE)
_HTML_RE = re.compile(r"<(!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)
# Said whenever a file is not fact-checks at all; facts.FORMATS lists the same formats.
READS = ("facts import reads ClaimReview JSON-LD (JSON, JSON lines or HTML pages embedding it), "
         "csv, euvsdisinfo, multiclaim and yaml (--format)")


def _markup_kind(text: str) -> str:
    """What a markup file without JSON-LD is, said to the user: a feed is not 'an HTML page'."""
    head = text[:4096]
    if _FEED_RE.search(head):
        return "an RSS/Atom feed of news items, not fact-checks (`factwatch ingest` reads feeds)"
    if _HTML_RE.search(text[:8192]):
        return "an HTML page with no ClaimReview in it (no <script type=\"application/ld+json\">)"
    return "an XML document, neither HTML nor a feed"


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """ClaimReview objects in a JSON-LD document, in document order (iterative: depth is checked
    before, but a wide document must not cost a Python frame per level either)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            types = item.get("@type")
            if "ClaimReview" in (types if isinstance(types, list) else [types]):
                yield item
            elif "@graph" in item:
                stack.append(item["@graph"])
            else:
                stack.extend(reversed([item[k] for k in _CONTAINERS if k in item]))


def parse_claimreview(obj: Any, position: str) -> Parsed:
    """One ClaimReview object as a ``NewFactCheck``, or a ``RejectedRecord`` saying what is wrong."""
    if not isinstance(obj, dict):
        return RejectedRecord(position, f"ClaimReview must be a JSON object, got {type(obj).__name__}", fields.raw(obj))
    try:
        claim = fields.text(obj.get("claimReviewed"), "claimReviewed")
        if not claim:
            raise ValueError("claimReviewed is missing or empty; a ClaimReview without the claim cannot be matched")
        rating = fields.first(obj.get("reviewRating"))
        if rating is not None and not isinstance(rating, dict):
            raise ValueError(f"reviewRating must be an object, got {type(rating).__name__}")
        rating = rating or {}
        item = fields.first(obj.get("itemReviewed"))
        item = item if isinstance(item, dict) else {}
        appearance = fields.first(item.get("appearance") or item.get("firstAppearance"))
        if isinstance(appearance, dict):
            appearance = appearance.get("url")
        if not (isinstance(appearance, str) and appearance.startswith(("http://", "https://"))):
            appearance = None
        language = fields.language(obj.get("inLanguage"))
        url = fields.url(obj.get("url"))
        return NewFactCheck(
            key=fields.claim_key(url, claim, language),
            claim=claim,
            format="claimreview",
            external_id=fields.text(obj["@id"], "@id") if isinstance(obj.get("@id"), str) else None,
            verdict=fields.text(rating.get("alternateName") or rating.get("name"), "reviewRating.alternateName"),
            rating_value=fields.text(rating.get("ratingValue"), "reviewRating.ratingValue"),
            rebuttal=fields.text(obj.get("reviewBody") or obj.get("description"), "reviewBody", paragraphs=True),
            headline=fields.text(obj.get("headline") or obj.get("name"), "headline"),
            url=url,
            publisher=fields.person(obj.get("author")) or fields.person(obj.get("publisher")),
            language=language,
            date=fields.date(obj.get("datePublished")),
            claim_author=fields.person(item.get("author")),
            appearance=appearance,
        )
    except ValueError as exc:
        return RejectedRecord(position, str(exc), fields.raw(obj))


def _load(source: str, position: str) -> Any:
    """``json.loads`` that reports nesting too deep for Python as a ValueError with a reason."""
    try:
        doc = json.loads(source)
    except RecursionError:
        doc = None
    else:
        if not fields.too_deep(doc):
            return doc
    raise ValueError(fields.too_deep_reason(position))


def _documents(content: str, name: str) -> Iterator[tuple[str, Any] | RejectedRecord]:
    """``(position, parsed JSON)`` of each document in the file, or a rejection for a bad one."""
    stripped = content.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        blocks = _LDJSON_RE.findall(stripped)
        if not blocks:
            raise InputError(f"{name}: {_markup_kind(stripped)}; {READS}.")
        for i, block in enumerate(blocks, 1):
            try:
                yield f"script {i}", _load(block, f"script {i}")
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                yield RejectedRecord(f"script {i}", f"invalid JSON-LD: {exc}", excerpt(block))
        return
    try:
        yield "document", _load(stripped, "the document")
        return
    except json.JSONDecodeError:
        pass  # not one document: JSON lines, one ClaimReview (or graph) per line
    except ValueError as exc:
        yield RejectedRecord("document", str(exc), excerpt(stripped))
        return
    seen = False
    for n, line in enumerate(stripped.splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = _load(line, f"line {n}")
        except json.JSONDecodeError as exc:
            if not seen:
                raise InputError(f"{name} is not JSON, JSON lines or HTML with JSON-LD ({exc}); "
                                 "pass --format to say what it is.") from None
            yield RejectedRecord(f"line {n}", f"invalid JSON: {exc}", excerpt(line))
            continue
        except ValueError as exc:  # valid JSON, nested too deep
            seen = True
            yield RejectedRecord(f"line {n}", str(exc), excerpt(line))
            continue
        seen = True
        yield f"line {n}", doc


def parse_claimreviews(content: str, *, name: str) -> Iterator[Parsed]:
    """Every ClaimReview in ``content`` (decoded text of the file ``name``)."""
    for found in _documents(content, name):
        if isinstance(found, RejectedRecord):
            yield found
            continue
        where, doc = found
        reviews = list(_walk(doc))
        if not reviews and isinstance(doc, dict) and "claimReviewed" in doc:
            reviews = [doc]  # "@type" missing but plainly a ClaimReview
        for i, obj in enumerate(reviews, 1):
            yield parse_claimreview(obj, f"{where} item {i}" if len(reviews) > 1 else where)
        if not reviews:
            yield RejectedRecord(where, "no object with @type ClaimReview", fields.raw(doc))
