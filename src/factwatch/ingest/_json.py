"""JSON values one a line (JSONL, X API pages), each bad line a rejection with its reason.

A line nested deeper than ``MAX_DEPTH`` is rejected: no export nests posts that deep, and such a
value would later fail in ``json.dumps`` or ``repr`` with a RecursionError far from the input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from ..models import RejectedRecord
from . import _io
from ._encoding import decode_line
from ._io import LineReader, excerpt, size_label

# X API v2 pages nest about 6 levels, Telegram messages about 5.
MAX_DEPTH = 64


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists/objects deeper than ``limit`` (iterative: no recursion)."""
    if not isinstance(value, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


NESTING_REASON = f"nested deeper than {MAX_DEPTH} levels; not a post (a generated or corrupt value?)"


def iter_json_lines(stream: bytes | IO[bytes]) -> Iterator[tuple[str, Any]]:
    """``(position, value)`` per non-blank line, value a RejectedRecord if the line is bad."""
    reader = LineReader(stream)
    encoding = reader.encoding
    for number, line in reader:
        position = f"line {number}"
        if line is None:
            yield position, RejectedRecord(position, f"{position}: longer than {size_label(_io.MAX_LINE_BYTES)}")
            continue
        try:
            text = decode_line(line, encoding)
        except UnicodeDecodeError as exc:
            yield position, RejectedRecord(
                position, f"{position}: not valid {encoding} (byte {exc.start + 1}); the file mixes encodings",
                excerpt(line))
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield position, RejectedRecord(position, f"{position}: invalid JSON: {exc.msg} at column {exc.colno}",
                                           excerpt(text))
            continue
        except RecursionError:
            yield position, RejectedRecord(position, f"{position}: {NESTING_REASON}", excerpt(text))
            continue
        except ValueError:
            # Python refuses to convert integers this long (a guard against quadratic-time parsing).
            yield position, RejectedRecord(
                position, f"{position}: invalid JSON: a number longer than {sys.get_int_max_str_digits()} digits",
                excerpt(text))
            continue
        # Cheap test first: a value nested deeper than MAX_DEPTH has at least that many brackets.
        if text.count("[") + text.count("{") > MAX_DEPTH and too_deep(value):
            yield position, RejectedRecord(position, f"{position}: {NESTING_REASON}", excerpt(text))
            continue
        yield position, value
