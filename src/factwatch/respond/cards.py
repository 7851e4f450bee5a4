"""Response cards: a matched claim, its candidate fact-check, the facts that bear on it, and drafts.

Two drafts are assembled from the fact base only: a short one (at most 280 characters, for
replies: the verdict, the rebuttal's leading sentences, the fact-check's link) and a long one
(the claim, the verdict, the rebuttal, the best facts with citations). Both are in the claim's
language and script when the fact base has the rebuttal in it (the verdict and connecting words
come from ``respond/_phrases.py``), else wholly in English. There is no draft when the text
rejects the claim, only reports it or asks about it (the stance the match stage stored), or when
the fact-check rates it true; ``no_draft_reason`` says which. Drafts of a match no analyst has
confirmed are marked as drafts of a candidate. When the best match is a fact (an official
statement), not a fact-check, the card names it as evidence, with no verdict and no rebuttal: a
sentence that agrees with the statement is not to be answered; ``compose_evidence`` gives the fact
to cite instead.

An OpenAI-compatible endpoint may rewrite the long draft when the user configures one
(FACTWATCH_LLM_URL, FACTWATCH_LLM_MODEL, FACTWATCH_LLM_KEY); it is off by default, never
required, and any failure keeps the assembled draft. Every text field is escaped in HTML output:
claims come from hostile sources.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from factwatch.analysis._retrieval import tokens
from factwatch.analysis.spread import claim_spread
from factwatch.analysis.stance import stance_towards
from factwatch.errors import InputError
from factwatch.respond._phrases import VARIANTS, count, phrase, verdict_kind
from factwatch.respond._reach import CascadeStep, claim_reach, duration, platform_name
from factwatch.store import Store
from factwatch.text import detect_script, latin_key, sentences, to_latin

__all__ = ["Card", "CardFact", "CascadeStep", "Drafts", "Evidence", "build_card", "compose_drafts", "compose_evidence",
           "no_draft_reason", "render_card", "rewrite_draft", "FORMATS", "SHORT_LIMIT"]

FORMATS = ("md", "html", "json")
SHORT_LIMIT = 280  # a reply on X; also fits Telegram and Facebook comments without "see more"
_LONG_FACTS = 3  # facts cited in the long draft, best first
_MIN_RELEVANCE = 3.0  # see rank_facts

# Why a card carries no draft: the text does not spread the claim, or there is nothing to counter.
_NO_DRAFT: dict[str, str] = {
    "unaddressed": "no fact-check in the fact base addresses this claim",
    "rejects": "this text rejects the fact-checked claim (a denial or debunk); no response needed",
    "reports": "this text only reports the claim, attributed to someone else; respond to the source that asserts it",
    "asks": "this text asks whether the claim is true; answer with the fact-check itself, not a rebuttal",
    "true": "the fact-check rates the claim true; there is nothing to counter",
    "fact": ("the best match is a fact (an official statement or evidence record), not a fact-check, and nothing "
             "says this text contradicts it; no rebuttal: cite the fact as evidence"),
}
_CANDIDATE_NOTE = ("draft of a CANDIDATE match: an analyst has not confirmed that this fact-check addresses the "
                   "claim; confirm the match (`factwatch review confirm`) before posting")

# Where to look for the draft's text in the fact base, per draft variant: the variant itself, then
# the closest standard (Bosnian, Croatian and Montenegrin read each other's texts as their own).
_FALLBACK: dict[str, tuple[str, ...]] = {
    "sr-Cyrl": ("sr-Cyrl", "sr"),
    "sr-Latn": ("sr-Latn", "sr", "cnr", "bs", "hr"),
    "hr": ("hr", "bs", "cnr", "sr-Latn", "sr"),
    "bs": ("bs", "hr", "cnr", "sr-Latn", "sr"),
    "cnr": ("cnr", "bs", "hr", "sr-Latn", "sr"),
}


def _variant(lang: str, quote: str) -> str:
    """The draft variant of a claim: Serbian and Montenegrin keep the claim's own script."""
    if lang in ("sr", "cnr") and detect_script(quote) == "Cyrl":
        return "sr-Cyrl"
    if lang == "sr":
        return "sr-Latn"
    return lang if lang in VARIANTS else "en"


def _in_variant(texts: dict[str, Any], variant: str) -> str | None:
    """The text for ``variant`` from ``{language key: text}``, in the variant's script, or None."""
    for key in _FALLBACK.get(variant, (variant,)):
        value = texts.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        script = detect_script(value)
        if variant == "sr-Cyrl":
            if script == "Cyrl":
                return value
            continue
        if variant in _FALLBACK and script == "Cyrl":
            return to_latin(value, "sr")
        return value
    return None


def _fact_check_texts(fc: Any, field_name: str) -> dict[str, Any]:
    """``{language key: claim or rebuttal}`` of a fact-check: its own language and its translations."""
    out: dict[str, Any] = {k: (v or {}).get(field_name) for k, v in (fc.translations or {}).items()
                           if isinstance(v, dict)}
    own = getattr(fc, field_name)
    if own:
        out.setdefault(fc.language or "en", own)
    return out


def _fact_texts(fact: Any) -> dict[str, Any]:
    out: dict[str, Any] = dict(fact.translations or {})
    out.setdefault(fact.language or "en", fact.statement)
    return out


@dataclass(frozen=True, slots=True)
class CardFact:
    statement: str
    source: str | None
    url: str | None
    date: str | None
    language: str | None
    # Content words (prefix-stemmed, all languages of the fact base) shared with the claim and
    # the rebuttal: facts are cited best first, and a fact that shares none is left out.
    relevance: float = 0.0


@dataclass(frozen=True, slots=True)
class Drafts:
    """The two drafts of a response, in one language: ``short`` fits a reply, ``long`` a post."""

    short: str
    long: str
    language: str
    facts: list[CardFact]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A fact to cite (not a rebuttal), in the claim's language and script when the fact base has it."""

    text: str  # "Relevant fact: <statement> (<source>, <url>)"
    language: str  # the variant of ``text``
    statement: str  # the statement as shown, in ``language``


@dataclass(frozen=True, slots=True)
class Card:
    claim_id: int
    quote: str
    language: str
    document_id: int
    document_url: str | None
    source: str
    actor: str | None
    published_at: str | None
    # The claim's first appearance among all its copies and translations (respond/_reach.py):
    # {"document_id", "date", "source", "platform", "author", "url", "language", "script", "cluster_id"}
    first_seen: dict[str, Any]
    # Every copy and translation (analysis/spread.py:claim_spread): {"documents", "sources"}; the
    # breakdown is in ``reach``.
    spread: dict[str, int]
    addressed: bool
    score: float | None
    verdict: str | None  # the fact-check's verdict, not the claim's: see ``confirmed``
    fact_check: dict[str, Any] | None  # {"id", "claim", "url", "publisher", "date", "rebuttal"}
    facts: list[CardFact] = field(default_factory=list)
    draft: str = ""  # the long draft
    draft_language: str = "en"
    draft_origin: str = "assembled"  # assembled | llm | none
    # What the text does with the fact-checked claim, as the match stage stored it:
    # repeats | rejects | reports | asks (analysis/stance.py). Only "repeats" gets drafts.
    stance: str | None = None
    draft_short: str = ""  # at most SHORT_LIMIT characters
    no_draft_reason: str | None = None
    # An automatic match is a candidate until an analyst confirms it; its drafts say so.
    confirmed: bool = False
    draft_note: str | None = None
    # {"accounts", "copies", "translations", "cyrillic", "latin"}: social accounts that posted it,
    # documents in the card document's language (any script) and in others, documents per script.
    reach: dict[str, int] = field(default_factory=dict)
    spread_languages: dict[str, int] = field(default_factory=dict)  # language -> documents, most first
    cascade: list[CascadeStep] = field(default_factory=list)  # platforms in the order the claim reached them
    lag_seconds: int | None = None  # this card's document after the first appearance
    document_language: str | None = None  # copies share it, translations do not
    # What the best match is: "fact_check" (a debunk, with a verdict) or "fact" (an official
    # statement or evidence record: no verdict, and a claim that agrees with it gets no rebuttal).
    match_target: str | None = None
    # When the best match is a fact: {"id", "statement", "source", "url", "date", "language"}, and the
    # text to cite it by (``evidence_text``, in ``evidence_language``) in place of a rebuttal.
    matched_fact: dict[str, Any] | None = None
    evidence_text: str = ""
    evidence_language: str | None = None

    @property
    def spread_label(self) -> str:
        """"1 document, 1 source" / "17 documents, 16 sources, 13 accounts · 6 in Cyrillic, 11 in
        Latin · 2 translations (ru 1, en 1)"."""
        s = {**self.reach, **self.spread}
        label = f"{count(s['documents'], 'en', 'document')}, {count(s['sources'], 'en', 'source')}"
        if s.get("accounts"):
            label += f", {count(s['accounts'], 'en', 'account')}"
        if s["documents"] > 1:
            scripts = [f"{s[k]} in {name}" for k, name in (("cyrillic", "Cyrillic"), ("latin", "Latin")) if s.get(k)]
            if scripts:
                label += " · " + ", ".join(scripts)
        if s.get("translations"):
            own = self.document_language
            others = ", ".join(f"{lang} {n}" for lang, n in self.spread_languages.items() if lang != own)
            label += f" · {count(s['translations'], 'en', 'translation')}" + (f" ({others})" if others else "")
        return label

    @property
    def first_seen_label(self) -> str:
        """"2026-10-06T04:50:00Z — Балкански фронт демо (Telegram)"."""
        fs = self.first_seen
        where = platform_name(fs["platform"]) if fs.get("platform") else ""
        if fs.get("author") and fs.get("author") != fs.get("source"):
            where = f"{where}, {fs['author']}" if where else str(fs["author"])
        return f"{fs.get('date') or '?'} — {fs.get('source') or '?'}" + (f" ({where})" if where else "")

    @property
    def seen_label(self) -> str:
        """Where this card's document sits in the spread: "first appearance" or "+7h 12m after the first"."""
        if self.first_seen.get("document_id") == self.document_id:
            return "the first appearance"
        if self.lag_seconds is None:
            return "undated; the first appearance is dated" if self.first_seen.get("date") else "undated"
        return f"+{duration(self.lag_seconds)} after the first appearance"

    @property
    def cascade_label(self) -> str:
        """"Telegram → X → outlets": where the claim went, in the order it got there."""
        return " → ".join(step.name for step in self.cascade)

    @property
    def match_label(self) -> str:
        """How the page names the match: a candidate with its probability, or a confirmed fact-check."""
        if not self.addressed:
            return "no fact-check"
        p = f", p = {self.score:.2f}" if self.score is not None else ""
        if self.match_target == "fact":  # evidence, not a debunk: no "fact-check", no verdict
            return f"relevant fact / official statement{p}"
        return f"confirmed fact-check{p}" if self.confirmed else f"candidate fact-check{p}"

    def as_dict(self) -> dict[str, Any]:
        # With the sentences the card shows, so a script reading the JSON says what the page says.
        return {**asdict(self), "labels": {
            "spread": self.spread_label, "first_seen": self.first_seen_label, "seen": self.seen_label,
            "cascade": self.cascade_label, "cascade_steps": [step.label for step in self.cascade],
            "match": self.match_label}}


def _stems(text: str, language: str | None) -> set[str]:
    return set(tokens(latin_key(text, language or "und")))


def rank_facts(facts: list[Any], claim_texts: list[tuple[str, str | None]], rebuttal_texts: list[tuple[str, str | None]]
               ) -> list[tuple[float, Any]]:
    """Facts that bear on the claim, best first, with their relevance.

    Relevance counts the prefix-stemmed content words a fact (in any of its languages) shares
    with the claim (twice) and with the rebuttal (once), on the Latin key, so an English fact
    meets a Serbian claim through its translation. A fact scoring under 3 (one shared word such
    as "EU" and nothing else) does not bear on the claim and is left out.
    """
    claim = set().union(*(_stems(t, lang) for t, lang in claim_texts)) if claim_texts else set()
    rebuttal = set().union(*(_stems(t, lang) for t, lang in rebuttal_texts)) if rebuttal_texts else set()
    ranked = []
    for f in facts:
        words = set().union(*(_stems(t, lang) for lang, t in _fact_texts(f).items() if isinstance(t, str)))
        relevance = 2.0 * len(words & claim) + len(words & rebuttal)
        if relevance < _MIN_RELEVANCE:
            continue
        ranked.append((relevance, f))
    ranked.sort(key=lambda x: -x[0])  # stable: ties keep the fact-check's own order
    return ranked


def _first_sentences(text: str, limit: int) -> str:
    """The longest run of ``text``'s leading sentences within ``limit`` characters; else a cut at a word."""
    out = ""
    for s in sentences(text):
        candidate = f"{out} {s.strip()}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    if out:
        return out
    cut = text[: max(0, limit - 1)].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…" if cut else ""


def _end(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def compose_drafts(
    quote: str, *, language: str, verdict: str | None, fact_check: Any | None, facts: list[Any],
    spread: dict[str, int] | None = None,
) -> Drafts:
    """The short and long drafts answering ``quote``, in its language and script when the fact base
    has the rebuttal in it (else the whole draft is in English: never a mix).

    Only facts that bear on the claim are cited, best first (``rank_facts``); a fact with no
    translation in the draft's language stays on the card but out of the draft.
    """
    variant = _variant(language, quote)
    rebuttals = _fact_check_texts(fact_check, "rebuttal") if fact_check else {}
    rebuttal = _in_variant(rebuttals, variant) if rebuttals else None
    if variant == "sr-Cyrl" and rebuttals and rebuttal is None and _in_variant(rebuttals, "sr-Latn"):
        variant = "sr-Latn"  # the fact base has Serbian only in Latin: keep the draft in one script
        rebuttal = _in_variant(rebuttals, variant)
    if rebuttal is None and variant != "en" and (rebuttals or facts):
        variant = "en"
        rebuttal = _in_variant(rebuttals, "en")
    claims = [(t, lang) for lang, t in (_fact_check_texts(fact_check, "claim") if fact_check else {}).items()
              if isinstance(t, str)] + [(quote, language)]
    ranked = rank_facts(facts, claims, [(t, lang) for lang, t in rebuttals.items() if isinstance(t, str)])
    card_facts = []
    for relevance, f in ranked:
        shown = _in_variant(_fact_texts(f), variant)
        card_facts.append(CardFact(statement=shown or f.statement, source=f.source, url=f.url, date=f.date,
                                   language=variant if shown else f.language, relevance=relevance))
    in_draft = [cf for cf in card_facts if cf.language == variant][:_LONG_FACTS]

    kind = verdict_kind(verdict)
    verdict_sentence = (phrase(variant, "claim_is").format(verdict=phrase(variant, kind))
                        if kind and kind != "true" else phrase(variant, "checked"))
    url = fact_check.url if fact_check and fact_check.url else (in_draft[0].url if in_draft else None)
    # Short: the verdict, the rebuttal's leading sentences (or the best fact), the fact-check's link.
    body = rebuttal or (in_draft[0].statement if in_draft else "")
    room = SHORT_LIMIT - len(verdict_sentence) - (len(url) + 1 if url else 0) - 1
    short = " ".join(x for x in (verdict_sentence, _first_sentences(body, room) if body and room > 20 else "", url) if x)
    if len(short) > SHORT_LIMIT:  # a very long URL: drop it rather than cut the text
        short = " ".join(x for x in (verdict_sentence, _first_sentences(body, SHORT_LIMIT - len(verdict_sentence) - 1))
                         if x)[:SHORT_LIMIT]
    # Long: where it circulates, the verdict, the rebuttal, the cited facts, the fact-check.
    reach = ""
    if spread and spread.get("documents", 0) > 1:
        reach = (f" ({count(spread['documents'], variant, 'document')}, "
                 f"{count(spread.get('sources', 0), variant, 'source')})")
    quoted = f"{phrase(variant, 'open')}{quote.strip()}{phrase(variant, 'close')}"
    if not quote.rstrip().endswith((".", "!", "?", "…")):
        quoted += "."  # the quote ends the sentence that introduces it
    parts = [f"{phrase(variant, 'intro')}{reach}: {quoted}", verdict_sentence]
    if rebuttal:
        parts.append(_end(rebuttal))
    if in_draft:
        cited = "; ".join(f"{cf.statement.strip().rstrip('.')} ({', '.join(x for x in (cf.source, cf.url) if x)})"
                          for cf in in_draft)
        parts.append(f"{phrase(variant, 'facts')}: {cited}.")
    if fact_check and (fact_check.publisher or fact_check.url):
        parts.append(f"{phrase(variant, 'source')}: "
                     f"{', '.join(x for x in (fact_check.publisher, fact_check.url) if x)}.")
    return Drafts(short=short, long=" ".join(parts), language=variant, facts=card_facts)


def compose_evidence(quote: str, *, language: str, fact: Any) -> Evidence:
    """The fact to cite beside ``quote`` (no verdict, no rebuttal): its statement in the claim's
    language and script when the fact base has it, else in English, else as filed, introduced in
    the same language so the text reads as one."""
    texts = _fact_texts(fact)
    variant = _variant(language, quote)
    shown = _in_variant(texts, variant)
    if shown is None and variant == "sr-Cyrl":
        variant = "sr-Latn"  # Serbian only in Latin: keep one script
        shown = _in_variant(texts, variant)
    if shown is None:
        variant = "en"
        shown = _in_variant(texts, "en")
    if shown is None:
        own = fact.language or "en"
        variant = own if own in VARIANTS else "en"
        shown = fact.statement
    cite = ", ".join(x for x in (fact.source, fact.url) if x)
    text = f"{phrase(variant, 'evidence')}: {shown.strip().rstrip('.')}" + (f" ({cite})." if cite else ".")
    return Evidence(text=text, language=variant, statement=shown)


def build_card(
    store: Store, claim_id: int, *, confirmed: bool = False, use_llm: bool | None = None, timeout: float = 20.0,
) -> Card:
    """The response card of a claim (run ``factwatch analyze`` first so it has matches).

    ``confirmed`` says an analyst confirmed the match; until then the drafts are marked as drafts
    of a candidate. The stance is the one the match stage stored. ``use_llm=None`` follows the
    environment: the long draft is rewritten only when FACTWATCH_LLM_URL is set.
    """
    claim = store.get_claim(claim_id)
    doc = store.get_document(claim.document_id)
    registered = store.get_source(doc.source)
    actor = registered.actor if registered else None
    # Every copy and translation: same sentence, same story cluster (any script), same fact-check.
    reach = claim_reach(claim_spread(store, claim_id))
    spread_counts = {"documents": reach.counts["documents"], "sources": reach.counts["sources"]}
    matches = store.claim_matches(claim_id)
    top, fc = _card_fact_check(store, matches)
    addressed = bool(matches and matches[0].addressed)
    best = matches[0] if matches else None
    target = best.target if best else None
    matched_fact = (store.get_facts([best.fact_id]).get(best.fact_id)
                    if addressed and best and target == "fact" and best.fact_id else None)
    facts: list[Any] = []
    if fc and fc.fact_ids:
        facts = store.facts_by_external_ids(list(fc.fact_ids))
    # A fact matched directly (no fact-check around it) is evidence too.
    direct = [m.fact_id for m in matches if m.target == "fact" and m.fact_id and addressed]
    if direct:
        known = {f.id for f in facts}
        facts += [f for fid, f in store.get_facts(direct).items() if fid not in known]
    if matched_fact is not None:  # shown once, as the card's evidence, not again among the facts
        facts = [f for f in facts if f.id != matched_fact.id]
    if matched_fact is not None:
        # The claim sits next to a statement, not a debunk. Only a stored stance that the text
        # rejects the statement (contradicts it) makes the fact-check citing it a rebuttal; the
        # fact-check row's stance says how the text relates to *that* claim, not to the fact.
        stance = getattr(best, "stance", None)
        contradicts = stance == "rejects" and fc is not None
    else:
        stance = _stored_stance(top, claim, fc) if addressed and fc else None
        contradicts = False
    drafts = (compose_drafts(claim.text, language=claim.language, verdict=fc.verdict if fc else None,
                             fact_check=fc, facts=facts, spread=spread_counts)
              if addressed else None)
    if matched_fact is not None and not contradicts:
        reason: str | None = _NO_DRAFT["fact"]
    elif contradicts:
        reason = no_draft_reason(addressed=addressed, stance="repeats", verdict=fc.verdict if fc else None)
    else:
        reason = no_draft_reason(addressed=addressed, stance=stance, verdict=fc.verdict if fc else None)
    evidence = compose_evidence(claim.text, language=claim.language, fact=matched_fact) if matched_fact else None
    draft = short = ""
    origin = "none"
    if drafts and reason is None:
        draft, short, origin = drafts.long, drafts.short, "assembled"
    if draft and (use_llm if use_llm is not None else bool(os.environ.get("FACTWATCH_LLM_URL"))):
        rewritten = rewrite_draft(draft, language=drafts.language if drafts else "en", timeout=timeout)
        if rewritten:
            draft, origin = rewritten, "llm"
    probability = getattr(matches[0], "probability", None) if matches else None
    return Card(
        claim_id=claim.id, quote=claim.text, language=claim.language, document_id=doc.id, document_url=doc.url,
        source=doc.source, actor=actor, published_at=doc.published_at,
        first_seen=reach.first, spread=spread_counts,
        reach={k: v for k, v in reach.counts.items() if k not in spread_counts},
        spread_languages=reach.languages, cascade=reach.cascade, lag_seconds=reach.lag_seconds,
        document_language=doc.language,
        addressed=addressed,
        score=probability if probability is not None else (matches[0].score if matches else None),
        verdict=fc.verdict if (fc and addressed and (matched_fact is None or contradicts)) else None,
        fact_check=(
            {"id": fc.id, "claim": fc.claim, "url": fc.url, "publisher": fc.publisher, "date": fc.date,
             "rebuttal": fc.rebuttal}
            if fc and addressed else None
        ),
        facts=drafts.facts if drafts else [], draft=draft, draft_language=drafts.language if drafts else "en",
        draft_origin=origin, stance=stance, draft_short=short, no_draft_reason=reason, confirmed=confirmed,
        draft_note=None if (confirmed or not draft) else _CANDIDATE_NOTE,
        match_target=target if addressed else None,
        matched_fact=(
            {"id": matched_fact.id, "statement": evidence.statement if evidence else matched_fact.statement,
             "source": matched_fact.source, "url": matched_fact.url, "date": matched_fact.date,
             "language": evidence.language if evidence else matched_fact.language}
            if matched_fact is not None else None
        ),
        evidence_text=evidence.text if evidence else "",
        evidence_language=evidence.language if evidence else None,
    )


def _card_fact_check(store: Store, matches: list[Any]) -> tuple[Any | None, Any | None]:
    """The match row and fact-check the card is about.

    The 'addressed' decision and its probability belong to the best match. When that is a fact (an
    official statement), a lower-ranked fact-check is shown only if it cites that fact: the first
    fact-check in the list could be about anything (a claim about ETIAS showed a church-ban
    debunk, verdict False, at the fact's probability).
    """
    if not matches:
        return None, None
    best = matches[0]
    if best.target == "fact_check":
        return best, (store.get_fact_check(best.fact_check_id) if best.fact_check_id else None)
    fact = store.get_facts([best.fact_id]).get(best.fact_id) if best.fact_id else None
    cited = getattr(fact, "external_id", None)
    for m in matches[1:]:
        if m.target == "fact_check" and m.fact_check_id and cited:
            fc = store.get_fact_check(m.fact_check_id)
            if cited in fc.fact_ids:
                return m, fc
    return None, None


def no_draft_reason(*, addressed: bool, stance: str | None, verdict: str | None) -> str | None:
    """Why a card offers no draft, or None when it should: only a text that repeats a claim the
    fact-check does not rate true gets a response."""
    if not addressed:
        return _NO_DRAFT["unaddressed"]
    if stance in ("rejects", "reports", "asks"):
        return _NO_DRAFT[stance]
    if verdict_kind(verdict) == "true":
        return _NO_DRAFT["true"]
    return None


def _stored_stance(top: Any, claim: Any, fc: Any) -> str:
    """The stance the match stage stored in the match row (migration 004).

    Rows written before the match stage stored stances have none: only for those is it worked out
    here, with the same function and inputs the match stage uses, so every page agrees.
    """
    stored = getattr(top, "stance", None)
    if stored:
        return str(stored)
    return stance_towards(claim.text, fc.claim, language=claim.language, claim_language=fc.language or "en")


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return url + ("/chat/completions" if url.endswith("/v1") else "/v1/chat/completions")


def rewrite_draft(
    draft: str, *, language: str = "en", url: str | None = None, model: str | None = None, key: str | None = None,
    timeout: float = 20.0,
) -> str | None:
    """Ask the configured OpenAI-compatible endpoint to tighten the draft; None on any failure."""
    url = url or os.environ.get("FACTWATCH_LLM_URL")
    if not url:
        return None
    import httpx

    headers = {"Content-Type": "application/json"}
    key = key or os.environ.get("FACTWATCH_LLM_KEY")
    if key:
        headers["Authorization"] = f"Bearer {key}"
    body = {
        "model": model or os.environ.get("FACTWATCH_LLM_MODEL") or "default",
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": (
                "You edit short public responses to disinformation. Rewrite the draft as a calm, factual "
                f"reply of at most 80 words in language '{language}'. Keep every fact, number, source and URL; "
                "add nothing that is not in the draft.")},
            {"role": "user", "content": draft},
        ],
    }
    try:
        resp = httpx.post(_endpoint(url), json=body, headers=headers, timeout=timeout)
        resp.raise_for_status()
        text = resp.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
        return None  # the assembled draft stands; the endpoint is optional by design
    text = text.strip() if isinstance(text, str) else ""
    return text or None


def render_card(card: Card, fmt: str = "md") -> str:
    if fmt not in FORMATS:
        raise InputError(f"Unknown card format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if fmt == "json":
        return json.dumps(card.as_dict(), ensure_ascii=False, indent=2)
    if fmt == "md":
        return _render_md(card)
    return _render_html(card)


def _md(text: Any) -> str:
    # Markdown renderers pass inline HTML through; escape it so a hostile quote stays text.
    return html.escape(str(text), quote=False).replace("[", "\\[").replace("]", "\\]")


def _render_md(card: Card) -> str:
    lines = [f"## Claim {card.claim_id}", "", f"> {_md(card.quote)}", ""]
    lines.append(f"- Seen in: {_md(card.source)}" + (f" ({_md(card.document_url)})" if card.document_url else "")
                 + (f", {_md(card.published_at)}" if card.published_at else "") + f" — {_md(card.seen_label)}")
    if card.actor:
        lines.append(f"- Actor: {_md(card.actor)}")
    lines.append(f"- First seen: {_md(card.first_seen_label)} (document {card.first_seen.get('document_id')})")
    lines.append(f"- Spread: {_md(card.spread_label)}")
    if card.spread["documents"] > 1 and card.cascade:
        lines.append(f"- Cascade: {_md(card.cascade_label)}")
        lines += [f"  {i}. {_md(step.label)}" for i, step in enumerate(card.cascade, 1)]
    if not card.addressed:
        lines += ["", "**Not addressed by the fact base.**"]
        return "\n".join(lines) + "\n"
    lines.append(f"- Match: {card.match_label}")
    if card.matched_fact is None or card.verdict:  # a statement has no verdict
        lines.append(f"- Verdict: **{_md(card.verdict or 'see fact-check')}** (the fact-check's verdict on its claim)")
    if card.stance:
        lines.append(f"- Stance: {card.stance}")
    if card.matched_fact:
        mf = card.matched_fact
        lines += ["", "### Relevant fact / official statement", "", _md(mf["statement"]), "",
                  "— " + _md(", ".join(str(x) for x in (mf.get("source"), mf.get("date"), mf.get("url")) if x))]
    if card.fact_check:
        fc = card.fact_check
        heading = "Fact-check citing this fact" if card.matched_fact else "Fact-check"
        lines += ["", f"### {heading}", "", f"{_md(fc['claim'])}", ""]
        if fc.get("rebuttal"):
            lines += [_md(fc["rebuttal"]), ""]
        lines.append("— " + _md(", ".join(str(x) for x in (fc.get("publisher"), fc.get("date"), fc.get("url")) if x)))
    if card.facts:
        lines += ["", "### Facts", ""]
        lines += [f"- {_md(f.statement)} — {_md(', '.join(x for x in (f.source, f.date, f.url) if x))}" for f in card.facts]
    if card.draft:
        kind = "confirmed match" if card.confirmed else "CANDIDATE match, unconfirmed"
        lines += ["", f"### Drafts ({kind}; {card.draft_language}, {card.draft_origin})", ""]
        if card.draft_note:
            lines += [f"**Note: {_md(card.draft_note)}.**", ""]
        lines += [f"Short ({len(card.draft_short)} characters):", "", _md(card.draft_short), "", "Long:", "",
                  _md(card.draft)]
    elif card.no_draft_reason:
        lines += ["", f"No draft: {_md(card.no_draft_reason)}."]
    if card.evidence_text:
        lines += ["", f"### Evidence to cite ({card.evidence_language})", "", _md(card.evidence_text)]
    return "\n".join(lines) + "\n"


def _render_html(card: Card) -> str:
    e = html.escape

    def link(url: str | None) -> str:
        if url and url.lower().startswith(("http://", "https://")):
            return f'<a href="{e(url)}" rel="noopener noreferrer">{e(url)}</a>'
        return e(url or "")

    parts = [f'<article class="response-card" data-claim="{card.claim_id}">',
             f"<blockquote lang=\"{e(card.language)}\">{e(card.quote)}</blockquote>",
             "<dl>",
             f"<dt>Seen in</dt><dd>{e(card.source)} {link(card.document_url)} {e(card.published_at or '')} "
             f"({e(card.seen_label)})</dd>"]
    if card.actor:
        parts.append(f"<dt>Actor</dt><dd>{e(card.actor)}</dd>")
    parts.append(f"<dt>First seen</dt><dd>{e(card.first_seen_label)}</dd>")
    parts.append(f"<dt>Spread</dt><dd>{e(card.spread_label)}</dd>")
    if card.spread["documents"] > 1 and card.cascade:
        steps = "".join(f"<li>{e(step.label)}</li>" for step in card.cascade)
        parts.append(f'<dt>Cascade</dt><dd>{e(card.cascade_label)}<ol class="cascade">{steps}</ol></dd>')
    if card.addressed:
        parts.append(f"<dt>Match</dt><dd>{e(card.match_label)}</dd>")
        if card.matched_fact is None or card.verdict:  # a statement has no verdict
            parts.append(f"<dt>Verdict</dt><dd><strong>{e(card.verdict or 'see fact-check')}</strong> "
                         "(the fact-check's verdict on its claim)</dd>")
    if card.stance:
        parts.append(f'<dt>Stance</dt><dd class="stance-{e(card.stance)}">{e(card.stance)}</dd>')
    parts.append("</dl>")
    if not card.addressed:
        parts.append("<p>Not addressed by the fact base.</p></article>")
        return "\n".join(parts) + "\n"
    if card.matched_fact:
        mf = card.matched_fact
        parts.append(f'<section class="matched-fact"><h3>Relevant fact / official statement</h3>'
                     f'<p lang="{e(mf.get("language") or "")}">{e(mf["statement"])}</p>'
                     f"<p>{e(mf.get('source') or '')} {e(mf.get('date') or '')} {link(mf.get('url'))}</p></section>")
    if card.fact_check:
        fc = card.fact_check
        heading = "Fact-check citing this fact" if card.matched_fact else "Fact-check"
        parts.append(f"<section><h3>{heading}</h3><p>{e(fc['claim'])}</p><p>{e(fc.get('rebuttal') or '')}</p>"
                     f"<p>{e(fc.get('publisher') or '')} {e(fc.get('date') or '')} {link(fc.get('url'))}</p></section>")
    if card.facts:
        items = "".join(f"<li>{e(f.statement)} — {e(f.source or '')} {link(f.url)}</li>" for f in card.facts)
        parts.append(f"<section><h3>Facts</h3><ul>{items}</ul></section>")
    if card.draft:
        lang = e(card.draft_language)
        heading = "Drafts" if card.confirmed else "Drafts of a candidate match (unconfirmed)"
        note = f'<p class="draft-candidate"><strong>{e(card.draft_note)}</strong></p>' if card.draft_note else ""
        parts.append(f"<section><h3>{heading}</h3>{note}"
                     f'<h4>Short</h4><p lang="{lang}" class="draft-short">{e(card.draft_short)}</p>'
                     f'<h4>Long</h4><p lang="{lang}" class="draft-long">{e(card.draft)}</p></section>')
    elif card.no_draft_reason:
        parts.append(f'<p class="no-draft">No draft: {e(card.no_draft_reason)}.</p>')
    if card.evidence_text:
        parts.append(f'<section class="evidence"><h3>Evidence to cite</h3>'
                     f'<p lang="{e(card.evidence_language or "")}" class="evidence-text">{e(card.evidence_text)}</p></section>')
    parts.append("</article>")
    return "\n".join(parts) + "\n"
