"""The source registry: outlets, channels and accounts, and the actors that own them.

A profile's ``sources.yaml`` has two lists, ``actors`` and ``sources``; see docs/data-formats.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from factwatch.errors import InputError
from factwatch.models import ACTOR_TYPES, Actor, Source
from factwatch.store import Store


@dataclass(frozen=True, slots=True)
class RegistryStats:
    actors: int
    sources: int
    rejected: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_registry(path: Path) -> tuple[list[Actor], list[Source], list[str]]:
    """Parse a sources.yaml; bad entries come back as reasons, good ones as records."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
        data = yaml.safe_load(raw)
    except FileNotFoundError:
        raise InputError(f"No such file: {path}. Check the path of the registry (a sources.yaml).") from None
    except OSError as exc:
        raise InputError(f"Cannot read registry {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
                         "save the registry as UTF-8.") from None
    except yaml.YAMLError as exc:
        # One line, as every CLI error: PyYAML's own message spans several with a caret drawing.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InputError(f"{path}: not valid YAML{where}: {problem}.") from None
    if not raw.strip():
        raise InputError(f"{path} is empty; a registry has 'actors' and 'sources' lists (docs/data-formats.md).")
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping with 'actors' and 'sources' lists.")
    actors: list[Actor] = []
    sources: list[Source] = []
    rejected: list[str] = []
    for i, entry in enumerate(data.get("actors") or []):
        if not isinstance(entry, dict) or not entry.get("name"):
            rejected.append(f"actors[{i}]: needs a name")
            continue
        kind = str(entry.get("type") or "unknown")
        if kind not in ACTOR_TYPES:
            rejected.append(f"actors[{i}] {entry['name']!r}: type {kind!r} is not one of {', '.join(ACTOR_TYPES)}")
            continue
        actors.append(Actor(name=str(entry["name"]), type=kind, country=entry.get("country"), notes=entry.get("notes")))
    known = {a.name: a for a in actors}
    for i, entry in enumerate(data.get("sources") or []):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("platform"):
            rejected.append(f"sources[{i}]: needs a name and a platform")
            continue
        actor_type = entry.get("actor_type")
        if actor_type is not None and actor_type not in ACTOR_TYPES:
            rejected.append(f"sources[{i}] {entry['name']!r}: actor_type {actor_type!r} is not one of {', '.join(ACTOR_TYPES)}")
            continue
        actor = entry.get("actor")
        if actor and actor not in known:
            known[actor] = Actor(name=actor, type=actor_type or "unknown", country=entry.get("country"))
            actors.append(known[actor])
        sources.append(
            Source(
                name=str(entry["name"]), platform=str(entry["platform"]), url=entry.get("url"),
                feed_url=entry.get("feed_url"), country=entry.get("country"), language=entry.get("language"),
                actor=actor, actor_type=actor_type or (known[actor].type if actor else None),
            )
        )
    return actors, sources, rejected


def import_sources(store: Store, path: Path, *, profile: str | None = None) -> RegistryStats:
    actors, sources, rejected = read_registry(path)
    for actor in actors:
        store.upsert_actor(actor)
    for source in sources:
        store.upsert_source(source, profile=profile)
    return RegistryStats(actors=len(actors), sources=len(sources), rejected=rejected)


def export_sources(store: Store) -> str:
    """The registry as YAML in the same shape `import_sources` reads."""
    actors = [{k: v for k, v in a.as_dict().items() if v is not None} for a in store.list_actors()]
    sources = []
    for s in store.list_sources():
        entry = {k: v for k, v in s.as_dict().items() if v is not None and k != "documents"}
        sources.append(entry)
    return yaml.safe_dump({"actors": actors, "sources": sources}, allow_unicode=True, sort_keys=False)
