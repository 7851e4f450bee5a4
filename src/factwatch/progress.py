"""How long work reports how far it got: a callback protocol, no I/O.

A stage takes an optional ``progress`` keyword and calls it as items finish::

    def extract_claims(store, *, progress: Progress | None = None) -> ClaimStats:
        ...
        if progress:
            progress(n_docs, total, "documents")

``total`` is None while unknown. ``pipeline.run_pipeline`` passes each stage the callable that
its reporter returns for that stage; the CLI's reporters (``_output.py``) draw a rich bar in a
terminal and write a log line every few seconds otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Progress(Protocol):
    """Called by a stage as items finish: ``done`` of ``total`` (None while unknown) ``unit``."""

    def __call__(self, done: int, total: int | None = None, unit: str = "items") -> None: ...


class StageProgress(Progress, Protocol):
    """The per-stage callable of a reporter; ``finish`` gets the stage's stats when it returns."""

    def finish(self, summary: Mapping[str, Any]) -> None: ...
