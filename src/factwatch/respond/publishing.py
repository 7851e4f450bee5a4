"""Publishing a response card: the team's counter-message, public at ``/public/cards/{claim id}``.

Only a card whose match an analyst confirmed, and that has a draft, can be published: a public
page must not answer a claim with a fact-check nobody checked. The published text is the team's
edited draft where one was saved (the workbench's draft box), else the generated one. What is
stored is a snapshot, so a later match run cannot change a public text behind the team's back.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from factwatch.errors import InputError
from factwatch.export.claimreview import claim_review
from factwatch.respond.review import reviewed_card
from factwatch.store import Store
from factwatch.store._accounts import PublishedCard

DEFAULT_PUBLISHER = "factwatch"


def publisher_name() -> str:
    """The organisation named as the ClaimReview's author: $FACTWATCH_PUBLISHER, else "factwatch"."""
    return os.environ.get("FACTWATCH_PUBLISHER", "").strip() or DEFAULT_PUBLISHER


def publish_card(store: Store, claim_id: int, *, who: str) -> PublishedCard:
    card = reviewed_card(store, claim_id, use_llm=False)
    if not card.confirmed:
        raise InputError(f"Claim {claim_id}'s fact-check is a candidate: confirm the match first (review queue, or "
                         f"`factwatch review confirm {claim_id}.RANK`); only confirmed cards are published.")
    if not card.draft:
        raise InputError(f"Claim {claim_id}'s card has no draft to publish: {card.no_draft_reason or 'none was made'}.")
    edited = store.reply_drafts(claim_id)
    long = edited["long"].text if "long" in edited else card.draft
    short = edited["short"].text if "short" in edited else card.draft_short
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    fs = card.first_seen or {}
    # Only what the public page shows: no reach figures, review notes or internal ids beyond the claim.
    snapshot: dict[str, Any] = {
        "claim_id": card.claim_id, "quote": card.quote, "language": card.language,
        "draft_language": card.draft_language, "verdict": card.verdict, "text": long, "short": short,
        "source": card.source, "document_url": card.document_url, "published_at": card.published_at,
        "first_seen": {k: fs.get(k) for k in ("date", "source", "url")},
        "fact_check": ({k: card.fact_check.get(k) for k in ("claim", "url", "publisher", "date")}
                       if card.fact_check else None),
        "facts": [{"statement": f.statement, "source": f.source, "url": f.url, "date": f.date} for f in card.facts],
    }
    review = claim_review(card, body=long, publisher=publisher_name(), date_published=now)
    return store.publish_card(claim_id, language=card.draft_language or card.language, card=snapshot,
                              claim_review=review, who=who)
