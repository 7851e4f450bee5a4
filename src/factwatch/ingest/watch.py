"""Polling the registry's feeds: conditional GET, per-feed exponential backoff.

Each feed's state (ETag, Last-Modified, consecutive failures, when to poll next) lives in the
store's ``feed_state``, so a restarted ``factwatch watch`` carries on where it stopped and a feed
that has been failing for hours is not hammered every round.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone

from ..errors import FactwatchError
from ..models import ParsedRecord, PollStats, RejectedRecord, Source
from ..store import Store
from ._io import SNIFF_BYTES
from .detect import detect_format
from .feeds import iter_feed
from ._signals import held, interruption_message, stop_on_signals
from .loader import DocumentLoader
from .web import FetchSettings, fetch_url, iter_html

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 900.0
MAX_BACKOFF = 6 * 3600.0


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def backoff_seconds(failures: int, *, interval: float, cap: float = MAX_BACKOFF) -> float:
    """Wait after ``failures`` consecutive errors: interval × 2^failures, at most ``cap``."""
    if failures <= 0:
        return interval
    return min(cap, interval * (2 ** min(failures, 30)))


def _feed_sources(store: Store, profile: str | None, sources: Sequence[Source] | None) -> list[Source]:
    chosen = list(sources) if sources is not None else store.list_sources(profile)
    return [s for s in chosen if s.feed_url]


def poll_feeds(
    store: Store,
    *,
    profile: str | None = None,
    profile_sources: Sequence[Source] | None = None,
    settings: FetchSettings | None = None,
    now: datetime | None = None,
    interval: float = DEFAULT_INTERVAL,
    max_backoff: float = MAX_BACKOFF,
    batch_size: int = 500,
) -> PollStats:
    """Poll every due feed once (the sources with a ``feed_url``; ``profile_sources`` or the profile's).

    A 304 stores nothing; an error adds one to the feed's failures and pushes its next poll back
    exponentially (capped at ``max_backoff``); a success resets failures. New items go into one
    ``watch`` run for the round, started only when some feed has content.
    """
    settings = settings or FetchSettings.from_env()
    now = now or datetime.now(timezone.utc)
    counts = {"polled": 0, "not_modified": 0, "failed": 0, "skipped": 0}
    loader: DocumentLoader | None = None

    # SIGINT/SIGTERM end the round's run as interrupted with its counts, like an ingest.
    with stop_on_signals():
        try:
            for src in _feed_sources(store, profile, profile_sources):
                url = src.feed_url or ""
                state = store.get_feed_state(url) or {}
                due = _parse_iso(state.get("next_poll_at"))
                if due and due > now:
                    counts["skipped"] += 1
                    continue
                counts["polled"] += 1
                failures = int(state.get("failures") or 0)
                started = time.monotonic()
                new = 0
                etag, last_modified = state.get("etag"), state.get("last_modified")
                try:
                    result = fetch_url(url, settings=settings, etag=etag, last_modified=last_modified)
                    if result.status == 304:
                        counts["not_modified"] += 1
                        status = "304"
                    else:
                        if loader is None:
                            loader = DocumentLoader.start(store, kind="watch", input=f"profile:{profile}" if profile else "feeds",
                                                          default_source=src.name, batch_size=batch_size)
                        before = loader.inserted
                        loader.load(_records(result.content, url=result.final_url, content_type=result.content_type,
                                             source=src.name))
                        new = loader.inserted - before
                        status = str(result.status)
                    etag = result.etag or etag
                    last_modified = result.last_modified or last_modified
                    failures = 0
                    next_at = now + timedelta(seconds=interval)
                except FactwatchError as exc:
                    counts["failed"] += 1
                    failures += 1
                    status = f"error: {exc}"[:500]
                    next_at = now + timedelta(seconds=backoff_seconds(failures, interval=interval, cap=max_backoff))
                store.save_feed_state(url, etag=etag, last_modified=last_modified, failures=failures,
                                      next_poll_at=_iso(next_at), last_status=status, last_polled_at=_iso(now))
                # An error line carries its reason (refused address, timeout, HTTP status): the analyst
                # watching the log must see why a feed is backing off without opening the database.
                log.log(logging.WARNING if failures else logging.INFO, "poll %s (%s): %s, %d new, %.2fs%s", src.name, url,
                        status[:200], new, time.monotonic() - started,
                        f", next in {(next_at - now).total_seconds():.0f}s" if failures else "")
        except BaseException as exc:
            if loader is not None:
                with held():
                    if isinstance(exc, KeyboardInterrupt):
                        loader.finish(status="interrupted", error=interruption_message(exc))
                    else:
                        loader.finish(status="failed", error=f"{type(exc).__name__}: {exc}")
            raise
        run_id = None
        inserted = duplicates = rejected = 0
        if loader is not None:
            stats = loader.finish(status="done")
            run_id, inserted, duplicates, rejected = stats.run_id, stats.inserted, stats.duplicates, stats.rejected
    return PollStats(counts["polled"], counts["not_modified"], counts["failed"], counts["skipped"],
                     inserted, duplicates, rejected, run_id)


def _records(content: bytes, *, url: str, content_type: str | None,
             source: str) -> Iterator[ParsedRecord | RejectedRecord]:
    """A feed URL usually serves RSS/Atom; a registry entry pointing at a page gets the article."""
    fmt = detect_format(url.split("?", 1)[0], content[:SNIFF_BYTES], content_type=content_type)
    if fmt == "html":
        return iter_html(content, name=url, source=source, url=url, content_type=content_type)
    # Parse eagerly so a broken feed fails here, inside the per-feed error handling.
    return iter(list(iter_feed(content, name=url, source=source, content_type=content_type, base_url=url)))


def watch(
    store: Store,
    *,
    interval: float = DEFAULT_INTERVAL,
    profile: str | None = None,
    profile_sources: Sequence[Source] | None = None,
    settings: FetchSettings | None = None,
    max_backoff: float = MAX_BACKOFF,
    rounds: int | None = None,
    once: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    on_round: Callable[[PollStats], None] | None = None,
) -> None:
    """Poll the feeds every ``interval`` seconds until interrupted (or for ``rounds`` rounds;
    ``once`` is ``rounds=1``)."""
    if once:
        rounds = 1
    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        stats = poll_feeds(store, profile=profile, profile_sources=profile_sources, settings=settings,
                           interval=interval, max_backoff=max_backoff)
        log.info("round: %d polled, %d not modified, %d failed, %d skipped, %d new",
                 stats.polled, stats.not_modified, stats.failed, stats.skipped, stats.inserted)
        if on_round:
            on_round(stats)
        done += 1
        if rounds is not None and done >= rounds:
            break
        sleep(max(0.0, interval - (time.monotonic() - started)))
