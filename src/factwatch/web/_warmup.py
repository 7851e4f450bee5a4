"""Warm /match before the first request: `factwatch serve` calls ``start_warmup`` once the app is built.

The first /match (or /api/match) in a fresh process pays for imports (bm25s, scipy), the fastText
language model, the fact base's retriever and the e5 model, about 1.5 s on top of the match. A
background thread matches one short text through the same service function the page calls, so
an analyst's first match costs what later ones do. Not in ``create_app``: tests build hundreds of
apps and would each pay for it. A request that arrives while the thread works waits on the same
loaders (the retriever's build lock, the language model's lock) rather than building twice.
``FACTWATCH_WARMUP=0`` skips it (a server that never matches, or one that must start cold).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

ENV = "FACTWATCH_WARMUP"
# A short claim in Serbian Latin: it takes the whole-text path (language id, e5 query, dense and
# keyword retrieval, the calibrated decision) without writing the store.
TEXT = "Vlada je zatvorila granicu zbog vojne vežbe NATO-a."


def warmup_enabled() -> bool:
    return os.environ.get(ENV, "1").strip() not in ("0", "false", "no", "off")


def warm_up(store: Any) -> float:
    """Match ``TEXT`` once against ``store``; returns the seconds it took."""
    from factwatch.analysis.article_matching import match_article

    started = time.perf_counter()
    match_article(store, TEXT, memo={})  # a throwaway memo: the read-only store is never written
    return time.perf_counter() - started


def start_warmup(app: Any) -> threading.Thread | None:
    """Warm ``app``'s store in a daemon thread (None when switched off); ``app.state.warmup`` is
    set when it is done, and one line on stderr says how long it took."""
    done = threading.Event()
    app.state.warmup = done
    if not warmup_enabled():
        done.set()
        return None
    from factwatch.analysis.article_matching import single_threaded_blas

    # Here, in the calling thread, not in the warm-up thread: threadpoolctl walks the loaded
    # libraries with dl_iterate_phdr, which holds the dynamic loader's lock while its ctypes
    # callback waits for the GIL. If meanwhile the main thread imports an extension (uvicorn
    # loads httptools as it starts) it holds the GIL and waits for the loader's lock: both hang
    # (seen: 1 start in 2 with the call in the thread). Cached, later calls do nothing.
    single_threaded_blas()

    def run() -> None:
        try:
            seconds = warm_up(app.state.store)
            sys.stderr.write(f"factwatch: /match warmed up in {seconds:.2f} s (pid {os.getpid()})\n")
        except Exception as exc:  # noqa: BLE001 - a failed warm-up leaves the first match cold, nothing worse
            sys.stderr.write(f"factwatch: /match warm-up failed, the first match will be slower: {exc}\n")
        finally:
            sys.stderr.flush()
            done.set()

    thread = threading.Thread(target=run, name="factwatch-warmup", daemon=True)
    thread.start()
    return thread
