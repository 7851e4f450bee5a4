"""CSV rows from a byte stream: records split where ``csv.reader`` splits them, each capped in size.

``csv.reader`` alone cannot cap a record: on a field over its limit it raises and resumes inside
the quoted field, so the quote parity flips and every later line is misread (issue 7 item 2: one
oversized cell turned 34,441 good rows into rejections). Here record boundaries are found on the
raw bytes first, following quotes as ``csv`` does (a quote opens a field only at its start, ``""``
inside a quoted field is a literal quote), so an oversized record is skipped to its true end
without being held, and each record is then parsed on its own. Quote and delimiter are ASCII,
which never occurs inside a multi-byte UTF-8 character or a code-page letter, so scanning bytes
is exact for every encoding ``LineReader`` yields (UTF-16/32 arrive re-encoded as UTF-8).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ..errors import InputError
from ..models import RejectedRecord
from . import _io
from ._encoding import decode_line
from ._io import LineReader, excerpt, size_label

# csv's own per-field cap; a record is capped by _io.MAX_LINE_BYTES before it gets here.
_CSV_FIELD_LIMIT = 16 * 1024 * 1024
_QUOTE = ord('"')
# Where a scan stands: at a field's start, in an unquoted field, in a quoted field, or just
# after a quote inside a quoted field (the field closes unless another quote follows).
_START, _UNQUOTED, _QUOTED, _QUOTE_SEEN = range(4)

Row = dict[str, str] | RejectedRecord


def _scan(piece: bytes, state: int, delimiter: bytes) -> int:
    """The quote state after ``piece``, starting in ``state`` (str.find per field, not per byte)."""
    if state in (_START, _UNQUOTED) and b'"' not in piece:
        return _START if piece.endswith(delimiter) else (_UNQUOTED if piece else state)
    i, n = 0, len(piece)
    while i < n:
        if state == _START:
            if piece[i] == _QUOTE:
                state, i = _QUOTED, i + 1
            else:
                state = _UNQUOTED
        elif state == _UNQUOTED:
            j = piece.find(delimiter, i)
            if j < 0:
                return _UNQUOTED
            state, i = _START, j + 1
        elif state == _QUOTED:
            j = piece.find(b'"', i)
            if j < 0:
                return _QUOTED
            state, i = _QUOTE_SEEN, j + 1
        elif piece[i] == _QUOTE:  # "" inside a quoted field
            state, i = _QUOTED, i + 1
        else:
            state = _UNQUOTED  # the field closed; csv keeps any text up to the delimiter
    return state


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record's bytes, or ``data=None`` when it is larger than the cap (never held)."""

    first_line: int
    last_line: int
    data: bytes | None
    unterminated: bool = False
    head: bytes = b""  # the record's first bytes, for the excerpt of a rejected one


def split_records(pieces: Iterator[tuple[bytes, bool]], *, first_line: int, delimiter: bytes,
                  limit: int) -> Iterator[RawRecord]:
    line, start, state, size, head = first_line, first_line, _START, 0, b""
    parts: list[bytes] | None = []
    for piece, ends_line in pieces:
        if not size:
            head = piece[:_io.RAW_EXCERPT * 4]
        size += len(piece)
        if parts is not None:
            if size <= limit:
                parts.append(piece)
            else:
                parts = None  # over the cap: keep following the quotes, drop the bytes
        state = _scan(piece, state, delimiter)
        if not ends_line:
            continue
        if state == _QUOTED:  # a newline inside a quoted field: the record goes on
            line += 1
            continue
        yield RawRecord(start, line, b"".join(parts) if parts is not None else None, head=head)
        line += 1
        start, state, size, parts = line, _START, 0, []
    if size:
        yield RawRecord(start, line, b"".join(parts) if parts is not None else None,
                        unterminated=state == _QUOTED, head=head)


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _decode(data: bytes, encoding: str, first_line: int) -> tuple[str, list[str]]:
    """The record's text and, per line that is not valid in ``encoding``, why."""
    if data.isascii():
        return data.decode("ascii").replace("\x00", ""), []
    lines = data.split(b"\n")
    texts: list[str] = []
    broken: list[str] = []
    for offset, raw in enumerate(lines):
        chunk = raw + b"\n" if offset < len(lines) - 1 else raw
        try:
            texts.append(decode_line(chunk, encoding))
        except UnicodeDecodeError as exc:
            broken.append(f"line {first_line + offset}: not valid {encoding} (byte {exc.start + 1}); "
                          "the file mixes encodings")
            texts.append(chunk.decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace"))
    # NUL bytes make csv raise on the whole rest of the file in some Python versions.
    return "".join(texts).replace("\x00", ""), broken


def open_csv(stream: bytes | IO[bytes], *, name: str) -> tuple[list[str], Iterator[tuple[str, Row]]]:
    """Read the header of a CSV export; returns it and an iterator of ``(position, row)``.

    A row is a dict, or a RejectedRecord when it is bad: undecodable lines, more fields than the
    header, a record larger than ``_io.MAX_LINE_BYTES`` (16 MiB) or a quote left open at the end
    of the file. Every other row is kept. An empty file has no header and no rows.
    """
    reader = LineReader(stream)
    encoding = reader.encoding
    limit = _io.MAX_LINE_BYTES  # read at call time: tests lower it
    pieces = reader.pieces()
    header_line, line_number, held = "", 0, b""
    for piece, ends_line in pieces:  # the first non-blank line is the header
        held += piece
        if len(held) > limit:
            raise InputError(f"{name}: the CSV header line is longer than {size_label(limit)}; "
                             "check it is a CSV file or pass --format")
        if not ends_line:
            continue
        line_number += 1
        try:
            header_line = decode_line(held, encoding)
        except UnicodeDecodeError:
            raise InputError(f"{name}: the CSV header line is not valid {encoding}; re-save the file as UTF-8") from None
        held = b""
        if header_line.strip():
            break
    else:
        if held:
            line_number += 1
            try:
                header_line = decode_line(held, encoding)
            except UnicodeDecodeError:
                raise InputError(f"{name}: the CSV header line is not valid {encoding}; "
                                 "re-save the file as UTF-8") from None
    if not header_line.strip():
        return [], iter(())
    delimiter = _sniff_delimiter(header_line)
    csv.field_size_limit(max(_CSV_FIELD_LIMIT, limit))
    try:
        header = next(csv.reader([header_line.replace("\x00", "")], delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise InputError(f"{name}: cannot read the CSV header: {exc}; check it is a CSV file or pass --format") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    records = split_records(pieces, first_line=line_number + 1, delimiter=delimiter.encode("ascii"), limit=limit)

    def rows() -> Iterator[tuple[str, Row]]:
        row_number = 0
        for record in records:
            lines = (f"line {record.first_line}" if record.first_line == record.last_line
                     else f"lines {record.first_line}-{record.last_line}")
            if record.data is None or record.unterminated:
                row_number += 1
                position = f"row {row_number} (line {record.first_line})"
                if record.unterminated:
                    why = (f"a quoted field opened in {lines} is not closed before the end of the file; "
                           "an unmatched \" in the export? (the rest of the file is this one record)")
                else:
                    why = (f"larger than {size_label(limit)} ({lines}), skipped without reading it whole; "
                           "a cell that large is not a post: a quote left open, or a document pasted in a cell?")
                yield position, RejectedRecord(position, f"row {row_number}: {why}", excerpt(record.head))
                continue
            text, broken = _decode(record.data, encoding, record.first_line)
            try:
                fields = next(csv.reader([text], delimiter=delimiter), [])
            except csv.Error as exc:
                row_number += 1
                position = f"row {row_number} (line {record.first_line})"
                yield position, RejectedRecord(position, f"row {row_number}: malformed CSV: {exc}", excerpt(text))
                continue
            if not any(f.strip() for f in fields):
                continue
            row_number += 1
            position = f"row {row_number} (line {record.first_line})"
            if broken:
                yield position, RejectedRecord(position, f"row {row_number}: {'; '.join(broken)}",
                                               excerpt(delimiter.join(fields)))
                continue
            if len(fields) > len(header):
                yield position, RejectedRecord(
                    position, f"row {row_number}: {len(fields)} fields but the header has {len(header)}; "
                    "a delimiter or quote inside a field is not escaped", excerpt(delimiter.join(fields)))
                continue
            yield position, dict(zip(header, fields))

    return header, rows()
