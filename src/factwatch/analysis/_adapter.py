"""A learned linear map on frozen e5-small query vectors: the decision feature ``d_ad_cos``.

e5-small puts a rewording of a fact-checked claim and a same-topic sentence about another claim
in one cosine band. ``_adapter.npy`` holds A (384 x 384, float32); a query vector q becomes
``normalise((I + A) q)`` and is compared with the stored passage vectors as they are (the fact
base, its index and the reference population are unchanged, so nothing is re-embedded).

Provenance: fitted by ``bench/bench_adapter.py`` (InfoNCE over a pool of passages, L2 pull of A
toward 0, hyper-parameters chosen on a held-out fifth of the training records) on pairs outside
every paraphrase / translated / near-topic set: EUvsDisinfo ``cases_dev.csv`` titles against
their summaries (other cases' summaries and the case's own disproof as negatives), the profile's
fact translations and the narrative catalogue's example statements across languages. Only the
decision reads it (dev cross-validation: translated-title recall 0.664 -> 0.802 at the same
near-topic count; docs/benchmarks.md, "Fourth pass"). Its training titles include the English
test half of bench/bench_matching.py, whose English "addressed" figures are therefore not
independent of this map. Refit: ``bench/bench_adapter.py --install``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from factwatch.analysis.embed import DIM

__all__ = ["adapter_matrix", "adapt"]


@lru_cache(maxsize=1)
def adapter_matrix() -> np.ndarray | None:
    """A, or None where the file is missing or malformed (then ``adapt`` is the identity)."""
    try:
        with resources.files("factwatch.analysis").joinpath("_adapter.npy").open("rb") as f:
            a = np.load(f).astype(np.float32)
    except (FileNotFoundError, OSError, ValueError):
        return None
    return a if a.shape == (DIM, DIM) and np.isfinite(a).all() else None


def adapt(q: np.ndarray) -> np.ndarray:
    """The adapted, L2-normalised query vector (a copy of ``q`` where no map is installed)."""
    q = np.asarray(q, dtype=np.float32)
    a = adapter_matrix()
    if a is None:
        return q.copy()
    u = q + a @ q
    return u / (float(np.linalg.norm(u)) or 1.0)
