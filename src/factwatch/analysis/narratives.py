"""Narratives (issue 9): import a catalogue, classify texts, and the ``narratives`` stage.

Every document gets zero or more narratives with a score and the evidence sentence, and so
does each of its check-worthy claims (a claim is scored on its own sentence). The scoring is in
``narrative_model.py``; thresholds come from ``_narrative_calibration.json``, written by
bench/bench_narratives.py from the dev half of the SemEval documents (never the reported half),
unless analysts' decisions refitted them (`narratives calibrate`, narrative_recalibrate.py).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import MutableMapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from factwatch.analysis.embed import embed_texts
from factwatch.analysis.narrative_model import Calibration, DocumentScores, NarrativeModel
from factwatch.models import Narrative, NarrativeHit, NewNarrativeAssignment
from factwatch.progress import Progress
from factwatch.store import Store
from factwatch.text.sentences import sentences as split_sentences
from factwatch.text.script import latin_key

__all__ = [
    "ImportStats", "NarrativeStats", "import_catalogue", "build_models", "classify_text", "classify_new_documents",
    "catalogue_vocabulary", "document_sentences", "document_view", "exemplar_texts", "load_calibration", "pick_sentences",
    "semeval_labels", "sentences_as_stage", "shipped_pool",
]

STAGE = "narratives"
# Long articles: the first sentences carry the framing (headline, lead); capping bounds the cost
# of one document (e5 runs ~60 sentences/s here) without changing SemEval dev scores measurably.
MAX_SENTENCES = 60
MIN_SENTENCE_CHARS = 12
# Real news (issue 9): e5 on every sentence made the stage cost 3x the rest of analyze on the Alo.rs
# articles, for about one document in a hundred with a narrative. A document's check-worthy claims
# are embedded by embed_claims anyway; unless one of them comes within GATE of a catalogue exemplar
# (raw cosine), the document is scored on its claims alone. 0.845 sits under every labelled
# document of the SemEval dev half (lowest: 0.848); the "Other" ones go as low as 0.824.
GATE = 0.845
# Only for catalogues decided by raw similarity (no labelled documents: the Western Balkans profile).
# A calibrated one (SemEval) was fitted on whole documents and reads them whole: its standardised
# top-2 and neighbour vote lost 0.04 on the held-out half when gated (0.375 / 0.250 against
# 0.414 / 0.290; the raw-similarity baseline did not move, 0.292 both ways); docs/narratives.md.
# A post of a few sentences costs little: it is always read whole (and it may have no claim).
SHORT_DOCUMENT = 5
# A passing document embeds its first sentence (the headline), its claims and the sentences that
# share two words with the catalogue's exemplars: words of 5+ letters cut to their first 5 (a crude
# stem that joins "Rusija/Rusije/Rusiji"), on the Latin key, so Serbian Cyrillic and Latin meet.
# Two rather than one: on Alo 4,072 sentences embedded instead of 6,741 (22,217 reading everything),
# losing two more labels of the run that read everything (both wrong: weather and tourism read as
# the Russian-gas narrative); with the raw similarity rule on SemEval dev, 0.394 / 0.305 against
# 0.388 / 0.299 reading everything.
STEM = 5
SHARED_STEMS = 2


@dataclass(frozen=True, slots=True)
class ImportStats:
    catalogue: str
    narratives: int
    new: int
    retired: int
    labelled_documents: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class NarrativeStats:
    documents: int
    claims: int
    assignments: int
    reclassified: bool  # the catalogue changed, so every document was classified again

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- catalogue ---------------------------------------------------------------------------------


def import_catalogue(store: Store, path: str | Path, *, fmt: str = "auto", documents: bool = True,
                     progress: Progress | None = None) -> ImportStats:
    """Load a catalogue into the store. For the SemEval folder, its labelled articles also become
    the catalogue's neighbour pool (their mean sentence vectors and labels; not their text)."""
    from factwatch.ingest.narratives import load_named_catalogue, read_semeval_documents

    p = Path(path)
    name, narratives = load_named_catalogue(p, fmt=fmt)  # an empty file's `catalogue:` key names it too
    result = store.save_narratives(name, narratives)
    # Embed the exemplars now (cached by text hash), so read-only `classify` does not redo it each run.
    texts, _ = exemplar_texts([n for n in narratives if n.status == "active"])
    if texts:
        embed_texts(store, texts, kind="query")
    pooled = 0
    if documents and p.is_dir() and narratives and name == "semeval2025":
        by_label = {n.label: n.id for n in narratives}
        docs = read_semeval_documents(p)
        rows = []
        for i, (ext, coarse, fine, text) in enumerate(docs):
            vec = document_vector(store, document_sentences(text))  # calibrated: read whole (pick_sentences)
            labels = [by_label[x] for x in [*coarse, *fine] if x in by_label]
            rows.append((ext, labels, vec.astype("<f4").tobytes()))
            if progress:
                progress(i + 1, len(docs), "documents")
        pooled = store.save_narrative_documents(name, rows)
    return ImportStats(catalogue=name, narratives=result["narratives"], new=result["new"], retired=result["retired"],
                       labelled_documents=pooled)


def exemplar_texts(narratives: Sequence[Narrative]) -> tuple[list[str], list[int]]:
    """What a narrative is compared by: its title, description and example statements."""
    texts: list[str] = []
    owners: list[int] = []
    for i, n in enumerate(narratives):
        for t in dict.fromkeys([n.title, n.description, *(e.text for e in n.examples)]):
            if t.strip():
                texts.append(t)
                owners.append(i)
    return texts, owners


@lru_cache(maxsize=1)
def _calibrations() -> dict[str, Any]:
    try:
        text = resources.files("factwatch.analysis").joinpath("_narrative_calibration.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(text)


def load_calibration(catalogue: str) -> Calibration:
    data = _calibrations().get(catalogue)
    if not data:
        return Calibration()
    return Calibration(**{k: v for k, v in data.items() if k in Calibration.__slots__})  # type: ignore[attr-defined]


def shipped_pool(catalogue: str) -> tuple[np.ndarray, list[list[str]]] | None:
    """The labelled documents a catalogue was calibrated with, shipped in the package: their mean
    sentence vectors (``_narrative_pool_<catalogue>.npy``, float16) and narrative ids (in the
    calibration file). Not their text. Lets `classify` and the stage use the neighbour vote when
    the store has no labelled documents (a taxonomy imported without its articles)."""
    labels = (_calibrations().get(catalogue) or {}).get("pool_labels")
    if not labels:
        return None
    try:
        raw = resources.files("factwatch.analysis").joinpath(f"_narrative_pool_{catalogue}.npy").read_bytes()
    except FileNotFoundError:
        return None
    vectors = np.load(io.BytesIO(raw), allow_pickle=False).astype(np.float32)
    return (vectors, [list(x) for x in labels]) if len(vectors) == len(labels) else None


def build_models(store: Store, *, memo: MutableMapping[str, bytes] | None = None,
                 learned: bool = True) -> list[NarrativeModel]:
    """One model per catalogue with active narratives (retired and candidate ones are not used);
    with ``learned``, the thresholds refitted from analysts' decisions stored for it replace the shipped ones."""
    from factwatch.analysis.narrative_recalibrate import with_stored_thresholds
    models = []
    for name in store.narrative_catalogues():
        active = store.list_narratives(catalogue=name, status="active")
        if not active:
            continue
        texts, owners = exemplar_texts(active)
        vectors = embed_texts(store, texts, kind="query", memo=memo) if texts else np.zeros((0, 384), np.float32)
        pool = store.narrative_documents(name)
        cal = load_calibration(name)
        pool_vectors, pool_labels = None, []
        if pool:
            pool_vectors = np.stack([np.frombuffer(b, dtype="<f4") for _, _, b in pool])
            pool_labels = [labels for _, labels, _ in pool]
        elif (shipped := shipped_pool(name)) is not None:
            pool_vectors, pool_labels = shipped
        if pool_vectors is None and cal.standardised:
            # Calibrated with a neighbour vote that this store lacks: weigh similarity alone.
            cal = replace(cal, mix=1.0, threshold=cal.threshold_alone if cal.threshold_alone is not None else cal.threshold,
                          sub_threshold=cal.sub_threshold_alone if cal.sub_threshold_alone is not None else cal.sub_threshold)
        if learned:
            cal = with_stored_thresholds(store, name, cal)
        models.append(NarrativeModel(
            active, vectors, owners, calibration=cal, pool_vectors=pool_vectors, pool_labels=pool_labels))
    return models


def catalogue_version(store: Store) -> str:
    """Changes whenever an import changes what the classifier compares with."""
    h = hashlib.sha256()
    for n in store.list_narratives(status="active"):
        h.update(json.dumps(n.as_dict(), sort_keys=True, ensure_ascii=False).encode())
    for name in store.narrative_catalogues():
        h.update(name.encode())
        h.update(str(len(store.narrative_documents(name))).encode())
        h.update(json.dumps(_calibrations().get(name), sort_keys=True).encode())
        stored = store.latest_narrative_calibration(name)  # a refit from analysts' decisions
        h.update(str(stored.id if stored else "").encode())
    return h.hexdigest()[:16]


# -- classification ----------------------------------------------------------------------------


def _stems(text: str, language: str) -> set[str]:
    return {w[:STEM] for w in latin_key(text, language).split() if len(w) >= STEM}


def _key_language(language: str | None) -> str:
    return (language or "und").split("-")[0].lower()  # sr-Cyrl -> sr: the Cyrillic table to use


def catalogue_vocabulary(narratives: Sequence[Narrative]) -> frozenset[str]:
    """Stems of the words in a catalogue's exemplars (see ``pick_sentences``)."""
    out: set[str] = set()
    for n in narratives:
        out |= _stems(n.title, "en") | _stems(n.description, "en")
        for e in n.examples:
            out |= _stems(e.text, _key_language(e.language))
    return frozenset(out)


def pick_sentences(sentences: Sequence[str], claimed: Sequence[bool], best_claim: float,
                   vocabulary: frozenset[str], language: str | None) -> list[int]:
    """Indices of the document's sentences the stage embeds and scores: all of a short document;
    a longer one whose claims come within ``GATE`` of the catalogue (``best_claim``, their best raw
    cosine to any exemplar) keeps its first sentence, its claims and the sentences sharing
    ``SHARED_STEMS`` stems with ``vocabulary``; any other only its claims, whose vectors exist already."""
    if len(sentences) <= SHORT_DOCUMENT:
        return list(range(len(sentences)))
    if best_claim < GATE:
        return [i for i, c in enumerate(claimed) if c]
    lang = _key_language(language)
    return [i for i, s in enumerate(sentences)
            if i == 0 or claimed[i] or len(vocabulary & _stems(s, lang)) >= SHARED_STEMS]


def sentences_as_stage(store: Store, text: str, model: NarrativeModel, vocabulary: frozenset[str],
                       language: str | None = None) -> list[str]:
    """The sentences the stage would read of ``text`` under the gate (as for an uncalibrated
    catalogue), had it been ingested: its claims are the sentences the claims stage finds
    check-worthy. bench/bench_narratives.py --gated measures the gate with it."""
    from factwatch.analysis._text import detect_language
    from factwatch.analysis.claims import checkworthy_sentences

    language = language or detect_language(text)  # as the claims stage does for a document without one
    sents = document_sentences(text)
    claimed = {c[2] for c in checkworthy_sentences(text, language)}
    flags = [x in claimed for x in sents]
    cvec = embed_texts(store, [x for x, f in zip(sents, flags) if f], kind="query") if any(flags) else None
    best = float(model.sentence_scores(cvec).max()) if cvec is not None else -1.0
    return [sents[i] for i in pick_sentences(sents, flags, best, vocabulary, language)]


def document_view(store: Store, models: Sequence[NarrativeModel], vocabulary: frozenset[str], document: Any,
                  *, memo: MutableMapping[str, bytes] | None = None) -> tuple[list[str], np.ndarray, list[Any], np.ndarray]:
    """What the stage scores a stored document by: its picked sentences and their vectors, and its
    claims with theirs (read from the cache that embed_claims filled)."""
    claims = store.claims_of_document(document.id)
    cvec = embed_texts(store, [c.text for c in claims], kind="query", memo=memo) if claims else np.zeros((0, 384), np.float32)
    sents = document_sentences("\n".join(x for x in (document.title, document.text) if x))
    if not sents or not models:
        return sents, np.zeros((0, 384), np.float32), claims, cvec
    if not any(m.calibration.standardised for m in models):  # a calibrated catalogue reads whole documents (GATE)
        best = max((float(m.sentence_scores(cvec).max()) for m in models if len(cvec)), default=-1.0)
        texts = {c.text.strip() for c in claims}
        sents = [sents[i] for i in pick_sentences(sents, [s in texts for s in sents], best, vocabulary, document.language)]
    vectors = embed_texts(store, sents, kind="query", memo=memo) if sents else np.zeros((0, 384), np.float32)
    return sents, vectors, claims, cvec


def document_sentences(text: str) -> list[str]:
    out = [s.strip() for s in split_sentences(text or "")]
    return [s for s in out if len(s) >= MIN_SENTENCE_CHARS][:MAX_SENTENCES] or ([text.strip()] if text and text.strip() else [])


def document_vector(store: Store, sentences: Sequence[str], *, memo: MutableMapping[str, bytes] | None = None) -> np.ndarray:
    if not sentences:
        return np.zeros(384, np.float32)
    v = embed_texts(store, list(sentences), kind="query", memo=memo).mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)


def hits_of(model: NarrativeModel, doc: DocumentScores, sentences: Sequence[str]) -> list[NarrativeHit]:
    return [NarrativeHit(id=model.narratives[j].id, label=model.narratives[j].label, score=float(doc.scores[j]),
                         evidence=sentences[int(doc.evidence[j])] if sentences else "")
            for j in model.decide(doc)]


def classify_text(store: Store, text: str, *, models: Sequence[NarrativeModel] | None = None,
                  memo: MutableMapping[str, bytes] | None = None) -> list[NarrativeHit]:
    """Narratives in ``text`` (a document or one statement), best first within each catalogue."""
    models = build_models(store, memo=memo) if models is None else models
    sents = document_sentences(text)
    if not sents:
        return []
    vectors = embed_texts(store, sents, kind="query", memo=memo)
    hits: list[NarrativeHit] = []
    for model in models:
        hits.extend(hits_of(model, model.score(vectors), sents))
    return hits


def _claim_hits(model: NarrativeModel, vector: np.ndarray) -> list[int]:
    """A claim is one sentence: its raw best cosine to a narrative's exemplars, over the claim threshold."""
    s = model.sentence_scores(vector[None, :])[0]
    cal = model.calibration
    floor = float(s.max()) - cal.margin if cal.margin is not None and len(s) else -np.inf
    return [j for j in np.argsort(-s)
            if s[j] >= max(cal.learned_claims.get(model.narratives[j].id, cal.claim_threshold), floor)]


def classify_new_documents(store: Store, *, batch: int = 200, progress: Progress | None = None) -> NarrativeStats:
    """The ``narratives`` stage: classify documents (and their claims) not yet classified against
    the current catalogue. A changed catalogue starts over, as matching does when the fact base
    changes; each batch is written with its cursor in one transaction."""
    version = catalogue_version(store)
    raw = store.get_cursor(STAGE)
    state = json.loads(raw) if raw else {}
    reclassified = False
    if state.get("version") != version:
        if raw is not None:
            store.clear_narrative_assignments(stage=STAGE)
            reclassified = True
        state = {"version": version, "document": 0}
    models = build_models(store)
    vocabulary = catalogue_vocabulary([n for m in models for n in m.narratives])
    docs_done = claims_done = written = 0
    total = store.count_documents_after(int(state["document"])) if progress else None
    while True:
        docs = store.documents_after(int(state["document"]), limit=batch)
        if not docs:
            break
        rows: list[NewNarrativeAssignment] = []
        for d in docs:
            if models:
                sents, vectors, claims, cvec = document_view(store, models, vocabulary, d)
                if sents:
                    for model in models:
                        for h in hits_of(model, model.score(vectors), sents):
                            rows.append(NewNarrativeAssignment(d.id, None, h.id, h.score, h.evidence))
                if claims:
                    for c, v in zip(claims, cvec):
                        for model in models:
                            s = model.sentence_scores(v[None, :])[0]
                            for j in _claim_hits(model, v):
                                rows.append(NewNarrativeAssignment(d.id, c.id, model.narratives[j].id, float(s[j]), c.text))
                    claims_done += len(claims)
        state["document"] = docs[-1].id
        written += store.save_narrative_assignments([d.id for d in docs], rows, stage=STAGE, cursor=json.dumps(state))
        docs_done += len(docs)
        if progress:
            progress(docs_done, total, "documents")
    return NarrativeStats(documents=docs_done, claims=claims_done, assignments=written, reclassified=reclassified)


def semeval_labels(hits: Sequence[NarrativeHit], narratives: Sequence[Narrative]) -> tuple[set[str], set[str]]:
    """Hits as the task's coarse and fine label sets: "Other" when nothing was found, and
    "<narrative>: Other" for a narrative found without any of its sub-narratives."""
    by_id = {n.id: n for n in narratives}
    coarse = {h.label for h in hits if by_id.get(h.id) and by_id[h.id].parent is None}
    fine = {h.label for h in hits if by_id.get(h.id) and by_id[h.id].parent is not None}
    for c in coarse:
        if not any(f.startswith(c + ": ") for f in fine):
            fine.add(f"{c}: Other")
    return (coarse or {"Other"}), (fine or {"Other"})

