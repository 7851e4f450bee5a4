"""Who is asking: sessions, API tokens, roles and CSRF, as FastAPI dependencies.

Every router in ``routers.ROUTERS`` is mounted behind ``require_viewer`` (app.py); a route that
changes something adds ``require_analyst`` or ``require_admin`` and, for form posts,
``csrf_protect``. Credentials are either the session cookie set by ``/login`` or
``Authorization: Bearer TOKEN`` (``factwatch tokens create USER``). Without valid credentials
``/api`` answers 401 (JSON) and a page redirects to ``/login?next=...``; too low a role is 403.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from factwatch import accounts
from factwatch.accounts import ROLES, Role, User

__all__ = [
    "ROLES", "Role", "User", "LoginRequired", "SESSION_COOKIE", "current_user", "csrf_token", "csrf_protect",
    "require_viewer", "require_analyst", "require_admin", "login_url",
]

SESSION_COOKIE = "factwatch_session"
CSRF_HEADER = "x-csrf-token"
_UNSET = object()


class LoginRequired(Exception):
    """A page needs a login: app.py answers with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _resolve(request: Request) -> tuple[User | None, str, bool]:
    """(user, csrf token, via bearer), computed once per request and kept on request.state."""
    cached = getattr(request.state, "auth", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    store = request.app.state.store
    result: tuple[User | None, str, bool] = (None, "", False)
    token = _bearer(request)
    if token is not None:
        user = accounts.token_user(store, token)
        if user is None:  # not cached: every later check raises the same 401
            raise HTTPException(401, "The API token is not valid (revoked, or its user removed). Create one with "
                                     "`factwatch tokens create USER` and send `Authorization: Bearer TOKEN`.",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        result = (user, "", True)
    else:
        session_id = request.cookies.get(SESSION_COOKIE)
        found = accounts.session_user(store, session_id) if session_id else None
        if found:
            result = (found[0], found[1], False)
    request.state.auth = result
    return result


def current_user(request: Request) -> User | None:
    """The logged-in user, or None: for templates, so also None when resolving fails (a bad token,
    or the store itself broken while the 500 page renders)."""
    try:
        return _resolve(request)[0]
    except Exception:
        return None


def csrf_token(request: Request) -> str:
    """The session's CSRF token for forms ('' without a session, or when it cannot be read)."""
    try:
        return _resolve(request)[1]
    except Exception:
        return ""


def login_url(request: Request) -> str:
    """Where to send a browser without a login; back to the page after it (a GET only: replaying a
    form post's URL as a GET would answer 405)."""
    if request.method not in ("GET", "HEAD"):
        return "/login"
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


def _require(role: Role):  # type: ignore[no-untyped-def]
    def dependency(request: Request) -> User:
        user = _resolve(request)[0]
        if user is None:
            if request.url.path == "/api" or request.url.path.startswith("/api/"):
                raise HTTPException(401, "Log in first: send `Authorization: Bearer TOKEN` (a token from "
                                         "`factwatch tokens create USER`) or the session cookie from /login.",
                                    headers={"WWW-Authenticate": "Bearer"})
            raise LoginRequired(login_url(request))
        if not user.can(role):
            raise HTTPException(403, f"This needs the {role} role; {user.name} is {user.role}. "
                                     "An admin can change it with `factwatch users`.")
        return user

    dependency.__name__ = f"require_{role}"
    return dependency


require_viewer = _require("viewer")
require_analyst = _require("analyst")
require_admin = _require("admin")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def csrf_protect(request: Request) -> None:
    """Reject a state-changing request from a session unless it carries the session's CSRF token.

    app.py mounts every router with it, so no POST, PUT, PATCH or DELETE behind the login can skip
    it; routes may name it too (FastAPI runs it once). The token comes in the form field
    ``csrf_token`` or the ``X-CSRF-Token`` header (for fetch()). Bearer requests are exempt: a
    browser never adds that header on its own, so another site cannot forge one.
    """
    if request.method in SAFE_METHODS:
        return
    # In a worker thread: the lookup takes the store's lock, which a slow query may hold.
    user, expected, via_bearer = await run_in_threadpool(_resolve, request)
    if via_bearer:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if user is None or not expected or not given or not hmac.compare_digest(given, expected):
        raise HTTPException(403, "The form's security token is missing or out of date (CSRF check). Reload the "
                                 "page and submit it again.")
