"""Coordination networks (tables ``coordination_networks``, ``coordination_members``; migration 007).

Written only by the ``coordination`` stage (analysis/shares.py) through ``replace_coordination_networks``;
read by ``factwatch coordination``, the dashboard and its API.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from factwatch.errors import NotFoundError
from factwatch.models import NetworkAccount, ShareDocument, StoredNetwork
from factwatch.store._clock import utcnow

_SHARE_SELECT = """
SELECT d.id, d.platform, d.source, s.actor, a.type AS actor_type, d.author, d.external_id, d.published_at,
       d.text, d.latin_key, d.meta, m.cluster_id
FROM documents d
LEFT JOIN sources s ON s.name = d.source
LEFT JOIN actors a ON a.name = s.actor
LEFT JOIN cluster_members m ON m.document_id = d.id
WHERE d.id > ? ORDER BY d.id LIMIT ?
"""

_NETWORK_COLUMNS = ("id, kind, accounts, edges, objects, shares, first_at, last_at, density, median_lag, score,"
                    " parameters, top_objects, edge_list, computed_at")


def _share(row: sqlite3.Row) -> ShareDocument:
    d = dict(row)
    try:
        meta = json.loads(d["meta"] or "{}")
    except ValueError:
        meta = {}
    d["meta"] = meta if isinstance(meta, dict) else {}
    return ShareDocument(**d)


def _fts_phrases(needles: Sequence[str]) -> str | None:
    """An FTS5 query matching every document whose text or Latin key holds one of ``needles`` where
    an object starts (after the '#' of a hashtag, the '://' of a URL), or None when one has no token.

    Each needle is a quoted phrase, tokenised as the index is (unicode61: case folded, diacritics
    removed, punctuation splits), so "ex.example/u/1" meets "https://Ex.Example/u/1". The trailing
    ``*`` keeps a document whose object runs on into more token characters (a URL's next path
    segment): the store returns a superset and ``document_objects`` decides exactly."""
    if not needles or not all(any(ch.isalnum() for ch in n) for n in needles):
        return None
    return " OR ".join('"' + n.replace('"', '""') + '"*' for n in needles)


class CoordinationMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    def share_documents(self, after_id: int, *, limit: int = 5000) -> list[ShareDocument]:
        """Documents after ``after_id`` in id order, with their source's actor and story cluster."""
        return [_share(r) for r in self._query(_SHARE_SELECT, (after_id, limit))]

    def account_share_documents(
        self, accounts: Sequence[str], *, since: str | None = None, until: str | None = None,
        clusters: Sequence[int] | None = None, needles: Sequence[str] | None = None, limit: int = 5000,
        marker: str | None = None, newest_first: bool = False,
    ) -> list[ShareDocument]:
        """Documents posted by ``accounts`` (named as the stage names them: the author, else the source),
        oldest first (``newest_first``: newest first, so a cut keeps the latest), at most ``limit``: the network page's shares and lags. ``since``/``until`` bound
        ``published_at``; ``clusters`` keeps members of those story clusters; ``needles`` keeps
        documents whose meta contains one of them (case-insensitive for ASCII) or whose text or
        Latin key holds one as words (the FTS index; see ``_fts_phrases``) and, with ``marker``,
        whose text holds the marker too (a hashtag's '#', a URL's '://'). The filters
        narrow in SQL what the caller then checks exactly (indexes on author, source, published_at)."""
        if not accounts:
            return []
        marks = ",".join("?" * len(accounts))
        where = [f"(d.author IN ({marks}) OR d.source IN ({marks}))"]
        params: list[Any] = [*accounts, *accounts]
        if since:
            # Unary + keeps SQLite on the author/source indexes: scanning a busy span of the
            # published_at index and looking each row up was 6x slower on 100k documents.
            where.append("+d.published_at >= ?")
            params.append(since)
        if until:
            where.append("+d.published_at <= ?")
            params.append(until)
        if clusters is not None:
            # As a subquery on cluster_members' index: SQLite then starts from the few members
            # (0.1 ms) instead of every document of the accounts (240 ms on 100k documents).
            where.append(f"d.id IN (SELECT document_id FROM cluster_members WHERE cluster_id IN"
                         f" ({','.join('?' * len(clusters))}))" if clusters else "0")
            params += list(clusters)
        if needles is not None:
            like = [n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for n in needles]
            match = _fts_phrases(needles)
            if match is not None:
                # Text and Latin key through the FTS index: a LIKE on each of the accounts' documents
                # cost 1.25 s for ten hashtags on 100k documents (9k of them in the span), this 0.03 s.
                # Meta (hashtag and link lists of social exports) is short and not indexed: LIKE.
                # The marker check is cheap and keeps out the posts that only use the words
                # ("kosovo" without its #): 1,859 documents read instead of 4,228 in the case above.
                text = "d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)"
                if marker:
                    text = f"(instr(d.text, ?) > 0 AND {text})"
                    params.append(marker)
                where.append(f"({text} OR " + " OR ".join("d.meta LIKE ? ESCAPE '\\'" for _ in like) + ")")
                params += [match, *(f"%{n}%" for n in like)]
            else:
                where.append("(" + (" OR ".join("d.text LIKE ? ESCAPE '\\' OR d.meta LIKE ? ESCAPE '\\'"
                                                 " OR d.latin_key LIKE ? ESCAPE '\\'" for _ in like) or "0") + ")")
                for n in like:
                    params += [f"%{n}%"] * 3
        order = "d.published_at DESC, d.id DESC" if newest_first else "d.published_at, d.id"
        select = _SHARE_SELECT.replace("WHERE d.id > ? ORDER BY d.id LIMIT ?",
                                       f"WHERE {' AND '.join(where)} ORDER BY d.published_at IS NULL, {order} LIMIT ?")
        wanted = set(accounts)
        docs = [_share(r) for r in self._query(select, [*params, limit])]
        return [d for d in docs if ((d.author or "").strip() or d.source) in wanted]

    def coordination_watermark(self) -> str:
        """Changes when documents or story clusters change: the stage's reason to recompute."""
        docs = self._query("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM documents")[0]
        members = self._query("SELECT COUNT(*) FROM cluster_members")[0]
        return f"{docs[0]}:{docs[1]}:{members[0]}"

    def replace_coordination_networks(
        self, kind: str, networks: Sequence[StoredNetwork], *, stage: str, cursor: str,
    ) -> int:
        """Replace the stored networks of one object kind and set the stage cursor, in one transaction."""
        now = utcnow()
        with self._tx() as c:
            old = [r[0] for r in c.execute("SELECT id FROM coordination_networks WHERE kind = ?", (kind,))]
            for network_id in old:
                c.execute("DELETE FROM coordination_members WHERE network_id = ?", (network_id,))
            c.execute("DELETE FROM coordination_networks WHERE kind = ?", (kind,))
            for n in networks:
                c.execute(
                    f"INSERT INTO coordination_networks({_NETWORK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (n.id, kind, len(n.accounts), n.edges, n.objects, n.shares, n.first_at, n.last_at, n.density,
                     n.median_lag, n.score, json.dumps(n.parameters), json.dumps(n.top_objects, ensure_ascii=False),
                     json.dumps(n.edge_list, ensure_ascii=False), now))
                c.executemany(
                    "INSERT INTO coordination_members(network_id, account, shares, community, sources, actors, platforms)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(n.id, a.account, a.shares, a.community, json.dumps(a.sources, ensure_ascii=False),
                      json.dumps(a.actors, ensure_ascii=False), json.dumps(a.platforms)) for a in n.account_details])
            c.execute(
                "INSERT INTO stage_state(stage, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stage) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stage, cursor, now))
        return len(networks)

    def _network(self, row: sqlite3.Row, *, details: bool) -> StoredNetwork:
        d = dict(row)
        members = self._query(
            "SELECT account, shares, community, sources, actors, platforms FROM coordination_members"
            " WHERE network_id = ? ORDER BY account", (d["id"],))
        accounts = [NetworkAccount(account=m["account"], shares=m["shares"], community=m["community"],
                                   sources=json.loads(m["sources"]), actors=json.loads(m["actors"]),
                                   platforms=json.loads(m["platforms"])) for m in members]
        return StoredNetwork(
            id=d["id"], kind=d["kind"], accounts=[a.account for a in accounts], edges=d["edges"], objects=d["objects"],
            shares=d["shares"], first_at=d["first_at"], last_at=d["last_at"], density=d["density"],
            median_lag=d["median_lag"], score=d["score"], parameters=json.loads(d["parameters"]),
            computed_at=d["computed_at"], account_details=accounts,
            top_objects=json.loads(d["top_objects"]) if details else [],
            edge_list=json.loads(d["edge_list"]) if details else [],
        )

    def list_coordination_networks(self, *, kind: str | None = None, limit: int = 50, offset: int = 0) -> list[StoredNetwork]:
        """Stored networks, largest first, then by score."""
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        rows = self._query(
            f"SELECT {_NETWORK_COLUMNS} FROM coordination_networks {where}"
            " ORDER BY accounts DESC, score DESC, id LIMIT ? OFFSET ?", [*params, limit, offset])
        return [self._network(r, details=False) for r in rows]

    def count_coordination_networks(self, *, kind: str | None = None) -> int:
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        return int(self._query(f"SELECT COUNT(*) FROM coordination_networks {where}", params)[0][0])

    def get_coordination_network(self, network_id: str) -> StoredNetwork:
        rows = self._query(f"SELECT {_NETWORK_COLUMNS} FROM coordination_networks WHERE id = ?", (network_id,))
        if not rows:
            raise NotFoundError(f"No coordination network {network_id!r}; `factwatch coordination --json` lists them "
                                "(run `factwatch analyze` first)")
        return self._network(rows[0], details=True)
