"""Analyst review of candidate matches: an automatic match is a candidate until someone confirms it.

``decide_match`` records who decided what and when (issue 6 item 5); cards and calibration read
the decisions back with ``store.list_reviews``.
"""

from __future__ import annotations

import getpass
import os
import re

from typing import TYPE_CHECKING

from factwatch.errors import InputError, NotFoundError
from factwatch.models import ClaimMatchRow, Review
from factwatch.store import Store

if TYPE_CHECKING:
    from factwatch.respond.cards import Card

__all__ = ["card_match", "decide_match", "parse_match_id", "reviewed_card", "reviewer_name"]

_MATCH_ID = re.compile(r"(\d+)(?:\.(\d+))?")


def parse_match_id(text: str) -> tuple[int, int]:
    """``"12.2"`` -> (claim 12, rank 2); a bare ``"12"`` is the claim's best candidate (rank 1)."""
    found = _MATCH_ID.fullmatch(text.strip())
    if not found:
        raise InputError(
            f"A match id is CLAIM_ID.RANK, such as 12.1 (or 12 for the best candidate); got {text!r}. "
            "`factwatch review list` shows them.")
    return int(found.group(1)), int(found.group(2) or 1)


def reviewer_name() -> str:
    """Who decides: $FACTWATCH_USER, else the operating-system user."""
    name = os.environ.get("FACTWATCH_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user with no passwd entry and no $USER
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def decide_match(
    store: Store, match_id: str, *, decision: str, note: str | None = None, reviewer: str | None = None,
) -> Review:
    """Record ``decision`` ("confirmed" or "rejected") on the candidate ``match_id``."""
    claim_id, rank = parse_match_id(match_id)
    note = (note or "").strip() or None
    return store.add_review(claim_id, rank, decision=decision, reviewer=reviewer or reviewer_name(), note=note)


def card_match(matches: list[ClaimMatchRow]) -> ClaimMatchRow | None:
    """The match a claim's card is built on, with the decision in force on its pair: the best one
    (lowest rank), a fact-check or a fact, as build_card, the claim list and the review queue take
    it. Taking the first fact-check instead let a decision on rank 1 (a fact) miss the card, and a
    decision on a lower-ranked fact-check decide a card that is not about it."""
    return min(matches, key=lambda m: m.rank, default=None)


def reviewed_card(store: Store, claim_id: int, *, matches: list[ClaimMatchRow] | None = None,
                  use_llm: bool | None = None) -> Card:
    """The claim's card as the review stands: confirmed when an analyst confirmed its fact-check,
    else a candidate's (drafts marked so). A rejected candidate gets no card: its drafts would
    answer a claim the fact-check does not address (NotFoundError says who rejected it)."""
    from factwatch.respond.cards import build_card

    if matches is None:
        store.get_claim(claim_id)  # an unknown claim is named before anything else
        matches = store.claim_match_rows(claim_id)
    top = card_match(matches)
    if top is not None and top.review_decision == "rejected":
        what = "fact" if top.target == "fact" else "fact-check"
        raise NotFoundError(
            f"No card for claim {claim_id}: {top.reviewer} rejected its candidate {what} on "
            f"{(top.reviewed_at or '?')[:10]}. `factwatch review confirm {claim_id}.{top.rank}` reverses that.")
    return build_card(store, claim_id, confirmed=bool(top and top.review_decision == "confirmed"), use_llm=use_llm)
