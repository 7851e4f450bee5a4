"""Typed records passed between ingest, the store, the analysis stages and the CLI.

Records are frozen dataclasses; ``as_dict()`` gives exactly the ``--json`` shape that
DESIGN.md's CLI contract promises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from factwatch._records import asdict  # dataclasses.asdict without its per-leaf deepcopy


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """One item as a parser read it, before normalisation.

    ``position`` is where it was found (line, item index, message id) so a rejection
    or an analyst can go back to the input.
    """

    text: str
    platform: str  # rss, web, telegram, x, csv, jsonl, ira
    position: str
    external_id: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: str | None = None  # ISO 8601, UTC where known
    source: str | None = None  # outlet / channel / account the item came from
    meta: dict[str, Any] = field(default_factory=dict)
    # True where external_id is unique on the whole platform (a tweet id, channel id/message id);
    # False where it is only unique within one source (a row id of an export): see data-formats.md.
    global_id: bool = False


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record a parser could not accept, with a reason a person can act on."""

    position: str
    reason: str
    raw: str = ""  # an excerpt of the input, capped, for `factwatch runs show`


@dataclass(frozen=True, slots=True)
class Normalized:
    """What normalisation makes of a text (see ``text.normalize``)."""

    text: str
    language: str  # ISO 639-1 where one exists, "cnr" for Montenegrin, "und" if unknown
    script: str  # ISO 15924: Latn, Cyrl, Zyyy (no letters), ...
    latin_key: str
    sentences: list[str]
    language_score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "script": self.script,
            "latin_key": self.latin_key,
            "sentences": list(self.sentences),
            "language_score": round(self.language_score, 4),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A normalised document ready for the store."""

    platform: str
    source: str
    text: str
    language: str
    script: str
    latin_key: str
    content_hash: str
    position: str
    external_id: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    global_id: bool = False  # as ParsedRecord.global_id: identity (platform, external_id) vs (platform, source, external_id)


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    platform: str
    source: str
    text: str
    language: str
    script: str
    latin_key: str
    external_id: str | None
    url: str | None
    title: str | None
    author: str | None
    published_at: str | None
    ingested_at: str
    run_id: str
    meta: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class IngestStats:
    inserted: int
    duplicates: int
    rejected: int
    run_id: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    kind: str
    input: str
    status: str  # running, done, failed, interrupted
    started_at: str
    finished_at: str | None
    inserted: int
    duplicates: int
    rejected: int
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Rejection:
    run_id: str
    position: str
    reason: str
    raw: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ACTOR_TYPES = ("state", "state-affiliated", "non-state", "independent media", "unknown")


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    type: str  # one of ACTOR_TYPES
    country: str | None = None
    notes: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    platform: str  # web, rss, telegram, x, facebook, youtube, tv, ...
    url: str | None = None
    feed_url: str | None = None
    country: str | None = None
    language: str | None = None
    actor: str | None = None
    actor_type: str | None = None
    documents: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PollStats:
    """One round of ``ingest.watch.poll_feeds``: how many feeds were fetched and what came in."""

    polled: int  # feeds fetched this round (200, 304 or error)
    not_modified: int  # 304 answers to a conditional GET
    failed: int
    skipped: int  # feeds not yet due (backoff or interval)
    inserted: int
    duplicates: int
    rejected: int
    run_id: str | None = None  # None when no feed had anything new

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- fact base, claims and matches ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewFactCheck:
    key: str
    claim: str
    format: str
    external_id: str | None = None
    verdict: str | None = None
    rating_value: str | None = None
    rebuttal: str | None = None
    headline: str | None = None
    url: str | None = None
    publisher: str | None = None
    language: str | None = None
    date: str | None = None
    claim_author: str | None = None
    appearance: str | None = None
    fact_ids: tuple[str, ...] = ()
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FactCheck:
    id: int
    key: str
    external_id: str | None
    claim: str
    verdict: str | None
    rating_value: str | None
    rebuttal: str | None
    headline: str | None
    url: str | None
    publisher: str | None
    language: str | None
    date: str | None
    claim_author: str | None
    appearance: str | None
    fact_ids: tuple[str, ...]
    translations: dict[str, dict[str, str]]
    format: str

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fact_ids"] = list(self.fact_ids)
        return d


@dataclass(frozen=True, slots=True)
class NewFact:
    key: str
    statement: str
    external_id: str | None = None
    source: str | None = None
    url: str | None = None
    date: str | None = None
    language: str | None = None
    topics: tuple[str, ...] = ()
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fact:
    id: int
    key: str
    external_id: str | None
    statement: str
    source: str | None
    url: str | None
    date: str | None
    language: str | None
    topics: tuple[str, ...]
    translations: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["topics"] = list(self.topics)
        return d


@dataclass(frozen=True, slots=True)
class NewClaim:
    document_id: int
    start: int
    end: int
    text: str
    language: str
    latin_key: str
    score: float
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    document_id: int
    start: int
    end: int
    text: str
    language: str
    latin_key: str
    score: float
    features: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FactPassage:
    """One searchable text of the fact base; ``id`` is its key in the vector index."""

    id: int
    target: str  # fact_check | fact
    target_id: int
    field: str  # claim | headline | translation | statement
    language: str | None
    text: str
    latin_key: str
    text_hash: str


@dataclass(frozen=True, slots=True)
class NewFactPassage:
    target: str
    target_id: int
    field: str
    language: str | None
    text: str
    latin_key: str
    text_hash: str


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    claim_id: int
    rank: int
    target: str
    fact_check_id: int | None
    fact_id: int | None
    score: float
    addressed: bool
    matched_text: str | None = None
    # Written once by the match stage (migration 004) so pages and commands read one answer.
    stance: str | None = None  # repeats | rejects | reports | asks (analysis/stance.py)
    probability: float | None = None  # calibrated P(addressed) of the claim's decision
    evidence: dict[str, float] = field(default_factory=dict)  # named decision features

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClaimSpread:
    """How far one claim's sentence (by Latin key) has travelled."""

    documents: int
    sources: int
    first_document_id: int | None
    first_seen: str | None
    first_source: str | None


# -- dashboard rows (store/_views.py) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim with its document's source, date and title, and its best match."""

    id: int
    document_id: int
    start: int
    end: int
    text: str
    language: str
    latin_key: str
    score: float
    source: str
    title: str | None
    published_at: str | None
    document_url: str | None
    addressed: bool
    match_score: float | None
    match_target: str | None
    match_fact_check_id: int | None
    match_fact_id: int | None
    match_claim: str | None
    match_verdict: str | None
    match_publisher: str | None
    match_url: str | None
    # What the match stage stored in the best match row (issue 6): the sentence's stance towards
    # the fact-checked claim, and P(the fact-check addresses the sentence), the decision's number.
    stance: str | None = None
    probability: float | None = None
    # The analyst decision in force on the best match's pair (review_decisions), None: undecided.
    review_decision: str | None = None
    reviewer: str | None = None
    reviewed_at: str | None = None
    review_note: str | None = None

    @property
    def candidate(self) -> bool:
        """An automatic match no analyst has decided on yet: shown as a candidate, never a verdict."""
        return self.addressed and self.review_decision is None

    @property
    def review(self) -> dict[str, Any] | None:
        if self.review_decision is None:
            return None
        return {"decision": self.review_decision, "reviewer": self.reviewer, "decided_at": self.reviewed_at,
                "note": self.review_note}

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("review_decision", "reviewer", "reviewed_at", "review_note"):
            del d[key]
        return {**d, "candidate": self.candidate, "review": self.review}


@dataclass(frozen=True, slots=True)
class ClaimMatchRow:
    """One stored match of a claim, with the fact-check (or fact) it points at."""

    rank: int
    target: str
    score: float
    addressed: bool
    matched_text: str | None
    fact_check_id: int | None
    fact_id: int | None
    claim: str | None
    verdict: str | None
    publisher: str | None
    language: str | None
    date: str | None
    url: str | None
    rebuttal: str | None
    stance: str | None = None  # stored by the match stage; None for a fact (no claim to take a stance on)
    probability: float | None = None  # the claim's P(addressed): the decision on rank 1, the same on every rank
    review_decision: str | None = None  # the analyst decision in force on this pair
    reviewer: str | None = None
    reviewed_at: str | None = None
    review_note: str | None = None

    @property
    def review(self) -> dict[str, Any] | None:
        if self.review_decision is None:
            return None
        return {"decision": self.review_decision, "reviewer": self.reviewer, "decided_at": self.reviewed_at,
                "note": self.review_note}

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("review_decision", "reviewer", "reviewed_at", "review_note"):
            del d[key]
        return {**d, "review": self.review}


@dataclass(frozen=True, slots=True)
class ClaimCopy:
    """Another claim with the same Latin-key sentence, in another (or the same) document."""

    claim_id: int
    document_id: int
    source: str
    title: str | None
    published_at: str | None
    language: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- analyst review of candidate matches (issue 6 item 5) ----------------------------------------

REVIEW_DECISIONS = ("confirmed", "rejected")


@dataclass(frozen=True, slots=True)
class Review:
    """An analyst's decision on a candidate match: does this fact-check (or fact) address the claim?

    ``rank`` .. ``matched_text`` are the candidate as the analyst saw it when deciding.
    """

    id: int
    claim_id: int
    target: str  # fact_check | fact
    target_id: int
    decision: str  # confirmed | rejected
    note: str | None
    reviewer: str
    decided_at: str
    rank: int | None
    probability: float | None
    addressed: bool | None
    stance: str | None
    evidence: dict[str, float]
    matched_text: str | None
    claim_text: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ReviewCandidate:
    """A current match with the decision in force on its pair (None: pending), for `review list`."""

    match_id: str  # "CLAIM_ID.RANK", what `review confirm|reject` take
    claim_id: int
    rank: int
    claim_text: str
    language: str
    source: str
    target: str
    target_id: int
    candidate: str | None  # the fact-checked claim or the fact's statement
    verdict: str | None
    publisher: str | None
    url: str | None
    probability: float | None
    stance: str | None
    addressed: bool
    decision: str | None
    reviewer: str | None
    decided_at: str | None
    note: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- story clusters (issue 8: analysis/dedup.py, store/_clusters.py) -----------------------------


@dataclass(frozen=True, slots=True)
class DedupEntry:
    """What the dedup stage decided for one document, written in one transaction per batch.

    ``cluster_id`` None: not clustered (``status`` 'short' or 'empty'). ``founder``: it opens
    ``cluster_id`` (== its own id). ``indexed``: its signature goes into the LSH.
    """

    document_id: int
    status: str  # indexed | copy | short | empty
    key_hash: str
    signature: bytes | None
    scheme: str
    cluster_id: int | None = None
    parent_id: int | None = None
    similarity: float = 1.0
    exact: bool = False
    diff: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """One document of a story cluster, with where, when and by whom it was published."""

    document_id: int
    cluster_id: int
    parent_id: int | None
    similarity: float
    exact: bool
    diff: list[dict[str, str]]
    platform: str
    source: str
    actor: str | None
    actor_type: str | None
    author: str | None
    url: str | None
    title: str | None
    published_at: str | None
    language: str
    script: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClusterRow:
    """A cluster as the list shows it: size and its earliest dated member ("patient zero")."""

    id: int
    size: int
    first_document_id: int
    first_published_at: str | None
    last_published_at: str | None
    first_source: str
    first_platform: str
    first_title: str | None
    sources: int
    languages: list[str]
    scripts: list[str]
    platforms: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SpreadDocument:
    """A document carrying a claim: the claim's own, an exact sentence copy, a member of one of their
    clusters, or a document whose claim matched the same fact-check (``via``)."""

    document_id: int
    via: str  # self | sentence | cluster | fact_check
    platform: str
    source: str
    actor: str | None
    author: str | None
    url: str | None
    title: str | None
    published_at: str | None
    language: str
    script: str
    cluster_id: int | None


# -- narratives (issue 9; store/_narratives.py, analysis/narratives.py) ------------------------

NARRATIVE_STATUSES = ("active", "candidate", "retired")
NARRATIVE_DECISIONS = ("confirmed", "rejected")


@dataclass(frozen=True, slots=True)
class NarrativeExample:
    """An example statement of a narrative in one language (``sr-Cyrl``/``sr-Latn`` name the script)."""

    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Narrative:
    """A catalogued narrative or sub-narrative (``parent`` set). ``label`` is what users see and
    scorers compare: the SemEval label string for that catalogue, else the title."""

    id: str
    catalogue: str
    title: str
    description: str
    label: str
    parent: str | None = None
    status: str = "active"
    examples: tuple[NarrativeExample, ...] = ()
    keywords: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    disarm: tuple[str, ...] = ()
    domain: str | None = None  # SemEval: URW | CC; a topic grouping otherwise

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["examples"] = [asdict(e) for e in self.examples]
        for k in ("keywords", "facts", "disarm"):
            d[k] = list(d[k])
        return d


@dataclass(frozen=True, slots=True)
class NarrativeHit:
    """One narrative found in a text: ``evidence`` is the sentence that scored highest."""

    id: str
    label: str
    score: float
    evidence: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "score": round(self.score, 4), "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class NewNarrativeAssignment:
    document_id: int
    claim_id: int | None
    narrative_id: str
    score: float
    evidence: str


@dataclass(frozen=True, slots=True)
class NarrativeAssignment:
    """A narrative the classifier gave a document (``claim_id`` None) or one of its claims, with the
    analysts' decision in force on it, if any."""

    id: int
    document_id: int
    claim_id: int | None
    narrative_id: str
    label: str
    score: float
    evidence: str
    classified_at: str
    decision: str | None = None
    reviewer: str | None = None
    decided_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class NarrativeReview:
    """An analyst's confirm/reject of a narrative on a document or claim, with who and when."""

    id: int
    document_id: int
    claim_id: int | None
    narrative_id: str
    decision: str
    reviewer: str
    decided_at: str
    note: str | None = None
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- coordinated sharing (issue 8; analysis/coordination.py, store/_coordination.py) ----------


@dataclass(frozen=True, slots=True)
class ShareDocument:
    """What the coordination stage reads of a document: who posted it, when, and what it shares."""

    id: int
    platform: str
    source: str
    actor: str | None
    actor_type: str | None
    author: str | None
    external_id: str | None
    published_at: str | None
    text: str
    latin_key: str
    meta: dict[str, Any]
    cluster_id: int | None


@dataclass(frozen=True, slots=True)
class NetworkAccount:
    """One account of a stored coordination network, with where it posts."""

    account: str
    shares: int
    community: int
    sources: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class StoredNetwork:
    """A coordination network as the ``coordination`` stage stored it."""

    id: str
    kind: str  # the object kind: url, repost, hashtag, text, media
    accounts: list[str]
    edges: int
    objects: int
    shares: int
    first_at: str | None
    last_at: str | None
    density: float
    median_lag: float
    score: float
    parameters: dict[str, Any]
    computed_at: str
    account_details: list[NetworkAccount] = field(default_factory=list)
    top_objects: list[list[Any]] = field(default_factory=list)
    edge_list: list[list[Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- trends, alerts, who pushes what (issue 9; store/_trends.py) --------------------------------

ALERT_KINDS = ("spike", "candidate-growth", "state-actor", "coordinated-amplification", "saved-search")


@dataclass(frozen=True, slots=True)
class CarrierDocument:
    """A document that carries a narrative, with who published it (source, account, owner)."""

    document_id: int
    published_at: str | None
    source: str
    platform: str
    account: str  # the author, else the source (as the coordination stage names accounts)
    language: str
    actor: str | None
    actor_type: str | None
    actor_country: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert the ``alerts`` stage found; ``key`` makes storing it twice a no-op."""

    key: str
    kind: str  # one of ALERT_KINDS
    narrative_id: str | None
    subject: str | None  # the actor, or the network's accounts, the alert is about
    at: str  # when it happened in the data (the spiking bucket, the first document)
    score: float | None  # spike: the Poisson p-value; others: documents
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    key: str
    kind: str
    narrative_id: str | None
    subject: str | None
    at: str
    score: float | None
    summary: str
    details: dict[str, Any]
    created_at: str
    delivery: str | None = None  # delivered, failed, or None when no webhook was configured

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FactCheckedClaim:
    """A claim of a source matched to a fact-check: 'confirmed' by an analyst, else 'candidate'."""

    claim_id: int
    document_id: int
    published_at: str | None
    text: str
    fact_check_id: int
    fact_check_claim: str
    verdict: str | None
    url: str | None
    publisher: str | None
    status: str  # confirmed | candidate
    probability: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A list page's filters kept under a name; ``alert`` makes the alerts stage watch it (documents only)."""

    id: int
    name: str
    path: str  # the list page: /documents, /claims, ...
    query: str  # its filters as a URL query string
    owner: str | None
    alert: bool
    alert_after: int  # alerts cover documents with a larger id
    created_at: str
    updated_at: str

    @property
    def url(self) -> str:
        return self.path + ("?" + self.query if self.query else "")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "url": self.url}
