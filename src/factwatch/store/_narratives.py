"""Narrative catalogue, assignments and analyst reviews (migration 008; issue 9)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from factwatch.errors import InputError, NotFoundError
from factwatch.models import (
    NARRATIVE_DECISIONS,
    Narrative,
    NarrativeAssignment,
    NarrativeExample,
    NarrativeReview,
    NewNarrativeAssignment,
)
from factwatch.store._calibrations import StoredCalibration
from factwatch.store._clock import utcnow

_ASSIGNMENT_SELECT = """
SELECT a.id, a.document_id, a.claim_id, a.narrative_id, n.label, a.score, a.evidence, a.classified_at,
       d.decision, d.reviewer, d.decided_at
FROM narrative_assignments a
JOIN narratives n ON n.id = a.narrative_id
LEFT JOIN narrative_decisions d
       ON d.document_id = a.document_id AND d.narrative_id = a.narrative_id
      AND COALESCE(d.claim_id, 0) = COALESCE(a.claim_id, 0)
"""


def _narrative(row: sqlite3.Row) -> Narrative:
    d = dict(row)
    return Narrative(
        id=d["id"], catalogue=d["catalogue"], title=d["title"], description=d["description"], label=d["label"],
        parent=d["parent"], status=d["status"], domain=d["domain"],
        examples=tuple(NarrativeExample(e["language"], e["text"]) for e in json.loads(d["examples"])),
        keywords=tuple(json.loads(d["keywords"])), facts=tuple(json.loads(d["facts"])),
        disarm=tuple(json.loads(d["disarm"])))


class NarrativesMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    # -- catalogue (written by `narratives import`) -------------------------------------------

    def save_narratives(self, catalogue: str, narratives: Sequence[Narrative]) -> dict[str, int]:
        """Upsert one catalogue; its narratives missing from ``narratives`` become 'retired'.
        A narrative id owned by another catalogue is refused (ids are global: reviews point at them)."""
        ids = [n.id for n in narratives]
        now = utcnow()
        with self._tx() as c:
            owners = {r["id"]: r["catalogue"] for r in c.execute(
                f"SELECT id, catalogue FROM narratives WHERE id IN ({','.join('?' * len(ids))})", ids)} if ids else {}
            clash = sorted(i for i, cat in owners.items() if cat != catalogue)
            if clash:
                raise InputError(f"Narrative id {clash[0]!r} already belongs to catalogue {owners[clash[0]]!r}; "
                                 "rename it or import under that catalogue name.")
            before = {r["id"]: r["status"] for r in c.execute(
                "SELECT id, status FROM narratives WHERE catalogue = ?", (catalogue,))}
            for pos, n in enumerate(narratives):
                c.execute(
                    "INSERT INTO narratives(id, catalogue, position, label, title, description, parent, status, domain,"
                    " examples, keywords, facts, disarm, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(id) DO UPDATE SET position=excluded.position, label=excluded.label,"
                    " title=excluded.title, description=excluded.description, parent=excluded.parent,"
                    " status=excluded.status, domain=excluded.domain, examples=excluded.examples,"
                    " keywords=excluded.keywords, facts=excluded.facts, disarm=excluded.disarm,"
                    " imported_at=excluded.imported_at",
                    (n.id, catalogue, pos, n.label, n.title, n.description, n.parent, n.status, n.domain,
                     json.dumps([{"language": e.language, "text": e.text} for e in n.examples], ensure_ascii=False),
                     json.dumps(list(n.keywords), ensure_ascii=False), json.dumps(list(n.facts)),
                     json.dumps(list(n.disarm)), now))
            gone = [i for i, status in before.items() if i not in set(ids) and status != "retired"]
            for i in gone:
                c.execute("UPDATE narratives SET status = 'retired', imported_at = ? WHERE id = ?", (now, i))
        return {"narratives": len(ids), "new": sum(1 for i in ids if i not in before), "retired": len(gone)}

    def list_narratives(self, *, catalogue: str | None = None, status: str | None = None) -> list[Narrative]:
        where, params = [], []
        if catalogue is not None:
            where.append("catalogue = ?")
            params.append(catalogue)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        sql = "SELECT * FROM narratives" + (" WHERE " + " AND ".join(where) if where else "")
        return [_narrative(r) for r in self._query(sql + " ORDER BY catalogue, position", params)]

    def get_narrative(self, narrative_id: str) -> Narrative:
        rows = self._query("SELECT * FROM narratives WHERE id = ?", (narrative_id,))
        if not rows:
            raise NotFoundError(f"No narrative {narrative_id!r}; `factwatch narratives list` shows the ids.")
        return _narrative(rows[0])

    def narrative_catalogues(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT catalogue FROM narratives ORDER BY catalogue")]

    def save_narrative_documents(self, catalogue: str, rows: Sequence[tuple[str, Sequence[str], bytes]]) -> int:
        """Replace the catalogue's labelled documents: (external id, narrative ids, vector blob)."""
        with self._tx() as c:
            c.execute("DELETE FROM narrative_documents WHERE catalogue = ?", (catalogue,))
            c.executemany(
                "INSERT INTO narrative_documents(catalogue, external_id, labels, vector) VALUES (?, ?, ?, ?)",
                [(catalogue, ext, json.dumps(list(labels)), blob) for ext, labels, blob in rows])
        return len(rows)

    def narrative_documents(self, catalogue: str) -> list[tuple[str, list[str], bytes]]:
        return [(r[0], json.loads(r[1]), r[2]) for r in self._query(
            "SELECT external_id, labels, vector FROM narrative_documents WHERE catalogue = ? ORDER BY id", (catalogue,))]

    # -- assignments (written by the `narratives` stage) --------------------------------------

    def save_narrative_assignments(
        self, document_ids: Sequence[int], rows: Sequence[NewNarrativeAssignment], *, stage: str, cursor: str,
    ) -> int:
        """Replace the assignments of ``document_ids`` and move the stage cursor, in one transaction."""
        now = utcnow()
        with self._tx() as c:
            ids = list(document_ids)
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                c.execute(f"DELETE FROM narrative_assignments WHERE document_id IN ({','.join('?' * len(chunk))})", chunk)
            c.executemany(
                "INSERT INTO narrative_assignments(document_id, claim_id, narrative_id, score, evidence, classified_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(r.document_id, r.claim_id, r.narrative_id, float(r.score), r.evidence, now) for r in rows])
            c.execute(
                "INSERT INTO stage_state(stage, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stage) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stage, cursor, now))
        return len(rows)

    def clear_narrative_assignments(self, *, stage: str) -> int:
        """Forget every assignment and the stage cursor (the catalogue changed: classify again)."""
        with self._tx() as c:
            n = c.execute("DELETE FROM narrative_assignments").rowcount
            c.execute("DELETE FROM stage_state WHERE stage = ?", (stage,))
        return n

    def document_narratives(self, document_id: int) -> list[NarrativeAssignment]:
        rows = self._query(_ASSIGNMENT_SELECT + " WHERE a.document_id = ? ORDER BY a.claim_id IS NOT NULL, a.claim_id,"
                           " a.score DESC", (document_id,))
        return [NarrativeAssignment(**dict(r)) for r in rows]

    def narrative_assignments(self, narrative_id: str, *, limit: int = 100) -> list[NarrativeAssignment]:
        rows = self._query(_ASSIGNMENT_SELECT + " WHERE a.narrative_id = ? ORDER BY a.document_id DESC, a.claim_id"
                           " LIMIT ?", (narrative_id, limit))
        return [NarrativeAssignment(**dict(r)) for r in rows]

    def narrative_document_counts(self) -> dict[str, int]:
        """Documents carrying each narrative (whole-document assignments)."""
        return {r[0]: r[1] for r in self._query(
            "SELECT narrative_id, COUNT(DISTINCT document_id) FROM narrative_assignments GROUP BY narrative_id")}

    # -- analysts' decisions ------------------------------------------------------------------

    def add_narrative_review(
        self, document_id: int, narrative_id: str, *, decision: str, reviewer: str, claim_id: int | None = None,
        note: str | None = None,
    ) -> NarrativeReview:
        if decision not in NARRATIVE_DECISIONS:
            raise InputError(f"A decision is one of {', '.join(NARRATIVE_DECISIONS)}, not {decision!r}.")
        with self._tx() as c:
            if c.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is None:
                raise NotFoundError(f"No document {document_id}.")
            if c.execute("SELECT 1 FROM narratives WHERE id = ?", (narrative_id,)).fetchone() is None:
                raise NotFoundError(f"No narrative {narrative_id!r}; `factwatch narratives list` shows the ids.")
            if claim_id is not None and c.execute(
                    "SELECT 1 FROM claims WHERE id = ? AND document_id = ?", (claim_id, document_id)).fetchone() is None:
                raise NotFoundError(f"No claim {claim_id} in document {document_id}.")
            score = c.execute(
                "SELECT score FROM narrative_assignments WHERE document_id = ? AND narrative_id = ?"
                " AND COALESCE(claim_id, 0) = COALESCE(?, 0)", (document_id, narrative_id, claim_id)).fetchone()
            cur = c.execute(
                "INSERT INTO narrative_reviews(document_id, claim_id, narrative_id, decision, reviewer, decided_at,"
                " note, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (document_id, claim_id, narrative_id, decision, reviewer, utcnow(), note,
                 score[0] if score else None))
            review_id = cur.lastrowid
        return NarrativeReview(**dict(self._query("SELECT * FROM narrative_reviews WHERE id = ?", (review_id,))[0]))

    def list_narrative_reviews(self, *, narrative_id: str | None = None, latest_only: bool = True) -> list[NarrativeReview]:
        table = "narrative_decisions" if latest_only else "narrative_reviews"
        if narrative_id is None:
            rows = self._query(f"SELECT * FROM {table} ORDER BY id")
        else:
            rows = self._query(f"SELECT * FROM {table} WHERE narrative_id = ? ORDER BY id", (narrative_id,))
        return [NarrativeReview(**dict(r)) for r in rows]

    def narrative_decisions_scored(self) -> list[tuple[NarrativeReview, float | None]]:
        """Decisions in force, each with the score of the assignment the stage holds now for the
        same (document, claim, narrative); None where the classifier does not assign it (a label
        an analyst added, or one the current catalogue no longer finds)."""
        rows = self._query(
            "SELECT d.*, a.score AS current_score FROM narrative_decisions d"
            " LEFT JOIN narrative_assignments a ON a.document_id = d.document_id AND a.narrative_id = d.narrative_id"
            " AND COALESCE(a.claim_id, 0) = COALESCE(d.claim_id, 0) ORDER BY d.id")
        out = []
        for r in rows:
            d = dict(r)
            current = d.pop("current_score")
            out.append((NarrativeReview(**d), current))
        return out

    # -- thresholds refitted from the decisions (migration 020; `narratives calibrate`) ----------

    def add_narrative_calibration(
        self, catalogue: str, *, who: str, n_reviews: int, parameters: dict[str, Any], metrics: dict[str, Any],
    ) -> StoredCalibration:
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO narrative_calibrations(catalogue, created_at, who, n_reviews, parameters, metrics)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (catalogue, utcnow(), who, n_reviews, json.dumps(parameters), json.dumps(metrics)))
            new_id = cur.lastrowid
        return _stored(self._query("SELECT * FROM narrative_calibrations WHERE id = ?", (new_id,))[0])

    def latest_narrative_calibration(self, catalogue: str) -> StoredCalibration | None:
        """The catalogue's newest refit, or None (also on a read-only database older than 020)."""
        try:
            rows = self._query("SELECT * FROM narrative_calibrations WHERE catalogue = ? ORDER BY id DESC LIMIT 1",
                               (catalogue,))
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return _stored(rows[0]) if rows else None


def _stored(row: sqlite3.Row) -> StoredCalibration:
    d = dict(row)
    return StoredCalibration(id=d["id"], created_at=d["created_at"], who=d["who"], n_reviews=d["n_reviews"],
                             parameters=json.loads(d["parameters"]), metrics=json.loads(d["metrics"] or "{}"))
