"""A response card as schema.org ClaimReview: the markup fact-check aggregators read.

https://schema.org/ClaimReview: ``claimReviewed`` is the claim as it circulates, ``itemReviewed``
the Claim with where it appeared (first and in this document), ``reviewRating.alternateName`` the
verdict in words, ``reviewBody`` the team's response, ``citation`` the fact-check and facts it
rests on. The URL of the public page is added where the card is served, not stored, so the
snapshot stays valid when the site moves.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from factwatch.respond.cards import Card
from factwatch.store import Store

CONTEXT = "https://schema.org"
_PAGE = 500  # rows read from the store at a time


def _work(url: str | None, date: str | None = None, name: str | None = None) -> dict[str, Any] | None:
    if not url and not name:
        return None
    out: dict[str, Any] = {"@type": "CreativeWork"}
    if url:
        out["url"] = url
    if date:
        out["datePublished"] = date
    if name:
        out["publisher"] = {"@type": "Organization", "name": name}
    return out


def claim_review(card: Card, *, body: str, publisher: str, date_published: str) -> dict[str, Any]:
    """The ClaimReview of ``card``, answered with ``body`` (the published text) by ``publisher``."""
    fs = card.first_seen or {}
    appearances = [w for w in (_work(card.document_url, card.published_at, card.source),) if w]
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearances}
    first = _work(fs.get("url"), fs.get("date"), fs.get("source"))
    if first:
        item["firstAppearance"] = first
    if fs.get("date"):
        item["datePublished"] = fs["date"]
    citations = []
    if card.fact_check and card.fact_check.get("url"):
        fc = card.fact_check
        citations.append({k: v for k, v in {
            "@type": "CreativeWork", "url": fc["url"], "headline": fc.get("claim"),
            "publisher": {"@type": "Organization", "name": fc["publisher"]} if fc.get("publisher") else None,
            "datePublished": fc.get("date")}.items() if v})
    for fact in card.facts:
        if fact.url:
            citations.append({k: v for k, v in {
                "@type": "CreativeWork", "url": fact.url, "text": fact.statement,
                "publisher": {"@type": "Organization", "name": fact.source} if fact.source else None,
                "datePublished": fact.date}.items() if v})
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "datePublished": date_published,
        "inLanguage": card.language,
        "author": {"@type": "Organization", "name": publisher},
        "claimReviewed": card.quote,
        "itemReviewed": item,
        "reviewBody": body,
    }
    if card.verdict:
        review["reviewRating"] = {"@type": "Rating", "alternateName": card.verdict}
    if citations:
        review["citation"] = citations
    return review


# What could end a <script> element or open a comment inside it, written as JSON escapes: the
# JSON means the same, and the HTML parser never sees "</script>" or "<!--" (as Django's json_script).
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_ld(obj: Any) -> Markup:
    """``obj`` as JSON that is safe as the text of ``<script type="application/ld+json">``.

    Markup (not ``| safe`` on template data): the only characters HTML treats specially inside a
    script element are escaped here, and the check below keeps it so.
    """
    text = json.dumps(obj, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)
    assert "<" not in text and ">" not in text
    return Markup(text)


def claim_reviews(store: Store) -> list[dict[str, Any]]:
    """Every card an analyst stands behind, as ClaimReview, in claim id order.

    A published card is its snapshot (what the public page carries, dated when it was published);
    a card whose match an analyst confirmed but nobody published yet is built as publishing would
    build it (the edited long draft, else the generated one), dated when the match was confirmed.
    Candidates are left out: a ClaimReview states a verdict, and nobody has checked theirs.
    """
    from factwatch.respond.publishing import publisher_name
    from factwatch.respond.review import reviewed_card
    from factwatch.store._workflow import TriageQuery

    out: dict[int, dict[str, Any]] = {}
    total = store.count_published_cards()
    for offset in range(0, total, _PAGE):
        for pub in store.list_published_cards(limit=_PAGE, offset=offset):
            out[pub.claim_id] = pub.claim_review
    query, offset = TriageQuery(match="confirmed"), 0
    while True:
        page = store.triage_claims(query, limit=_PAGE, offset=offset)
        for row in page.rows:
            claim = row.claim
            if claim.id in out:
                continue
            card = reviewed_card(store, claim.id, use_llm=False)
            if not card.confirmed:
                continue
            edited = store.reply_drafts(claim.id)
            body = edited["long"].text if "long" in edited else card.draft
            review = claim_review(card, body=body, publisher=publisher_name(),
                                  date_published=claim.reviewed_at or "")
            if not body:
                del review["reviewBody"]  # a fact-only card has no rebuttal; the citations still stand
            out[claim.id] = review
        offset += len(page.rows)
        if not page.rows or offset >= page.total:
            break
    return [out[k] for k in sorted(out)]
