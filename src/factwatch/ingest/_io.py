"""Reading inputs as streams of lines, and the small helpers every parser shares."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import IO, Any

from ._encoding import bom_encoding, detect_encoding

SNIFF_BYTES = 64 * 1024
# One line longer than this is a broken export (no newlines), not a record; reading it
# whole would defeat the flat-memory guarantee for line-based formats.
MAX_LINE_BYTES = 16 * 1024 * 1024
RAW_EXCERPT = 500
PIECE_BYTES = 1024 * 1024


def excerpt(raw: Any, limit: int = RAW_EXCERPT) -> str:
    """A capped, printable excerpt of a bad record for the rejections table."""
    if isinstance(raw, bytes):
        raw = raw[: limit * 4].decode("utf-8", errors="replace")
    text = str(raw)
    return text if len(text) <= limit else text[:limit] + "…"


def size_label(limit: int) -> str:
    """``16 MiB`` for a byte limit (``1000 bytes`` below a MiB)."""
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def as_stream(data: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data


def read_all(data: bytes | IO[bytes], *, limit: int, what: str) -> bytes:
    """Read a whole-document input (a feed, a page), refusing more than ``limit`` bytes."""
    if isinstance(data, (bytes, bytearray)):
        blob = bytes(data)
    else:
        blob = data.read(limit + 1)
    if len(blob) > limit:
        from ..errors import InputError

        raise InputError(
            f"{what} is larger than {limit // (1024 * 1024)} MiB; a single feed or page that "
            "large is not a feed or page. Split it, or pass --format jsonl/csv for an export."
        )
    return blob


class _Recoder(io.RawIOBase):
    """Re-encode a UTF-16/32 byte stream as UTF-8 so line splitting on b"\\n" works."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self._text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while len(self._buf) < len(b):
            chunk = self._text.read(8192)
            if not chunk:
                break
            self._buf += chunk.encode("utf-8")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


class LineReader:
    """Lines of a binary stream, with the stream's encoding detected from its first 64 KiB.

    Lines are read one at a time (``readline`` with a cap), so memory stays flat whatever the
    file size. Yields ``(line_number, bytes)``, or ``(line_number, None)`` for a line over
    the cap, which the caller rejects.
    """

    def __init__(self, stream: bytes | IO[bytes]) -> None:
        raw = as_stream(stream)
        buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
        head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[union-attr]
        encoding = detect_encoding(head, truncated=True)
        if bom_encoding(head) in ("utf-16", "utf-32"):
            buffered = io.BufferedReader(_Recoder(buffered, encoding))
            encoding = "utf-8"
        self.encoding = encoding
        self._stream = buffered

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        number = 0
        readline = self._stream.readline
        while True:
            line = readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while True:  # skip the rest of the overlong line without holding it
                    rest = readline(PIECE_BYTES)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield number, None
                continue
            yield number, line

    def pieces(self, size: int = PIECE_BYTES) -> Iterator[tuple[bytes, bool]]:
        """``(piece, ends_line)``: every line in pieces of at most ``size`` bytes, for a caller that
        follows a line of any length (a CSV record's quotes) without holding it whole."""
        readline = self._stream.readline
        while True:
            piece = readline(size)
            if not piece:
                return
            yield piece, piece.endswith(b"\n")


def parse_date(value: Any) -> str | None:
    """An ISO 8601 UTC timestamp (``2015-02-27T15:30:00Z``) from the date shapes exports use.

    Accepts ISO 8601, ``2015-02-27 15:30:00``, ``2/27/2015 15:30`` (FiveThirtyEight IRA),
    RFC 2822 (RSS), unix seconds or milliseconds. Naive times are taken as UTC. Returns
    None for anything else: a bad date is not a reason to reject a post.
    """
    if value is None or value == "":
        return None
    dt: datetime | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            number = float(value)
            if number > 1e11:  # milliseconds
                number /= 1000
            dt = datetime.fromtimestamp(number, tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            return None
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            dt = None
        if dt is None:
            for fmt in ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y.", "%d.%m.%Y",
                        "%a %b %d %H:%M:%S %z %Y"):
                try:
                    dt = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if dt is None:
            try:
                dt = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    else:
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        dt = dt.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    # Years outside this range are junk (a "date" column holding an id), not history.
    if not 1900 <= dt.year <= 2200:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
