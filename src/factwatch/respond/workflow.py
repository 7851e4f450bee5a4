"""The analysts' workbench (issue 10): the review queue, claim status, drafts, posted replies and
hand edits of the fact base. The web forms, their ``/api`` forms and tests call these functions;
they validate input and call the store (decisions on matches go through ``respond/review.py``,
promotion of candidate narratives through ``analysis/discovery.py``: nothing is done twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from factwatch.analysis.discovery import MIN_SIZE, Candidate, candidates, promote_candidate
from factwatch.errors import InputError, NotFoundError
from factwatch.ingest._factfields import claim_key, key
from factwatch.models import Fact, FactCheck, NewFact, NewFactCheck, ReviewCandidate
from factwatch.respond.cards import SHORT_LIMIT
from factwatch.respond.review import decide_match
from factwatch.store import Store
from factwatch.store._workflow import (
    CLAIM_STATUSES,
    FACT_CHECK_FIELDS,
    FACT_FIELDS,
    ClaimState,
    PendingLabel,
    ReplyDraft,
    ReplyPost,
)
from factwatch.text.script import latin_key

__all__ = ["QUEUE_KINDS", "ReviewQueue", "decide", "review_queue", "set_claim_status", "save_draft", "record_post",
           "add_fact_check", "edit_fact_check", "add_fact", "edit_fact", "fact_check_from_claim"]

QUEUE_KINDS = ("match", "narrative", "candidate")
DECISIONS = ("confirmed", "rejected")
NOTE_MAX = 2000
LONG_MAX = 10_000
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
MAX_ID = 2**63 - 1
# DOCUMENT[.CLAIM]:NARRATIVE; the narrative id goes last because catalogue ids may hold ':'.
_NARRATIVE_ITEM = re.compile(r"^(\d+)(?:\.(\d+))?:([A-Za-z0-9._:-]{1,128})$")


@dataclass(frozen=True, slots=True)
class ReviewQueue:
    """What waits for a decision, by kind, with how many of each there are."""

    matches: list[ReviewCandidate] = field(default_factory=list)
    labels: list[PendingLabel] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    limit: int = 50  # each kind's list is counts[kind] items paged by limit and offset
    offset: int = 0

    def next_offset(self, kind: str) -> int | None:
        """Where the next page of ``kind`` starts (None on its last page)."""
        end = self.offset + self.limit
        return end if end < self.counts.get(kind, 0) else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "matches": [{**_plain(m), "item_id": m.match_id} for m in self.matches],
            "narrative_labels": [{**l.as_dict(), "item_id": narrative_item_id(l)} for l in self.labels],
            "candidate_narratives": [{**c.as_dict(), "item_id": str(c.id)} for c in self.candidates],
            "counts": self.counts, "limit": self.limit, "offset": self.offset,
            "next_offset": {k: self.next_offset(k) for k in QUEUE_KINDS},
        }


def _plain(obj: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(obj)


def narrative_item_id(label: PendingLabel) -> str:
    """``DOCUMENT:NARRATIVE`` or ``DOCUMENT.CLAIM:NARRATIVE``: what ``decide`` takes for a label."""
    claim = f".{label.claim_id}" if label.claim_id is not None else ""
    return f"{label.document_id}{claim}:{label.narrative_id}"


def open_candidates(store: Store, *, limit: int = 50, offset: int = 0) -> list[Candidate]:
    """Open candidate narratives no analyst has rejected, largest first, from ``offset``."""
    rejected = {k for k, d in store.candidate_decisions().items() if d == "rejected"}
    listed = candidates(store, min_size=MIN_SIZE, limit=offset + limit + len(rejected))
    return [c for c in listed if c.id not in rejected][offset:offset + limit]


def review_queue(store: Store, *, kind: str | None = None, limit: int = 50, offset: int = 0) -> ReviewQueue:
    """Items ``offset`` to ``offset + limit`` of each kind waiting for a decision (of one
    ``kind``, or of all three), with how many of each wait in all."""
    if kind is not None and kind not in QUEUE_KINDS:
        raise InputError(f"kind is one of {', '.join(QUEUE_KINDS)}, not {kind!r}.")
    want = set(QUEUE_KINDS) if kind is None else {kind}
    matches = store.review_candidates(status="pending", limit=limit, offset=offset) if "match" in want else []
    labels = store.pending_narrative_labels(limit=limit, offset=offset) if "narrative" in want else []
    cands = open_candidates(store, limit=limit, offset=offset) if "candidate" in want else []
    counts = {
        "match": store.count_pending_matches() if "match" in want else 0,
        "narrative": store.count_pending_narrative_labels() if "narrative" in want else 0,
        "candidate": store.count_open_candidates(min_size=MIN_SIZE) if "candidate" in want else 0,
    }
    return ReviewQueue(matches=matches, labels=labels, candidates=cands, counts=counts, limit=limit, offset=offset)


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InputError(f"The note is {len(note)} characters; keep it under {NOTE_MAX}.")
    return note or None


def decide(store: Store, kind: str, item_id: str, decision: str, *, who: str, note: str | None = None,
           title: str | None = None) -> dict[str, Any]:
    """Confirm or reject one queue item; returns the stored decision (who and when included).

    ``match``: item ``CLAIM.RANK``; ``narrative``: ``DOCUMENT[.CLAIM]:NARRATIVE``; ``candidate``:
    the candidate's id (confirming promotes it to a narrative, titled ``title`` if given)."""
    if decision not in DECISIONS:
        raise InputError(f"decision is confirmed or rejected, not {decision!r}.")
    # Ids beyond SQLite's 64-bit integers name nothing (the driver would overflow: a 500).
    if any(int(n) > MAX_ID for n in re.findall(r"\d+", item_id)):
        raise NotFoundError(f"No {kind} item {item_id[:40]!r}; /api/review lists the items and their ids.")
    note = _note(note)
    if kind == "match":
        return decide_match(store, item_id, decision=decision, note=note, reviewer=who).as_dict()
    if kind == "narrative":
        found = _NARRATIVE_ITEM.match(item_id.strip())
        if not found:
            raise InputError(f"A narrative label is DOCUMENT[.CLAIM]:NARRATIVE, such as 12:ru-kosovo or "
                             f"12.40:ru-kosovo; got {item_id[:80]!r}. /api/review gives each label's item_id.")
        claim = int(found.group(2)) if found.group(2) else None
        return store.add_narrative_review(int(found.group(1)), found.group(3), decision=decision, reviewer=who,
                                          claim_id=claim, note=note).as_dict()
    if kind == "candidate":
        if not item_id.strip().isdigit():
            raise InputError(f"A candidate narrative id is a number; got {item_id!r}.")
        cluster = int(item_id)
        narrative_id = None
        if decision == "confirmed":
            narrative_id = promote_candidate(store, cluster, title=(title or "").strip() or None).id
        return store.add_candidate_review(cluster, decision=decision, reviewer=who, note=note,
                                          narrative_id=narrative_id).as_dict()
    raise InputError(f"kind is one of {', '.join(QUEUE_KINDS)}, not {kind!r}.")


def set_claim_status(store: Store, claim_id: int, *, status: str, assignee: str | None, who: str,
                     note: str | None = None) -> ClaimState:
    status = status.strip().lower().replace(" ", "_")
    if status not in CLAIM_STATUSES:
        raise InputError(f"status is one of {', '.join(CLAIM_STATUSES)}, not {status!r}.")
    assignee = (assignee or "").strip() or None
    if assignee is not None and (len(assignee) > 100 or not assignee.isprintable()):
        raise InputError("assignee is a user name: printable, at most 100 characters.")
    return store.set_claim_state(claim_id, status=status, assignee=assignee, changed_by=who, note=_note(note))


def save_draft(store: Store, claim_id: int, kind: str, text: str, *, who: str) -> ReplyDraft:
    """Store the analyst's edit of the short or long draft (short: at most 280 characters)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InputError("The draft is empty; write the reply or leave the generated one.")
    limit = SHORT_LIMIT if kind == "short" else LONG_MAX
    if len(text) > limit:
        raise InputError(f"The {kind} draft is {len(text)} characters; keep it to {limit}"
                         + (" (a reply on X)." if kind == "short" else "."))
    return store.save_reply_draft(claim_id, kind, text, edited_by=who)


def parse_when(value: str | None) -> str:
    """An ISO date or timestamp as UTC ``YYYY-MM-DDTHH:MM:SSZ``; empty means now."""
    value = (value or "").strip()
    if not value:
        return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        # 0001-01-01T00:00+01:00 falls before year 1 in UTC: OverflowError, not ValueError.
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError):
        raise InputError(f"posted_at={value[:40]!r} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM.") from None


def check_url(url: str | None, *, name: str = "url") -> str:
    url = (url or "").strip()
    if not _URL.match(url) or len(url) > 2000:
        raise InputError(f"{name} must be an http(s) URL (such as https://x.com/team/status/1); got {url[:80]!r}.")
    return url


def record_post(store: Store, claim_id: int, url: str, *, who: str, posted_at: str | None = None,
                note: str | None = None) -> ReplyPost:
    """Record where a reply went; a claim answered this way is ``responded`` (its assignee stays)."""
    post = store.add_reply_post(claim_id, check_url(url), posted_at=parse_when(posted_at), posted_by=who,
                                note=_note(note))
    state = store.claim_state(claim_id)
    if state.status != "responded":
        store.set_claim_state(claim_id, status="responded", assignee=state.assignee, changed_by=who,
                              note=f"reply posted at {post.url}")
    return post


# -- the fact base -------------------------------------------------------------------------------

def _fields(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in allowed:
        if name in values:
            v = values[name]
            v = None if v is None else str(v).strip() or None
            if v is not None and len(v) > (LONG_MAX if name in ("rebuttal", "statement", "claim") else 500):
                raise InputError(f"{name} is too long ({len(v)} characters).")
            out[name] = v
    if out.get("url") is not None:
        out["url"] = check_url(out["url"])
    if out.get("language") is not None:
        lang = out["language"].lower()  # type: ignore[union-attr]
        if not re.fullmatch(r"[a-z]{2,3}", lang):
            raise InputError(f"language={lang!r} is not a language code; use e.g. sr, hr, sq, mk, en.")
        out["language"] = lang
    return out


def add_fact_check(store: Store, values: dict[str, Any], *, who: str, from_claim_id: int | None = None) -> FactCheck:
    f = _fields(values, FACT_CHECK_FIELDS)
    claim = f.get("claim")
    if not claim:
        raise InputError("A fact-check needs the claim it checks.")
    row = NewFactCheck(key=claim_key(f.get("url"), claim, f.get("language")), claim=claim, format="manual",
                       verdict=f.get("verdict"), rebuttal=f.get("rebuttal"), headline=f.get("headline"),
                       url=f.get("url"), publisher=f.get("publisher"), language=f.get("language"), date=f.get("date"))
    return store.create_fact_check(row, editor=who, from_claim_id=from_claim_id)


def edit_fact_check(store: Store, fact_check_id: int, values: dict[str, Any], *, who: str) -> FactCheck:
    f = _fields(values, FACT_CHECK_FIELDS)
    if "claim" in f and not f["claim"]:
        raise InputError("A fact-check's claim cannot be empty.")
    return store.update_fact_check(fact_check_id, f, editor=who)


def add_fact(store: Store, values: dict[str, Any], *, who: str) -> Fact:
    f = _fields(values, FACT_FIELDS)
    statement = f.get("statement")
    if not statement:
        raise InputError("A fact needs its statement.")
    row = NewFact(key=key("fact", f.get("url"), latin_key(statement, f.get("language") or "und")), statement=statement,
                  source=f.get("source"), url=f.get("url"), date=f.get("date"), language=f.get("language"))
    return store.create_fact(row, editor=who)


def edit_fact(store: Store, fact_id: int, values: dict[str, Any], *, who: str) -> Fact:
    f = _fields(values, FACT_FIELDS)
    if "statement" in f and not f["statement"]:
        raise InputError("A fact's statement cannot be empty.")
    return store.update_fact(fact_id, f, editor=who)


def fact_check_from_claim(store: Store, claim_id: int) -> dict[str, str | None]:
    """The add form's values prefilled from a claim nothing in the fact base addresses."""
    c = store.get_claim(claim_id)
    return {"claim": c.text, "language": c.language}
