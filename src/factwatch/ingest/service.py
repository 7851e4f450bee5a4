"""``ingest_path``: any supported input into the store, in batches, with rejections recorded.

The flow is parse (a format module) → clean and normalise (``text/``) → ``NewDocument`` →
``store.insert_documents`` every ``batch_size`` records. Each batch is one committed
transaction and the store deduplicates on unique keys, so a crash loses at most the batch in
flight and a rerun adds nothing.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import logging
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..errors import FactwatchError, InputError
from ..models import IngestStats, NewDocument, ParsedRecord, RejectedRecord
from ..store import Store
from ._io import SNIFF_BYTES
from .detect import FORMATS, detect_format
from .feeds import iter_feed
from .social import check_mapping, iter_csv, iter_ira, iter_jsonl, iter_x
from .telegram import iter_telegram
from .web import FetchSettings, fetch_url, is_url, iter_html

log = logging.getLogger(__name__)

Item = ParsedRecord | RejectedRecord
Parser = Callable[..., Iterator[Item]]

PARSERS: dict[str, Parser] = {
    "rss": iter_feed,
    "html": iter_html,
    "jsonl": iter_jsonl,
    "csv": iter_csv,
    "telegram": iter_telegram,
    "x": iter_x,
    "ira": iter_ira,
}
_GZIP_MAGIC = b"\x1f\x8b"


# --------------------------------------------------------------------------- opening inputs

class _SafeStream(io.RawIOBase):
    """A decompressing stream whose read errors surface as ``InputError`` (a truncated .gz)."""

    def __init__(self, inner: IO[bytes], name: str) -> None:
        self._inner = inner
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            # Small reads: GzipFile drops what it decompressed in a read that hits the damage.
            data = self._inner.read(min(len(b), 16 * 1024))
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{self._name}: corrupt or truncated gzip data ({exc}); download or compress it "
                             "again (records read before the damage were kept)") from None
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def _open_bytes(data: bytes, name: str) -> IO[bytes]:
    if data[:2] == _GZIP_MAGIC:
        return io.BufferedReader(_SafeStream(gzip.GzipFile(fileobj=io.BytesIO(data)), name), 1024 * 1024)
    return io.BytesIO(data)


def _open_file(path: Path) -> IO[bytes]:
    try:
        handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except IsADirectoryError:
        raise InputError(f"{path} is a directory") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; check the path and its permissions") from None
    try:
        magic = handle.read(2)
        handle.seek(0)
    except OSError as exc:
        handle.close()
        raise InputError(f"cannot read {path}: {exc}; check the path and its permissions") from None
    if magic == _GZIP_MAGIC:
        return io.BufferedReader(_SafeStream(gzip.GzipFile(fileobj=handle), str(path)), 1024 * 1024)
    return handle


def _head(stream: IO[bytes], name: str) -> bytes:
    """The first bytes, for sniffing; a truncated .gz still yields what it has (the parser
    then stores the records before the damage and fails on it)."""
    chunks: list[bytes] = []
    size = 0
    try:
        while size < SNIFF_BYTES:
            chunk = stream.read(min(8192, SNIFF_BYTES - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except InputError:
        if not chunks:
            raise
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc}") from None
    return b"".join(chunks)


def _inner_name(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def _parse(fmt: str, stream: IO[bytes], *, name: str, source: str | None, mapping: dict[str, str],
           url: str | None = None, content_type: str | None = None) -> Iterator[Item]:
    parser = PARSERS[fmt]
    extra: dict[str, Any] = {}
    if fmt == "rss":
        extra = {"content_type": content_type, "base_url": url}
    elif fmt == "html":
        extra = {"url": url, "content_type": content_type}
    return parser(stream, name=name, source=source, mapping=mapping, **extra)


def _iter_file(path: Path, *, fmt: str, source: str | None, mapping: dict[str, str], name: str) -> Iterator[Item]:
    with _open_file(path) as probe:
        head = _head(probe, name)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError(f"{name} is empty; nothing to ingest")
    chosen = detect_format(_inner_name(name), head) if fmt == "auto" else fmt
    log.debug("%s: format %s", name, chosen)
    with _open_file(path) as stream:
        yield from _parse(chosen, stream, name=name, source=source, mapping=mapping)


def _relocate(item: Item, prefix: str) -> Item:
    """Prefix a record's position with the file it came from (directory inputs)."""
    position = f"{prefix}: {item.position}"
    if isinstance(item, RejectedRecord):
        return RejectedRecord(position, f"{prefix}: {item.reason}", item.raw)
    return dataclasses.replace(item, position=position)


def _iter_directory(root: Path, *, fmt: str, source: str | None, mapping: dict[str, str]) -> Iterator[Item]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files.extend(Path(dirpath, f) for f in filenames if not f.startswith("."))
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        rel = path.relative_to(root).as_posix()
        try:
            for item in _iter_file(path, fmt=fmt, source=source, mapping=mapping, name=rel):
                yield _relocate(item, rel)
        except InputError as exc:
            # One unreadable file in a folder is a bad record of the folder, not a failed run.
            yield RejectedRecord(rel, str(exc), "")


def iter_input(
    path_or_url: str, *, fmt: str = "auto", source: str | None = None, mapping: Mapping[str, str] | None = None,
    settings: FetchSettings | None = None,
) -> Iterator[Item]:
    """Every record of a file, directory, ``.gz`` or http(s) URL, parsed by ``fmt`` (or detected)."""
    if fmt != "auto" and fmt not in PARSERS:
        raise InputError(f"unknown --format {fmt!r}; use auto or one of {', '.join(FORMATS)}")
    checked = check_mapping(mapping)
    if is_url(path_or_url):
        result = fetch_url(path_or_url, settings=settings or FetchSettings.from_env())
        if not result.content.strip():
            raise InputError(f"{path_or_url} returned an empty body; nothing to ingest")
        stream = _open_bytes(result.content, path_or_url)
        name = result.final_url
        if fmt == "auto":
            head = _head(_open_bytes(result.content, name), name)
            fmt = detect_format(_inner_name(name.split("?", 1)[0]), head, content_type=result.content_type)
        yield from _parse(fmt, stream, name=name, source=source, mapping=checked, url=result.final_url,
                          content_type=result.content_type)
        return
    path = Path(path_or_url)
    if path.is_dir():
        yield from _iter_directory(path, fmt=fmt, source=source, mapping=checked)
        return
    if not path.exists():
        raise InputError(f"no such file or directory: {path_or_url}; check the path, or pass an http(s) URL")
    yield from _iter_file(path, fmt=fmt, source=source, mapping=checked, name=path_or_url)


# --------------------------------------------------------------------------- records to documents

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
        )


class _Loader:
    """Stores records in batches and keeps the running counts (also for a run that fails)."""

    def __init__(self, store: Store, *, run_id: str, default_source: str, batch_size: int,
                 progress: Callable[[int], None] | None) -> None:
        self.store = store
        self.run_id = run_id
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.builder = _Documents(store, default_source=default_source)
        self.inserted = self.duplicates = self.rejected = 0
        self._docs: list[NewDocument] = []
        self._rejections: list[RejectedRecord] = []
        self._pending = 0
        self.handled = 0

    def stats(self) -> IngestStats:
        return IngestStats(self.inserted, self.duplicates, self.rejected, self.run_id)

    def flush(self) -> None:
        if self._docs:
            inserted, duplicates = self.store.insert_documents(self._docs, run_id=self.run_id)
            self.inserted += inserted
            self.duplicates += duplicates
            self._docs = []
        if self._rejections:
            self.store.add_rejections(self._rejections, run_id=self.run_id)
            self.rejected += len(self._rejections)
            self._rejections = []
        if self.progress and self._pending:
            self.handled += self._pending
            self.progress(self.handled)
        self._pending = 0

    def load(self, records: Iterator[Item]) -> IngestStats:
        """Store every record. An exception from ``records`` propagates after the pending batch
        is stored, so nothing accepted before a whole-input failure is lost."""
        try:
            for item in records:
                self._pending += 1
                if isinstance(item, RejectedRecord):
                    self._rejections.append(item)
                else:
                    built = self.builder.build(item)
                    if isinstance(built, RejectedRecord):
                        self._rejections.append(built)
                    else:
                        self._docs.append(built)
                if len(self._docs) + len(self._rejections) >= self.batch_size:
                    self.flush()
        finally:
            self.flush()
        return self.stats()


def ingest_records(
    store: Store, records: Iterator[Item], *, run_id: str, default_source: str, batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> IngestStats:
    """Store ``records`` under an already started run; returns the counts. Does not finish the run."""
    loader = _Loader(store, run_id=run_id, default_source=default_source, batch_size=batch_size,
                     progress=progress)
    return loader.load(records)


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
) -> IngestStats:
    """Ingest a file, directory, ``.gz`` or http(s) URL into ``store``; one run, its counts returned.

    ``source`` names the outlet/channel/account for every record, overriding what the input
    says (feed title, channel name, account). ``mapping`` maps our fields to columns for csv/jsonl
    (``{"text": "content", "author": "user.screen_name"}``). ``progress`` is called after each
    batch with the number of input records handled so far (stored or rejected).

    Raises ``InputError``/``FetchError``/``ConfigError`` when the input as a whole cannot be
    read, after recording the run as failed (documents stored before the failure stay).
    """
    run_id = store.start_run("ingest", path_or_url)
    default_source = source or (path_or_url if is_url(path_or_url) else Path(path_or_url).name) or "unknown"
    loader = _Loader(store, run_id=run_id, default_source=default_source, batch_size=batch_size,
                     progress=progress)
    try:
        stats = loader.load(iter_input(path_or_url, fmt=fmt, source=source, mapping=mapping, settings=settings))
    except BaseException as exc:
        if isinstance(exc, FactwatchError):
            message = str(exc)
        elif isinstance(exc, KeyboardInterrupt):
            message = "interrupted"
        else:
            message = f"{type(exc).__name__}: {exc}"
        store.finish_run(run_id, status="failed", inserted=loader.inserted, duplicates=loader.duplicates,
                         rejected=loader.rejected, error=message)
        if isinstance(exc, FactwatchError) or not isinstance(exc, Exception):
            raise
        # A foreign exception here is a bug in a parser; keep its traceback, say where it happened.
        raise InputError(f"{path_or_url}: unexpected {type(exc).__name__}: {exc}; please report this "
                         "with the input that caused it") from exc
    store.finish_run(run_id, status="done", inserted=stats.inserted, duplicates=stats.duplicates,
                     rejected=stats.rejected)
    return stats


__all__ = ["PARSERS", "content_hash", "ingest_path", "ingest_records", "iter_input"]
