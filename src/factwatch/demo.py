"""The demo: the project's own corpus and fact base, loaded and analysed in one call.

``demo/manifest.yaml`` lists the corpus files with their format and, for tables, the column
mapping; the profile supplies the source registry and the fact base. ``progress`` gets one line
of plain text per step (what was loaded, each analysis stage's counts) and a closing summary
that says where to look.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from factwatch.config import DEFAULT_PROFILE, demo_root, profile_dir, profile_file
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

    def lines(self) -> list[str]:
        """What the demo holds now, in words, and where to look first."""
        st = self.stats
        return [
            f"demo loaded: {_n(st.get('documents', 0), 'document')} from {_n(st.get('sources', 0), 'source')}; "
            f"{_n(st.get('clusters', 0), 'story cluster')} with copies; "
            f"{_n(st.get('claims', 0), 'check-worthy claim')}, {st.get('addressed_claims', 0)} addressed by "
            f"{_n(st.get('fact_checks', 0), 'fact-check')} and {_n(st.get('facts', 0), 'fact')}",
            "look at: /claims (each claim's spread and response card), /clusters (copies across outlets, "
            "scripts and platforms), /coordination (accounts posting together)",
        ]


def _n(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _counts(stats: Mapping[str, Any]) -> str:
    """A stage's stats as words: "documents 458 · clusters 414 · 0.4 s" (nested records flattened)."""
    parts = []
    for key, value in stats.items():
        if key == "seconds":
            continue
        if isinstance(value, Mapping):
            value = _counts(value) or "none"
            parts.append(f"{key.replace('_', ' ')} ({value})")
        elif isinstance(value, (list, tuple)):
            parts.append(f"{key.replace('_', ' ')} {len(value)}")
        else:
            parts.append(f"{key.replace('_', ' ')} {value}")
    if isinstance(stats.get("seconds"), (int, float)):
        parts.append(f"{stats['seconds']:.1f} s")
    return " · ".join(parts)


class _StageLine:
    """Says a stage's counts when it finishes (run_pipeline's per-stage progress)."""

    def __init__(self, name: str, say: Callable[[str], None]) -> None:
        self.name, self._say = name, say

    def __call__(self, done: int, total: int | None = None, unit: str = "items") -> None:
        pass  # one line per stage is enough for the demo; `factwatch analyze` shows bars

    def finish(self, summary: Mapping[str, Any]) -> None:
        self._say(f"  {self.name}: {_counts(summary)}")


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
    say(f"fact base: {_n(facts.fact_checks, 'fact-check')} and {_n(facts.facts, 'fact')} imported, "
        f"{facts.duplicates} already there, {facts.rejected} rejected")
    for reason in facts.reasons:
        say(f"  rejected: {reason}")
    # The profile's narrative catalogue, so the demo's documents get narratives, trends and alerts.
    from factwatch.analysis.narratives import import_catalogue

    catalogue = profile_dir(profile) / "narratives.yaml"
    if catalogue.is_file():
        narratives = import_catalogue(store, catalogue)
        say(f"narratives: {_n(narratives.narratives, 'narrative')} in catalogue {narratives.catalogue}")
    pipeline: dict[str, Any] = {}
    if analyze:
        say("analysing (embeddings take a minute on first run)")
        pipeline = run_pipeline(store, progress=lambda name: _StageLine(name, say)).as_dict()
    summary = DemoSummary(
        sources=registry.sources, ingested=ingested, facts=facts.as_dict(), pipeline=pipeline, stats=store.stats()
    )
    for line in summary.lines():
        say(line)
    return summary


DEMO_USER = "demo"
DEMO_ROLE = "admin"  # the demo shows every page and action, user management included


@dataclass(frozen=True, slots=True)
class DemoLogin:
    name: str
    password: str
    role: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def line(self) -> str:
        return f"demo login: name {self.name}, password {self.password} (role {self.role}; valid until the next demo start)"


def demo_login(store: Store) -> DemoLogin:
    """Create the demo user, or give it a new password: a fresh random one each start.

    Random rather than fixed, so a demo served with --insecure-public is not open to anyone who
    read this code; the old password and its sessions stop working.
    """
    import secrets

    from factwatch.accounts import add_user, hash_password

    password = secrets.token_urlsafe(12)
    if store.get_user(DEMO_USER) is None:
        add_user(store, DEMO_USER, DEMO_ROLE, password)
    else:
        store.set_password_hash(DEMO_USER, hash_password(password))
    return DemoLogin(DEMO_USER, password, DEMO_ROLE)

