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


class _Round:
    """One polling round: the feeds' counts, and the ``watch`` run opened when a feed has content."""

    def __init__(self, store: Store, *, run_input: str, settings: FetchSettings, now: datetime, interval: float,
                 max_backoff: float, batch_size: int) -> None:
        self.store, self.run_input, self.settings, self.now = store, run_input, settings, now
        self.interval, self.max_backoff, self.batch_size = interval, max_backoff, batch_size
        self.counts = {"polled": 0, "not_modified": 0, "failed": 0, "skipped": 0}
        self.loader: DocumentLoader | None = None

    def poll(self, src: Source) -> None:
        """Poll one feed if it is due, store what is new, save its state, log one line."""
        url = src.feed_url or ""
        state = self.store.get_feed_state(url) or {}
        due = _parse_iso(state.get("next_poll_at"))
        if due and due > self.now:
            self.counts["skipped"] += 1
            return
        self.counts["polled"] += 1
        failures = int(state.get("failures") or 0)
        started = time.monotonic()
        new = 0
        etag, last_modified = state.get("etag"), state.get("last_modified")
        try:
            result = fetch_url(url, settings=self.settings, etag=etag, last_modified=last_modified)
            if result.status == 304:
                self.counts["not_modified"] += 1
                status = "304"
            else:
                if self.loader is None:
                    self.loader = DocumentLoader.start(self.store, kind="watch", input=self.run_input,
                                                       default_source=src.name, batch_size=self.batch_size)
                before = self.loader.inserted
                self.loader.load(_records(result.content, url=result.final_url, content_type=result.content_type,
                                          source=src.name))
                new = self.loader.inserted - before
                status = str(result.status)
            etag = result.etag or etag
            last_modified = result.last_modified or last_modified
            failures = 0
            next_at = self.now + timedelta(seconds=self.interval)
        except FactwatchError as exc:
            self.counts["failed"] += 1
            failures += 1
            status = f"error: {exc}"[:500]
            next_at = self.now + timedelta(seconds=backoff_seconds(failures, interval=self.interval,
                                                                   cap=self.max_backoff))
        self.store.save_feed_state(url, etag=etag, last_modified=last_modified, failures=failures,
                                   next_poll_at=_iso(next_at), last_status=status, last_polled_at=_iso(self.now))
        # An error line carries its reason (refused address, timeout, HTTP status): the analyst
        # watching the log must see why a feed is backing off without opening the database.
        log.log(logging.WARNING if failures else logging.INFO, "poll %s (%s): %s, %d new, %.2fs%s", src.name, url,
                status[:200], new, time.monotonic() - started,
                f", next in {(next_at - self.now).total_seconds():.0f}s" if failures else "")

    def stats(self) -> PollStats:
        """Finish the round's run (if one was opened) and return the round's counts."""
        c = self.counts
        if self.loader is None:
            return PollStats(c["polled"], c["not_modified"], c["failed"], c["skipped"], 0, 0, 0, None)
        done = self.loader.finish(status="done")
        return PollStats(c["polled"], c["not_modified"], c["failed"], c["skipped"], done.inserted, done.duplicates,
                         done.rejected, done.run_id)

    def abandon(self, exc: BaseException) -> None:
        """Record the round's run as interrupted (SIGINT/SIGTERM) or failed, with its counts."""
        if self.loader is None:
            return
        with held():
            if isinstance(exc, KeyboardInterrupt):
                self.loader.finish(status="interrupted", error=interruption_message(exc))
            else:
                self.loader.finish(status="failed", error=f"{type(exc).__name__}: {exc}")


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
    ``watch`` run for the round, started only when some feed has content. SIGINT/SIGTERM end
    that run as interrupted with its counts, as they end an ingest.
    """
    round_ = _Round(store, run_input=f"profile:{profile}" if profile else "feeds",
                    settings=settings or FetchSettings.from_env(), now=now or datetime.now(timezone.utc),
                    interval=interval, max_backoff=max_backoff, batch_size=batch_size)
    with stop_on_signals():
        try:
            for src in _feed_sources(store, profile, profile_sources):
                round_.poll(src)
            return round_.stats()
        except BaseException as exc:
            round_.abandon(exc)
            raise


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
