"""``/public/cards``, ``/public/cards/{claim id}`` and ``/public/feed.atom``: no login needed.

Only what an analyst published is here (table ``published_cards``); any other id, published or
never, answers the same 404, so the pages say nothing about what exists behind the login. A card
page is in the claim's language (``<html lang>``, the published text, labels where we have them)
and carries its schema.org ClaimReview as JSON-LD, the markup fact-check aggregators read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from factwatch.export.claimreview import json_ld
from factwatch.respond.publishing import publisher_name
from factwatch.store import Store
from factwatch.store._accounts import PublishedCard
from factwatch.web._params import get_store
from factwatch.web._render import render

router = APIRouter()

FEED_ENTRIES = 50
NOT_PUBLISHED = "No published card here. Published responses are listed at /public/cards."

# The few words of the card page, per draft language; others fall back to English.
LABELS: dict[str, dict[str, str]] = {
    "en": {"claim": "Claim", "verdict": "Fact-check verdict", "response": "Our response", "facts": "Facts",
           "sources": "Sources", "published": "Published", "seen": "First seen", "all": "All published responses"},
    "sr-Latn": {"claim": "Tvrdnja", "verdict": "Ocena provere činjenica", "response": "Naš odgovor",
                "facts": "Činjenice", "sources": "Izvori", "published": "Objavljeno", "seen": "Prvi put viđeno",
                "all": "Svi objavljeni odgovori"},
    "sr-Cyrl": {"claim": "Тврдња", "verdict": "Оцена провере чињеница", "response": "Наш одговор",
                "facts": "Чињенице", "sources": "Извори", "published": "Објављено", "seen": "Први пут виђено",
                "all": "Сви објављени одговори"},
    "hr": {"claim": "Tvrdnja", "verdict": "Ocjena provjere činjenica", "response": "Naš odgovor",
           "facts": "Činjenice", "sources": "Izvori", "published": "Objavljeno", "seen": "Prvi put viđeno",
           "all": "Svi objavljeni odgovori"},
    "sq": {"claim": "Pretendimi", "verdict": "Vlerësimi i verifikimit", "response": "Përgjigjja jonë",
           "facts": "Faktet", "sources": "Burimet", "published": "Publikuar", "seen": "Parë për herë të parë",
           "all": "Të gjitha përgjigjet e publikuara"},
    "mk": {"claim": "Тврдење", "verdict": "Оценка на проверката", "response": "Нашиот одговор",
           "facts": "Факти", "sources": "Извори", "published": "Објавено", "seen": "Прв пат видено",
           "all": "Сите објавени одговори"},
    "ru": {"claim": "Утверждение", "verdict": "Вердикт проверки", "response": "Наш ответ", "facts": "Факты",
           "sources": "Источники", "published": "Опубликовано", "seen": "Впервые замечено",
           "all": "Все опубликованные ответы"},
}
LABELS["bs"] = LABELS["cnr"] = LABELS["hr"]


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language) or LABELS.get(language.split("-")[0]) or LABELS["en"]


def _published(store: Store, claim_id: str) -> PublishedCard:
    # The same 404 for a malformed id, an unknown claim and an unpublished one.
    if not claim_id.isascii() or not claim_id.isdigit() or len(claim_id) > 18:
        raise HTTPException(404, NOT_PUBLISHED)
    pub = store.get_published_card(int(claim_id))
    if pub is None:
        raise HTTPException(404, NOT_PUBLISHED)
    return pub


def card_url(request: Request, claim_id: int) -> str:
    return f"{str(request.base_url).rstrip('/')}/public/cards/{claim_id}"


@router.get("/public", include_in_schema=False)
@router.get("/public/cards", response_class=HTMLResponse, include_in_schema=False)
def public_cards(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    cards = store.list_published_cards(limit=200)
    return render(request, "public_cards.html", page_title="Published responses", cards=cards,
                  publisher=publisher_name())


@router.get("/public/cards/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
def public_card(claim_id: str, request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    pub = _published(store, claim_id)
    review = {**pub.claim_review, "url": card_url(request, pub.claim_id)}
    return render(request, "public_card.html", page_title=pub.card["quote"][:80], pub=pub, c=pub.card,
                  labels=labels_for(pub.language), publisher=publisher_name(), claim_review_json=json_ld(review))


# XML 1.0 forbids these code points; hostile text carrying them must not make the feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: Any) -> str:
    return _NOT_XML.sub("\ufffd", str(text or ""))


def atom_feed(request: Request, cards: list[PublishedCard], *, publisher: str) -> bytes:
    """The published cards as an Atom 1.0 feed (RFC 4287); ElementTree escapes every text."""
    ns = "http://www.w3.org/2005/Atom"
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    ET.register_namespace("", ns)
    base = str(request.base_url).rstrip("/")
    feed = ET.Element(f"{{{ns}}}feed")
    ET.SubElement(feed, f"{{{ns}}}id").text = f"{base}/public/feed.atom"
    ET.SubElement(feed, f"{{{ns}}}title").text = _x(f"{publisher}: published responses")
    updated = cards[0].published_at if cards else datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.SubElement(feed, f"{{{ns}}}updated").text = updated
    ET.SubElement(feed, f"{{{ns}}}link", rel="self", type="application/atom+xml", href=f"{base}/public/feed.atom")
    ET.SubElement(feed, f"{{{ns}}}link", rel="alternate", type="text/html", href=f"{base}/public/cards")
    ET.SubElement(ET.SubElement(feed, f"{{{ns}}}author"), f"{{{ns}}}name").text = _x(publisher)
    for pub in cards:
        c = pub.card
        url = card_url(request, pub.claim_id)
        entry = ET.SubElement(feed, f"{{{ns}}}entry", {xml_lang: pub.language})
        ET.SubElement(entry, f"{{{ns}}}id").text = url
        quote = _x(c.get("quote"))
        ET.SubElement(entry, f"{{{ns}}}title").text = quote if len(quote) <= 140 else quote[:139] + "…"
        ET.SubElement(entry, f"{{{ns}}}updated").text = pub.published_at
        ET.SubElement(entry, f"{{{ns}}}published").text = pub.published_at
        ET.SubElement(entry, f"{{{ns}}}link", rel="alternate", type="text/html", href=url)
        if c.get("verdict"):
            ET.SubElement(entry, f"{{{ns}}}category", term=_x(c["verdict"]))
        ET.SubElement(entry, f"{{{ns}}}summary", type="text").text = _x(c.get("short") or c.get("text"))
        ET.SubElement(entry, f"{{{ns}}}content", type="text").text = _x(c.get("text"))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@router.get("/public/feed.atom", include_in_schema=False)
def public_feed(request: Request, store: Store = Depends(get_store)) -> Response:
    body = atom_feed(request, store.list_published_cards(limit=FEED_ENTRIES), publisher=publisher_name())
    return Response(body, media_type="application/atom+xml; charset=utf-8")
