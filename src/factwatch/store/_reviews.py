"""Analyst decisions on candidate matches (table ``reviews``, migration 005).

Written only by the review service (``respond/review.py``); read by ``review list``, cards and
calibration. A decision is stored against the (claim, fact-check or fact) pair, with the
candidate as it was shown, so it survives the match stage rewriting ``claim_matches``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from factwatch.errors import InputError, NotFoundError
from factwatch.models import REVIEW_DECISIONS, Review, ReviewCandidate
from factwatch.store._clock import utcnow

REVIEW_STATUSES = ("pending", "confirmed", "rejected", "all")

_CANDIDATE_SELECT = """
SELECT m.claim_id, m.rank, c.text AS claim_text, c.language, d.source, m.target,
       COALESCE(m.fact_check_id, m.fact_id) AS target_id,
       COALESCE(fc.claim, f.statement) AS candidate, fc.verdict,
       COALESCE(fc.publisher, f.source) AS publisher, COALESCE(fc.url, f.url) AS url,
       COALESCE(m.probability, m.score) AS probability, m.stance, m.addressed,
       rd.decision, rd.reviewer, rd.decided_at, rd.note
FROM claim_matches m
JOIN claims c ON c.id = m.claim_id
JOIN documents d ON d.id = c.document_id
LEFT JOIN fact_checks fc ON m.target = 'fact_check' AND fc.id = m.fact_check_id
LEFT JOIN facts f ON m.target = 'fact' AND f.id = m.fact_id
LEFT JOIN review_decisions rd
       ON rd.claim_id = m.claim_id AND rd.target = m.target AND rd.target_id = COALESCE(m.fact_check_id, m.fact_id)
"""


def _review(row: sqlite3.Row) -> Review:
    d = dict(row)
    d["evidence"] = json.loads(d.get("evidence") or "{}")
    d["addressed"] = None if d["addressed"] is None else bool(d["addressed"])
    return Review(**d)


def _candidate(row: sqlite3.Row) -> ReviewCandidate:
    d = dict(row)
    d["addressed"] = bool(d["addressed"])
    return ReviewCandidate(match_id=f"{d['claim_id']}.{d['rank']}", **d)


class ReviewsMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    def add_review(
        self, claim_id: int, rank: int, *, decision: str, reviewer: str, note: str | None = None,
    ) -> Review:
        """Record a decision on the claim's current match at ``rank``; returns the stored review."""
        if decision not in REVIEW_DECISIONS:
            raise InputError(f"A decision is one of {', '.join(REVIEW_DECISIONS)}, not {decision!r}.")
        with self._tx() as c:
            match = c.execute(
                "SELECT target, fact_check_id, fact_id, COALESCE(probability, score) AS probability, addressed,"
                " stance, evidence, matched_text FROM claim_matches WHERE claim_id = ? AND rank = ?",
                (claim_id, rank)).fetchone()
            if match is None:
                raise NotFoundError(
                    f"No match {claim_id}.{rank}; `factwatch review list` shows the candidates and their ids "
                    f"(`review list --claim {claim_id}` every candidate of that claim).")
            target_id = match["fact_check_id"] if match["target"] == "fact_check" else match["fact_id"]
            cur = c.execute(
                "INSERT INTO reviews(claim_id, target, target_id, decision, note, reviewer, decided_at, rank,"
                " probability, addressed, stance, evidence, matched_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (claim_id, match["target"], target_id, decision, note, reviewer, utcnow(), rank,
                 match["probability"], match["addressed"], match["stance"], match["evidence"] or "{}",
                 match["matched_text"]))
            review_id = cur.lastrowid
        return self.get_review(review_id)

    def get_review(self, review_id: int) -> Review:
        rows = self._query(
            "SELECT r.*, c.text AS claim_text FROM reviews r JOIN claims c ON c.id = r.claim_id WHERE r.id = ?",
            (review_id,))
        if not rows:
            raise NotFoundError(f"No review {review_id}.")
        return _review(rows[0])

    def list_reviews(
        self, *, claim_ids: Sequence[int] | None = None, decision: str | None = None, latest_only: bool = True,
        limit: int | None = None,
    ) -> list[Review]:
        """Decisions oldest first. ``latest_only``: the one in force on each pair (a later decision on
        the same claim and fact-check supersedes an earlier one); else the whole history."""
        where: list[str] = []
        params: list[Any] = []
        if claim_ids is not None:
            ids = list(claim_ids)
            if not ids:
                return []
            where.append(f"r.claim_id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if decision is not None:
            where.append("r.decision = ?")
            params.append(decision)
        sql = (f"SELECT r.*, c.text AS claim_text FROM {'review_decisions' if latest_only else 'reviews'} r"
               " JOIN claims c ON c.id = r.claim_id")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_review(r) for r in self._query(sql, params)]

    def review_candidates(
        self, *, status: str = "pending", claim_id: int | None = None, limit: int = 50, offset: int = 0,
    ) -> list[ReviewCandidate]:
        """Current matches to review: each addressed claim's best candidate and every decided pair
        (with ``claim_id``: every candidate of that claim), most probable first."""
        if status not in REVIEW_STATUSES:
            raise InputError(f"--status is one of {', '.join(REVIEW_STATUSES)}, not {status!r}.")
        if claim_id is not None:
            where, params = ["m.claim_id = ?"], [claim_id]
        else:
            where, params = ["((m.rank = 1 AND m.addressed = 1) OR rd.id IS NOT NULL)"], []
        if status == "pending":
            where.append("rd.id IS NULL")
        elif status != "all":
            where.append("rd.decision = ?")
            params.append(status)
        order = "m.rank" if claim_id is not None else "COALESCE(m.probability, m.score) DESC, m.claim_id, m.rank"
        rows = self._query(
            f"{_CANDIDATE_SELECT} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset])
        return [_candidate(r) for r in rows]
