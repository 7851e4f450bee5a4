"""Records into the store: clean and normalise each (``text/``), store them in batches, count.

``DocumentLoader`` is what ``ingest_path`` (one input) and ``watch`` (every due feed of a round)
use to store records under a run. Each batch is one committed transaction and the store
deduplicates on unique keys, so a crash loses at most the batch in flight and a rerun adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from ..models import IngestStats, NewDocument, ParsedRecord, RejectedRecord
from ..store import Store
from ._signals import held

Item = ParsedRecord | RejectedRecord


def content_hash(platform: str, source: str, author: str | None, published_at: str | None,
                 title: str | None, text: str) -> str:
    """Identity of one item *from one source*.

    The source is part of it on purpose: the same story from two outlets is two documents
    (copy detection is a later stage's job); only the same item from the same source is a duplicate.
    """
    key = json.dumps([platform, source, author, published_at, title, text], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _code(lang: Any) -> str | None:
    if not isinstance(lang, str):
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code.isalpha() and 2 <= len(code) <= 3 and code not in ("und", "zxx", "qme", "qht") else None


class _Documents:
    """Turns records into documents, caching the per-source language hint."""

    def __init__(self, store: Store, *, default_source: str) -> None:
        self._store = store
        self._default_source = default_source
        self._hints: dict[str, str | None] = {}

    def _hint(self, source: str, record: ParsedRecord) -> str | None:
        if source not in self._hints:
            self._hints[source] = _code(self._store.source_language(source))
        return self._hints[source] or _code(record.meta.get("lang"))

    def build(self, record: ParsedRecord) -> NewDocument | RejectedRecord:
        # Imported on first use: text/ loads language models, which parsing alone does not need.
        from ..text.normalize import clean_text, normalize

        text = clean_text(record.text or "")
        title = clean_text(record.title) if record.title else None
        title = title or None
        if not text.strip():
            # A headline-only item (an RSS entry whose description is just an image) is still news.
            text = title or ""
        if not text.strip():
            return RejectedRecord(record.position, f"{record.position}: empty text after cleaning",
                                  (record.text or "")[:500])
        source = (record.source or "").strip() or self._default_source
        author = clean_text(record.author) if record.author else None
        normalized = normalize(text, title=title, language_hint=self._hint(source, record))
        meta = dict(record.meta)
        meta["language_score"] = round(normalized.language_score, 4)
        return NewDocument(
            platform=record.platform,
            source=source,
            text=text,
            language=normalized.language,
            script=normalized.script,
            latin_key=normalized.latin_key,
            content_hash=content_hash(record.platform, source, author or None, record.published_at, title, text),
            position=record.position,
            external_id=record.external_id,
            url=record.url,
            title=title,
            author=author or None,
            published_at=record.published_at,
            meta=meta,
            global_id=record.global_id,
        )


class DocumentLoader:
    """Stores records under one run in batches and keeps its counts, also for a run that fails.

    ``start`` opens a run and ``finish`` records its outcome with the counts. A batch is written
    and counted with SIGINT/SIGTERM held (``_signals.held``), so the counts a run records are
    exactly what it stored, however it stops.
    """

    def __init__(self, store: Store, *, run_id: str, default_source: str, batch_size: int = 500,
                 progress: Callable[[int], None] | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.inserted = self.duplicates = self.rejected = 0
        self.handled = 0  # input records stored or rejected so far
        self._builder = _Documents(store, default_source=default_source)
        self._docs: list[NewDocument] = []
        self._rejections: list[RejectedRecord] = []
        self._pending = 0

    @classmethod
    def start(cls, store: Store, *, kind: str, input: str, default_source: str, batch_size: int = 500,
              progress: Callable[[int], None] | None = None) -> DocumentLoader:
        """A loader for a new run of ``kind`` (ingest, watch) on ``input``."""
        with held():
            run_id = store.start_run(kind, input)
            return cls(store, run_id=run_id, default_source=default_source, batch_size=batch_size,
                       progress=progress)

    def stats(self) -> IngestStats:
        return IngestStats(self.inserted, self.duplicates, self.rejected, self.run_id)

    def finish(self, *, status: str = "done", error: str | None = None) -> IngestStats:
        """Record the run's outcome (done, failed, interrupted) with its counts."""
        with held():
            self.store.finish_run(self.run_id, status=status, inserted=self.inserted, duplicates=self.duplicates,
                                  rejected=self.rejected, error=error)
        return self.stats()

    def flush(self) -> None:
        with held():
            if self._docs:
                inserted, duplicates = self.store.insert_documents(self._docs, run_id=self.run_id)
                self.inserted += inserted
                self.duplicates += duplicates
                self._docs = []
            if self._rejections:
                self.store.add_rejections(self._rejections, run_id=self.run_id)
                self.rejected += len(self._rejections)
                self._rejections = []
            moved, self._pending = self._pending, 0
            self.handled += moved
        if self.progress and moved:
            self.progress(self.handled)

    def load(self, records: Iterable[Item]) -> IngestStats:
        """Store every record. An exception from ``records`` (or an interrupt) propagates after
        the pending batch is stored, so nothing accepted before a whole-input failure is lost."""
        try:
            for item in records:
                self._pending += 1
                if isinstance(item, RejectedRecord):
                    self._rejections.append(item)
                else:
                    built = self._builder.build(item)
                    if isinstance(built, RejectedRecord):
                        self._rejections.append(built)
                    else:
                        self._docs.append(built)
                if len(self._docs) + len(self._rejections) >= self.batch_size:
                    self.flush()
        finally:
            self.flush()
        return self.stats()
