"""SIGINT and SIGTERM during ingestion: stop at once, but never inside a batch's bookkeeping.

A service manager, ``timeout`` or ``docker stop`` ends a process with SIGTERM, whose default
action kills Python without running ``finally`` blocks: the run stayed ``running`` with 0 inserted
while its documents were stored (issue 7 item 3). While ``stop_on_signals`` is active both signals
raise ``Interrupted``; inside ``held()`` (a batch being written and counted, a run being opened or
finished) they are kept until the block ends, so the run's counts always match what was stored.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Ingestion was stopped by SIGINT or SIGTERM (a KeyboardInterrupt, so Ctrl-C handling applies)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


class _State(threading.local):
    depth = 0
    pending: int | None = None


_state = _State()


@contextmanager
def held() -> Iterator[None]:
    """Keep SIGINT/SIGTERM from interrupting this block; one that arrived is raised at its end."""
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
        if _state.depth == 0 and _state.pending is not None:
            signum, _state.pending = _state.pending, None
            raise Interrupted(signum)


def _handler(signum: int, frame: FrameType | None) -> None:
    # Python runs signal handlers in the main thread, so _state is the main thread's here.
    if _state.depth:
        _state.pending = signum
        return
    raise Interrupted(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into ``Interrupted`` for the block (main thread only; a signal
    the process ignores, as a shell's background job ignores SIGINT, stays ignored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in _SIGNALS}
    for s, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(s, _handler)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def interruption_message(exc: BaseException) -> str:
    """What the run's ``error`` says about a stop by signal or Ctrl-C."""
    name = signal.Signals(exc.signum).name if isinstance(exc, Interrupted) else "SIGINT"
    return f"interrupted ({name}); rerun the same command to add the rest"
