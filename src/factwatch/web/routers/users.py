"""``/users``: the admin's page for accounts (add with a role, change a role, remove, revoke API
tokens), and its ``/api`` twins. The same service functions as ``factwatch users|tokens``.

Mounted behind the login and the CSRF check like every router; each route needs the admin role.
Users are addressed by their numeric id in paths: a name may hold characters a path cannot.
A role change or removal applies to the user's next request (sessions and tokens included).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from factwatch import accounts
from factwatch.errors import FactwatchError, NotFoundError
from factwatch.store import Store
from factwatch.store._accounts import StoredUser
from factwatch.web._auth import ROLES, User, require_admin
from factwatch.web._params import get_store, get_write_store, paged, paged_responses, paging
from factwatch.web._render import error_status, render

router = APIRouter()


def _user_by_id(store: Store, user_id: str) -> StoredUser:
    if user_id.isascii() and user_id.isdigit() and len(user_id) < 19:
        for stored in store.list_users():
            if stored.id == int(user_id):
                return stored
    raise NotFoundError(f"No user with id {user_id!r}; GET /api/users lists them.")


def _as_dict(u: StoredUser) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "role": u.role, "created_at": u.created_at}


def _page(request: Request, store: Store, *, message: str | None = None, status_code: int = 200) -> HTMLResponse:
    users = [(u, store.list_api_tokens(u.name)) for u in store.list_users()]
    return render(request, "users.html", status_code=status_code, page_title="Users", users=users, roles=ROLES,
                  message=message)


@router.get("/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, user: User = Depends(require_admin),
               store: Store = Depends(get_store)) -> HTMLResponse:
    return _page(request, store)


async def _form_action(request: Request, store: Store, action: Any) -> Response:
    """Run ``action(form)``; on bad input show the page again with the message (and keep nothing)."""
    form = await request.form()
    try:
        action({k: str(v) for k, v in form.items() if isinstance(v, str)})
    except FactwatchError as exc:
        return _page(request, store, message=str(exc), status_code=error_status(exc))
    return RedirectResponse("/users", status_code=303)


@router.post("/users", include_in_schema=False)
async def add_form(request: Request, user: User = Depends(require_admin),
                   store: Store = Depends(get_write_store)) -> Response:
    return await _form_action(request, store, lambda f: accounts.add_user(
        store, f.get("name", ""), f.get("role", ""), f.get("password", "")))


@router.post("/users/{user_id}/role", include_in_schema=False)
async def role_form(request: Request, user_id: str, user: User = Depends(require_admin),
                    store: Store = Depends(get_write_store)) -> Response:
    return await _form_action(request, store, lambda f: accounts.change_role(
        store, user, _user_by_id(store, user_id).name, f.get("role", "")))


@router.post("/users/{user_id}/remove", include_in_schema=False)
async def remove_form(request: Request, user_id: str, user: User = Depends(require_admin),
                      store: Store = Depends(get_write_store)) -> Response:
    return await _form_action(request, store, lambda f: accounts.remove_user(
        store, user, _user_by_id(store, user_id).name))


@router.post("/users/tokens/{token_id}/revoke", include_in_schema=False)
async def revoke_form(request: Request, token_id: str, user: User = Depends(require_admin),
                      store: Store = Depends(get_write_store)) -> Response:
    return await _form_action(request, store, lambda f: store.revoke_api_token(_token_id(token_id)))


def _token_id(value: str) -> int:
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    raise NotFoundError(f"No API token {value!r}; GET /api/users/{{user_id}}/tokens lists them.")


# -- /api --------------------------------------------------------------------------------------------


class NewUser(BaseModel):
    name: str = Field(max_length=64, description="Login name: 1-64 printable characters without spaces.")
    role: str = Field(default="viewer", max_length=20, description="viewer, analyst or admin.")
    password: str = Field(min_length=1, max_length=1024, description=f"At least {accounts.MIN_PASSWORD} characters.")


class RoleChange(BaseModel):
    role: str = Field(max_length=20, description="viewer, analyst or admin.")


@router.get("/api/users", tags=["api"], responses=paged_responses("users", "users"))
def users_json(page: tuple[int, int] = Depends(paging), user: User = Depends(require_admin),
               store: Store = Depends(get_store)) -> dict[str, Any]:
    """The accounts with their roles, a page at a time (admin only)."""
    return paged("users", [_as_dict(u) for u in store.list_users()], page)


@router.post("/api/users", tags=["api"], status_code=201)
def add_json(body: NewUser, user: User = Depends(require_admin),
             store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Create a user with a role (admin only)."""
    added = accounts.add_user(store, body.name, body.role, body.password)
    return {"id": added.id, "name": added.name, "role": added.role}


@router.patch("/api/users/{user_id}", tags=["api"])
def role_json(user_id: str, body: RoleChange, user: User = Depends(require_admin),
              store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Change a user's role (admin only; not one's own). Applies to their next request."""
    changed = accounts.change_role(store, user, _user_by_id(store, user_id).name, body.role)
    return {"id": changed.id, "name": changed.name, "role": changed.role}


@router.delete("/api/users/{user_id}", tags=["api"])
def remove_json(user_id: str, user: User = Depends(require_admin),
                store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Remove a user with their sessions and API tokens (admin only; not oneself)."""
    target = _user_by_id(store, user_id)
    accounts.remove_user(store, user, target.name)
    return {"id": target.id, "name": target.name, "removed": True}


@router.get("/api/users/{user_id}/tokens", tags=["api"])
def tokens_json(user_id: str, user: User = Depends(require_admin),
                store: Store = Depends(get_store)) -> dict[str, Any]:
    """A user's API tokens: id, label, created (never the token itself; admin only)."""
    target = _user_by_id(store, user_id)
    return {"user": _as_dict(target), "tokens": store.list_api_tokens(target.name)}


@router.delete("/api/tokens/{token_id}", tags=["api"])
def revoke_json(token_id: str, user: User = Depends(require_admin),
                store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Revoke an API token: requests carrying it get 401 from now on (admin only)."""
    number = _token_id(token_id)
    store.revoke_api_token(number)
    return {"id": number, "revoked": True}
