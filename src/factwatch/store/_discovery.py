"""Discovery clusters of unmatched claims (migration 009; issue 9)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from factwatch.errors import InputError, NotFoundError
from factwatch.models import Narrative
from factwatch.store._clock import utcnow

__all__ = ["ClusterState", "DiscoveryMixin", "PendingClaim", "StoredCluster"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class PendingClaim:
    """A claim after the discovery cursor: whether it can be clustered yet, and whether it matched."""

    id: int
    document_id: int
    has_vector: bool
    matched: bool  # some narrative_assignments row names this claim


@dataclass(frozen=True, slots=True)
class ClusterState:
    """What the stage writes for one cluster (new or changed)."""

    id: int
    status: str
    size: int
    vector_sum: bytes
    merged_into: int | None = None


@dataclass(frozen=True, slots=True)
class StoredCluster:
    id: int
    status: str
    size: int
    vector_sum: bytes
    label: dict[str, Any]
    labelled_size: int
    merged_into: int | None
    narrative_id: str | None
    created_at: str
    updated_at: str

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("vector_sum")
        return d


def _cluster(row: Any) -> StoredCluster:
    d = dict(row)
    d["label"] = json.loads(d["label"] or "{}")
    return StoredCluster(**d)


class DiscoveryMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    def discovery_pending(self, after_id: int, *, limit: int = 1000) -> list[PendingClaim]:
        rows = self._query(
            "SELECT c.id, c.document_id, (v.claim_id IS NOT NULL) AS has_vector,"
            # document_id first: the assignments' unique index starts with it (no index on claim_id).
            " EXISTS (SELECT 1 FROM narrative_assignments a WHERE a.document_id = c.document_id"
            " AND a.claim_id = c.id) AS matched"
            " FROM claims c LEFT JOIN vectors v ON v.claim_id = c.id WHERE c.id > ? ORDER BY c.id LIMIT ?",
            (after_id, limit))
        return [PendingClaim(r[0], r[1], bool(r[2]), bool(r[3])) for r in rows]

    def discovery_clusters(self, *, status: str | None = "open", min_size: int = 1,
                           ids: Sequence[int] | None = None, stale: bool = False) -> list[StoredCluster]:
        """``stale``: only clusters whose label was computed at another size (or never)."""
        where, params = ["size >= ?"], [min_size]
        if stale:
            where.append("labelled_size != size")
        if status is not None:
            where.append("status = ?")
            params.append(status)
        sql = "SELECT * FROM discovery_clusters WHERE " + " AND ".join(where)
        if ids is None:
            return [_cluster(r) for r in self._query(sql + " ORDER BY id", params)]
        out: list[StoredCluster] = []
        id_list = list(ids)
        for i in range(0, len(id_list), _CHUNK):
            part = id_list[i:i + _CHUNK]
            out += [_cluster(r) for r in self._query(
                sql + f" AND id IN ({','.join('?' * len(part))}) ORDER BY id", [*params, *part])]
        return out

    def discovery_next_cluster_id(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(id), 0) + 1 FROM discovery_clusters")[0][0])

    def get_discovery_cluster(self, cluster_id: int) -> StoredCluster:
        rows = self._query("SELECT * FROM discovery_clusters WHERE id = ?", (cluster_id,))
        if not rows:
            raise NotFoundError(f"No candidate narrative {cluster_id}; `factwatch narratives candidates` lists them.")
        return _cluster(rows[0])

    def save_discovery_batch(
        self, clusters: Sequence[ClusterState], members: Sequence[tuple[int, int, float]],
        *, stage: str, cursor: str,
    ) -> int:
        """Upsert changed clusters, add members ``(claim, cluster, similarity)``, move the members of
        merged clusters to their target, and move the stage cursor, in one transaction."""
        now = utcnow()
        with self._tx() as c:
            for k in clusters:
                c.execute(
                    "INSERT INTO discovery_clusters(id, status, merged_into, size, vector_sum, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status=excluded.status,"
                    " merged_into=excluded.merged_into, size=excluded.size, vector_sum=excluded.vector_sum,"
                    " updated_at=excluded.updated_at",
                    (k.id, k.status, k.merged_into, k.size, k.vector_sum, now, now))
            c.executemany(
                "INSERT INTO discovery_members(claim_id, cluster_id, similarity, joined_at) VALUES (?, ?, ?, ?)",
                [(cid, kid, float(s), now) for cid, kid, s in members])
            for k in clusters:
                if k.status == "merged" and k.merged_into is not None:
                    c.execute("UPDATE discovery_members SET cluster_id = ? WHERE cluster_id = ?", (k.merged_into, k.id))
            c.execute(
                "INSERT INTO stage_state(stage, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stage) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stage, cursor, now))
        return len(members)

    def save_discovery_labels(self, labels: Sequence[tuple[int, dict[str, Any], int]]) -> int:
        """``(cluster, label, size it describes)``; a label is derived data, so it is written apart."""
        with self._tx() as c:
            c.executemany("UPDATE discovery_clusters SET label = ?, labelled_size = ? WHERE id = ?",
                          [(json.dumps(lab, ensure_ascii=False, sort_keys=True), size, kid) for kid, lab, size in labels])
        return len(labels)

    def discovery_member_rows(self, cluster_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Members with what labels and stats need: claim text, Latin key, language, source, date."""
        out: list[dict[str, Any]] = []
        ids = list(cluster_ids)
        for i in range(0, len(ids), _CHUNK):
            part = ids[i:i + _CHUNK]
            out += [dict(r) for r in self._query(
                "SELECT m.cluster_id, m.claim_id, m.similarity, c.document_id, c.text, c.latin_key, c.language,"
                " d.source, COALESCE(d.published_at, d.ingested_at) AS seen_at"
                " FROM discovery_members m JOIN claims c ON c.id = m.claim_id JOIN documents d ON d.id = c.document_id"
                f" WHERE m.cluster_id IN ({','.join('?' * len(part))}) ORDER BY m.cluster_id, m.claim_id", part)]
        return out

    def promote_discovery_cluster(self, cluster_id: int, narrative: Narrative) -> Narrative:
        """Add ``narrative`` to its catalogue (after the catalogue's last entry) and mark the cluster
        promoted, in one transaction. Refuses a cluster that is not open or an id already taken."""
        now = utcnow()
        with self._tx() as c:
            row = c.execute("SELECT status FROM discovery_clusters WHERE id = ?", (cluster_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"No candidate narrative {cluster_id}; `factwatch narratives candidates` lists them.")
            if row[0] != "open":
                raise InputError(f"Candidate {cluster_id} is {row[0]}; only open candidates can be promoted.")
            if c.execute("SELECT 1 FROM narratives WHERE id = ?", (narrative.id,)).fetchone() is not None:
                raise InputError(f"Narrative id {narrative.id!r} already exists; pass another id.")
            pos = c.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM narratives WHERE catalogue = ?",
                            (narrative.catalogue,)).fetchone()[0]
            c.execute(
                "INSERT INTO narratives(id, catalogue, position, label, title, description, parent, status, domain,"
                " examples, keywords, facts, disarm, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (narrative.id, narrative.catalogue, pos, narrative.label, narrative.title, narrative.description,
                 narrative.parent, narrative.status, narrative.domain,
                 json.dumps([{"language": e.language, "text": e.text} for e in narrative.examples], ensure_ascii=False),
                 json.dumps(list(narrative.keywords), ensure_ascii=False), json.dumps(list(narrative.facts)),
                 json.dumps(list(narrative.disarm)), now))
            c.execute("UPDATE discovery_clusters SET status = 'promoted', narrative_id = ?, updated_at = ? WHERE id = ?",
                      (narrative.id, now, cluster_id))
        return narrative
