"""SQLite backend: WAL journal, FTS5 full-text index, numbered migrations."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from factwatch.errors import NotFoundError, StoreError
from factwatch.store._accounts import AccountsMixin
from factwatch.store._calibrations import CalibrationsMixin
from factwatch.store._clock import utcnow
from factwatch.store._clusters import ClustersMixin
from factwatch.store._coordination import CoordinationMixin
from factwatch.store._discovery import DiscoveryMixin
from factwatch.store._facts import FactsMixin
from factwatch.store._narratives import NarrativesMixin
from factwatch.store._reviews import ReviewsMixin
from factwatch.store._saved import SavedSearchesMixin
from factwatch.store._cache import QueryCache
from factwatch.store._search import document_search_query
from factwatch.store._trends import TrendsMixin
from factwatch.store._views import ViewsMixin
from factwatch.store._workflow import WorkflowMixin
from factwatch.models import (
    ACTOR_TYPES,
    Actor,
    Document,
    NewDocument,
    RejectedRecord,
    Rejection,
    Run,
    Source,
)

RAW_EXCERPT_CHARS = 2000


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("factwatch.store.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


# A search with more matches than this lists its page by walking a date-ordered index and testing
# each row against the matches (a few hundred rows for a common word) instead of fetching every
# match to sort it by date: 150 ms -> 2 ms for 18k matches among 100k documents; below it, the
# matches themselves are fewer rows than the walk could take (bench/bench_web_load.py).
SEARCH_SCAN_ABOVE = 1000


class SQLiteStore(AccountsMixin, FactsMixin, ViewsMixin, ReviewsMixin, CalibrationsMixin, ClustersMixin, CoordinationMixin, NarrativesMixin, TrendsMixin, DiscoveryMixin, WorkflowMixin, SavedSearchesMixin):
    """The embedded store. One connection, guarded by a lock so the web app's threads can share it.

    ``read_only=True`` opens the file with ``mode=ro`` (``immutable=1`` when even that fails, as on
    a file under ``chattr +i`` in a read-only folder) and never migrates: commands that only read
    work on a database they may not write.
    """

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.url = path
        self.read_only = read_only
        self._lock = threading.RLock()
        # Only a read-only store caches: it never writes, so every change it could miss comes from
        # another connection, which moves PRAGMA data_version (_cache.py).
        self._cache = QueryCache() if read_only else None
        self._version_conn: sqlite3.Connection | None = None  # data_version's own (read-only store)
        self._version_lock = threading.Lock()
        try:
            self._conn = _connect(path, read_only=read_only)
            self._conn.row_factory = sqlite3.Row
            if not read_only:
                self._conn.execute("PRAGMA journal_mode=WAL")
                # NORMAL is durable at transaction boundaries in WAL mode, which is what the
                # kill-and-rerun guarantee needs; FULL would halve ingest throughput.
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            if read_only:
                # Reading the schema here finds a damaged or foreign file at open, not mid-command.
                self._conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            else:
                self._migrate()
                self.index_fact_base()  # rows stored before migration 019 become searchable
        except sqlite3.Error as exc:
            conn = getattr(self, "_conn", None)
            if conn is not None:
                conn.close()
            raise explain_sqlite_error(exc, path) from exc

    # -- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        with self._version_lock:
            if self._version_conn is not None:
                self._version_conn.close()

    def data_version(self) -> int:
        """A number that moves whenever another connection commits to the file: the key of the web
        app's read cache (web/_cache.py). A read-only store asks on a second connection of its own,
        so the question never waits behind a long query on the main one."""
        if not self.read_only:
            with self._lock:
                return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        with self._version_lock, _translated(self.url):
            if self._version_conn is None:
                self._version_conn = _connect(self.url, read_only=True)
            return int(self._version_conn.execute("PRAGMA data_version").fetchone()[0])

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _translated(self.url):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        if self._cache is None:
            with self._lock, _translated(self.url):
                return self._conn.execute(sql, params).fetchall()
        # The version comes from data_version's own connection, so a cached answer (a token's user,
        # the counts) never waits for the main connection's lock behind a long query in another
        # thread (bench/bench_web_load.py: a third of the server's samples were that wait).
        version = self.data_version()
        key = QueryCache.key(sql, params)
        rows = self._cache.get(version, key)
        if rows is None:
            with self._lock, _translated(self.url):
                rows = self._conn.execute(sql, params).fetchall()
            self._cache.put(version, key, rows)
        return rows

    def pending_migrations(self) -> list[str]:
        """Names of the migrations this database still lacks (empty when it is current)."""
        with self._lock, _translated(self.url):
            has_table = self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
            done = {r[0] for r in self._conn.execute("SELECT version FROM schema_migrations")} if has_table else set()
        return [name for version, name, _ in _migrations() if version not in done]

    def _migrate(self) -> None:
        with self._lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
            )
            done = {r[0] for r in self._conn.execute("SELECT version FROM schema_migrations")}
            for version, name, sql in _migrations():
                if version in done:
                    continue
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    # executescript would COMMIT on its own; run statement by statement instead.
                    for statement in _split_sql(sql):
                        self._conn.execute(statement)
                    self._conn.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, utcnow())
                    )
                    self._conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    if _primary_code(exc) in _EXPLAINED:
                        raise  # read-only, damaged, locked: the caller says what to do
                    raise StoreError(f"Migration {name} failed on {self.url!r}: {exc}") from exc

    def schema_version(self) -> int:
        return self._query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0]

    # -- runs and rejections ----------------------------------------------------------------

    def start_run(self, kind: str, input: str) -> str:
        run_id = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S-") + uuid.uuid4().hex[:6]
        with self._tx() as c:
            c.execute(
                "INSERT INTO runs(id, kind, input, status, started_at) VALUES (?, ?, ?, 'running', ?)",
                (run_id, kind, input, utcnow()),
            )
        return run_id

    def finish_run(
        self, run_id: str, *, status: str, inserted: int, duplicates: int, rejected: int,
        error: str | None = None,
    ) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE runs SET status=?, finished_at=?, inserted=?, duplicates=?, rejected=?, error=? WHERE id=?",
                (status, utcnow(), inserted, duplicates, rejected, error, run_id),
            )

    def get_run(self, run_id: str) -> Run:
        rows = self._query("SELECT * FROM runs WHERE id=?", (run_id,))
        if not rows:
            raise NotFoundError(f"No run {run_id!r}; `factwatch runs list` shows the runs.")
        return Run(**dict(rows[0]))

    def list_runs(self, *, limit: int = 50) -> list[Run]:
        rows = self._query("SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", (limit,))
        return [Run(**dict(r)) for r in rows]

    def add_rejections(self, rejections: Sequence[RejectedRecord], *, run_id: str) -> None:
        if not rejections:
            return
        with self._tx() as c:
            c.executemany(
                "INSERT INTO rejections(run_id, position, reason, raw) VALUES (?, ?, ?, ?)",
                [(run_id, r.position, r.reason, r.raw[:RAW_EXCERPT_CHARS]) for r in rejections],
            )

    def list_rejections(self, run_id: str, *, limit: int = 1000) -> list[Rejection]:
        rows = self._query(
            "SELECT run_id, position, reason, raw FROM rejections WHERE run_id=? ORDER BY id LIMIT ?",
            (run_id, limit),
        )
        return [Rejection(**dict(r)) for r in rows]

    def run_document_ids(self, run_id: str, *, limit: int = 1000) -> list[int]:
        """Ids of the documents a run stored, in order (016_documents_run.sql indexes it)."""
        rows = self._query("SELECT id FROM documents WHERE run_id=? ORDER BY id LIMIT ?", (run_id, limit))
        return [r[0] for r in rows]

    # -- documents --------------------------------------------------------------------------

    def insert_documents(self, docs: Sequence[NewDocument], *, run_id: str) -> tuple[int, int]:
        if not docs:
            return 0, 0
        now = utcnow()
        rows = [
            (
                d.platform, d.source, d.external_id, _id_scope(d), d.url, d.title, d.text, d.author, d.published_at,
                d.language, d.script, d.latin_key, d.content_hash,
                json.dumps(d.meta, ensure_ascii=False, default=str), d.position, run_id, now,
            )
            for d in docs
        ]
        with self._tx() as c:
            c.executemany(
                "INSERT OR IGNORE INTO sources(name, platform) VALUES (?, ?)",
                sorted({(d.source, d.platform) for d in docs}),
            )
            cur = c.executemany(
                "INSERT OR IGNORE INTO documents(platform, source, external_id, id_scope, url, title, text, author,"
                " published_at, language, script, latin_key, content_hash, meta, position, run_id, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            inserted = cur.rowcount
        return inserted, len(docs) - inserted

    @staticmethod
    def _document(row: sqlite3.Row) -> Document:
        d = dict(row)
        d.pop("content_hash", None)
        d.pop("position", None)
        d.pop("id_scope", None)
        d["meta"] = json.loads(d["meta"] or "{}")
        return Document(**d)

    def get_document(self, doc_id: int) -> Document:
        rows = self._query("SELECT * FROM documents WHERE id=?", (doc_id,))
        if not rows:
            raise NotFoundError(f"No document {doc_id}.")
        return self._document(rows[0])

    def _search_matches(self, query: str) -> int:
        return self._query("SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH ?",
                           (document_search_query(query),))[0][0]

    def _document_filter(
        self, *, language: str | None, source: str | None, since: str | None, until: str | None,
        query: str | None, scan: bool = False,
    ) -> tuple[str, list[Any]]:
        where, params = [], []
        if language:
            where.append("d.language = ?")
            params.append(language)
        if source:
            where.append("d.source = ?")
            params.append(source)
        if since:
            where.append("d.published_at >= ?")
            params.append(since)
        if until:
            # A bare date means the whole day.
            where.append("d.published_at < ?" if len(until) > 10 else "substr(d.published_at, 1, 10) <= ?")
            params.append(until)
        if query:
            # scan: the unary + keeps SQLite from looking up every match by rowid, so it walks a
            # date-ordered index (016, 017) and checks each row against the matches instead.
            where.append(("+" if scan else "") + "d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            params.append(document_search_query(query))  # both scripts, word forms (_search.py)
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def list_documents(
        self, *, language: str | None = None, source: str | None = None, since: str | None = None,
        until: str | None = None, query: str | None = None, limit: int = 50, offset: int = 0,
    ) -> list[Document]:
        matches = self._search_matches(query) if query else None
        if matches == 0:
            return []
        where, params = self._document_filter(
            language=language, source=source, since=since, until=until, query=query,
            scan=matches is not None and matches > SEARCH_SCAN_ABOVE,
        )
        rows = self._query(
            f"SELECT d.* FROM documents d{where} ORDER BY d.published_at DESC, d.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [self._document(r) for r in rows]

    def count_documents(
        self, *, language: str | None = None, source: str | None = None, since: str | None = None,
        until: str | None = None, query: str | None = None,
    ) -> int:
        matches = self._search_matches(query) if query else None
        if matches is not None and (matches == 0 or not (language or source or since or until)):
            return matches  # the index counts them itself: no lookup of 18k rows to count 18k matches
        where, params = self._document_filter(
            language=language, source=source, since=since, until=until, query=query,
            scan=matches is not None and matches > SEARCH_SCAN_ABOVE,
        )
        return self._query(f"SELECT COUNT(*) FROM documents d{where}", params)[0][0]

    def documents_after(self, last_id: int, *, limit: int = 1000) -> list[Document]:
        rows = self._query("SELECT * FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last_id, limit))
        return [self._document(r) for r in rows]

    def language_counts(self) -> dict[str, int]:
        rows = self._query("SELECT language, COUNT(*) FROM documents GROUP BY language ORDER BY 2 DESC")
        return {r[0]: r[1] for r in rows}

    # -- registry ---------------------------------------------------------------------------

    def upsert_actor(self, actor: Actor) -> None:
        if actor.type not in ACTOR_TYPES:
            raise StoreError(f"Actor {actor.name!r} has type {actor.type!r}; use one of {', '.join(ACTOR_TYPES)}.")
        with self._tx() as c:
            c.execute(
                "INSERT INTO actors(name, type, country, notes) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET type=excluded.type, country=excluded.country, notes=excluded.notes",
                (actor.name, actor.type, actor.country, actor.notes),
            )

    def upsert_source(self, source: Source, *, profile: str | None = None) -> None:
        with self._tx() as c:
            if source.actor:
                c.execute(
                    "INSERT OR IGNORE INTO actors(name, type) VALUES (?, ?)",
                    (source.actor, source.actor_type or "unknown"),
                )
            c.execute(
                "INSERT INTO sources(name, platform, url, feed_url, country, language, actor, profile)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET platform=excluded.platform,"
                " url=excluded.url, feed_url=excluded.feed_url, country=excluded.country,"
                " language=excluded.language, actor=excluded.actor, profile=excluded.profile",
                (source.name, source.platform, source.url, source.feed_url, source.country,
                 source.language, source.actor, profile),
            )

    def list_actors(self) -> list[Actor]:
        return [Actor(**dict(r)) for r in self._query("SELECT name, type, country, notes FROM actors ORDER BY name")]

    def list_sources(self, profile: str | None = None) -> list[Source]:
        sql = (
            "SELECT s.name, s.platform, s.url, s.feed_url, s.country, s.language, s.actor,"
            " a.type AS actor_type, (SELECT COUNT(*) FROM documents d WHERE d.source = s.name) AS documents"
            " FROM sources s LEFT JOIN actors a ON a.name = s.actor"
        )
        params: list[Any] = []
        if profile:
            sql += " WHERE s.profile = ?"
            params.append(profile)
        rows = self._query(sql + " ORDER BY s.name", params)
        return [Source(**dict(r)) for r in rows]

    def get_source(self, name: str) -> Source | None:
        """One source with its actor, without counting its documents (cheap, for per-claim use)."""
        rows = self._query(
            "SELECT s.name, s.platform, s.url, s.feed_url, s.country, s.language, s.actor, a.type AS actor_type"
            " FROM sources s LEFT JOIN actors a ON a.name = s.actor WHERE s.name = ?",
            (name,),
        )
        return Source(**dict(rows[0])) if rows else None

    def source_names(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM sources ORDER BY name")]

    def source_language(self, name: str) -> str | None:
        rows = self._query("SELECT language FROM sources WHERE name=?", (name,))
        return rows[0][0] if rows else None

    # -- feed polling -----------------------------------------------------------------------

    def get_feed_state(self, url: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM feed_state WHERE url=?", (url,))
        return dict(rows[0]) if rows else None

    def save_feed_state(
        self, url: str, *, etag: str | None, last_modified: str | None, failures: int,
        next_poll_at: str | None, last_status: str | None, last_polled_at: str | None,
    ) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO feed_state(url, etag, last_modified, failures, next_poll_at, last_status, last_polled_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag=excluded.etag,"
                " last_modified=excluded.last_modified, failures=excluded.failures,"
                " next_poll_at=excluded.next_poll_at, last_status=excluded.last_status,"
                " last_polled_at=excluded.last_polled_at",
                (url, etag, last_modified, failures, next_poll_at, last_status, last_polled_at),
            )

    # -- stage cursors ----------------------------------------------------------------------

    def get_cursor(self, stage: str) -> str | None:
        rows = self._query("SELECT cursor FROM stage_state WHERE stage=?", (stage,))
        return rows[0][0] if rows else None

    def set_cursor(self, stage: str, cursor: str) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO stage_state(stage, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stage) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stage, cursor, utcnow()),
            )

    # -- pending work (the totals of progress bars) ------------------------------------------

    def count_documents_after(self, last_id: int) -> int:
        return self._query("SELECT COUNT(*) FROM documents WHERE id > ?", (last_id,))[0][0]

    def count_claims_after(self, last_id: int) -> int:
        return self._query("SELECT COUNT(*) FROM claims WHERE id > ?", (last_id,))[0][0]

    def count_claims_without_vectors(self) -> int:
        return self._query(
            "SELECT COUNT(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.claim_id=c.id)")[0][0]

    # -- counts -----------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for key, table in _COUNTED_TABLES:
            try:
                counts[key] = self._query(f"SELECT COUNT(*) FROM {table}")[0][0]
            except sqlite3.OperationalError:
                continue  # table of a later migration not present
        return counts


# -- opening and error translation ------------------------------------------------------------
# Primary result codes (https://www.sqlite.org/rescode.html) whose cause the user can fix.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_EXPLAINED = {
    _SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT,
    _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB,
}


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _connect(path: str, *, read_only: bool) -> sqlite3.Connection:
    if not read_only or path == ":memory:":
        return sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    uri = "file:" + quote(str(Path(path).resolve()))
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        if _primary_code(exc) not in (_SQLITE_CANTOPEN, _SQLITE_READONLY):
            raise
    # A WAL database needs its -shm file, which mode=ro cannot create in a folder it may not
    # write; immutable=1 reads without it. Safe here: nothing can write a file we cannot open.
    return sqlite3.connect(uri + "?immutable=1", uri=True, check_same_thread=False, isolation_level=None, timeout=30)


def explain_sqlite_error(exc: sqlite3.Error, path: str) -> StoreError:
    """A StoreError that says what is wrong with the database at ``path`` and what to do."""
    code = _primary_code(exc)
    if code == _SQLITE_NOTADB:
        return StoreError(
            f"{path} is not a factwatch database ({exc}): it is another kind of file, or damaged. "
            "Check --db (or $FACTWATCH_DB); to start afresh, move the file aside."
        )
    if code == _SQLITE_CORRUPT:
        return StoreError(
            f"The database {path} is damaged ({exc}), for instance truncated by a full disk or a partial "
            f"copy. Restore it from a backup; `sqlite3 {path} .recover | sqlite3 recovered.db` saves what is left."
        )
    if code == _SQLITE_READONLY:
        return StoreError(
            f"The database {path} is read-only ({exc}) and this command writes to it. Make the file and its "
            "folder writable (chmod u+w; lsattr shows an immutable 'i' flag, chattr -i clears it), "
            "or copy it somewhere writable and pass --db COPY. Commands that only read work as it is."
        )
    if code in (_SQLITE_CANTOPEN, _SQLITE_PERM):
        return StoreError(
            f"Cannot open the database {path} ({exc}). Check that the path is right, that its folder exists, "
            "and that you may read (and, for commands that write, write) the file and its folder."
        )
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreError(
            f"The database {path} is locked by another process ({exc}), such as a running ingest or analyze. "
            "Wait for it to finish and retry."
        )
    if code == _SQLITE_FULL:
        return StoreError(f"The disk holding {path} is full ({exc}). Free space and retry; nothing was lost.")
    if code == _SQLITE_IOERR:
        return StoreError(
            f"Reading or writing {path} failed ({exc}): the disk or file system reported an error, or the file "
            "changed under factwatch. Check the disk, then retry."
        )
    return StoreError(f"Database error on {path}: {exc}.")


@contextmanager
def _translated(path: str) -> Iterator[None]:
    """Re-raise the SQLite errors a user can act on as StoreError; others (constraints, SQL) pass."""
    try:
        yield
    except sqlite3.Error as exc:
        if _primary_code(exc) in _EXPLAINED:
            raise explain_sqlite_error(exc, path) from exc
        raise


def _id_scope(doc: NewDocument) -> str:
    """The documents_identity scope (003): '' for a platform-wide id, else the source name."""
    return "" if doc.global_id or doc.external_id is None else doc.source


# (stats key, table): the stats --json keys in DESIGN.md order.
_COUNTED_TABLES: tuple[tuple[str, str], ...] = (
    ("documents", "documents"),
    ("sources", "sources"),
    ("clusters", "(SELECT 1 FROM clusters WHERE size > 1)"),  # stories with at least one copy
    ("actors", "actors"),
    ("runs", "runs"),
    ("rejections", "rejections"),
    ("claims", "claims"),
    ("fact_checks", "fact_checks"),
    ("facts", "facts"),
    ("claim_matches", "claim_matches"),
    ("addressed_claims", "(SELECT DISTINCT claim_id FROM claim_matches WHERE addressed = 1)"),
    # Analyst review (migration 005): pending is what `review list` offers, an addressed claim's
    # best candidate without a decision; confirmed/rejected count the decisions in force per pair.
    ("reviews_pending", "(SELECT 1 FROM claim_matches m WHERE m.rank = 1 AND m.addressed = 1 AND NOT EXISTS"
                        " (SELECT 1 FROM review_decisions r WHERE r.claim_id = m.claim_id AND r.target = m.target"
                        " AND r.target_id = COALESCE(m.fact_check_id, m.fact_id)))"),
    ("reviews_confirmed", "(SELECT 1 FROM review_decisions WHERE decision = 'confirmed')"),
    ("reviews_rejected", "(SELECT 1 FROM review_decisions WHERE decision = 'rejected')"),
)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    statements, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        candidate = "\n".join(buf).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            buf = []
    if "\n".join(buf).strip():
        statements.append("\n".join(buf).strip())
    return statements


def _fts_query(text: str) -> str:
    """Quote each word so user input is never parsed as FTS5 syntax (AND, NEAR, column filters)."""
    words = [w.replace('"', '""') for w in text.split() if w.strip()]
    return " ".join(f'"{w}"' for w in words) or '""'
