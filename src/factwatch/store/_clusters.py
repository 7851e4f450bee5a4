"""Story clusters (tables ``clusters``, ``cluster_members``, ``dedup_signatures``; migration 006).

Written only by the ``dedup`` stage (analysis/dedup.py) through ``save_dedup_batch``; read by
``factwatch clusters``, the dashboard and ``analysis/spread.py`` (a claim's copies and translations).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from factwatch.errors import NotFoundError
from factwatch.models import ClusterMember, ClusterRow, DedupEntry, SpreadDocument
from factwatch.store._clock import utcnow

_CHUNK = 500  # under SQLite's default limit of bound parameters per statement

# Dated members first, in time order; undated ones after, in arrival order (a missing timestamp
# cannot make a document the first appearance).
_TIME_ORDER = "d.published_at IS NULL, d.published_at, d.id"

# Who carried a copy: an outlet or channel (source), or an account within an export (source + author):
# the demo's CSV holds 44 accounts under one source, and a burst of 10 of them is 10 carriers.
_CARRIER = "d.source || char(31) || COALESCE(d.author, '')"

_MEMBER_SELECT = f"""
SELECT m.document_id, m.cluster_id, m.parent_id, m.similarity, m.exact, m.diff,
       d.platform, d.source, s.actor, a.type AS actor_type, d.author, d.url, d.title, d.published_at,
       d.language, d.script
FROM cluster_members m
JOIN documents d ON d.id = m.document_id
LEFT JOIN sources s ON s.name = d.source
LEFT JOIN actors a ON a.name = s.actor
"""

_SPREAD_SELECT = """
SELECT d.id AS document_id, d.platform, d.source, s.actor, d.author, d.url, d.title, d.published_at,
       d.language, d.script, m.cluster_id
FROM documents d
LEFT JOIN sources s ON s.name = d.source
LEFT JOIN cluster_members m ON m.document_id = d.id
"""

# A claim's fact-check match counts for its spread when it is the claim's addressed best match and
# no analyst rejected it, or when an analyst confirmed it (store/_reviews.py).
_DECIDED_FACT_CHECKS = """
SELECT m.claim_id, m.fact_check_id FROM claim_matches m
WHERE m.target = 'fact_check' AND m.fact_check_id IS NOT NULL AND m.addressed = 1 AND m.rank = 1
  AND NOT EXISTS (SELECT 1 FROM review_decisions r WHERE r.claim_id = m.claim_id AND r.target = 'fact_check'
                  AND r.target_id = m.fact_check_id AND r.decision = 'rejected')
UNION
SELECT r.claim_id, r.target_id FROM review_decisions r WHERE r.target = 'fact_check' AND r.decision = 'confirmed'
"""


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _member(row: sqlite3.Row) -> ClusterMember:
    d = dict(row)
    d["exact"] = bool(d["exact"])
    d["diff"] = json.loads(d["diff"] or "[]")
    return ClusterMember(**d)


def _split(value: str | None) -> list[str]:
    return sorted(v for v in (value or "").split(",") if v)


class ClustersMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    # -- the dedup stage's index ----------------------------------------------------------------

    def dedup_index(self, scheme: str) -> list[tuple[int, int, bytes]]:
        """(document_id, cluster_id, signature) of every indexed document signed under ``scheme``."""
        rows = self._query(
            "SELECT g.document_id, m.cluster_id, g.signature FROM dedup_signatures g"
            " JOIN cluster_members m ON m.document_id = g.document_id"
            " WHERE g.status = 'indexed' AND g.scheme = ? ORDER BY g.document_id", (scheme,))
        return [(r[0], r[1], r[2]) for r in rows]

    def dedup_key_owners(self, key_hashes: Sequence[str]) -> dict[str, tuple[int, int]]:
        """For each Latin-key hash already clustered: (earliest document with it, its cluster)."""
        out: dict[str, tuple[int, int]] = {}
        for part in _chunks(sorted(set(key_hashes))):
            marks = ",".join("?" * len(part))
            for r in self._query(
                f"SELECT g.key_hash, MIN(g.document_id), m.cluster_id FROM dedup_signatures g"
                f" JOIN cluster_members m ON m.document_id = g.document_id"
                # Exact copies carry no signature and are never the earliest with their key:
                # skipping them keeps this lookup O(1) when one text has been posted 10,000 times.
                f" WHERE g.key_hash IN ({marks}) AND g.signature IS NOT NULL GROUP BY g.key_hash", list(part)):
                out[r[0]] = (r[1], r[2])
        return out

    def document_keys(self, document_ids: Sequence[int], *, max_chars: int | None = None) -> dict[int, str]:
        """The Latin matching keys of these documents (their first ``max_chars`` characters)."""
        out: dict[int, str] = {}
        for part in _chunks(sorted(set(document_ids))):
            marks = ",".join("?" * len(part))
            column = "latin_key" if max_chars is None else f"substr(latin_key, 1, {int(max_chars)})"
            for r in self._query(f"SELECT id, {column} FROM documents WHERE id IN ({marks})", list(part)):
                out[r[0]] = r[1]
        return out

    def dedup_done(self, document_ids: Sequence[int]) -> set[int]:
        """Those of ``document_ids`` the dedup stage has already decided on (a lost cursor re-reads them)."""
        out: set[int] = set()
        for part in _chunks(sorted(set(document_ids))):
            marks = ",".join("?" * len(part))
            out.update(r[0] for r in self._query(
                f"SELECT document_id FROM dedup_signatures WHERE document_id IN ({marks})", list(part)))
        return out

    def save_dedup_batch(self, entries: Sequence[DedupEntry], *, stage: str, cursor: str) -> int:
        """Write a batch of dedup decisions and the stage cursor in one transaction; returns the
        memberships actually added (0 on a rerun: every write is keyed by the document id)."""
        now = utcnow()
        added = 0
        with self._tx() as c:
            for e in entries:
                c.execute(
                    "INSERT OR IGNORE INTO dedup_signatures(document_id, scheme, key_hash, status, signature)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (e.document_id, e.scheme, e.key_hash, e.status, e.signature))
                if e.cluster_id is None:
                    continue
                founder = e.cluster_id == e.document_id
                if founder:
                    c.execute(
                        "INSERT OR IGNORE INTO clusters(id, size, indexed, created_at, updated_at) VALUES (?, 0, 0, ?, ?)",
                        (e.cluster_id, now, now))
                cur = c.execute(
                    "INSERT OR IGNORE INTO cluster_members(document_id, cluster_id, parent_id, similarity, exact, diff,"
                    " joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (e.document_id, e.cluster_id, e.parent_id, round(e.similarity, 4), int(e.exact),
                     json.dumps(e.diff, ensure_ascii=False), now))
                if cur.rowcount == 1:
                    # O(1) per copy: a counter update, never a rescan of the cluster.
                    c.execute(
                        "UPDATE clusters SET size = size + 1, indexed = indexed + ?, updated_at = ? WHERE id = ?",
                        (int(e.status == "indexed"), now, e.cluster_id))
                    added += 1
            c.execute(
                "INSERT INTO stage_state(stage, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stage) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stage, cursor, now))
        return added

    # -- reading clusters -------------------------------------------------------------------------

    @staticmethod
    def _cluster_filter(min_size: int, min_sources: int) -> tuple[str, list[Any]]:
        where, params = "size >= ?", [min_size]
        if min_sources > 1:
            # Only asked for when filtering out one outlet's repeats of its own templates.
            where += (f" AND (SELECT COUNT(DISTINCT {_CARRIER}) FROM cluster_members m JOIN documents d"
                      " ON d.id = m.document_id WHERE m.cluster_id = clusters.id) >= ?")
            params.append(min_sources)
        return where, params

    def count_clusters(self, *, min_size: int = 2, min_sources: int = 1) -> int:
        where, params = self._cluster_filter(min_size, min_sources)
        return self._query(f"SELECT COUNT(*) FROM clusters WHERE {where}", params)[0][0]

    def list_cluster_rows(
        self, *, min_size: int = 2, min_sources: int = 1, limit: int = 50, offset: int = 0,
    ) -> list[ClusterRow]:
        """Clusters of at least ``min_size`` documents from ``min_sources`` sources, largest first,
        with their first appearance."""
        where, params = self._cluster_filter(min_size, min_sources)
        rows = self._query(
            f"WITH page AS (SELECT id, size FROM clusters WHERE {where} ORDER BY size DESC, id DESC LIMIT ? OFFSET ?)"
            " SELECT p.id, p.size, MIN(d.published_at) AS first_published_at, MAX(d.published_at) AS last_published_at,"
            f" COUNT(DISTINCT {_CARRIER}) AS sources, GROUP_CONCAT(DISTINCT d.language) AS languages,"
            " GROUP_CONCAT(DISTINCT d.script) AS scripts, GROUP_CONCAT(DISTINCT d.platform) AS platforms,"
            f" (SELECT m2.document_id FROM cluster_members m2 JOIN documents d ON d.id = m2.document_id"
            f"  WHERE m2.cluster_id = p.id ORDER BY {_TIME_ORDER} LIMIT 1) AS first_document_id"
            " FROM page p JOIN cluster_members m ON m.cluster_id = p.id JOIN documents d ON d.id = m.document_id"
            " GROUP BY p.id ORDER BY p.size DESC, p.id DESC",
            [*params, limit, offset])
        firsts = {r[0]: r for r in self._query_firsts([r["first_document_id"] for r in rows])}
        out = []
        for r in rows:
            f = firsts[r["first_document_id"]]
            out.append(ClusterRow(
                id=r["id"], size=r["size"], first_document_id=r["first_document_id"],
                first_published_at=r["first_published_at"], last_published_at=r["last_published_at"],
                first_source=f[1], first_platform=f[2], first_title=f[3], sources=r["sources"],
                languages=_split(r["languages"]), scripts=_split(r["scripts"]), platforms=_split(r["platforms"]),
            ))
        return out

    def _query_firsts(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        out: list[sqlite3.Row] = []
        for part in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(part))
            out += self._query(f"SELECT id, source, platform, title FROM documents WHERE id IN ({marks})", list(part))
        return out

    def cluster_members(self, cluster_id: int, *, limit: int | None = None) -> list[ClusterMember]:
        """The members of one cluster in time order (undated ones last); NotFoundError if none."""
        sql = _MEMBER_SELECT + f" WHERE m.cluster_id = ? ORDER BY {_TIME_ORDER}"
        params: list[Any] = [cluster_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = self._query(sql, params)
        if not rows:
            raise NotFoundError(f"No cluster {cluster_id}; `factwatch clusters` lists them.")
        return [_member(r) for r in rows]

    def cluster_size(self, cluster_id: int) -> int:
        rows = self._query("SELECT size FROM clusters WHERE id = ?", (cluster_id,))
        if not rows:
            raise NotFoundError(f"No cluster {cluster_id}; `factwatch clusters` lists them.")
        return rows[0][0]

    def document_cluster(self, document_id: int) -> int | None:
        rows = self._query("SELECT cluster_id FROM cluster_members WHERE document_id = ?", (document_id,))
        return rows[0][0] if rows else None

    def document_clusters(self, document_ids: Sequence[int]) -> dict[int, int]:
        """``{document id: cluster id}`` for those of ``document_ids`` the dedup stage has placed."""
        out: dict[int, int] = {}
        for part in _chunks(sorted(set(document_ids))):
            marks = ",".join("?" * len(part))
            out.update((r[0], r[1]) for r in self._query(
                f"SELECT document_id, cluster_id FROM cluster_members WHERE document_id IN ({marks})", list(part)))
        return out

    # -- a claim's copies and translations ----------------------------------------------------------

    def spread_documents(self, claim_id: int, *, limit: int = 10_000) -> list[SpreadDocument]:
        """Documents carrying claim ``claim_id``, each once, with the strongest reason (``via``):
        its own document ('self'), another with the same Latin-key sentence ('sentence'), a member of
        the clusters of those ('cluster'), or a document whose claim was matched to the same
        fact-check, in any language ('fact_check'), and that document's cluster. NotFoundError when
        there is no such claim."""
        claim = self._query("SELECT id, document_id, latin_key FROM claims WHERE id = ?", (claim_id,))
        if not claim:
            raise NotFoundError(f"No claim {claim_id}; `factwatch claims list` shows claim ids.")
        own_doc, key = claim[0][1], claim[0][2]
        via: dict[int, str] = {own_doc: "self"}
        for r in self._query("SELECT DISTINCT document_id FROM claims WHERE latin_key = ? LIMIT ?", (key, limit)):
            via.setdefault(r[0], "sentence")
        fact_docs = [r[0] for r in self._query(
            f"WITH decided AS ({_DECIDED_FACT_CHECKS})"
            " SELECT DISTINCT c.document_id FROM decided o JOIN decided x ON x.fact_check_id = o.fact_check_id"
            " JOIN claims c ON c.id = x.claim_id WHERE o.claim_id = ?"
            # A debunk or denial matched to the same fact-check mentions the claim to reject it:
            # it does not carry the claim (demo: Demo Vesti's 10-22 debunk of the Cyrillic ban).
            " AND NOT EXISTS (SELECT 1 FROM claim_matches s WHERE s.claim_id = x.claim_id AND s.target = 'fact_check'"
            " AND s.fact_check_id = x.fact_check_id AND s.stance = 'rejects') LIMIT ?", (claim_id, limit))]
        seeds = list(via)
        for part in _chunks(seeds):
            marks = ",".join("?" * len(part))
            for r in self._query(
                f"SELECT m2.document_id FROM cluster_members m JOIN cluster_members m2 ON m2.cluster_id = m.cluster_id"
                f" WHERE m.document_id IN ({marks}) LIMIT ?", [*part, limit]):
                via.setdefault(r[0], "cluster")
        for doc in fact_docs:
            via.setdefault(doc, "fact_check")
        for part in _chunks(fact_docs):
            marks = ",".join("?" * len(part))
            for r in self._query(
                f"SELECT m2.document_id FROM cluster_members m JOIN cluster_members m2 ON m2.cluster_id = m.cluster_id"
                f" WHERE m.document_id IN ({marks}) LIMIT ?", [*part, limit]):
                via.setdefault(r[0], "fact_check")
        out: list[SpreadDocument] = []
        for part in _chunks(sorted(via)[:limit]):
            marks = ",".join("?" * len(part))
            for r in self._query(_SPREAD_SELECT + f" WHERE d.id IN ({marks})", list(part)):
                out.append(SpreadDocument(via=via[r["document_id"]], **dict(r)))
        out.sort(key=lambda s: (s.published_at is None, s.published_at or "", s.document_id))
        return out
