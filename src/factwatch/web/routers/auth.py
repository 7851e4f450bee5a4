"""``/login``, ``/logout``, ``/api/me`` and ``/api/openapi.json``: server-side sessions for people, tokens for
scripts.

The session cookie holds an opaque random id (HttpOnly, SameSite=Lax, Secure over https); the
store keeps its hash, an absolute expiry and the session's CSRF token. Failed logins are metered
per name and per client address, so a password cannot be guessed at network speed; a browser that
logged in as the name before is metered on its own device cookie instead.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from factwatch import accounts
from factwatch.accounts import User
from factwatch.store import Store
from factwatch.web._auth import SESSION_COOKIE, csrf_protect, require_viewer
from factwatch.web._params import get_write_store
from factwatch.web._render import render

router = APIRouter()

LOGIN_CSRF_COOKIE = "factwatch_login"  # double-submit token: another site cannot log a browser in
FAILURES_ALLOWED = 5  # per name and window; a person mistyping stays below it
FAILURE_WINDOW_S = 15 * 60
ADDRESS_FAILURES_ALLOWED = 30  # per client address: many names tried from one place
# Set on a successful login (accounts.device_token): for that browser and name the name's and the
# address's locks are replaced by the device's own count, so strangers' failures cannot keep the
# user out of it (docs/security.md, "Password guessing").
DEVICE_COOKIE = "factwatch_device"
DEVICE_DAYS = 365


class LoginThrottle:
    """Counts failed logins per key in a sliding window; ``blocked`` says how long a key must wait.

    The counts live in the store (``login_failures``, migration 018), not in this process: with
    ``serve --workers N`` every worker sees the others' failures, and a restart forgets nothing.
    ``store`` returns the writable store (opened on first use); ``clock`` is wall-clock seconds,
    the one clock all processes share.
    """

    def __init__(self, store: Callable[[], Store], *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def blocked(self, key: str, allowed: int) -> float:
        now = self._clock()
        times = self._store().login_failures(key, since=now - FAILURE_WINDOW_S)
        return FAILURE_WINDOW_S - (now - times[-allowed]) if len(times) >= allowed else 0.0

    def fail(self, *keys: str) -> None:
        self._store().record_login_failure(keys, at=self._clock(), window_s=FAILURE_WINDOW_S)

    def clear(self, key: str) -> None:
        self._store().clear_login_failures(key)


def safe_next(value: str | None) -> str:
    """Only a path on this site: never ``//evil.example`` or ``https://...`` (an open redirect)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or any(c in value for c in "\r\n\\"):
        return "/"
    return value


def _login_page(request: Request, *, next_url: str, message: str | None = None, name: str = "",
                status_code: int = 200, **message_values: object) -> HTMLResponse:
    """The form; ``message`` is an English catalogue key (web/_i18n.py), shown in the interface
    language with ``message_values`` filled in."""
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status_code=status_code, page_title="Log in", next_url=next_url,
                      message=message, message_values=message_values, login_name=name, login_token=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", path="/login",
                        secure=request.url.scheme == "https")
    return response


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_page(request, next_url=safe_next(next))


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    login_token: str = Form(""),
) -> Response:
    next_url = safe_next(next)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, login_token):
        return _login_page(request, next_url=next_url, name=name, status_code=403,
                           message="The login form was out of date (or cookies are off); please try again.")
    throttle: LoginThrottle = request.app.state.login_throttle
    name_key = "name:" + name.strip().casefold()
    address_key = "addr:" + (request.client.host if request.client else "?")
    device = accounts.device_id(request.app.state.store, name, request.cookies.get(DEVICE_COOKIE, ""))
    device_key = f"device:{device}" if device else None
    # A device cookie is proof of an earlier login as this very name, so its attempts are bounded by
    # its own count alone: neither the name's lock nor the address's (every client of a loopback
    # server without a proxy is 127.0.0.1) can be used by a stranger to keep it out.
    if device_key:
        wait = throttle.blocked(device_key, FAILURES_ALLOWED)
    else:
        wait = max(throttle.blocked(name_key, FAILURES_ALLOWED),
                   throttle.blocked(address_key, ADDRESS_FAILURES_ALLOWED))
    if wait > 0:
        response = _login_page(request, next_url=next_url, name=name, status_code=429,
                               message="Too many failed logins; try again in {minutes} minutes, "
                                       "or ask an admin to reset the password.", minutes=int(wait // 60) + 1)
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    user = accounts.authenticate(request.app.state.store, name, password)
    if user is None:
        throttle.fail(name_key, address_key, *([device_key] if device_key else []))
        return _login_page(request, next_url=next_url, name=name, status_code=401,
                           message="Wrong name or password.")
    # A login through a device cookie clears only that device's count: the name's lock still holds
    # for the stranger who caused it.
    throttle.clear(device_key or name_key)
    session_id, _ = accounts.start_session(get_write_store(request), user)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=accounts.SESSION_HOURS * 3600, httponly=True,
                        samesite="lax", path="/", secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    response.set_cookie(DEVICE_COOKIE, accounts.device_token(request.app.state.store, user),
                        max_age=DEVICE_DAYS * 86400, httponly=True, samesite="strict", path="/login",
                        secure=request.url.scheme == "https")
    return response


@router.post("/logout", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def logout(request: Request, user: User = Depends(require_viewer),
           store: Store = Depends(get_write_store)) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        accounts.end_session(store, session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/openapi.json", include_in_schema=False)
def openapi_schema(request: Request, user: User = Depends(require_viewer)) -> JSONResponse:
    """The OpenAPI schema, behind the login like the rest of /api: it maps every write endpoint
    and parameter, which is of use to an attacker and of none to someone without an account."""
    return JSONResponse(request.app.openapi())


@router.get("/api/me", tags=["api"])
def me(user: User = Depends(require_viewer)) -> dict[str, Any]:
    """Who the credentials belong to: ``{"id", "name", "role"}``."""
    return {"id": user.id, "name": user.name, "role": user.role}
