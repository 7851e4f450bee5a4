"""The analysis pipeline as data: an ordered tuple of named stages (in the style of spaCy).

Stages never call each other. Each reads what earlier stages wrote to the store, writes its
own tables, and is incremental and idempotent: a rerun with nothing new changes nothing.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from factwatch.errors import ConfigError
from factwatch.progress import StageProgress
from factwatch.store import Store


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    run: Callable[..., Any]  # run(store, **config) -> a *Stats record with as_dict()
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    default_config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PipelineResult:
    stages: dict[str, dict[str, Any]]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"stages": self.stages, "seconds": round(self.seconds, 3)}


def _stages() -> tuple[Stage, ...]:
    # Imported here so `factwatch ingest` does not pay for loading the embedding model.
    from factwatch.analysis.alerts import detect_alerts
    from factwatch.analysis.claims import extract_claims
    from factwatch.analysis.dedup import cluster_new_documents
    from factwatch.analysis.embed import embed_new_claims
    from factwatch.analysis.factcheck import embed_fact_base
    from factwatch.analysis.matching import match_new_claims
    from factwatch.analysis.discovery import discover_narratives
    from factwatch.analysis.narratives import classify_new_documents
    from factwatch.analysis.shares import detect_coordination

    return (
        # Before claims, so that claims of copies can share work (issue 8).
        Stage("dedup", cluster_new_documents, reads=("documents",), writes=("clusters", "cluster_members", "dedup_signatures")),
        # After dedup: co-text objects are its story clusters (issue 8).
        Stage("coordination", detect_coordination, reads=("documents", "cluster_members"),
              writes=("coordination_networks", "coordination_members")),
        Stage("claims", extract_claims, reads=("documents",), writes=("claims",)),
        Stage("embed_facts", embed_fact_base, reads=("fact_checks", "facts"), writes=("fact_vectors",)),
        Stage("embed_claims", embed_new_claims, reads=("claims",), writes=("vectors",)),
        Stage("match", match_new_claims, reads=("claims", "vectors", "fact_vectors"), writes=("claim_matches",)),
        # After claims: each check-worthy claim gets its narratives beside its document's (issue 9).
        Stage("narratives", classify_new_documents, reads=("documents", "claims", "narratives", "narrative_documents"),
              writes=("narrative_assignments",)),
        # After narratives: claims it matched to no catalogued narrative form candidate narratives.
        Stage("discovery", discover_narratives, reads=("claims", "vectors", "narrative_assignments"),
              writes=("discovery_clusters", "discovery_members")),
        # Last: spikes, state actors and coordinated networks over narratives (issue 9).
        Stage("alerts", detect_alerts, reads=("documents", "narrative_assignments", "coordination_networks",
                                              "coordination_members", "discovery_clusters", "discovery_members"),
              writes=("alerts", "alert_deliveries")),
    )


def stage_names() -> list[str]:
    return [s.name for s in _stages()]


def accepts_progress(run: Callable[..., Any]) -> bool:
    """Whether a stage takes the optional ``progress`` keyword (stages gain it one by one)."""
    try:
        return "progress" in inspect.signature(run).parameters
    except (TypeError, ValueError):
        return False


def run_pipeline(
    store: Store,
    *,
    only: Sequence[str] | None = None,
    config: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[str], StageProgress | None] | None = None,
) -> PipelineResult:
    """Run the stages in order (``only``: these names). ``progress(stage_name)`` is called as each
    stage starts; what it returns, if anything, gets the stage's items as they finish (stages
    that take a ``progress`` keyword) and the stage's stats at the end."""
    config = config or {}
    unknown = sorted(set(only or ()) - set(stage_names()))
    if unknown:
        raise ConfigError(f"Unknown stage {', '.join(unknown)}; the stages are {', '.join(stage_names())}.")
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    for stage in _stages():
        if only and stage.name not in only:
            continue
        tracker = progress(stage.name) if progress else None
        kwargs = {**stage.default_config, **config.get(stage.name, {})}
        if tracker is not None and accepts_progress(stage.run):
            kwargs["progress"] = tracker
        t0 = time.perf_counter()
        stats = stage.run(store, **kwargs)
        results[stage.name] = {**stats.as_dict(), "seconds": round(time.perf_counter() - t0, 3)}
        if tracker is not None:
            tracker.finish(results[stage.name])
    return PipelineResult(stages=results, seconds=time.perf_counter() - started)
