"""Accounts: password hashing, sessions and API tokens, shared by the CLI and the web app.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).
Session ids and API tokens are 256-bit random values handed to the client once; the store keeps
only their SHA-256, so a copy of the database logs nobody in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from factwatch.errors import InputError
from factwatch.store import Store
from factwatch.store._accounts import StoredUser

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
SESSION_HOURS = 12
MIN_PASSWORD = 8
TOKEN_PREFIX = "fwt_"  # recognisable in a leaked log or a secret scanner

_HASHER = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong password
    and the timing does not tell which names exist. Made on first use, not at import: one argon2
    hash is ~0.15 s of CPU and 64 MiB, and every CLI command imports this module."""
    return _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role

    def can(self, role: Role) -> bool:
        """True when this user's role is ``role`` or above (viewer < analyst < admin)."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def as_user(stored: StoredUser) -> User:
    return User(id=stored.id, name=stored.name, role=stored.role)  # type: ignore[arg-type]


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    return _HASHER.hash(password)


def add_user(store: Store, name: str, role: str, password: str) -> User:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise InputError(f"Bad user name {name!r}: 1-64 printable characters without spaces.")
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    return as_user(store.add_user(name, role, hash_password(password)))


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (same cost whether or not the name exists)."""
    stored = store.get_user(name.strip()) if name.strip() else None
    dummy = _dummy_hash()  # made on the first call whatever the name, so only that call is slower
    try:
        _HASHER.verify(stored.password_hash if stored else dummy, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return as_user(stored) if stored else None


def start_session(store: Store, user: User, *, hours: int = SESSION_HOURS) -> tuple[str, str]:
    """A new session for ``user``: (session id for the cookie, its CSRF token)."""
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.add_session(user.id, secret_hash(session_id), csrf_token=csrf, expires_at=expires)
    return session_id, csrf


def session_user(store: Store, session_id: str) -> tuple[User, str] | None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = store.session_user(secret_hash(session_id), now=now)
    return (as_user(found[0]), found[1]) if found else None


def device_token(store: Store, user: User) -> str:
    """A device cookie for a browser that just logged in as ``user``: ``NONCE.MAC``.

    It lets that browser past the lock that failed logins put on the name (web/routers/auth.py), so
    a stranger typing wrong passwords for a name cannot keep its owner out of the browsers they
    already use. The MAC is keyed with the user's password hash: it needs no secret of its own,
    and a new password (``users passwd``) voids every device cookie of the old one. Someone who
    can read the database can forge one, which gains them no login, only their own guess count.
    """
    stored = store.get_user(user.name)
    if stored is None:
        return ""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_device_mac(stored, nonce)}"


def device_id(store: Store, name: str, token: str) -> str | None:
    """The nonce of ``token`` when it is a valid device cookie for user ``name``, else None."""
    nonce, _, mac = token.partition(".")
    stored = store.get_user(name.strip()) if name.strip() and nonce and mac else None
    if stored is None or not hmac.compare_digest(mac.encode(), _device_mac(stored, nonce).encode()):
        return None
    return nonce


def _device_mac(stored: StoredUser, nonce: str) -> str:
    message = f"factwatch device|{stored.id}|{stored.name}|{nonce}".encode()
    digest = hmac.new(stored.password_hash.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def end_session(store: Store, session_id: str) -> None:
    store.delete_session(secret_hash(session_id))


def create_token(store: Store, name: str, *, label: str | None = None) -> str:
    """A new API token for user ``name``; shown once, only its hash is kept."""
    stored = store.get_user(name)
    if stored is None:
        raise InputError(f"No user {name!r}; `factwatch users add {name} --role viewer` creates one.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    store.add_api_token(stored.id, secret_hash(token), label=label)
    return token


def token_user(store: Store, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = store.token_user(secret_hash(token))
    return as_user(found) if found else None


# -- user management from the dashboard (the admin page and its /api twins) ------------------------


def change_role(store: Store, actor: User, name: str, role: str) -> User:
    """Set ``name``'s role; it applies to their next request. An admin cannot demote themselves
    from the dashboard: the last admin would lock everyone out of user management."""
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    if name == actor.name and role != actor.role:
        raise InputError("You cannot change your own role here; another admin can, or "
                         f"`factwatch users role {name} {role}` on the server.")
    store.set_role(name, role)
    stored = store.get_user(name)
    assert stored is not None
    return as_user(stored)


def remove_user(store: Store, actor: User, name: str) -> None:
    """Delete ``name`` with their sessions and tokens; not oneself (see change_role)."""
    if name == actor.name:
        raise InputError("You cannot remove yourself here; another admin can, or "
                         f"`factwatch users remove {name}` on the server.")
    store.remove_user(name)
