"""Saved searches (migration 014): named filters of a list page, some of them watched by alerts."""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import parse_qs

from factwatch.errors import InputError, NotFoundError
from factwatch.models import SavedSearch
from factwatch.store._clock import utcnow

_COLUMNS = "id, name, path, query, owner, alert, alert_after, created_at, updated_at"
# Only the documents list can be watched: alerts are about new documents.
ALERTABLE_PATH = "/documents"


def _saved(row: sqlite3.Row) -> SavedSearch:
    d = dict(row)
    d["alert"] = bool(d["alert"])
    return SavedSearch(**d)


class SavedSearchesMixin:
    """Mixed into SQLiteStore; uses its ``_tx``, ``_query`` and ``_document_filter``."""

    _query: Any
    _tx: Any
    _document_filter: Any

    def list_saved_searches(self, *, owner: str | None = None, alerts_only: bool = False) -> list[SavedSearch]:
        where, params = [], []
        if owner is not None:
            where.append("owner = ?")
            params.append(owner)
        if alerts_only:
            where.append("alert = 1")
        sql = f"SELECT {_COLUMNS} FROM saved_searches" + (" WHERE " + " AND ".join(where) if where else "")
        return [_saved(r) for r in self._query(sql + " ORDER BY name COLLATE NOCASE, id", params)]

    def get_saved_search(self, search_id: int) -> SavedSearch:
        rows = self._query(f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?", (search_id,))
        if not rows:
            raise NotFoundError(f"No saved search {search_id}; /saved lists them.")
        return _saved(rows[0])

    def save_search(self, name: str, path: str, query: str, *, owner: str | None = None, alert: bool = False) -> SavedSearch:
        name = name.strip()
        if not name or len(name) > 200:
            raise InputError("Give the saved search a name of 1 to 200 characters.")
        if not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 200:
            raise InputError(f"A saved search belongs to a list page such as /documents, not {path[:60]!r}.")
        if alert and path != ALERTABLE_PATH:
            raise InputError(f"Only searches of {ALERTABLE_PATH} can become alerts.")
        now = utcnow()
        with self._tx() as c:
            after = c.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0]
            cur = c.execute(
                "INSERT INTO saved_searches(name, path, query, owner, alert, alert_after, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (name, path, query, owner, int(alert), after, now, now))
            new_id = cur.lastrowid
        return self.get_saved_search(new_id)

    def set_saved_search_alert(self, search_id: int, alert: bool) -> SavedSearch:
        """Switch alerting on (from the documents stored now on) or off."""
        saved = self.get_saved_search(search_id)
        if alert and saved.path != ALERTABLE_PATH:
            raise InputError(f"Only searches of {ALERTABLE_PATH} can become alerts; this one lists {saved.path}.")
        with self._tx() as c:
            if alert and not saved.alert:
                c.execute("UPDATE saved_searches SET alert = 1, updated_at = ?,"
                          " alert_after = (SELECT COALESCE(MAX(id), 0) FROM documents) WHERE id = ?", (utcnow(), search_id))
            elif not alert:
                c.execute("UPDATE saved_searches SET alert = 0, updated_at = ? WHERE id = ?", (utcnow(), search_id))
        return self.get_saved_search(search_id)

    def delete_saved_search(self, search_id: int) -> None:
        with self._tx() as c:
            if c.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,)).rowcount == 0:
                raise NotFoundError(f"No saved search {search_id}; /saved lists them.")

    def saved_searches_watermark(self) -> str:
        """Changes when a watched search or the documents change (part of the alerts stage's cursor)."""
        s = self._query("SELECT COUNT(*), COALESCE(MAX(updated_at), '') FROM saved_searches WHERE alert = 1")[0]
        d = self._query("SELECT COALESCE(MAX(id), 0) FROM documents")[0]
        return f"{s[0]}:{s[1]}:{d[0]}"

    def saved_search_alerted_up_to(self, search_id: int) -> int:
        """The largest document id an earlier alert of this saved search covered (0 when none)."""
        rows = self._query("SELECT details FROM alerts WHERE kind = 'saved-search' AND key LIKE ?",
                           (f"saved-search:{search_id}:%",))
        return max((int(json.loads(r[0]).get("last_document", 0)) for r in rows), default=0)

    def saved_search_new_documents(
        self, after_id: int, *, query: str | None = None, language: str | None = None, source: str | None = None,
        since: str | None = None, until: str | None = None, limit: int = 10_000,
    ) -> list[tuple[int, str | None]]:
        """(id, published_at) of documents after ``after_id`` matching the filters, by id."""
        where, params = self._document_filter(language=language, source=source, since=since, until=until, query=query)
        where = (where + " AND" if where else " WHERE") + " d.id > ?"
        rows = self._query(f"SELECT d.id, d.published_at FROM documents d{where} ORDER BY d.id LIMIT ?",
                           [*params, after_id, limit])
        return [(r[0], r[1]) for r in rows]

    def saved_search_pending(self, search_id: int, *, limit: int = 10_000) -> list[tuple[int, str | None]]:
        """(id, published_at) of the documents its next alert would list: matching its filters,
        stored after it was switched on and after its last alert."""
        saved = self.get_saved_search(search_id)
        after = max(saved.alert_after, self.saved_search_alerted_up_to(search_id))
        f = {k: v[-1].strip() for k, v in parse_qs(saved.query).items() if v and v[-1].strip()}
        return self.saved_search_new_documents(after, query=f.get("q"), language=f.get("language"),
                                               source=f.get("source"), since=f.get("since"), until=f.get("until"),
                                               limit=limit)
