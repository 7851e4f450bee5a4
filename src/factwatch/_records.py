"""``asdict`` for the records of models.py, without ``dataclasses.asdict``'s deepcopy of every leaf.

The standard one deep-copies each string and number it meets; under the web load benchmark
(bench/bench_web_load.py) that was a quarter of the server's CPU for an /api list. Records hold
immutable leaves (str, int, float, bool, None) in lists, tuples and dicts: those containers are
rebuilt, so a caller may change the result freely, and the leaves are shared.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any


def asdict(record: Any) -> dict[str, Any]:
    """The record's fields as a dict, nested records and containers converted, as dataclasses.asdict."""
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record)}


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        # A named tuple is rebuilt field by field, as dataclasses.asdict does.
        return type(value)(*(_plain(v) for v in value)) if hasattr(value, "_fields") else tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return type(value)(_plain(v) for v in value)
    return value
