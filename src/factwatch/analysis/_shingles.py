"""Near-duplicate primitives on Latin matching keys: shingles, MinHash signatures, verification, diffs.

Pure functions (no store): ``analysis/dedup.py`` and ``bench/bench_dedup.py`` share them, so the
bench measures exactly what the stage runs.

Why character 5-grams of the Latin key: issue 8 measured word 5-shingles at LSH threshold 0.8 on
Alo.rs articles with 5% of words changed, and found 2.4% of the copies (one changed word breaks five
word shingles, so the median Jaccard fell to 0.63). A changed word breaks only about len(word)+4
character shingles, and the Latin key makes a Cyrillic copy and its Latin transliteration the same
string, so both meet in one bucket.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np
from datasketch import LeanMinHash, MinHash
from rapidfuzz import fuzz

from factwatch.analysis._textdiff import DiffOp, word_diff

__all__ = [
    "SHINGLE_CHARS", "NUM_PERM", "SEED", "SCHEME", "MIN_KEY_CHARS", "MIN_KEY_WORDS", "MAX_KEY_CHARS",
    "shingles", "signature", "signature_bytes", "signature_from_bytes", "key_hash", "too_short",
    "similarity", "word_diff", "DiffOp", "head",
]

SHINGLE_CHARS = 5
NUM_PERM = 128
SEED = 1
# datasketch 2.0's default permutation scheme, named so an upgrade cannot change it silently.
MINHASH_SCHEME = "affine32"
# Stored with every signature: the index loads only signatures of the current scheme, so after a
# change here older documents keep their clusters but drop out of the index (never mis-compared).
SCHEME = f"char{SHINGLE_CHARS}-{MINHASH_SCHEME}x{NUM_PERM}-s{SEED}-sha1"

# Below this a text is a caption or a label ("Foto", "Pogledajte video", "Vremenska prognoza"):
# thousands of unrelated items share such strings, so clustering them would say nothing about copying.
MIN_KEY_CHARS = 40
MIN_KEY_WORDS = 6
# Signatures and exact comparisons read this much of a key: rapidfuzz's ratio is quadratic in the
# length (bit-parallel, about n*m/64 steps): two 1.4 MB keys took 14 s here, and a document meets
# up to MAX_VERIFY candidates; 20,000 characters (a long article) take about 3 ms.
# The exact-copy hash still covers the whole key.
MAX_KEY_CHARS = 20_000


def _hash32(data: bytes) -> int:
    # Stable across processes and machines (Python's hash() is salted per process): the
    # signatures are stored and compared with ones computed after a restart.
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


def head(key: str) -> str:
    """The part of a key that signatures and comparisons read: MAX_KEY_CHARS, cut at a word end."""
    if len(key) <= MAX_KEY_CHARS:
        return key
    return key[:MAX_KEY_CHARS].rsplit(" ", 1)[0]


def too_short(key: str) -> bool:
    """True when a Latin key is too short to say anything about copying (see MIN_KEY_CHARS)."""
    return len(key) < MIN_KEY_CHARS or key.count(" ") + 1 < MIN_KEY_WORDS


def shingles(key: str, k: int = SHINGLE_CHARS) -> set[bytes]:
    """The character k-grams of a Latin key's first MAX_KEY_CHARS (spaces kept: word boundaries are signal)."""
    s = " ".join(key[:MAX_KEY_CHARS].split())
    if len(s) <= k:
        return {s.encode()} if s else set()
    return {s[i:i + k].encode() for i in range(len(s) - k + 1)}


def signature(key: str) -> LeanMinHash:
    """The MinHash signature of a key's shingles (NUM_PERM permutations, SEED)."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_hash32, scheme=MINHASH_SCHEME)
    m.update_batch(list(shingles(key)))
    return LeanMinHash(m)


def signature_bytes(sig: LeanMinHash) -> bytes:
    return np.asarray(sig.hashvalues, dtype="<u4").tobytes()


def signature_from_bytes(blob: bytes) -> LeanMinHash:
    values = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=MINHASH_SCHEME)


def key_hash(key: str) -> str:
    """Identity of a text up to script, case, accents, punctuation and spacing: exact copies share it."""
    return hashlib.sha1(" ".join(key.split()).encode()).hexdigest()


def similarity(a: str, b: str) -> float:
    """Exact similarity of two keys in 0..1: rapidfuzz's normalised Indel similarity (ratio).

    A copy with 5% of words changed scores about 0.95; one sentence added to a 10-sentence article
    about 0.95; two unrelated articles on one topic well under 0.6 (docs/benchmarks.md).
    """
    return fuzz.ratio(a[:MAX_KEY_CHARS], b[:MAX_KEY_CHARS]) / 100.0
