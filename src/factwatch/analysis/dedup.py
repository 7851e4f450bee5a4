"""Story clusters: near-duplicate documents across outlets, scripts and platforms (stage ``dedup``).

Each new document is compared on its Latin matching key, so a Cyrillic article and its Latin
transliteration are one text. Three steps, cheapest first:

1. Exact copy: the hash of the whitespace-normalised key is looked up in the store. A hit joins
   the cluster of the earliest document with that key: one indexed lookup and one counter update,
   so one account posting the same text ten thousand times costs ten thousand O(1) joins, not a
   comparison of every pair.
2. Candidates: MinHash LSH (``datasketch``) over character 5-shingles of the key returns
   documents whose estimated Jaccard similarity is near ``lsh_threshold`` or above.
3. Confirmation: the ``MAX_VERIFY`` best candidates by estimated Jaccard are compared exactly
   (rapidfuzz's normalised Indel similarity); the document joins the cluster of the best one
   at or above ``min_similarity``, else it founds a cluster of its own.

Clusters are joined, never merged: a document joins the cluster of the member it matched best
(single link to one parent), so a chain of small edits cannot fuse two stories through a
chain of intermediate copies. Only a cluster's founder and its first ``MAX_INDEXED`` distinct
variants are put into the LSH, which bounds the candidates a new document can meet per cluster.

Persistent and incremental: every decision, with the document's signature, is written with the
stage cursor in one transaction per batch; the next run rebuilds the LSH from the stored
signatures (no re-shingling) and goes on from the cursor. Documents whose key is empty or too
short to mean anything (a caption such as "Foto") are recorded as such and never clustered.
Thresholds and their measurement: docs/benchmarks.md (bench/bench_dedup.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from datasketch import MinHashLSH
from datasketch.lean_minhash import LeanMinHash

from factwatch.analysis._shingles import (
    MAX_KEY_CHARS,
    NUM_PERM,
    SCHEME,
    head,
    key_hash,
    signature,
    signature_bytes,
    signature_from_bytes,
    similarity,
    too_short,
    word_diff,
)
from factwatch.errors import ConfigError
from factwatch.models import DedupEntry
from factwatch.progress import Progress
from factwatch.store import Store

__all__ = ["DedupStats", "cluster_new_documents", "LSH_THRESHOLD", "MIN_SIMILARITY", "MAX_VERIFY", "MAX_INDEXED"]

STAGE = "dedup"
# Alo.rs with 5% of words replaced (bench/bench_dedup.py): the estimated Jaccard of a copy and its
# original is >= 0.71, so an LSH threshold of 0.5 keeps them all as candidates; 0.7 lost 2%.
LSH_THRESHOLD = 0.5
# The same copies score >= 0.93 by rapidfuzz ratio; the closest pair of distinct Alo articles
# (two reports of one exam, same template) 0.78, and Alo's own re-publications 0.86 and up.
MIN_SIMILARITY = 0.8
MAX_VERIFY = 10
MAX_INDEXED = 8
# A copy this close to its parent adds nothing to the index that the parent does not cover.
NOVEL_BELOW = 0.97


@dataclass(frozen=True, slots=True)
class DedupStats:
    documents: int  # documents read this run
    clusters: int  # new clusters founded (singletons until a copy arrives)
    copies: int  # documents that joined an existing cluster
    exact: int  # of them, exact copies (same Latin key)
    short: int  # not clustered: key under analysis/_shingles.MIN_KEY_CHARS / MIN_KEY_WORDS
    empty: int  # not clustered: no text
    verified: int  # candidate pairs compared exactly

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Index:
    """The in-memory LSH, rebuilt from the stored signatures of indexed documents."""

    def __init__(self, threshold: float) -> None:
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.signatures: dict[int, LeanMinHash] = {}
        self.cluster_of: dict[int, int] = {}
        self.indexed: Counter[int] = Counter()

    @classmethod
    def load(cls, store: Store, threshold: float) -> "_Index":
        index = cls(threshold)
        with index.lsh.insertion_session() as session:
            for doc_id, cluster_id, blob in store.dedup_index(SCHEME):
                sig = signature_from_bytes(blob)
                session.insert(doc_id, sig)
                index.signatures[doc_id] = sig
                index.cluster_of[doc_id] = cluster_id
                index.indexed[cluster_id] += 1
        return index

    def add(self, doc_id: int, sig: LeanMinHash, cluster_id: int) -> None:
        self.lsh.insert(doc_id, sig)
        self.signatures[doc_id] = sig
        self.cluster_of[doc_id] = cluster_id
        self.indexed[cluster_id] += 1

    def candidates(self, sig: LeanMinHash, limit: int) -> list[int]:
        found = self.lsh.query(sig)
        return sorted(found, key=lambda d: (-self.signatures[d].jaccard(sig), d))[:limit]


def cluster_new_documents(
    store: Store, *, lsh_threshold: float = LSH_THRESHOLD, min_similarity: float = MIN_SIMILARITY,
    batch: int = 500, progress: Progress | None = None,
) -> DedupStats:
    """Put each new document into a story cluster: an exact or near copy joins the cluster of
    the document it copies; anything else founds its own."""
    if not 0 < lsh_threshold < 1:
        raise ConfigError(f"dedup lsh_threshold must be between 0 and 1, not {lsh_threshold}; the default is {LSH_THRESHOLD}.")
    if not 0 < min_similarity <= 1:
        raise ConfigError(f"dedup min_similarity must be in (0, 1], not {min_similarity}; the default is {MIN_SIMILARITY}.")
    last = int(store.get_cursor(STAGE) or 0)
    total = store.count_documents_after(last) if progress else None
    index = _Index.load(store, lsh_threshold)
    counts: Counter[str] = Counter()
    while True:
        docs = store.documents_after(last, limit=batch)
        if not docs:
            break
        done = store.dedup_done([d.id for d in docs])
        todo = [d for d in docs if d.id not in done]
        keys = {d.id: " ".join(d.latin_key.split()) for d in todo}
        hashes = {i: key_hash(k) for i, k in keys.items()}
        owners = store.dedup_key_owners([hashes[i] for i, k in keys.items() if k and not too_short(k)])
        entries: list[DedupEntry] = []
        for doc in todo:
            entry = _decide(store, index, doc.id, keys[doc.id], hashes[doc.id], owners, keys,
                            min_similarity=min_similarity, counts=counts)
            entries.append(entry)
            if entry.cluster_id is not None:
                owners.setdefault(entry.key_hash, (doc.id, entry.cluster_id))
        store.save_dedup_batch(entries, stage=STAGE, cursor=str(docs[-1].id))
        counts["documents"] += len(docs)
        last = docs[-1].id
        if progress:
            progress(counts["documents"], total, "documents")
    return DedupStats(**{f: counts[f] for f in DedupStats.__dataclass_fields__})


def _decide(
    store: Store, index: _Index, doc_id: int, key: str, digest: str, owners: dict[str, tuple[int, int]],
    batch_keys: dict[int, str], *, min_similarity: float, counts: Counter[str],
) -> DedupEntry:
    if not key:
        counts["empty"] += 1
        return DedupEntry(doc_id, "empty", digest, None, SCHEME)
    if too_short(key):
        counts["short"] += 1
        return DedupEntry(doc_id, "short", digest, None, SCHEME)
    owner = owners.get(digest)
    if owner is not None:
        counts["copies"] += 1
        counts["exact"] += 1
        return DedupEntry(doc_id, "copy", digest, None, SCHEME, cluster_id=owner[1], parent_id=owner[0],
                          similarity=1.0, exact=True)
    sig = signature(key)
    candidates = index.candidates(sig, MAX_VERIFY)
    best: tuple[int, float] | None = None
    if candidates:
        known = {c: batch_keys[c] for c in candidates if c in batch_keys}
        known.update(store.document_keys([c for c in candidates if c not in known], max_chars=MAX_KEY_CHARS))
        known = {c: head(k) for c, k in known.items()}
        for cand in candidates:
            counts["verified"] += 1
            score = similarity(head(key), known.get(cand, ""))
            if score >= min_similarity and (best is None or score > best[1]):
                best = (cand, score)
    if best is None:
        counts["clusters"] += 1
        index.add(doc_id, sig, doc_id)
        return DedupEntry(doc_id, "indexed", digest, signature_bytes(sig), SCHEME, cluster_id=doc_id)
    parent, score = best
    cluster = index.cluster_of[parent]
    indexed = score < NOVEL_BELOW and index.indexed[cluster] < MAX_INDEXED
    if indexed:
        index.add(doc_id, sig, cluster)
    counts["copies"] += 1
    diff = [op.as_dict() for op in word_diff(known[parent], head(key))]
    return DedupEntry(doc_id, "indexed" if indexed else "copy", digest, signature_bytes(sig), SCHEME,
                      cluster_id=cluster, parent_id=parent, similarity=score, exact=False, diff=diff)
