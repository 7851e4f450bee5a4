"""Read-only queries that the dashboard needs across tables (claims with their documents and matches).

Nothing here writes: each method is one SELECT (or two) shaped for a page, returning frozen
records. The tables belong to the stages that write them (claims, match, fact import).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from factwatch.errors import NotFoundError
from factwatch.models import ClaimCopy, ClaimMatchRow, ClaimRow

# The best (lowest-rank) match of each claim; `addressed` and `probability` are the claim-level
# decision, the same on every rank, so reading them from rank 1 is exact. `probability` is the
# number shown beside "candidate fact-check": `score` is the re-ranker's, which only orders the
# candidates (showing it beside "addressed" put 0.07 next to an addressed row; issue 6).
_BEST_MATCH = "(SELECT MIN(rank) FROM claim_matches WHERE claim_id = c.id)"
_CLAIM_SELECT = f"""
SELECT c.id, c.document_id, c.start, c."end", c.text, c.language, c.latin_key, c.score,
       d.source, d.title, d.published_at, d.url AS document_url,
       COALESCE(m.addressed, 0) AS addressed,
       m.score AS match_score, m.target AS match_target, m.fact_check_id AS match_fact_check_id,
       m.fact_id AS match_fact_id,
       COALESCE(fc.claim, f.statement) AS match_claim, fc.verdict AS match_verdict,
       COALESCE(fc.publisher, f.source) AS match_publisher, COALESCE(fc.url, f.url) AS match_url,
       m.stance, m.probability,
       rd.decision AS review_decision, rd.reviewer, rd.decided_at AS reviewed_at, rd.note AS review_note
FROM claims c
JOIN documents d ON d.id = c.document_id
LEFT JOIN claim_matches m ON m.claim_id = c.id AND m.rank = {_BEST_MATCH}
LEFT JOIN fact_checks fc ON m.target = 'fact_check' AND fc.id = m.fact_check_id
LEFT JOIN facts f ON m.target = 'fact' AND f.id = m.fact_id
LEFT JOIN review_decisions rd
       ON rd.claim_id = c.id AND rd.target = m.target AND rd.target_id = COALESCE(m.fact_check_id, m.fact_id)
"""

# The review status of a claim is the decision on its best match's pair; "pending": addressed
# and undecided (what `review list` offers). The same conditions filter the list and its count.
_DECIDED = ("EXISTS (SELECT 1 FROM claim_matches b JOIN review_decisions r ON r.claim_id = b.claim_id"
            " AND r.target = b.target AND r.target_id = COALESCE(b.fact_check_id, b.fact_id)"
            f" WHERE b.claim_id = c.id AND b.rank = {_BEST_MATCH}"
            " AND r.decision = ?)")
_PENDING = ("EXISTS (SELECT 1 FROM claim_matches b WHERE b.claim_id = c.id AND b.addressed = 1"
            f" AND b.rank = {_BEST_MATCH} AND NOT EXISTS (SELECT 1 FROM review_decisions r"
            " WHERE r.claim_id = b.claim_id AND r.target = b.target"
            " AND r.target_id = COALESCE(b.fact_check_id, b.fact_id)))")
REVIEW_FILTERS = ("pending", "confirmed", "rejected")


def _claim_row(r: sqlite3.Row) -> ClaimRow:
    d = dict(r)
    d["addressed"] = bool(d["addressed"])
    return ClaimRow(**d)


class ViewsMixin:
    """Mixed into SQLiteStore; uses its ``_query`` helper."""

    _query: Any  # provided by SQLiteStore

    @staticmethod
    def _claim_filter(
        *, addressed: bool | None, language: str | None, source: str | None, query: str | None,
        query_key: str | None, since: str | None = None, review: str | None = None, stance: str | None = None,
    ) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if review == "pending":
            where.append(_PENDING)
        elif review is not None:
            where.append(_DECIDED)
            params.append(review)
        if stance is not None:
            where.append(f"EXISTS (SELECT 1 FROM claim_matches s WHERE s.claim_id = c.id AND s.stance = ?"
                         f" AND s.rank = {_BEST_MATCH})")
            params.append(stance)
        if addressed is not None:
            where.append(("" if addressed else "NOT ")
                         + "EXISTS (SELECT 1 FROM claim_matches a WHERE a.claim_id = c.id AND a.addressed = 1)")
        if language:
            where.append("c.language = ?")
            params.append(language)
        if source:
            where.append("d.source = ?")
            params.append(source)
        if since:
            # The date the list is ordered by: publication, else ingestion (ISO text compares in order).
            where.append("COALESCE(d.published_at, d.ingested_at) >= ?")
            params.append(since)
        if query:
            # Substring of the sentence as written, or of its Latin key (so a Latin query finds
            # a Cyrillic claim). LIKE wildcards in the query are taken literally.
            def like(value: str) -> str:
                return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

            clause = "c.text LIKE ? ESCAPE '\\'"
            params.append(like(query))
            if query_key:
                clause += " OR c.latin_key LIKE ? ESCAPE '\\'"
                params.append(like(query_key))
            where.append(f"({clause})")
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def list_claim_rows(
        self, *, addressed: bool | None = None, language: str | None = None, source: str | None = None,
        query: str | None = None, query_key: str | None = None, since: str | None = None, limit: int = 50,
        offset: int = 0, review: str | None = None, stance: str | None = None,
    ) -> list[ClaimRow]:
        """Claims newest document first, filtered; ``query_key`` is the Latin key of ``query``;
        ``review``: pending|confirmed|rejected (the decision on the best match); ``stance``: the
        stored stance of the best match."""
        where, params = self._claim_filter(
            addressed=addressed, language=language, source=source, query=query, query_key=query_key, since=since,
            review=review, stance=stance)
        rows = self._query(
            f"{_CLAIM_SELECT}{where} ORDER BY COALESCE(d.published_at, d.ingested_at) DESC, c.id DESC"
            " LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_claim_row(r) for r in rows]

    def count_claim_rows(
        self, *, addressed: bool | None = None, language: str | None = None, source: str | None = None,
        query: str | None = None, query_key: str | None = None, review: str | None = None,
        stance: str | None = None,
    ) -> int:
        where, params = self._claim_filter(
            addressed=addressed, language=language, source=source, query=query, query_key=query_key,
            review=review, stance=stance)
        return self._query(f"SELECT COUNT(*) FROM claims c JOIN documents d ON d.id = c.document_id{where}",
                           params)[0][0]

    def get_claim_row(self, claim_id: int) -> ClaimRow:
        rows = self._query(f"{_CLAIM_SELECT} WHERE c.id = ?", (claim_id,))
        if not rows:
            raise NotFoundError(f"No claim {claim_id}; /claims lists the claims `factwatch analyze` extracted.")
        return _claim_row(rows[0])

    def document_claim_rows(self, document_id: int) -> list[ClaimRow]:
        """The claims of one document in reading order, with their best match."""
        rows = self._query(f"{_CLAIM_SELECT} WHERE c.document_id = ? ORDER BY c.start", (document_id,))
        return [_claim_row(r) for r in rows]

    def claim_languages(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT language FROM claims ORDER BY language")]

    def claim_sources(self) -> list[str]:
        return [r[0] for r in self._query(
            "SELECT DISTINCT d.source FROM claims c JOIN documents d ON d.id = c.document_id ORDER BY d.source")]

    def claim_match_rows(self, claim_id: int) -> list[ClaimMatchRow]:
        """The stored top-k matches of a claim, best first, with what each points at."""
        rows = self._query(
            "SELECT m.rank, m.target, m.score, m.addressed, m.matched_text, m.fact_check_id, m.fact_id,"
            " COALESCE(fc.claim, f.statement) AS claim, fc.verdict,"
            " COALESCE(fc.publisher, f.source) AS publisher, COALESCE(fc.language, f.language) AS language,"
            " COALESCE(fc.date, f.date) AS date, COALESCE(fc.url, f.url) AS url, fc.rebuttal,"
            " m.stance, m.probability, rd.decision AS review_decision, rd.reviewer, rd.decided_at AS reviewed_at,"
            " rd.note AS review_note"
            " FROM claim_matches m"
            " LEFT JOIN fact_checks fc ON m.target = 'fact_check' AND fc.id = m.fact_check_id"
            " LEFT JOIN facts f ON m.target = 'fact' AND f.id = m.fact_id"
            " LEFT JOIN review_decisions rd ON rd.claim_id = m.claim_id AND rd.target = m.target"
            " AND rd.target_id = COALESCE(m.fact_check_id, m.fact_id)"
            " WHERE m.claim_id = ? ORDER BY m.rank",
            (claim_id,),
        )
        return [ClaimMatchRow(**{**dict(r), "addressed": bool(r["addressed"])}) for r in rows]

    def claim_copies(self, latin_key: str, *, exclude_claim_id: int | None = None, limit: int = 50) -> list[ClaimCopy]:
        """Other claims with the same Latin-key sentence, first seen first."""
        rows = self._query(
            "SELECT c.id AS claim_id, c.document_id, d.source, d.title, d.published_at, c.language"
            " FROM claims c JOIN documents d ON d.id = c.document_id"
            " WHERE c.latin_key = ? AND c.id != ?"
            " ORDER BY COALESCE(d.published_at, d.ingested_at), d.id LIMIT ?",
            (latin_key, -1 if exclude_claim_id is None else exclude_claim_id, limit),
        )
        return [ClaimCopy(**dict(r)) for r in rows]
