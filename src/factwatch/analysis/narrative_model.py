"""The narrative classifier's scoring, on vectors only (no store): shared by the stage, the CLI
and bench/bench_narratives.py, so the reported figure is the shipped method.

A document is a list of sentence vectors (e5, ``query:`` prefix). For every narrative:

* ``sim``: the mean of the document's ``topk`` best sentences, each sentence scored by its
  highest cosine to the narrative's exemplars (title, description, example statements, and
  those of its sub-narratives). e5 is multilingual, so exemplars in one language find the
  narrative in others; nothing is trained, so adding a narrative needs only its examples.
* with calibration (a labelled dev split, bench/bench_narratives.py): ``sim`` is standardised
  per narrative (e5 cosines crowd into 0.75-0.9 and a narrative with generic words scores high
  on every text), and mixed with a nearest-neighbour vote of the catalogue's labelled documents.
* catalogues with domains that gate (SemEval: URW, CC) first pick the document's domain, from
  its best sentences, and only that domain's narratives compete.

The label set is decided by thresholds fitted on the dev split only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from factwatch.models import Narrative

__all__ = ["Calibration", "NarrativeModel", "DocumentScores"]


@dataclass(frozen=True, slots=True)
class Calibration:
    """Settings of one catalogue; the defaults are for a catalogue nobody labelled."""

    # Uncalibrated: a narrative is found when one sentence's cosine to one of its exemplars
    # reaches 0.905, the best F1 (0.86) when each example of the Western Balkans catalogue is
    # classified against the others (bench/bench_narratives.py, "catalogue self-check").
    topk: int = 1
    knn: int = 15
    mix: float = 0.5  # weight of the standardised similarity against the neighbour vote
    threshold: float = 0.905
    sub_threshold: float = 0.905
    claim_threshold: float = 0.905  # one sentence on its own: its raw similarity
    # Uncalibrated only: a narrative must also come within ``margin`` of the text's best one. e5
    # puts any two statements about "Serbs in northern Kosovo" near 0.91, so without it a post
    # that clearly fits one narrative also collects its neighbours (demo burst 1 got the Ukrainian
    # mercenaries narrative beside KFOR). The catalogue self-check's best (F1 0.83 -> 0.97).
    margin: float | None = 0.01
    threshold_alone: float | None = None  # thresholds when the catalogue has no labelled documents
    sub_threshold_alone: float | None = None
    domain_gate: bool = False
    domain_top: int = 5
    mu: dict[str, float] = field(default_factory=dict)
    sd: dict[str, float] = field(default_factory=dict)
    # Per-narrative thresholds refitted from analysts' decisions (`narratives calibrate`, stored in
    # the database); a narrative absent here keeps threshold/sub_threshold/claim_threshold.
    learned: dict[str, float] = field(default_factory=dict)
    learned_claims: dict[str, float] = field(default_factory=dict)

    @property
    def standardised(self) -> bool:
        return bool(self.mu)


@dataclass(frozen=True, slots=True)
class DocumentScores:
    scores: np.ndarray  # per narrative of the model, -inf where gated out
    evidence: np.ndarray  # per narrative: index of the sentence that scored highest
    domain: str | None


class NarrativeModel:
    """Exemplar vectors and labelled documents of one catalogue, and the rules to score a text."""

    def __init__(
        self, narratives: Sequence[Narrative], exemplar_vectors: np.ndarray, exemplar_owner: Sequence[int], *,
        calibration: Calibration | None = None, pool_vectors: np.ndarray | None = None,
        pool_labels: Sequence[Sequence[str]] = (),
    ) -> None:
        self.narratives = list(narratives)
        self.calibration = calibration or Calibration()
        self.index = {n.id: i for i, n in enumerate(self.narratives)}
        n = len(self.narratives)
        # An exemplar of a sub-narrative is also an exemplar of its ancestors.
        owners: list[list[int]] = [[] for _ in range(n)]
        for row, i in enumerate(exemplar_owner):
            j: int | None = i
            while j is not None:
                owners[j].append(row)
                parent = self.narratives[j].parent
                j = self.index.get(parent) if parent else None
        self.X = np.asarray(exemplar_vectors, dtype=np.float32).reshape(-1, 384)
        self._rows = [np.array(r, dtype=np.int64) for r in owners]
        self.domains = np.array([nn.domain or "" for nn in self.narratives])
        self.mu = np.array([self.calibration.mu.get(nn.id, 0.0) for nn in self.narratives], dtype=np.float32)
        self.sd = np.array([self.calibration.sd.get(nn.id, 1.0) for nn in self.narratives], dtype=np.float32)
        self.pool = None if pool_vectors is None or not len(pool_vectors) else np.asarray(pool_vectors, np.float32)
        self.pool_y = np.zeros((0 if self.pool is None else len(self.pool), n), dtype=np.float32)
        for r, labels in enumerate(pool_labels if self.pool is not None else ()):
            for lab in labels:
                if lab in self.index:
                    self.pool_y[r, self.index[lab]] = 1.0

    def __len__(self) -> int:
        return len(self.narratives)

    def sentence_scores(self, sentence_vectors: np.ndarray) -> np.ndarray:
        """(sentences, narratives): each sentence's best cosine to each narrative's exemplars."""
        m = len(sentence_vectors)
        out = np.full((m, len(self.narratives)), -1.0, dtype=np.float32)
        if not m or not len(self.X):
            return out
        sims = sentence_vectors @ self.X.T
        for j, rows in enumerate(self._rows):
            if len(rows):
                out[:, j] = sims[:, rows].max(axis=1)
        return out

    def neighbour_vote(self, doc_vector: np.ndarray, *, exclude: int | None = None) -> np.ndarray:
        """Similarity-weighted share of the ``knn`` nearest labelled documents carrying each narrative."""
        if self.pool is None:
            return np.zeros(len(self.narratives), dtype=np.float32)
        sims = self.pool @ doc_vector
        if exclude is not None:
            sims = sims.copy()
            sims[exclude] = -2.0
        order = np.argsort(-sims)[: self.calibration.knn]
        order = order[sims[order] > -2.0]
        if not len(order):
            return np.zeros(len(self.narratives), dtype=np.float32)
        # A softmax over cosines (temperature 1/20): the nearest neighbours count most, without a
        # hard cut that a near-tie between two documents would flip.
        w = np.exp((sims[order] - sims[order].max()) * 20.0)
        return (w[:, None] * self.pool_y[order]).sum(axis=0) / w.sum()

    def score(self, sentence_vectors: np.ndarray, *, exclude: int | None = None) -> DocumentScores:
        cal = self.calibration
        s = self.sentence_scores(sentence_vectors)
        n = len(self.narratives)
        if not len(s) or not n:
            return DocumentScores(np.full(n, -np.inf, dtype=np.float32), np.zeros(n, dtype=np.int64), None)
        top = np.sort(s, axis=0)[::-1][: cal.topk].mean(axis=0)
        evidence = s.argmax(axis=0)
        if cal.standardised:
            doc = sentence_vectors.mean(axis=0)
            doc = doc / (np.linalg.norm(doc) or 1.0)
            scores = cal.mix * (top - self.mu) / self.sd / 4.0 + (1 - cal.mix) * self.neighbour_vote(doc, exclude=exclude)
        else:
            scores = top
        domain = None
        if cal.domain_gate:
            domain = self.pick_domain(s)
            scores = np.where(self.domains == domain, scores, -np.inf)
        return DocumentScores(scores.astype(np.float32), evidence, domain)

    def pick_domain(self, sentence_scores: np.ndarray) -> str:
        best, name = -np.inf, ""
        for d in sorted(set(self.domains)):
            cols = self.domains == d
            v = np.sort(sentence_scores[:, cols].max(axis=1))[::-1][: self.calibration.domain_top].mean()
            if v > best:
                best, name = v, d
        return name

    def decide(self, doc: DocumentScores, *, threshold: float | None = None,
               sub_threshold: float | None = None) -> list[int]:
        """Indices of the narratives found: top-level narratives over ``threshold``, and the
        sub-narratives over ``sub_threshold`` of those found."""
        cal = self.calibration
        t = cal.threshold if threshold is None else threshold
        ts = cal.sub_threshold if sub_threshold is None else sub_threshold
        learned = cal.learned if threshold is None and sub_threshold is None else {}
        floor = -np.inf
        if not cal.standardised and cal.margin is not None and len(doc.scores):
            floor = float(np.max(doc.scores)) - cal.margin
        found: list[int] = []
        for j, nn in enumerate(self.narratives):
            if nn.parent is None and doc.scores[j] >= max(learned.get(nn.id, t), floor):
                found.append(j)
        chosen = set(found)
        for j, nn in enumerate(self.narratives):
            if (nn.parent is not None and doc.scores[j] >= max(learned.get(nn.id, ts), floor)
                    and self.index.get(self._root(j)) in chosen):
                found.append(j)
        return sorted(found, key=lambda j: -float(doc.scores[j]))

    def _root(self, j: int) -> str:
        nn = self.narratives[j]
        seen = 0
        while nn.parent is not None and nn.parent in self.index and seen < len(self.narratives):
            nn = self.narratives[self.index[nn.parent]]
            seen += 1
        return nn.id
