"""Rendering of CLI results: one JSON document on stdout, or a table for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def as_jsonable(obj: Any) -> Any:
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    if isinstance(obj, (list, tuple)):
        return [as_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: as_jsonable(v) for k, v in obj.items()}
    return obj


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(as_jsonable(obj), ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    t = Table(title=title, show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        # Escape: source text like "[bold]" must show as written, not as rich markup.
        t.add_row(*["" if v is None else escape(str(v)) for v in r])
    console.print(t)


def key_values(title: str, data: dict[str, Any]) -> None:
    table(title, ["", "value"], [(k, v) for k, v in data.items()])
