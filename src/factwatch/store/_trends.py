"""Trends, who pushes what, and alerts (issue 9; migration 010).

Counts are GROUP BYs over ``documents`` joined to ``narrative_assignments``, ``sources`` and
``actors``; the time bucket is a prefix of ``published_at`` (stored as UTC ISO text by ingest:
10 characters = the day, 13 = the hour). Documents without a timestamp are not counted in time
series. ``alerts`` and ``alert_deliveries`` are written only by the ``alerts`` stage.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from factwatch.errors import InputError, NotFoundError
from factwatch.models import ALERT_KINDS, Alert, CarrierDocument, FactCheckedClaim, NewAlert
from factwatch.store._clock import utcnow

BUCKET_CHARS = {"day": 10, "hour": 13}
# The account as the coordination stage names it (analysis/shares.py): the author, else the source.
_ACCOUNT = "COALESCE(NULLIF(TRIM(d.author), ''), d.source)"
# An assignment counts unless an analyst's latest decision on it is a rejection.
_NOT_REJECTED = """NOT EXISTS (SELECT 1 FROM narrative_decisions r WHERE r.document_id = na.document_id
    AND r.narrative_id = na.narrative_id AND COALESCE(r.claim_id, 0) = COALESCE(na.claim_id, 0)
    AND r.decision = 'rejected')"""
_DIMENSIONS = {
    "narrative": "na.narrative_id",
    "source": "d.source",
    "actor_type": "COALESCE(a.type, 'unknown')",
    "language": "d.language",
    "platform": "d.platform",
}
STATE_TYPES = ("state", "state-affiliated")


def _bucket_sql(bucket: str) -> str:
    if bucket not in BUCKET_CHARS:
        raise InputError(f"A trend bucket is 'day' or 'hour', not {bucket!r}.")
    return f"substr(d.published_at, 1, {BUCKET_CHARS[bucket]})"


def _alert(row: sqlite3.Row) -> Alert:
    d = dict(row)
    d["details"] = json.loads(d["details"] or "{}")
    return Alert(**d)


class TrendsMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    # -- counts -------------------------------------------------------------------------------

    def document_counts(
        self, *, dimension: str, bucket: str = "day", since: str | None = None, until: str | None = None,
        narrative_id: str | None = None,
    ) -> list[tuple[str, str, int]]:
        """(bucket, key, documents) per time bucket and value of ``dimension``, in time order.
        With ``narrative_id`` (or dimension 'narrative') only documents carrying a narrative count."""
        if dimension not in _DIMENSIONS:
            raise InputError(f"A trend dimension is one of {', '.join(_DIMENSIONS)}, not {dimension!r}.")
        b = _bucket_sql(bucket)
        where = ["d.published_at IS NOT NULL", "length(d.published_at) >= 13"]
        params: list[Any] = []
        if since:
            where.append("d.published_at >= ?")
            params.append(since)
        if until:
            where.append("d.published_at < ?")
            params.append(until)
        join = ""
        if dimension == "narrative" or narrative_id is not None:
            join = f" JOIN narrative_assignments na ON na.document_id = d.id AND {_NOT_REJECTED}"
            if narrative_id is not None:
                join += " AND na.narrative_id = ?"
                params.insert(0, narrative_id)
        # Join only what the dimension needs, and count distinct documents only where a document can
        # carry several assignments: the IRA benchmark ran 10x slower with both always on.
        if dimension == "actor_type":
            join += " LEFT JOIN sources s ON s.name = d.source LEFT JOIN actors a ON a.name = s.actor"
        count = "COUNT(DISTINCT d.id)" if "narrative_assignments" in join else "COUNT(*)"
        sql = (f"SELECT {b} AS bucket, {_DIMENSIONS[dimension]} AS key, {count} AS n FROM documents d{join}"
               f" WHERE {' AND '.join(where)} GROUP BY bucket, key ORDER BY bucket, key")
        return [(r[0], r[1], int(r[2])) for r in self._query(sql, params)]

    def candidate_claim_counts(self, *, bucket: str = "day") -> list[tuple[str, str, int]]:
        """(bucket, discovery cluster id, documents) for the open candidate narratives of the
        ``discovery`` stage: documents of the claims clustered into each, by publication time."""
        b = _bucket_sql(bucket)
        rows = self._query(
            f"SELECT {b} AS bucket, CAST(m.cluster_id AS TEXT) AS key, COUNT(DISTINCT d.id) FROM discovery_members m"
            " JOIN discovery_clusters k ON k.id = m.cluster_id AND k.status = 'open'"
            " JOIN claims c ON c.id = m.claim_id JOIN documents d ON d.id = c.document_id"
            " WHERE length(d.published_at) >= 13 GROUP BY bucket, key ORDER BY bucket, key")
        return [(r[0], r[1], int(r[2])) for r in rows]

    def document_period_counts(self, since: str | None = None) -> tuple[int, int, str | None]:
        """(documents published at or after ``since``, all of them when None; documents with no
        publication date; the newest published_at): the briefing's period. Date-only values
        ('2015-07-25') count here, unlike the hourly trend buckets; a value that is not an ISO date
        (a stray 'None' text from an old import) counts as undated, not as later than every date."""
        iso = "published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
        where, params = (f"WHERE {iso} AND published_at >= ?", [since]) if since else (f"WHERE {iso}", [])
        row = self._query(f"SELECT COUNT(*), MAX(published_at) FROM documents {where}", params)[0]
        undated = self._query(f"SELECT COUNT(*) FROM documents WHERE published_at IS NULL OR NOT {iso}")[0][0]
        return (int(row[0] or 0), int(undated or 0), row[1])

    def first_document_time(self) -> str | None:
        """The earliest published_at in the store: days before it were not observed."""
        return self._query("SELECT MIN(published_at) FROM documents WHERE length(published_at) >= 13")[0][0]

    # -- who pushes what ----------------------------------------------------------------------

    def narrative_carriers(self, narrative_id: str) -> list[CarrierDocument]:
        """Every document carrying the narrative (not rejected by an analyst), oldest first."""
        rows = self._query(
            f"SELECT DISTINCT d.id AS document_id, d.published_at, d.source, d.platform, {_ACCOUNT} AS account,"
            " d.language, s.actor, a.type AS actor_type, a.country AS actor_country"
            f" FROM narrative_assignments na JOIN documents d ON d.id = na.document_id"
            " LEFT JOIN sources s ON s.name = d.source LEFT JOIN actors a ON a.name = s.actor"
            f" WHERE na.narrative_id = ? AND {_NOT_REJECTED}"
            " ORDER BY d.published_at IS NULL, d.published_at, d.id", (narrative_id,))
        return [CarrierDocument(**dict(r)) for r in rows]

    def source_narrative_documents(self, sources: Sequence[str]) -> list[tuple[int, str | None, str, str]]:
        """(document id, published_at, narrative id, label) for the sources' documents, oldest first."""
        if not sources:
            return []
        marks = ",".join("?" * len(sources))
        rows = self._query(
            "SELECT DISTINCT d.id, d.published_at, na.narrative_id, n.label FROM documents d"
            " JOIN narrative_assignments na ON na.document_id = d.id JOIN narratives n ON n.id = na.narrative_id"
            f" WHERE d.source IN ({marks}) AND {_NOT_REJECTED} ORDER BY d.published_at, d.id", list(sources))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def source_state_content(self, sources: Sequence[str]) -> tuple[int, int]:
        """(documents, documents that are state or state-affiliated content): published by a source
        whose actor is state or state-affiliated, in a story cluster with such a document (a copy or
        translation), forwarded from such a source (Telegram ``forwarded_from``), or linking to one
        of its documents (``meta.links``)."""
        if not sources:
            return (0, 0)
        marks = ",".join("?" * len(sources))
        types = ",".join("?" * len(STATE_TYPES))
        row = self._query(
            f"""SELECT COUNT(*), SUM(CASE
                WHEN sa.type IN ({types}) THEN 1
                WHEN m.cluster_id IS NOT NULL AND EXISTS (
                    SELECT 1 FROM cluster_members m2 JOIN documents d2 ON d2.id = m2.document_id
                    JOIN sources s2 ON s2.name = d2.source JOIN actors a2 ON a2.name = s2.actor
                    WHERE m2.cluster_id = m.cluster_id AND a2.type IN ({types})) THEN 1
                WHEN NOT json_valid(d.meta) THEN 0
                WHEN EXISTS (
                    SELECT 1 FROM sources s3 JOIN actors a3 ON a3.name = s3.actor
                    WHERE s3.name = json_extract(d.meta, '$.forwarded_from') AND a3.type IN ({types})) THEN 1
                WHEN json_type(d.meta, '$.links') = 'array' AND EXISTS (
                    SELECT 1 FROM json_each(d.meta, '$.links') l
                    JOIN documents d4 ON d4.url = l.value AND d4.platform IN ('rss', 'web')
                    JOIN sources s4 ON s4.name = d4.source JOIN actors a4 ON a4.name = s4.actor
                    WHERE a4.type IN ({types})) THEN 1
                ELSE 0 END)
            FROM documents d LEFT JOIN sources s ON s.name = d.source LEFT JOIN actors sa ON sa.name = s.actor
            LEFT JOIN cluster_members m ON m.document_id = d.id
            WHERE d.source IN ({marks})""", [*STATE_TYPES * 4, *sources])[0]
        return (int(row[0] or 0), int(row[1] or 0))

    def source_fact_checked_claims(self, sources: Sequence[str], *, limit: int = 200) -> list[FactCheckedClaim]:
        """Claims of the sources' documents whose best fact-check addresses them or that an analyst
        confirmed; a rejected match is left out. 'confirmed' needs a review, else 'candidate'."""
        if not sources:
            return []
        marks = ",".join("?" * len(sources))
        rows = self._query(
            f"""SELECT c.id AS claim_id, c.document_id, d.published_at, c.text, f.id AS fact_check_id,
                   f.claim AS fact_check_claim, f.verdict, f.url, f.publisher,
                   CASE WHEN r.decision = 'confirmed' THEN 'confirmed' ELSE 'candidate' END AS status,
                   cm.probability
            FROM claims c JOIN documents d ON d.id = c.document_id
            JOIN claim_matches cm ON cm.claim_id = c.id AND cm.target = 'fact_check'
            JOIN fact_checks f ON f.id = cm.fact_check_id
            LEFT JOIN review_decisions r ON r.claim_id = c.id AND r.target = 'fact_check' AND r.target_id = f.id
            WHERE d.source IN ({marks}) AND COALESCE(r.decision, '') != 'rejected'
              AND (r.decision = 'confirmed' OR (cm.rank = 1 AND cm.addressed = 1))
            ORDER BY d.published_at, c.id LIMIT ?""", [*sources, limit])
        return [FactCheckedClaim(**dict(r)) for r in rows]

    def actor_source_names(self, actor: str) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM sources WHERE actor = ? ORDER BY name", (actor,))]

    def get_actor(self, name: str) -> dict[str, Any] | None:
        rows = self._query("SELECT name, type, country, notes FROM actors WHERE name = ?", (name,))
        return dict(rows[0]) if rows else None

    # -- workbench pages (issue 10): overview, narrative and profile charts --------------------

    def latest_document_time(self, not_after: str) -> str | None:
        """The newest published_at at or before ``not_after`` (a future-dated post does not move "today")."""
        return self._query("SELECT MAX(published_at) FROM documents WHERE published_at <= ?"
                           " AND length(published_at) >= 13", (not_after,))[0][0]

    def daily_language_source_counts(self, since: str, until: str) -> list[tuple[str, str, str, int]]:
        """(day, language, source, documents) published in [since, until); read from the
        (published_at, language, source) index alone (migration 017)."""
        rows = self._query(
            "SELECT substr(published_at, 1, 10) AS day, language, source, COUNT(*) FROM documents"
            " WHERE published_at >= ? AND published_at < ? AND length(published_at) >= 13"
            " GROUP BY day, language, source ORDER BY day", (since, until))
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    def claims_published_between(self, since: str, until: str) -> tuple[int, int]:
        """(claims, claims whose best fact-check addresses them) in documents published in [since, until)."""
        row = self._query(
            "SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM claim_matches cm WHERE cm.claim_id = c.id"
            " AND cm.rank = 1 AND cm.addressed = 1)), 0) FROM documents d JOIN claims c ON c.document_id = d.id"
            " WHERE d.published_at >= ? AND d.published_at < ?", (since, until))[0]
        return (int(row[0] or 0), int(row[1] or 0))

    def narrative_fact_checks(self, narrative_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Fact-checks that address claims in the narrative's documents (the best match when addressed,
        or one an analyst confirmed; rejected ones left out), most claims first."""
        rows = self._query(
            f"""SELECT f.id, f.claim, f.verdict, f.url, f.publisher, f.language, COUNT(DISTINCT c.id) AS claims,
                   COALESCE(SUM(r.decision = 'confirmed'), 0) > 0 AS confirmed
            FROM narrative_assignments na JOIN claims c ON c.document_id = na.document_id
            JOIN claim_matches cm ON cm.claim_id = c.id AND cm.target = 'fact_check'
            JOIN fact_checks f ON f.id = cm.fact_check_id
            LEFT JOIN review_decisions r ON r.claim_id = c.id AND r.target = 'fact_check' AND r.target_id = f.id
            WHERE na.narrative_id = ? AND {_NOT_REJECTED} AND COALESCE(r.decision, '') != 'rejected'
              AND (r.decision = 'confirmed' OR (cm.rank = 1 AND cm.addressed = 1))
            GROUP BY f.id ORDER BY claims DESC, f.id LIMIT ?""", (narrative_id, limit))
        return [{**dict(r), "confirmed": bool(r["confirmed"])} for r in rows]

    def source_claim_months(self, sources: Sequence[str]) -> list[tuple[str, int]]:
        """(month 'YYYY-MM' or '' when undated, claims) of the sources' documents."""
        if not sources:
            return []
        marks = ",".join("?" * len(sources))
        rows = self._query(
            "SELECT COALESCE(substr(d.published_at, 1, 7), '') AS month, COUNT(*) FROM documents d"
            f" JOIN claims c ON c.document_id = d.id WHERE d.source IN ({marks}) GROUP BY month ORDER BY month",
            list(sources))
        return [(r[0], int(r[1])) for r in rows]

    def source_matched_claim_months(self, sources: Sequence[str]) -> list[tuple[str, str | None, int]]:
        """(month, fact-check verdict, claims) for the sources' claims matched to a fact-check, as
        ``source_fact_checked_claims`` counts them (addressed best match or confirmed; not rejected)."""
        if not sources:
            return []
        marks = ",".join("?" * len(sources))
        rows = self._query(
            f"""SELECT COALESCE(substr(d.published_at, 1, 7), '') AS month, f.verdict, COUNT(DISTINCT c.id)
            FROM claims c JOIN documents d ON d.id = c.document_id
            JOIN claim_matches cm ON cm.claim_id = c.id AND cm.target = 'fact_check'
            JOIN fact_checks f ON f.id = cm.fact_check_id
            LEFT JOIN review_decisions r ON r.claim_id = c.id AND r.target = 'fact_check' AND r.target_id = f.id
            WHERE d.source IN ({marks}) AND COALESCE(r.decision, '') != 'rejected'
              AND (r.decision = 'confirmed' OR (cm.rank = 1 AND cm.addressed = 1))
            GROUP BY month, f.verdict ORDER BY month""", list(sources))
        return [(r[0], r[1], int(r[2])) for r in rows]

    # -- alert inputs ---------------------------------------------------------------------------

    def state_actor_narratives(self) -> list[tuple[str, str, str, str | None, str, int, int]]:
        """(narrative, actor, actor type, country, first published_at, first document, documents) for
        each narrative carried by a state or state-affiliated actor's sources."""
        types = ",".join("?" * len(STATE_TYPES))
        rows = self._query(
            f"""SELECT na.narrative_id, a.name, a.type, a.country, MIN(d.published_at),
                   MIN(d.id), COUNT(DISTINCT d.id)
            FROM narrative_assignments na JOIN documents d ON d.id = na.document_id
            JOIN sources s ON s.name = d.source JOIN actors a ON a.name = s.actor
            WHERE a.type IN ({types}) AND d.published_at IS NOT NULL AND {_NOT_REJECTED}
            GROUP BY na.narrative_id, a.name ORDER BY na.narrative_id, a.name""", list(STATE_TYPES))
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def network_narrative_documents(self) -> list[tuple[str, str, str, str, int, str | None]]:
        """(network id, kind, narrative, account, document, published_at): documents of coordinated
        accounts that carry a narrative."""
        rows = self._query(
            f"""SELECT DISTINCT m.network_id, n.kind, na.narrative_id, m.account, d.id, d.published_at
            FROM coordination_members m JOIN coordination_networks n ON n.id = m.network_id
            JOIN documents d ON {_ACCOUNT} = m.account
            JOIN narrative_assignments na ON na.document_id = d.id
            WHERE {_NOT_REJECTED} ORDER BY m.network_id, na.narrative_id, d.published_at""")
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def alerts_watermark(self) -> str:
        """Changes when what alerts are computed from changes."""
        a = self._query("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM narrative_assignments")[0]
        r = self._query("SELECT COALESCE(MAX(id), 0) FROM narrative_reviews")[0]
        n = self._query("SELECT COUNT(*), COALESCE(MAX(computed_at), '') FROM coordination_networks")[0]
        k = self._query("SELECT COUNT(*), COALESCE(MAX(updated_at), '') FROM discovery_clusters")[0]
        return f"{a[0]}:{a[1]}:{r[0]}:{n[0]}:{n[1]}:{k[0]}:{k[1]}"

    # -- alerts (written by the `alerts` stage) -------------------------------------------------

    def save_alerts(self, alerts: Sequence[NewAlert], *, stage: str, cursor: str) -> int:
        """Insert the alerts not stored yet (by key) and set the stage cursor; returns how many were new."""
        now = utcnow()
        with self._tx() as c:
            new = 0
            for a in alerts:
                cur = c.execute(
                    "INSERT OR IGNORE INTO alerts(key, kind, narrative_id, subject, at, score, summary, details, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.key, a.kind, a.narrative_id, a.subject, a.at, a.score, a.summary,
                     json.dumps(a.details, ensure_ascii=False, sort_keys=True), now))
                new += cur.rowcount
            c.execute(
                "INSERT INTO stage_state(stage, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stage) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stage, cursor, now))
        return new

    def list_alerts(self, *, since: str | None = None, kind: str | None = None, narrative_id: str | None = None,
                    limit: int = 500, offset: int = 0) -> list[Alert]:
        """Stored alerts, newest data time first; ``since`` compares with the data time ``at``;
        ``narrative_id`` keeps one narrative's."""
        where, params = self._alert_filter(since=since, kind=kind, narrative_id=narrative_id)
        sql = ("SELECT a.id, a.key, a.kind, a.narrative_id, a.subject, a.at, a.score, a.summary, a.details, a.created_at,"
               " (SELECT CASE WHEN SUM(x.status = 'delivered') > 0 THEN 'delivered' ELSE MIN(x.status) END"
               "  FROM alert_deliveries x WHERE x.alert_id = a.id) AS delivery FROM alerts a"
               + where + " ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?")
        return [_alert(r) for r in self._query(sql, [*params, limit, offset])]

    def count_alerts(self, *, since: str | None = None, kind: str | None = None,
                     narrative_id: str | None = None) -> int:
        """How many alerts ``list_alerts`` pages through with the same filters."""
        where, params = self._alert_filter(since=since, kind=kind, narrative_id=narrative_id)
        return int(self._query("SELECT COUNT(*) FROM alerts a" + where, params)[0][0])

    @staticmethod
    def _alert_filter(*, since: str | None, kind: str | None, narrative_id: str | None) -> tuple[str, list[Any]]:
        if kind is not None and kind not in ALERT_KINDS:
            raise InputError(f"An alert kind is one of {', '.join(ALERT_KINDS)}, not {kind!r}.")
        where: list[str] = []
        params: list[Any] = []
        if since:
            where.append("a.at >= ?")
            params.append(since)
        if kind:
            where.append("a.kind = ?")
            params.append(kind)
        if narrative_id is not None:
            where.append("a.narrative_id = ?")
            params.append(narrative_id)
        return (" WHERE " + " AND ".join(where) if where else ""), params

    def get_alert(self, alert_id: int) -> Alert:
        rows = self._query("SELECT id, key, kind, narrative_id, subject, at, score, summary, details, created_at"
                           " FROM alerts WHERE id = ?", (alert_id,))
        if not rows:
            raise NotFoundError(f"No alert {alert_id}; `factwatch alerts` lists them.")
        return _alert(rows[0])

    def undelivered_alerts(self, url: str, *, limit: int = 1000) -> list[Alert]:
        """Alerts not yet delivered to ``url``, oldest first."""
        rows = self._query(
            "SELECT a.id, a.key, a.kind, a.narrative_id, a.subject, a.at, a.score, a.summary, a.details, a.created_at"
            " FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries x WHERE x.alert_id = a.id AND x.url = ?"
            " AND x.status = 'delivered') ORDER BY a.id LIMIT ?", (url, limit))
        return [_alert(r) for r in rows]

    def record_alert_delivery(self, alert_id: int, url: str, *, delivered: bool, attempts: int,
                              error: str | None = None) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO alert_deliveries(alert_id, url, status, attempts, last_error, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(alert_id, url) DO UPDATE SET status=excluded.status,"
                " attempts=alert_deliveries.attempts + excluded.attempts, last_error=excluded.last_error,"
                " updated_at=excluded.updated_at",
                (alert_id, url, "delivered" if delivered else "failed", attempts, error, utcnow()))
