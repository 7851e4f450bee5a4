"""factwatch._records.asdict gives what dataclasses.asdict gives, for every record of models.py."""

from __future__ import annotations

import dataclasses
import inspect
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from factwatch import models
from factwatch._records import asdict

Point = namedtuple("Point", "x y")


@dataclass(frozen=True)
class Inner:
    name: str
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outer:
    inner: Inner
    items: list[Inner]
    pair: tuple[int, str]
    point: Point
    meta: dict[str, Any]
    maybe: float | None = None


leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5))
json_like = st.recursive(leaves, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c, max_size=3),
                         max_leaves=10)


@given(st.text(), st.lists(st.text(max_size=4), max_size=3), json_like, st.integers())
def test_same_as_dataclasses_asdict(name, tags, meta, n):
    record = Outer(inner=Inner(name, tags), items=[Inner(name), Inner("b", tags)], pair=(n, name), point=Point(n, name),
                   meta={"m": meta, "n": [meta]})
    assert asdict(record) == dataclasses.asdict(record)
    assert type(asdict(record)["point"]) is Point


def test_result_is_a_copy_of_the_containers():
    record = Outer(inner=Inner("a", ["x"]), items=[], pair=(1, "a"), point=Point(1, 2), meta={"k": [1]})
    d = asdict(record)
    d["meta"]["k"].append(2)
    d["inner"]["tags"].append("y")
    assert record.meta == {"k": [1]} and record.inner.tags == ["x"]


def test_models_use_it():
    # Every record's as_dict goes through the fast asdict (models imports it, not dataclasses').
    assert models.asdict is asdict
    assert any("asdict(self)" in inspect.getsource(c.as_dict) for c in vars(models).values()
               if inspect.isclass(c) and hasattr(c, "as_dict"))
