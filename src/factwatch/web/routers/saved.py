"""``/saved``: saved searches (named filters of a list page) and which of them are alerts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from factwatch.errors import InputError, NotFoundError
from factwatch.models import SavedSearch
from factwatch.store import Store
from factwatch.store._saved import ALERTABLE_PATH
from factwatch.web._auth import User, csrf_protect, current_user, require_analyst
from factwatch.web._filters import MAX_ID, parse_document_filter
from factwatch.web._params import get_store, get_write_store, paged, paged_responses, paging
from factwatch.web._render import render

router = APIRouter()

# Paging and the interface language are not part of a search.
_NOT_FILTERS = {"offset", "limit", "lang", "format", "csrf_token"}


@dataclass(frozen=True, slots=True)
class SavedList:
    searches: list[SavedSearch]

    def as_dict(self) -> dict[str, Any]:
        return {"saved_searches": [s.as_dict() for s in self.searches], "total": len(self.searches)}


def split_url(url: str) -> tuple[str, str]:
    """(path, filters as a query string) of a local list-page URL; paging and language dropped."""
    parts = urlsplit(url.strip())
    # A browser reads "/\\host" as "//host": a backslash anywhere in the path is refused too.
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//") or "\\" in parts.path:
        raise InputError("Save a page of this dashboard, e.g. /documents?q=vize, not another site's address.")
    path = parts.path[:-4] if parts.path.endswith(".csv") else parts.path
    if path.startswith("/api/"):
        path = path[len("/api"):]
    params = [(k, v) for k, v in parse_qsl(parts.query) if k not in _NOT_FILTERS and v.strip()]
    return path, urlencode(params)


def _id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > MAX_ID:
        raise NotFoundError(f"No saved search {value!r}; /saved lists them.")
    return int(value)


def may_change(search: SavedSearch, user: User | None) -> bool:
    """Its owner or an admin may switch or delete a saved search. One with no owner (saved by the
    CLI or before searches had owners) stays the team's: any analyst may change it."""
    if user is None or not user.can("analyst"):
        return False
    return search.owner is None or search.owner == user.name or user.can("admin")


def _owned(store: Store, value: str, user: User) -> int:
    """The id of saved search ``value`` once ``user`` may change it; 404 when missing, else 403."""
    search = store.get_saved_search(_id(value))
    if not may_change(search, user):
        raise HTTPException(403, f"The saved search {search.name!r} is {search.owner}'s: only its owner or an "
                                 f"admin may switch its alert or delete it; save your own copy instead.")
    return search.id


@router.get("/saved", response_class=HTMLResponse, include_in_schema=False)
def saved_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    # "Save search" on a list page's pager links here with that page's URL to prefill the form.
    prefill = request.query_params.get("url", "")[:2000]
    searches = store.list_saved_searches()
    # What the next `factwatch analyze` would report for each watched search.
    pending = {s.id: len(store.saved_search_pending(s.id, limit=1000)) for s in searches if s.alert}
    user = current_user(request)
    changeable = {s.id for s in searches if may_change(s, user)}
    return render(request, "saved.html", searches=searches, pending=pending, alertable=ALERTABLE_PATH,
                  prefill=prefill, changeable=changeable, page_title="Saved searches")


@router.get("/api/saved", tags=["api"], responses=paged_responses("saved_searches", "saved searches"))
def saved_json(page: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Saved searches by name, a page at a time: name, list page, filters, owner, and whether
    the alerts stage watches it."""
    return paged("saved_searches", SavedList(store.list_saved_searches()).as_dict()["saved_searches"], page)


@router.post("/saved", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def save_search_form(request: Request, user: User = Depends(require_analyst),
                           store: Store = Depends(get_write_store)) -> RedirectResponse:
    """Form fields: name, url (the list page with its filters), alert (optional, "1")."""
    form = await request.form()
    _save(store, str(form.get("name") or ""), str(form.get("url") or ""), owner=user.name, alert=form.get("alert") == "1")
    return RedirectResponse("/saved", status_code=303)


@router.post("/saved/{search_id}/alert", include_in_schema=False, dependencies=[Depends(csrf_protect)])
async def saved_alert_form(request: Request, search_id: str, user: User = Depends(require_analyst),
                           store: Store = Depends(get_write_store)) -> RedirectResponse:
    form = await request.form()
    store.set_saved_search_alert(_owned(store, search_id, user), form.get("alert") == "1")
    return RedirectResponse("/saved", status_code=303)


@router.post("/saved/{search_id}/delete", include_in_schema=False, dependencies=[Depends(csrf_protect)])
def saved_delete_form(search_id: str, user: User = Depends(require_analyst),
                      store: Store = Depends(get_write_store)) -> RedirectResponse:
    store.delete_saved_search(_owned(store, search_id, user))
    return RedirectResponse("/saved", status_code=303)


# -- the same writes for scripts (Bearer token; a session needs the X-CSRF-Token header) ----------


class NewSavedSearch(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000, description="A list page with its filters, e.g. /documents?q=vize.")
    alert: bool = Field(default=False, description="Raise an alert for new matching documents (/documents only).")


class AlertSwitch(BaseModel):
    alert: bool


def _save(store: Store, name: str, url: str, *, owner: str, alert: bool) -> SavedSearch:
    path, query = split_url(url)
    if path == ALERTABLE_PATH:
        parse_document_filter(dict(parse_qsl(query)))  # a bad filter is refused now, not by the alerts stage
    return store.save_search(name, path, query, owner=owner, alert=alert)


@router.post("/api/saved", tags=["api"], status_code=201, dependencies=[Depends(csrf_protect)])
def save_search_json(body: NewSavedSearch, user: User = Depends(require_analyst),
                     store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Save a list page's filters under a name (analyst); `alert` makes the alerts stage watch it."""
    return _save(store, body.name, body.url, owner=user.name, alert=body.alert).as_dict()


@router.put("/api/saved/{search_id}/alert", tags=["api"], dependencies=[Depends(csrf_protect)])
def saved_alert_json(search_id: str, body: AlertSwitch, user: User = Depends(require_analyst),
                     store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Switch a saved search's alert on (from the documents stored now on) or off: its owner or an
    admin (403 for other analysts); one with no owner, any analyst."""
    return store.set_saved_search_alert(_owned(store, search_id, user), body.alert).as_dict()


@router.delete("/api/saved/{search_id}", tags=["api"], dependencies=[Depends(csrf_protect)])
def saved_delete_json(search_id: str, user: User = Depends(require_analyst),
                      store: Store = Depends(get_write_store)) -> dict[str, Any]:
    """Delete a saved search: its owner or an admin (403 for other analysts); one with no owner, any analyst."""
    store.delete_saved_search(_owned(store, search_id, user))
    return {"deleted": int(search_id)}
