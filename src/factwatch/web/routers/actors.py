"""``/actors`` and ``/actors/{name}``, with their ``/api`` forms: who owns the sources, and an actor's profile.

An actor (a state body, a media group, a network of channels) owns sources; its profile is every
one of its sources together: the narratives they carry over time, their share of false claims and
of state content (web/_profiles.py, the same view as a source's page).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse

from factwatch.errors import NotFoundError
from factwatch.models import Actor, Source
from factwatch.store import Store
from factwatch.web._charts import ACTOR_TYPE_COLOURS
from factwatch.web._params import get_store, paged, paged_responses, paging
from factwatch.web._profiles import ProfileView, profile_view
from factwatch.web._render import render

router = APIRouter()


@dataclass(frozen=True, slots=True)
class ActorList:
    actors: list[Actor]
    sources: dict[str, int]  # actor -> sources it owns

    def as_dict(self) -> dict[str, Any]:
        return {"actors": [{**a.as_dict(), "sources": self.sources.get(a.name, 0)} for a in self.actors]}


@dataclass(frozen=True, slots=True)
class ActorView:
    actor: Actor
    sources: list[Source]
    view: ProfileView

    def as_dict(self) -> dict[str, Any]:
        return {"actor": {**self.actor.as_dict(), "sources": [s.as_dict() for s in self.sources]},
                "profile": self.view.as_dict()}


def actors_view(store: Store) -> ActorList:
    owned = Counter(s.actor for s in store.list_sources() if s.actor)
    return ActorList(actors=store.list_actors(), sources=dict(owned))


def actor_view(store: Store, name: str) -> ActorView:
    actor = next((a for a in store.list_actors() if a.name == name), None) if len(name) <= 300 else None
    if actor is None:
        raise NotFoundError(f"No actor {name[:80]!r}; /actors lists them (a source's page is /sources/NAME).")
    sources = [s for s in store.list_sources() if s.actor == name]
    return ActorView(actor=actor, sources=sources, view=profile_view(store, name))


ActorName = Annotated[str, Path(description="An actor name, as listed by /api/actors.")]


@router.get("/actors", response_class=HTMLResponse, include_in_schema=False)
def actors_page(request: Request, store: Store = Depends(get_store)) -> HTMLResponse:
    view = actors_view(store)
    return render(request, "actors.html", view=view, colours=ACTOR_TYPE_COLOURS, page_title="Actors")


@router.get("/api/actors", tags=["api"], responses=paged_responses("actors", "actors"))
def actors_json(page: tuple[int, int] = Depends(paging), store: Store = Depends(get_store)) -> dict[str, Any]:
    """A page of the actors behind the sources (type, country), each with how many sources it owns."""
    return paged("actors", actors_view(store).as_dict()["actors"], page)


@router.get("/actors/{name:path}", response_class=HTMLResponse, include_in_schema=False)
def actor_page(request: Request, name: str, store: Store = Depends(get_store)) -> HTMLResponse:
    view = actor_view(store, name)
    return render(request, "actor.html", actor=view.actor, sources=view.sources, view=view.view,
                  profile=view.view.profile, page_title=view.actor.name)


@router.get("/api/actors/{name:path}", tags=["api"])
def actor_json(name: ActorName, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One actor and all its sources together: narratives carried by month, share of false claims and of
    state or state-affiliated content, claims matched to fact-checks."""
    return actor_view(store, name).as_dict()
