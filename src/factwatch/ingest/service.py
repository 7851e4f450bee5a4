"""``ingest_path``: any supported input into the store as one run, its outcome recorded.

Opening and parsing inputs is inputs.py; turning records into stored documents is loader.py.
This module owns the run: it is ``done``, ``failed`` (the input as a whole could not be read) or
``interrupted`` (SIGINT/SIGTERM), always with the counts of what was stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import FactwatchError, InputError
from ..models import IngestStats
from ..store import Store
from ._signals import held, interruption_message, stop_on_signals
from .inputs import iter_input
from .loader import DocumentLoader
from .web import FetchSettings, is_url


def ingest_path(
    store: Store,
    path_or_url: str,
    *,
    fmt: str = "auto",
    source: str | None = None,
    mapping: dict[str, str] | None = None,
    settings: FetchSettings | None = None,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
    label: str | None = None,
) -> IngestStats:
    """Ingest a file, directory, ``.gz`` or http(s) URL into ``store``; one run, its counts returned.

    ``source`` names the outlet/channel/account for every record, overriding what the input
    says (feed title, channel name, account). ``mapping`` maps our fields to columns for csv/jsonl
    (``{"text": "content", "author": "user.screen_name"}``). ``progress`` is called after each
    batch with the number of input records handled so far (stored or rejected). ``label`` is what
    the run records as its input instead of ``path_or_url`` (an upload's name, not its temporary path).

    Raises ``InputError``/``FetchError``/``ConfigError`` when the input as a whole cannot be
    read, after recording the run as failed (documents stored before the failure stay). SIGINT
    and SIGTERM raise ``Interrupted`` (a KeyboardInterrupt) after recording the run as interrupted.
    """
    default_source = source or (path_or_url if is_url(path_or_url) else Path(path_or_url).name) or "unknown"
    loader: DocumentLoader | None = None
    finished = False
    with stop_on_signals():
        try:
            with held():  # a signal now is raised once the loader exists, so the run gets marked
                loader = DocumentLoader.start(store, kind="ingest", input=label or path_or_url, default_source=default_source,
                                              batch_size=batch_size, progress=progress)
            stats = loader.load(iter_input(path_or_url, fmt=fmt, source=source, mapping=mapping, settings=settings))
            with held():
                loader.finish(status="done")
                finished = True
            return stats
        except BaseException as exc:
            if loader is None or finished:
                raise
            with held():
                if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, or Interrupted by SIGTERM
                    loader.finish(status="interrupted", error=interruption_message(exc))
                elif isinstance(exc, FactwatchError):
                    loader.finish(status="failed", error=str(exc))
                else:
                    loader.finish(status="failed", error=f"{type(exc).__name__}: {exc}")
            if isinstance(exc, FactwatchError) or not isinstance(exc, Exception):
                raise
            # A foreign exception here is a bug in a parser; keep its traceback, say where it happened.
            raise InputError(f"{path_or_url}: unexpected {type(exc).__name__}: {exc}; please report this "
                             "with the input that caused it") from exc


__all__ = ["ingest_path"]
