"""Opening inputs: files, directories, ``.gz`` files and http(s) URLs, each parsed by its format.

``iter_input`` yields every record of an input as a ``ParsedRecord`` or a ``RejectedRecord``;
storing them is the loader's job (loader.py).
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import logging
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..models import ParsedRecord, RejectedRecord
from ._io import SNIFF_BYTES
from .detect import FORMATS, detect_format
from .feeds import iter_feed
from .ira import iter_ira
from .tables import check_mapping, iter_csv, iter_jsonl
from .telegram import iter_telegram
from .web import FetchSettings, fetch_url, is_url, iter_html
from .x import iter_x

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
        if not path.is_file():
            # A named pipe would block the run forever, a device never ends, a dangling link has nothing.
            yield RejectedRecord(rel, f"{rel}: not a regular file (a pipe, device or broken link); skipped", "")
            continue
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
