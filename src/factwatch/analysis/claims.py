"""Check-worthy claims: sentences that assert a checkable fact of public interest (stage ``claims``).

The label follows docs/checkworthiness.md (after the CLEF CheckThat! check-worthiness task): a
verifiable factual claim about public institutions, politics, security, health or the economy;
not sport, entertainment, private lives, weather, adverts, questions or quoted opinions. The score
comes from ``analysis/checkworthiness.py`` (a small logistic model over multilingual surface
features and a hashed bag of n-grams, weights fitted on the dev half of tests/data/checkworthy_real.jsonl); docs/benchmarks.md
reports the held-out test half and the share of Alo.rs sentences kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from factwatch.analysis._text import detect_language, latin_key, split_sentences
from factwatch.analysis.checkworthiness import checkworthiness_features, checkworthiness_score, load_weights
from factwatch.models import NewClaim
from factwatch.store import Store

__all__ = ["ClaimStats", "extract_claims", "score_sentence", "checkworthy_sentences", "sentence_features", "THRESHOLD"]

# Chosen with the weights (best cross-validated dev F1 keeping under a quarter of Alo's sentences).
THRESHOLD: float = load_weights()[2]
MIN_CHARS = 20
MAX_CHARS = 600


@dataclass(frozen=True, slots=True)
class ClaimStats:
    documents: int
    sentences: int
    claims: int  # rows inserted

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sentence_features(sentence: str, language: str | None = None) -> dict[str, float]:
    """Named surface features of one sentence (see analysis/checkworthiness.py)."""
    return checkworthiness_features(sentence, language)[0]


def score_sentence(sentence: str, language: str | None = None) -> tuple[float, dict[str, float]]:
    """Check-worthiness in 0..1 and the features behind it."""
    return checkworthiness_score(sentence, language)


def checkworthy_sentences(
    text: str, language: str | None = None, *, top: int | None = None, threshold: float = THRESHOLD,
) -> list[tuple[int, int, str, float]]:
    """(start, end, sentence, score) of the check-worthy sentences, best first when ``top`` is set."""
    out = []
    for start, end in split_sentences(text):
        sentence = text[start:end].strip()
        if not (MIN_CHARS <= len(sentence) <= MAX_CHARS * 4):
            continue
        score, _ = score_sentence(sentence, language)
        if score >= threshold:
            out.append((start, end, sentence, score))
    if top is not None:
        out = sorted(out, key=lambda s: (-s[3], s[0]))[:top]
    return out


def extract_claims(
    store: Store, *, threshold: float = THRESHOLD, batch: int = 500, progress: Progress | None = None,
) -> ClaimStats:
    """Split new documents into sentences and keep the check-worthy ones with their offsets."""
    last = int(store.get_cursor("claims") or 0)
    n_docs = n_sentences = n_claims = 0
    total = store.count_documents_after(last) if progress else None
    while True:
        docs = store.documents_after(last, limit=batch)
        if not docs:
            break
        rows: list[NewClaim] = []
        for doc in docs:
            language = doc.language if doc.language not in (None, "", "und") else detect_language(doc.text)
            for start, end in split_sentences(doc.text):
                sentence = doc.text[start:end]
                n_sentences += 1
                stripped = sentence.strip()
                if not (MIN_CHARS <= len(stripped) <= MAX_CHARS):
                    continue
                score, feats = score_sentence(stripped, language)
                if score < threshold:
                    continue
                # Keep offsets of the stripped span so the dashboard highlights exactly the claim.
                lead = len(sentence) - len(sentence.lstrip())
                s0 = start + lead
                rows.append(NewClaim(
                    document_id=doc.id, start=s0, end=s0 + len(stripped), text=stripped, language=language,
                    latin_key=latin_key(stripped, language), score=round(score, 4),
                    features={k: v for k, v in feats.items() if v and k != "bias"},
                ))
        # Claims first, cursor second: a crash in between re-reads the batch, and the unique
        # (document_id, start) key turns the re-read into no-ops.
        n_claims += store.insert_claims(rows)
        n_docs += len(docs)
        last = docs[-1].id
        store.set_cursor("claims", str(last))
        if progress:
            progress(n_docs, total, "documents")
    return ClaimStats(documents=n_docs, sentences=n_sentences, claims=n_claims)
