"""Users, sessions, API tokens and published cards (migration 012), failed logins (018).

Written only by the accounts service (``factwatch/accounts.py``) and the publish route; the
secrets arrive here already hashed, so nothing in this module ever sees a password or token.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from factwatch.errors import InputError, NotFoundError
from factwatch.store._clock import utcnow

__all__ = ["AccountsMixin", "PublishedCard", "StoredUser"]

ROLES = ("viewer", "analyst", "admin")


@dataclass(frozen=True, slots=True)
class StoredUser:
    id: int
    name: str
    role: str
    password_hash: str
    created_at: str


@dataclass(frozen=True, slots=True)
class PublishedCard:
    claim_id: int
    language: str
    card: dict[str, Any]
    claim_review: dict[str, Any]
    published_by: str
    published_at: str


def _user(row: sqlite3.Row) -> StoredUser:
    return StoredUser(**{k: row[k] for k in ("id", "name", "role", "password_hash", "created_at")})


def _card(row: sqlite3.Row) -> PublishedCard:
    d = dict(row)
    return PublishedCard(claim_id=d["claim_id"], language=d["language"], card=json.loads(d["card"]),
                         claim_review=json.loads(d["claim_review"]), published_by=d["published_by"],
                         published_at=d["published_at"])


class AccountsMixin:
    """Mixed into SQLiteStore; uses its ``_tx`` and ``_query`` helpers."""

    _query: Any
    _tx: Any

    # -- users ----------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str) -> StoredUser:
        if role not in ROLES:
            raise InputError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
        with self._tx() as c:
            if c.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
                raise InputError(f"A user {name!r} exists already; `factwatch users remove {name}` first "
                                 "to replace it.")
            c.execute("INSERT INTO users(name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                      (name, role, password_hash, utcnow()))
        found = self.get_user(name)
        assert found is not None
        return found

    def get_user(self, name: str) -> StoredUser | None:
        rows = self._query("SELECT * FROM users WHERE name=?", (name,))
        return _user(rows[0]) if rows else None

    def list_users(self) -> list[StoredUser]:
        return [_user(r) for r in self._query("SELECT * FROM users ORDER BY name")]

    def remove_user(self, name: str) -> None:
        """Delete the user; its sessions and tokens go with it (ON DELETE CASCADE)."""
        with self._tx() as c:
            if c.execute("DELETE FROM users WHERE name=?", (name,)).rowcount == 0:
                raise NotFoundError(f"No user {name!r}; `factwatch users list` shows them.")

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise InputError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
        with self._tx() as c:
            if c.execute("UPDATE users SET role=? WHERE name=?", (role, name)).rowcount == 0:
                raise NotFoundError(f"No user {name!r}; `factwatch users list` shows them.")

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Replace the password and end every session of the user (a reset locks out a thief)."""
        with self._tx() as c:
            row = c.execute("SELECT id FROM users WHERE name=?", (name,)).fetchone()
            if row is None:
                raise NotFoundError(f"No user {name!r}; `factwatch users list` shows them.")
            c.execute("UPDATE users SET password_hash=? WHERE id=?", (password_hash, row[0]))
            c.execute("DELETE FROM sessions WHERE user_id=?", (row[0],))

    # -- sessions ---------------------------------------------------------------------------

    def add_session(self, user_id: int, id_hash: str, *, csrf_token: str, expires_at: str) -> None:
        now = utcnow()
        with self._tx() as c:
            # Expired rows are dropped here rather than by a job: logins are rare, sessions few.
            c.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            c.execute("INSERT INTO sessions(id_hash, user_id, csrf_token, created_at, expires_at) "
                      "VALUES (?, ?, ?, ?, ?)", (id_hash, user_id, csrf_token, now, expires_at))

    def session_user(self, id_hash: str, *, now: str) -> tuple[StoredUser, str] | None:
        """The user and CSRF token of an unexpired session, else None."""
        rows = self._query("SELECT u.*, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id "
                           "WHERE s.id_hash=? AND s.expires_at > ?", (id_hash, now))
        return (_user(rows[0]), rows[0]["csrf_token"]) if rows else None

    def delete_session(self, id_hash: str) -> None:
        with self._tx() as c:
            c.execute("DELETE FROM sessions WHERE id_hash=?", (id_hash,))

    # -- API tokens -------------------------------------------------------------------------

    def add_api_token(self, user_id: int, token_hash: str, *, label: str | None = None) -> int:
        with self._tx() as c:
            cur = c.execute("INSERT INTO api_tokens(token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
                            (token_hash, user_id, label, utcnow()))
            return int(cur.lastrowid)

    def token_user(self, token_hash: str) -> StoredUser | None:
        rows = self._query("SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash=?",
                           (token_hash,))
        return _user(rows[0]) if rows else None

    def list_api_tokens(self, name: str) -> list[dict[str, Any]]:
        rows = self._query("SELECT t.id, t.label, t.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
                           "WHERE u.name=? ORDER BY t.id", (name,))
        return [dict(r) for r in rows]

    def revoke_api_token(self, token_id: int) -> None:
        with self._tx() as c:
            if c.execute("DELETE FROM api_tokens WHERE id=?", (token_id,)).rowcount == 0:
                raise NotFoundError(f"No API token {token_id}; `factwatch tokens list USER` shows them.")

    # -- published cards ----------------------------------------------------------------------

    def publish_card(self, claim_id: int, *, language: str, card: dict[str, Any], claim_review: dict[str, Any],
                     who: str) -> PublishedCard:
        """Publish (or republish, replacing the snapshot) the card of ``claim_id``."""
        with self._tx() as c:
            c.execute(
                "INSERT INTO published_cards(claim_id, language, card, claim_review, published_by, published_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(claim_id) DO UPDATE SET language=excluded.language, "
                "card=excluded.card, claim_review=excluded.claim_review, published_by=excluded.published_by, "
                "published_at=excluded.published_at",
                (claim_id, language, json.dumps(card, ensure_ascii=False), json.dumps(claim_review, ensure_ascii=False),
                 who, utcnow()))
        found = self.get_published_card(claim_id)
        assert found is not None
        return found

    def unpublish_card(self, claim_id: int) -> None:
        with self._tx() as c:
            if c.execute("DELETE FROM published_cards WHERE claim_id=?", (claim_id,)).rowcount == 0:
                raise NotFoundError(f"The card of claim {claim_id} is not published.")

    def get_published_card(self, claim_id: int) -> PublishedCard | None:
        rows = self._query("SELECT * FROM published_cards WHERE claim_id=?", (claim_id,))
        return _card(rows[0]) if rows else None

    def list_published_cards(self, *, limit: int = 50, offset: int = 0) -> list[PublishedCard]:
        rows = self._query("SELECT * FROM published_cards ORDER BY published_at DESC, claim_id DESC LIMIT ? OFFSET ?",
                           (limit, offset))
        return [_card(r) for r in rows]

    def count_published_cards(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM published_cards")[0][0])

    # -- failed logins (migration 018): the web login throttle, shared by every worker --------------

    def record_login_failure(self, keys: Sequence[str], *, at: float, window_s: float) -> None:
        """One failed login for each of ``keys`` at ``at`` (Unix seconds); rows that left the
        window are pruned in the same transaction, so the table holds one window's failures."""
        with self._tx() as c:
            c.execute("DELETE FROM login_failures WHERE failed_at <= ?", (at - window_s,))
            c.executemany("INSERT INTO login_failures(key, failed_at) VALUES (?, ?)", [(k, at) for k in keys])

    def login_failures(self, key: str, *, since: float) -> list[float]:
        """When ``key`` failed after ``since`` (Unix seconds), oldest first."""
        return [float(r[0]) for r in self._query(
            "SELECT failed_at FROM login_failures WHERE key = ? AND failed_at > ? ORDER BY failed_at", (key, since))]

    def clear_login_failures(self, key: str) -> None:
        with self._tx() as c:
            c.execute("DELETE FROM login_failures WHERE key = ?", (key,))
