"""The demo: the project's own corpus and fact base, loaded and analysed in one call.

``demo/manifest.yaml`` lists the corpus files with their format and, for tables, the column
mapping; the profile supplies the source registry and the fact base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from factwatch.config import DEFAULT_PROFILE, demo_root, profile_file
from factwatch.errors import ConfigError
from factwatch.store import Store


@dataclass(frozen=True, slots=True)
class DemoSummary:
    sources: int
    ingested: dict[str, dict[str, Any]]
    facts: dict[str, Any]
    pipeline: dict[str, Any]
    stats: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_manifest(root: Path) -> list[dict[str, Any]]:
    path = root / "manifest.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read the demo manifest {path}: {exc}. Is this a full checkout?") from exc
    entries = data.get("files", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected a list of files (path, format, map, source).")
    return entries


def load_demo(
    store: Store,
    *,
    root: Path | None = None,
    profile: str = DEFAULT_PROFILE,
    analyze: bool = True,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    from factwatch.ingest.facts import import_facts
    from factwatch.ingest.registry import import_sources
    from factwatch.ingest.service import ingest_path
    from factwatch.pipeline import run_pipeline

    say = progress or (lambda _m: None)
    root = root or demo_root()
    registry = import_sources(store, profile_file(profile, "sources.yaml"), profile=profile)
    say(f"registry: {registry.sources} sources, {registry.actors} actors")
    ingested: dict[str, dict[str, Any]] = {}
    for entry in read_manifest(root):
        path = root / str(entry["path"])
        stats = ingest_path(
            store, str(path), fmt=str(entry.get("format") or "auto"), source=entry.get("source"),
            mapping=entry.get("map"),
        )
        ingested[str(entry["path"])] = stats.as_dict()
        say(f"ingested {entry['path']}: {stats.inserted} new, {stats.duplicates} duplicates, {stats.rejected} rejected")
    facts = import_facts(store, profile_file(profile, "facts.yaml"), fmt="yaml")
    say(f"fact base: {facts.as_dict()}")
    pipeline: dict[str, Any] = {}
    if analyze:
        say("analysing (embeddings take a minute on first run)")
        pipeline = run_pipeline(store, progress=lambda s: say(f"  stage {s}")).as_dict()
    return DemoSummary(
        sources=registry.sources, ingested=ingested, facts=facts.as_dict(), pipeline=pipeline, stats=store.stats()
    )
