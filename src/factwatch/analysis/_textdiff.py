"""Word-level differences between two Latin keys: what a copy changed.

Separate from ``_shingles`` so readers (CLI, dashboard) get diffs without importing datasketch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

__all__ = ["DiffOp", "word_diff", "MAX_DIFF_WORDS"]

# The edit script is quadratic in the words compared; 5,000 words (a long article) take
# milliseconds, a 150,000-word text would take minutes. Changes past this point are not listed.
MAX_DIFF_WORDS = 5_000


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One change between two keys, in words: replace, insert or delete."""

    op: str
    before: str
    after: str

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op, "before": self.before, "after": self.after}


def word_diff(before: str, after: str, *, limit: int = 20, context_chars: int = 200) -> list[DiffOp]:
    """The word-level changes that turn key ``before`` into ``after`` (at most ``limit`` ops).

    Compared on Latin keys, so a transliteration alone is no change; each side of an op is cut to
    ``context_chars``, and only the first MAX_DIFF_WORDS words are compared.
    """
    a, b = before.split()[:MAX_DIFF_WORDS], after.split()[:MAX_DIFF_WORDS]
    if a == b:
        return []
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b).as_list():
        if tag == "equal":
            continue
        ops.append(DiffOp(tag, " ".join(a[i1:i2])[:context_chars], " ".join(b[j1:j2])[:context_chars]))
        if len(ops) >= limit:
            break
    return ops
