"""Discovery of new narratives (issue 9): the ``discovery`` stage and candidate read-out.

Check-worthy claims that the ``narratives`` stage matched to no catalogued narrative are
clustered online on the e5 vectors that ``embed_claims`` already cached (no second model):
a claim joins the open cluster to whose members it is closest on average if that mean cosine
reaches ``threshold``, else it founds a new one; after each batch, clusters whose cross pairs
reach ``merge_threshold`` on average merge. A cluster stores the sum of its members' vectors
(v . sum / size is the mean cosine), so nothing is forgotten and a join costs one dot product
per open cluster. Claims are taken in id
order behind a cursor saved in the same transaction as the clusters, so a crash loses or
duplicates nothing and a rerun with nothing new changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from factwatch.analysis.discovery_terms import top_terms
from factwatch.analysis.embed import DIM
from factwatch.errors import InputError
from factwatch.models import Narrative, NarrativeExample
from factwatch.progress import Progress
from factwatch.store import Store
from factwatch.store._discovery import ClusterState, StoredCluster

__all__ = ["Candidate", "DiscoveryStats", "OnlineClusters", "candidates", "discover_narratives", "promote_candidate"]

STAGE = "discovery"
# Group-average link on e5-small query vectors, which crowd into 0.75-0.9 for any two texts: a
# claim joins when its mean cosine to a cluster's members reaches THRESHOLD; two clusters merge
# when the mean cosine over their cross pairs does. Paraphrases of one statement in five
# languages are 0.85+ pairwise (median 0.91), other statements at most 0.88 (median 0.78). With
# 0.87 the planted groups of tests/_discovery_data.py came out whole and apart in 40 of 40 random
# arrival orders (0.86: 8 of 40 wrong, 0.88: 2). On SemEval sentences it leaves no giant
# cluster (bench/bench_discovery.py), which a unit-centroid rule did at any threshold up to 0.89.
THRESHOLD = 0.87
MERGE_THRESHOLD = 0.87
MIN_SIZE = 3  # a candidate is shown from this many claims
REPRESENTATIVES = 3
CATALOGUE = "discovered"


@dataclass(frozen=True, slots=True)
class DiscoveryStats:
    claims: int  # claims looked at
    clustered: int  # unmatched claims added to clusters
    created: int
    merged: int
    labelled: int
    # Distinct label words whose e5 vectors were computed now (a first run's main cost: 13,262 on
    # Alo.rs) or found in the embedding cache; a rerun finds every word it has seen.
    label_words_embedded: int = 0
    label_words_cached: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class OnlineClusters:
    """Centroid clustering that only ever adds: open clusters as (id, size, vector sum)."""

    def __init__(self, ids: Sequence[int], sizes: Sequence[int], sums: np.ndarray, *, next_id: int,
                 threshold: float = THRESHOLD, merge_threshold: float = MERGE_THRESHOLD) -> None:
        n = len(ids)
        cap = max(64, 2 * n)
        self.ids = np.zeros(cap, np.int64)
        self.sizes = np.zeros(cap, np.int64)
        self.sums = np.zeros((cap, DIM), np.float32)
        self.cents = np.zeros((cap, DIM), np.float32)
        self.n = n
        self.ids[:n], self.sizes[:n], self.sums[:n] = ids, sizes, sums.reshape(n, DIM)
        self._renorm(np.arange(n))
        self.alive = np.ones(cap, bool)
        self.next_id = next_id
        self.threshold, self.merge_threshold = threshold, merge_threshold
        self.touched: set[int] = set()  # rows changed since the last drain
        self.merged: dict[int, int] = {}  # absorbed id -> target id

    def _renorm(self, rows: np.ndarray) -> None:
        # The mean member vector, not the unit centroid: v . mean is v's average cosine to the
        # members (group-average link). A unit centroid of many loosely related claims drifts to
        # e5's common direction, which is within 0.9 of almost any text, and swallows everything.
        self.cents[rows] = self.sums[rows] / np.maximum(self.sizes[rows], 1)[:, None]

    def _grow(self) -> None:
        cap = 2 * len(self.ids)
        for name in ("ids", "sizes", "sums", "cents", "alive"):
            old = getattr(self, name)
            new = np.zeros((cap, *old.shape[1:]), old.dtype)
            new[:len(old)] = old
            setattr(self, name, new)

    def add(self, v: np.ndarray) -> tuple[int, float]:
        """Put one unit vector in a cluster; returns (cluster id, its mean cosine to the members it joined)."""
        return self.add_many(v[None, :])[0]

    def add_many(self, V: np.ndarray, *, chunk: int = 256) -> list[tuple[int, float]]:
        """``add`` for each row of V in order, with the same result: the similarities to the
        clusters as they were before a chunk are one matrix product (one pass over the means,
        not one per claim); only clusters changed or founded within the chunk are recomputed."""
        out: list[tuple[int, float]] = []
        for s in range(0, len(V), chunk):
            part = V[s:s + chunk]
            n0 = self.n
            base = part @ self.cents[:n0].T if n0 else np.zeros((len(part), 0), np.float32)
            base[:, ~self.alive[:n0]] = -2.0  # merges happen between batches, not here
            changed: dict[int, None] = {}  # rows whose mean moved (or that were founded) in this chunk
            for i, v in enumerate(part):
                best, sim = -1, -1.0
                if self.n:
                    sims = np.empty(self.n, np.float32)
                    sims[:n0] = base[i]
                    if changed:
                        idx = np.fromiter(changed, np.int64, len(changed))
                        sims[idx] = self.cents[idx] @ v
                    best = int(np.argmax(sims))
                    sim = float(sims[best])
                if best >= 0 and sim >= self.threshold:
                    self.sums[best] += v
                    self.sizes[best] += 1
                    self._renorm(np.array([best]))
                else:
                    if self.n == len(self.ids):
                        self._grow()
                    best, sim = self.n, 1.0
                    self.ids[best], self.sizes[best], self.sums[best], self.cents[best] = self.next_id, 1, v, v
                    self.alive[best] = True
                    self.next_id += 1
                    self.n += 1
                changed[best] = None
                self.touched.add(best)
                out.append((int(self.ids[best]), sim))
        return out

    def merge(self, *, block: int = 256) -> int:
        """Merge touched clusters into another whose members are as close on average (the mean
        cosine over all cross pairs reaches ``merge_threshold``), into the older one, until none
        remain. Similarities of the touched clusters are computed a block at a time; a cluster
        that grew by a merge is recomputed."""
        merges = 0
        pending = sorted(self.touched)
        cached: dict[int, np.ndarray] = {}
        dirty: dict[int, None] = {}  # rows whose mean changed since their block was computed
        while pending:
            row = pending.pop()
            if not self.alive[row]:
                continue
            if row in dirty:
                sims = self.cents[:self.n] @ self.cents[row]  # mean cosine over all cross pairs
            else:
                if row not in cached:
                    rows = [r for r in pending[-block + 1:] if r not in cached and r not in dirty] + [row]
                    for r, block_sims in zip(rows, self.cents[rows] @ self.cents[:self.n].T):
                        cached[r] = block_sims
                sims = cached.pop(row)
            if dirty:  # columns of clusters that grew since this row's block was computed
                idx = np.fromiter(dirty, np.int64, len(dirty))
                sims[idx] = self.cents[idx] @ self.cents[row]
            sims[row] = -2.0
            sims[~self.alive[:self.n]] = -2.0
            other = int(np.argmax(sims))
            if sims[other] < self.merge_threshold:
                continue
            keep, gone = (row, other) if self.ids[row] < self.ids[other] else (other, row)
            self.sums[keep] += self.sums[gone]
            self.sizes[keep] += self.sizes[gone]
            self._renorm(np.array([keep]))
            self.alive[gone] = False
            self.merged[int(self.ids[gone])] = int(self.ids[keep])
            self.touched.update((keep, gone))
            dirty[keep] = None
            cached.pop(keep, None)
            pending.append(keep)  # its new mean may now reach a third cluster
            merges += 1
        return merges

    def drain(self) -> list[ClusterState]:
        """The changed clusters as rows to write; absorbed ones say where they went."""
        out = []
        for row in sorted(self.touched):
            cid = int(self.ids[row])
            out.append(ClusterState(
                id=cid, status="open" if self.alive[row] else "merged", size=int(self.sizes[row]),
                vector_sum=self.sums[row].astype("<f4").tobytes(), merged_into=self.merged.get(cid)))
        self.touched.clear()
        return out

    def labels_of(self, cluster_ids: Sequence[int]) -> list[int]:
        """Follow merges to the cluster each id now belongs to."""
        out = []
        for c in cluster_ids:
            while c in self.merged:
                c = self.merged[c]
            out.append(c)
        return out


def _load(store: Store, threshold: float, merge_threshold: float) -> OnlineClusters:
    rows = store.discovery_clusters(status="open")
    next_id = store.discovery_next_cluster_id()
    sums = np.stack([np.frombuffer(r.vector_sum, "<f4") for r in rows]) if rows else np.zeros((0, DIM), np.float32)
    return OnlineClusters([r.id for r in rows], [r.size for r in rows], sums, next_id=next_id,
                          threshold=threshold, merge_threshold=merge_threshold)


def _classified_upto(store: Store) -> int:
    """Documents up to this id have been through the ``narratives`` stage (its cursor)."""
    raw = store.get_cursor("narratives")
    try:
        return int(json.loads(raw)["document"]) if raw else 0
    except (ValueError, KeyError, TypeError):
        return 0


def discover_narratives(
    store: Store, *, batch: int = 1000, threshold: float = THRESHOLD, merge_threshold: float = MERGE_THRESHOLD,
    min_size: int = MIN_SIZE, label: bool = True, progress: Progress | None = None,
) -> DiscoveryStats:
    """The ``discovery`` stage. Stops at the first claim that is not ready (no vector yet, or its
    document not yet classified), so the cursor never skips a claim that may later be unmatched."""
    raw = store.get_cursor(STAGE)
    state = json.loads(raw) if raw else {"claim": 0}
    upto = _classified_upto(store)
    clusters: OnlineClusters | None = None  # loaded once there is something to add (a rerun reads nothing)
    seen = clustered = created = merged = 0
    first_new = 0
    while True:
        pending = store.discovery_pending(int(state["claim"]), limit=batch)
        ready = []
        for p in pending:
            if not p.has_vector or p.document_id > upto:
                break
            ready.append(p)
        if not ready:
            break
        if clusters is None:
            clusters = _load(store, threshold, merge_threshold)
            first_new = clusters.next_id
        todo = [p.id for p in ready if not p.matched]
        blobs = store.claim_vectors(todo) if todo else {}
        members: list[tuple[int, int, float]] = []
        have = [cid for cid in todo if cid in blobs]
        if have:
            V = np.stack([np.frombuffer(blobs[cid], "<f4") for cid in have]).astype(np.float32)
            V /= np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
            members = [(cid, kid, sim) for cid, (kid, sim) in zip(have, clusters.add_many(V))]
        merged += clusters.merge()
        # A member recorded in this batch may point at a cluster absorbed in this same batch.
        members = [(c, k2, s) for (c, _, s), k2 in zip(members, clusters.labels_of([k for _, k, _ in members]))]
        state["claim"] = ready[-1].id
        store.save_discovery_batch(clusters.drain(), members, stage=STAGE, cursor=json.dumps(state))
        seen += len(ready)
        clustered += len(members)
        if progress:
            progress(seen, None, "claims")
        if len(ready) < len(pending):
            break
    created = clusters.next_id - first_new if clusters is not None else 0
    words: dict[str, int] = {}
    labelled = relabel(store, min_size=min_size, stats=words) if label else 0
    return DiscoveryStats(claims=seen, clustered=clustered, created=created, merged=merged, labelled=labelled,
                          label_words_embedded=words.get("embedded", 0), label_words_cached=words.get("cached", 0))


# -- labels and read-out --------------------------------------------------------------------


def _centroid(k: StoredCluster) -> np.ndarray:
    s = np.frombuffer(k.vector_sum, "<f4").astype(np.float32)
    return s / (np.linalg.norm(s) or 1.0)


def relabel(store: Store, *, min_size: int = MIN_SIZE, terms: int = 8, only: Sequence[int] | None = None,
            stats: dict[str, int] | None = None) -> int:
    """Label open candidates whose label is stale (``only``: these clusters, whatever their size):
    representatives nearest the centroid and top terms by c-TF-IDF over every candidate (the
    classes), translations collapsed to one term. ``stats``: label words embedded / cached."""
    stale = store.discovery_clusters(status="open", min_size=1 if only is not None else min_size, ids=only, stale=True)
    if not stale:
        return 0
    cands = store.discovery_clusters(status="open", min_size=min_size)
    cands += [k for k in stale if k.id not in {c.id for c in cands}]
    rows = store.discovery_member_rows([k.id for k in cands])
    keys: dict[int, list[str]] = {}
    langs: dict[int, list[str]] = {}
    for r in rows:
        keys.setdefault(r["cluster_id"], []).append(r["latin_key"])
        langs.setdefault(r["cluster_id"], []).append(r["language"])
    # Languages decide how terms join: a translation by its vector, a form of one word also by its stem.
    term_lists = top_terms(store, keys, [k.id for k in stale], n=terms, languages=langs, stats=stats)
    by_cluster: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by_cluster.setdefault(r["cluster_id"], []).append(r)
    out = []
    for k in stale:
        mem = by_cluster.get(k.id, [])
        vecs = store.claim_vectors([m["claim_id"] for m in mem])
        c = _centroid(k)
        scored = sorted(((float(np.frombuffer(vecs[m["claim_id"]], "<f4") @ c), m) for m in mem if m["claim_id"] in vecs),
                        key=lambda x: (-x[0], x[1]["claim_id"]))
        reps, seen_keys = [], set()
        for _, m in scored:
            if m["latin_key"] in seen_keys:
                continue  # copies of one sentence say nothing new
            seen_keys.add(m["latin_key"])
            reps.append(m["claim_id"])
            if len(reps) == REPRESENTATIVES:
                break
        out.append((k.id, {"terms": term_lists.get(k.id, []), "representatives": reps}, k.size))
    return store.save_discovery_labels(out)


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    status: str
    size: int
    terms: list[dict[str, Any]]  # {"term", "forms", "score"}
    representatives: list[dict[str, Any]]  # {"claim_id", "document_id", "language", "text"}
    languages: dict[str, int]
    sources: dict[str, int]
    last_7_days: int
    previous_7_days: int
    growth: float | None  # last / previous - 1; None when the previous week had nothing
    first_seen: str | None
    last_seen: str | None
    narrative_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _day(ts: str | None) -> datetime | None:
    if not ts:
        return None
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")[:25]).replace(tzinfo=None)
    except ValueError:
        return None


def candidates(store: Store, *, min_size: int = MIN_SIZE, status: str | None = "open", as_of: str | None = None,
               limit: int = 100, ids: Sequence[int] | None = None) -> list[Candidate]:
    """Candidates, largest first. Growth compares the 7 days before ``as_of`` with the 7 before
    those; ``as_of`` defaults to the latest date among all candidates' claims (the data's "now",
    so an archive loaded today is not all "this week")."""
    ks = store.discovery_clusters(status=status, min_size=min_size, ids=ids)
    ks = sorted(ks, key=lambda k: (-k.size, k.id))[:limit]
    rows = store.discovery_member_rows([k.id for k in ks])
    by: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["cluster_id"], []).append(r)
    dates = [d for d in (_day(r["seen_at"]) for r in rows) if d]
    now = _day(as_of) if as_of else (max(dates) if dates else None)
    out = []
    for k in ks:
        mem = by.get(k.id, [])
        claim = {m["claim_id"]: m for m in mem}
        reps = [{"claim_id": c, "document_id": claim[c]["document_id"], "language": claim[c]["language"],
                 "text": claim[c]["text"]} for c in k.label.get("representatives", []) if c in claim]
        days = sorted(d for d in (_day(m["seen_at"]) for m in mem) if d)
        last = prev = 0
        if now is not None:
            last = sum(1 for d in days if now - timedelta(days=7) < d <= now)
            prev = sum(1 for d in days if now - timedelta(days=14) < d <= now - timedelta(days=7))
        out.append(Candidate(
            id=k.id, status=k.status, size=k.size, terms=k.label.get("terms", []), representatives=reps,
            languages=_counts(m["language"] for m in mem), sources=_counts(m["source"] for m in mem),
            last_7_days=last, previous_7_days=prev, growth=round(last / prev - 1, 3) if prev else None,
            first_seen=days[0].isoformat() if days else None, last_seen=days[-1].isoformat() if days else None,
            narrative_id=k.narrative_id))
    return out


def _counts(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def promote_candidate(store: Store, candidate_id: int, *, title: str | None = None,
                      narrative_id: str | None = None) -> Narrative:
    """Make a candidate an active narrative of the ``discovered`` catalogue, its representative
    claims as examples, so the ``narratives`` stage finds it from the next run on. The catalogue
    service (analysis/narratives.py) has no add function, so this goes through the store."""
    k = store.get_discovery_cluster(candidate_id)
    if k.status != "open":
        raise InputError(f"Candidate {candidate_id} is {k.status}; only open candidates can be promoted.")
    if k.labelled_size != k.size:
        relabel(store, only=[candidate_id])
    [cand] = candidates(store, min_size=1, ids=[candidate_id])
    if not cand.representatives:
        raise InputError(f"Candidate {candidate_id} has no claims to use as examples.")
    terms = [t["term"] for t in cand.terms]
    title = (title or cand.representatives[0]["text"]).strip()
    if not title:
        raise InputError("--title must not be empty.")
    narrative = Narrative(
        id=narrative_id or f"discovered-{candidate_id}", catalogue=CATALOGUE, title=title, label=title,
        description=f"Discovered from {cand.size} unmatched claims; top terms: {', '.join(terms) or '-'}.",
        status="active", keywords=tuple(terms),
        examples=tuple(NarrativeExample(r["language"], r["text"]) for r in cand.representatives))
    return store.promote_discovery_cluster(candidate_id, narrative)
