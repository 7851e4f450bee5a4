"""SQLite methods for the fact base, claims, vectors and matches (issue: counter with facts)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from factwatch.store._clock import utcnow
from factwatch.store._search import index_fact_base
from factwatch.models import (
    Claim,
    ClaimMatch,
    ClaimSpread,
    Fact,
    FactCheck,
    FactPassage,
    NewClaim,
    NewFact,
    NewFactCheck,
    NewFactPassage,
)
from factwatch.errors import NotFoundError

# SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32; stay far below it.
_CHUNK = 900


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _fact_check(row: sqlite3.Row) -> FactCheck:
    d = dict(row)
    d.pop("run_id", None)
    d.pop("imported_at", None)
    d["fact_ids"] = tuple(json.loads(d["fact_ids"] or "[]"))
    d["translations"] = json.loads(d["translations"] or "{}")
    return FactCheck(**d)


def _fact(row: sqlite3.Row) -> Fact:
    d = dict(row)
    d.pop("run_id", None)
    d.pop("imported_at", None)
    d["topics"] = tuple(json.loads(d["topics"] or "[]"))
    d["translations"] = json.loads(d["translations"] or "{}")
    return Fact(**d)


def _claim(row: sqlite3.Row) -> Claim:
    d = dict(row)
    d.pop("created_at", None)
    d["features"] = json.loads(d["features"] or "{}")
    return Claim(**d)


def _score6(score: float) -> float:
    # 6 significant digits, not decimals: candidates below rank 1 score ~1e-7 and must keep their order.
    return float(f"{score:.6g}")


def _match_values(m: ClaimMatch) -> tuple[Any, ...]:
    """A match as the row it is stored as (rounded, so a rerun that changes nothing compares equal)."""
    return (m.claim_id, m.rank, m.target, m.fact_check_id, m.fact_id, _score6(m.score), int(m.addressed),
            m.matched_text, m.stance, None if m.probability is None else round(m.probability, 6),
            json.dumps({k: round(float(v), 4) for k, v in m.evidence.items()}, sort_keys=True))


def _claim_match(row: sqlite3.Row) -> ClaimMatch:
    d = dict(row)
    d["addressed"] = bool(d["addressed"])
    d["evidence"] = json.loads(d.get("evidence") or "{}")
    return ClaimMatch(**d)


class FactsMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    # -- fact base --------------------------------------------------------------------------

    def index_fact_base(self) -> int:
        """Index the fact-checks and facts that the search index lacks (those stored before
        migration 019); a writable store does this at open. Returns how many rows it indexed."""
        missing = self._query(
            "SELECT EXISTS(SELECT 1 FROM fact_checks WHERE id NOT IN (SELECT rowid FROM fact_checks_fts))"
            " OR EXISTS(SELECT 1 FROM facts WHERE id NOT IN (SELECT rowid FROM facts_fts))")[0][0]
        if not missing:
            return 0
        with self._tx() as c:
            return index_fact_base(c, "fact_checks") + index_fact_base(c, "facts")

    def insert_fact_checks(self, rows: Sequence[NewFactCheck], *, run_id: str | None = None) -> tuple[int, int]:
        """Insert fact-checks; rows whose key exists are duplicates. Returns (inserted, duplicates)."""
        if not rows:
            return 0, 0
        now = utcnow()
        values = [
            (
                r.key, r.external_id, r.claim, r.verdict, r.rating_value, r.rebuttal, r.headline, r.url,
                r.publisher, r.language, r.date, r.claim_author, r.appearance,
                json.dumps(list(r.fact_ids), ensure_ascii=False),
                json.dumps(r.translations, ensure_ascii=False, sort_keys=True), r.format, run_id, now,
            )
            for r in rows
        ]
        with self._tx() as c:
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO fact_checks(key, external_id, claim, verdict, rating_value, rebuttal,"
                " headline, url, publisher, language, date, claim_author, appearance, fact_ids, translations,"
                " format, run_id, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            inserted = c.total_changes - before
            index_fact_base(c, "fact_checks")  # searchable by word form at once (migration 019)
        return inserted, len(rows) - inserted

    def insert_facts(self, rows: Sequence[NewFact], *, run_id: str | None = None) -> tuple[int, int]:
        if not rows:
            return 0, 0
        now = utcnow()
        values = [
            (
                r.key, r.external_id, r.statement, r.source, r.url, r.date, r.language,
                json.dumps(list(r.topics), ensure_ascii=False),
                json.dumps(r.translations, ensure_ascii=False, sort_keys=True), run_id, now,
            )
            for r in rows
        ]
        with self._tx() as c:
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO facts(key, external_id, statement, source, url, date, language, topics,"
                " translations, run_id, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            inserted = c.total_changes - before
            index_fact_base(c, "facts")
        return inserted, len(rows) - inserted

    def get_fact_check(self, fact_check_id: int) -> FactCheck:
        rows = self._query("SELECT * FROM fact_checks WHERE id=?", (fact_check_id,))
        if not rows:
            raise NotFoundError(f"No fact-check {fact_check_id}; `factwatch facts import FILE` loads some.")
        return _fact_check(rows[0])

    def get_fact_checks(self, ids: Sequence[int]) -> dict[int, FactCheck]:
        out: dict[int, FactCheck] = {}
        for part in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(part))
            for r in self._query(f"SELECT * FROM fact_checks WHERE id IN ({marks})", list(part)):
                out[r["id"]] = _fact_check(r)
        return out

    def fact_check_ids_by_key(self, keys: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in _chunks(list(dict.fromkeys(keys))):
            marks = ",".join("?" * len(part))
            for r in self._query(f"SELECT key, id FROM fact_checks WHERE key IN ({marks})", list(part)):
                out[r[0]] = r[1]
        return out

    def list_fact_checks(self, *, limit: int = 50, offset: int = 0) -> list[FactCheck]:
        rows = self._query("SELECT * FROM fact_checks ORDER BY id LIMIT ? OFFSET ?", (limit, offset))
        return [_fact_check(r) for r in rows]

    def get_facts(self, ids: Sequence[int]) -> dict[int, Fact]:
        out: dict[int, Fact] = {}
        for part in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(part))
            for r in self._query(f"SELECT * FROM facts WHERE id IN ({marks})", list(part)):
                out[r["id"]] = _fact(r)
        return out

    def facts_by_external_ids(self, external_ids: Sequence[str]) -> list[Fact]:
        out: list[Fact] = []
        for part in _chunks(list(dict.fromkeys(external_ids))):
            marks = ",".join("?" * len(part))
            out += [_fact(r) for r in self._query(
                f"SELECT * FROM facts WHERE external_id IN ({marks}) ORDER BY id", list(part))]
        return out

    def list_facts(self, *, limit: int = 50, offset: int = 0) -> list[Fact]:
        rows = self._query("SELECT * FROM facts ORDER BY id LIMIT ? OFFSET ?", (limit, offset))
        return [_fact(r) for r in rows]

    def fact_base_counts(self) -> dict[str, int]:
        out = {}
        for key in ("fact_checks", "facts", "fact_vectors", "claims", "vectors", "claim_matches"):
            out[key] = self._query(f"SELECT COUNT(*) FROM {key}")[0][0]
        out["addressed_claims"] = self._query(
            "SELECT COUNT(DISTINCT claim_id) FROM claim_matches WHERE addressed=1")[0][0]
        return out

    # -- searchable passages of the fact base ------------------------------------------------

    def fact_checks_without_passages(self, *, limit: int = 1000) -> list[FactCheck]:
        rows = self._query(
            "SELECT * FROM fact_checks f WHERE NOT EXISTS (SELECT 1 FROM fact_vectors v"
            " WHERE v.target='fact_check' AND v.target_id=f.id) ORDER BY id LIMIT ?", (limit,))
        return [_fact_check(r) for r in rows]

    def facts_without_passages(self, *, limit: int = 1000) -> list[Fact]:
        rows = self._query(
            "SELECT * FROM facts f WHERE NOT EXISTS (SELECT 1 FROM fact_vectors v"
            " WHERE v.target='fact' AND v.target_id=f.id) ORDER BY id LIMIT ?", (limit,))
        return [_fact(r) for r in rows]

    def insert_fact_passages(self, rows: Sequence[NewFactPassage]) -> int:
        if not rows:
            return 0
        with self._tx() as c:
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO fact_vectors(target, target_id, field, language, text, latin_key, text_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(r.target, r.target_id, r.field, r.language, r.text, r.latin_key, r.text_hash) for r in rows],
            )
            return c.total_changes - before

    def fact_passages(self, *, after_id: int = 0, limit: int | None = None) -> list[FactPassage]:
        sql = "SELECT * FROM fact_vectors WHERE id > ? ORDER BY id"
        params: list[Any] = [after_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [FactPassage(**dict(r)) for r in self._query(sql, params)]

    def fact_passage_state(self) -> tuple[int, int]:
        """(count, max id) of the searchable passages: the vector index is stale when these differ."""
        row = self._query("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM fact_vectors")[0]
        return int(row[0]), int(row[1])

    def passage_vectors(self, *, after_id: int = 0) -> list[tuple[int, bytes]]:
        """(fact_vectors.id, float32 bytes) for every passage whose vector is cached, in id order."""
        rows = self._query(
            "SELECT v.id, e.vector FROM fact_vectors v JOIN embedding_cache e"
            " ON e.text_hash = v.text_hash AND e.kind = 'passage' WHERE v.id > ? ORDER BY v.id", (after_id,))
        return [(r[0], r[1]) for r in rows]

    # -- the embedding cache ------------------------------------------------------------------

    def cached_vectors(self, hashes: Sequence[str], *, kind: str) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for part in _chunks(list(dict.fromkeys(hashes))):
            marks = ",".join("?" * len(part))
            for r in self._query(
                f"SELECT text_hash, vector FROM embedding_cache WHERE kind=? AND text_hash IN ({marks})",
                [kind, *part],
            ):
                out[r[0]] = r[1]
        return out

    def save_cached_vectors(self, items: Sequence[tuple[str, bytes]], *, kind: str, dim: int) -> int:
        if not items:
            return 0
        now = utcnow()
        with self._tx() as c:
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO embedding_cache(text_hash, kind, dim, vector, created_at) VALUES (?, ?, ?, ?, ?)",
                [(h, kind, dim, v, now) for h, v in items],
            )
            return c.total_changes - before

    # -- claims -------------------------------------------------------------------------------

    def insert_claims(self, rows: Sequence[NewClaim]) -> int:
        if not rows:
            return 0
        now = utcnow()
        with self._tx() as c:
            # The cursor's rowcount, not total_changes: the claims_fts trigger's writes (migration 019)
            # count in total_changes and would inflate the number of new claims.
            cur = c.executemany(
                'INSERT OR IGNORE INTO claims(document_id, start, "end", text, language, latin_key, score,'
                " features, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.document_id, r.start, r.end, r.text, r.language, r.latin_key, r.score,
                     json.dumps(r.features, sort_keys=True), now)
                    for r in rows
                ],
            )
            return max(cur.rowcount, 0)

    def get_claim(self, claim_id: int) -> Claim:
        rows = self._query("SELECT * FROM claims WHERE id=?", (claim_id,))
        if not rows:
            raise NotFoundError(f"No claim {claim_id}; run `factwatch analyze` to extract claims.")
        return _claim(rows[0])

    def claims_after(self, last_id: int, *, limit: int = 1000) -> list[Claim]:
        rows = self._query("SELECT * FROM claims WHERE id > ? ORDER BY id LIMIT ?", (last_id, limit))
        return [_claim(r) for r in rows]

    def claims_of_document(self, document_id: int) -> list[Claim]:
        rows = self._query("SELECT * FROM claims WHERE document_id=? ORDER BY start", (document_id,))
        return [_claim(r) for r in rows]

    def claims_without_vectors(self, *, limit: int = 1000) -> list[Claim]:
        rows = self._query(
            "SELECT c.* FROM claims c WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.claim_id=c.id)"
            " ORDER BY c.id LIMIT ?", (limit,))
        return [_claim(r) for r in rows]

    def save_claim_vectors(self, rows: Sequence[tuple[int, str]], *, kind: str = "query") -> int:
        if not rows:
            return 0
        with self._tx() as c:
            before = c.total_changes
            c.executemany(
                "INSERT OR IGNORE INTO vectors(claim_id, text_hash, kind) VALUES (?, ?, ?)",
                [(cid, h, kind) for cid, h in rows],
            )
            return c.total_changes - before

    def claim_vectors(self, claim_ids: Sequence[int]) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        for part in _chunks(list(claim_ids)):
            marks = ",".join("?" * len(part))
            for r in self._query(
                f"SELECT v.claim_id, e.vector FROM vectors v JOIN embedding_cache e"
                f" ON e.text_hash=v.text_hash AND e.kind=v.kind WHERE v.claim_id IN ({marks})", list(part)):
                out[r[0]] = r[1]
        return out

    def claim_spread(self, latin_key: str) -> ClaimSpread:
        row = self._query(
            "SELECT COUNT(DISTINCT c.document_id), COUNT(DISTINCT d.source) FROM claims c"
            " JOIN documents d ON d.id=c.document_id WHERE c.latin_key=?", (latin_key,))[0]
        first = self._query(
            "SELECT d.id, COALESCE(d.published_at, d.ingested_at) AS seen, d.source FROM claims c"
            " JOIN documents d ON d.id=c.document_id WHERE c.latin_key=? ORDER BY seen, d.id LIMIT 1",
            (latin_key,))
        if first:
            return ClaimSpread(row[0], row[1], first[0][0], first[0][1], first[0][2])
        return ClaimSpread(0, 0, None, None, None)

    # -- matches ------------------------------------------------------------------------------

    def replace_claim_matches(self, claim_ids: Sequence[int], matches: Sequence[ClaimMatch]) -> int:
        """Make ``matches`` the only rows of ``claim_ids``; returns rows actually changed."""
        if not claim_ids:
            return 0
        new = {(m.claim_id, m.rank): m for m in matches}
        with self._tx() as c:
            changed = 0
            for part in _chunks(list(claim_ids)):
                marks = ",".join("?" * len(part))
                old = c.execute(
                    f"SELECT claim_id, rank, target, fact_check_id, fact_id, score, addressed, matched_text,"
                    f" stance, probability, evidence FROM claim_matches WHERE claim_id IN ({marks})",
                    list(part)).fetchall()
                for r in old:
                    m = new.get((r[0], r[1]))
                    same = m is not None and _match_values(m)[2:] == (
                        r[2], r[3], r[4], _score6(r[5]), r[6], r[7], r[8],
                        None if r[9] is None else round(r[9], 6), r[10])
                    if same:
                        new.pop((r[0], r[1]))
                    else:
                        c.execute("DELETE FROM claim_matches WHERE claim_id=? AND rank=?", (r[0], r[1]))
                        changed += 1
            c.executemany(
                "INSERT OR REPLACE INTO claim_matches(claim_id, rank, target, fact_check_id, fact_id, score,"
                " addressed, matched_text, stance, probability, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_match_values(m) for m in new.values()],
            )
            return changed + len(new)

    def claim_matches(self, claim_id: int) -> list[ClaimMatch]:
        rows = self._query("SELECT * FROM claim_matches WHERE claim_id=? ORDER BY rank", (claim_id,))
        return [_claim_match(r) for r in rows]

    def addressed_claims(self, *, limit: int = 100) -> list[int]:
        rows = self._query(
            "SELECT DISTINCT claim_id FROM claim_matches WHERE addressed=1 ORDER BY claim_id DESC LIMIT ?", (limit,))
        return [r[0] for r in rows]
