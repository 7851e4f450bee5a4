"""Analyst review of candidate matches: an automatic match is a candidate until someone confirms it.

``decide_match`` records who decided what and when (issue 6 item 5); cards and calibration read
the decisions back with ``store.list_reviews``.
"""

from __future__ import annotations

import getpass
import os
import re

from factwatch.errors import InputError
from factwatch.models import Review
from factwatch.store import Store

__all__ = ["decide_match", "parse_match_id", "reviewer_name"]

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
