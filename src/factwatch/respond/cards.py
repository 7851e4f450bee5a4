"""Response cards: a matched claim, its verdict, the refuting facts with citations, and a draft.

The draft is assembled from the fact base only (rebuttal and fact statements), in the claim's
language when the fact base has translations for it, else in English. An OpenAI-compatible
endpoint may rewrite it when the user configures one (FACTWATCH_LLM_URL, FACTWATCH_LLM_MODEL,
FACTWATCH_LLM_KEY); it is off by default, never required, and any failure keeps the assembled
draft. Every text field is escaped in HTML output: claims come from hostile sources.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from factwatch.errors import InputError
from factwatch.analysis.stance import stance_towards
from factwatch.store import Store
from factwatch.text import detect_script, to_latin

__all__ = ["Card", "build_card", "render_card", "rewrite_draft", "FORMATS"]

FORMATS = ("md", "html", "json")

# Labels of the assembled draft. BCMS Latin serves sr/hr/bs/cnr; Cyrillic Serbian claims get
# a Latin draft unless the fact base has Cyrillic translations (it is read as it is written).
_LABELS: dict[str, dict[str, str]] = {
    "en": {"claim": "Claim", "verdict": "Verdict", "facts": "Facts", "source": "Source",
           "false": "false", "intro": "This claim is circulating"},
    "sr": {"claim": "Tvrdnja", "verdict": "Ocena", "facts": "Činjenice", "source": "Izvor",
           "false": "netačno", "intro": "Ova tvrdnja se širi"},
    "hr": {"claim": "Tvrdnja", "verdict": "Ocjena", "facts": "Činjenice", "source": "Izvor",
           "false": "netočno", "intro": "Ova se tvrdnja širi"},
    "sq": {"claim": "Pretendimi", "verdict": "Vlerësimi", "facts": "Faktet", "source": "Burimi",
           "false": "e rreme", "intro": "Ky pretendim po qarkullon"},
    "mk": {"claim": "Тврдење", "verdict": "Оценка", "facts": "Факти", "source": "Извор",
           "false": "невистинито", "intro": "Ова тврдење се шири"},
    "ru": {"claim": "Утверждение", "verdict": "Оценка", "facts": "Факты", "source": "Источник",
           "false": "ложь", "intro": "Это утверждение распространяется"},
}
_LABELS["sr-Cyrl"] = {"claim": "Тврдња", "verdict": "Оцена", "facts": "Чињенице", "source": "Извор",
                      "false": "нетачно", "intro": "Ова тврдња се шири"}
_LABELS["bs"] = _LABELS["cnr"] = _LABELS["hr"]
_LABELS["sr-Latn"] = _LABELS["sr"]


def _variant(lang: str, quote: str) -> str:
    """The fact base's translation key for a claim: Serbian is kept in the claim's own script.

    Profiles store Serbian Cyrillic under ``sr`` and Latin under ``sr-Latn``.
    """
    if lang in ("sr", "cnr") and detect_script(quote) == "Cyrl":
        return "sr-Cyrl"
    if lang == "sr":
        return "sr-Latn"
    return lang


def _translation(translations: dict[str, Any], variant: str) -> Any:
    if variant == "sr-Cyrl":
        return translations.get("sr-Cyrl") or translations.get("sr")
    if variant == "sr-Latn":
        found = translations.get("sr-Latn")
        if found is None and translations.get("sr") is not None:
            found = _latin(translations["sr"])
        return found
    return translations.get(variant)


def _latin(value: Any) -> Any:
    if isinstance(value, str):
        return to_latin(value, "sr") if detect_script(value) == "Cyrl" else value
    if isinstance(value, dict):
        return {k: _latin(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class CardFact:
    statement: str
    source: str | None
    url: str | None
    date: str | None
    language: str | None


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
    first_seen: dict[str, Any]  # {"document_id", "date", "source"}
    spread: dict[str, int]  # {"documents", "sources"} with the same Latin-key sentence
    addressed: bool
    score: float | None
    verdict: str | None
    fact_check: dict[str, Any] | None  # {"id", "claim", "url", "publisher", "date", "rebuttal"}
    facts: list[CardFact] = field(default_factory=list)
    draft: str = ""
    draft_language: str = "en"
    draft_origin: str = "assembled"  # assembled | llm | none
    # "repeats" the fact-checked claim or "rejects" it (a debunk or denial: no response needed).
    stance: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _draft(quote: str, lang: str, verdict: str | None, fc: Any, facts: list[Any]) -> tuple[str, str, list[CardFact]]:
    """Assemble the draft in ``lang`` if the fact base has that translation, else English."""
    variant = _variant(lang, quote)
    tr = (_translation(fc.translations, variant) or {}) if fc else {}
    if variant == "sr-Cyrl" and detect_script(str(tr.get("rebuttal") or "")) == "Latn":
        variant = "sr-Latn"  # the fact base has Serbian only in Latin: keep the draft in one script
    have_lang = lang != "en" and bool(tr.get("rebuttal")) and variant in _LABELS
    out_lang = variant if have_lang or lang == "en" else "en"
    labels = _LABELS.get(out_lang, _LABELS["en"])
    card_facts = []
    for f in facts:
        translated = _translation(f.translations, out_lang) if out_lang != (f.language or "en") else None
        card_facts.append(
            CardFact(statement=translated or f.statement, source=f.source, url=f.url, date=f.date,
                     language=out_lang if translated else f.language)
        )
    # No full stop after a quote that already ends a sentence.
    end = "" if quote.rstrip().endswith((".", "!", "?", "…")) else "."
    parts = [f"{labels['intro']}: “{quote.strip()}”{end}"]
    if verdict:
        shown = labels["false"] if verdict.strip().lower() in ("false", "disinformation") else verdict
        parts.append(f"{labels['verdict']}: {shown}.")
    rebuttal = (tr.get("rebuttal") if have_lang else None) or (fc.rebuttal if fc else None)
    if rebuttal:
        parts.append(rebuttal.strip())
    if card_facts:
        cited = "; ".join(
            f"{cf.statement.rstrip('.')} ({', '.join(x for x in (cf.source, cf.url) if x)})" for cf in card_facts
        )
        parts.append(f"{labels['facts']}: {cited}.")
    if fc and (fc.publisher or fc.url):
        parts.append(f"{labels['source']}: {', '.join(x for x in (fc.publisher, fc.url) if x)}.")
    return " ".join(parts), out_lang, card_facts


def build_card(store: Store, claim_id: int, *, use_llm: bool | None = None, timeout: float = 20.0) -> Card:
    """The response card of a claim (run ``factwatch analyze`` first so it has matches).

    ``use_llm=None`` follows the environment: the draft is rewritten only when
    FACTWATCH_LLM_URL is set.
    """
    claim = store.get_claim(claim_id)
    doc = store.get_document(claim.document_id)
    registered = store.get_source(doc.source)
    actor = registered.actor if registered else None
    spread = store.claim_spread(claim.latin_key)
    matches = store.claim_matches(claim_id)
    top = next((m for m in matches if m.target == "fact_check"), None)
    fc = store.get_fact_check(top.fact_check_id) if top and top.fact_check_id else None
    addressed = bool(matches and matches[0].addressed)
    facts: list[Any] = []
    if fc and fc.fact_ids:
        facts = store.facts_by_external_ids(list(fc.fact_ids))
    # A fact matched directly (no fact-check around it) is evidence too.
    direct = [m.fact_id for m in matches if m.target == "fact" and m.fact_id and addressed]
    if direct:
        known = {f.id for f in facts}
        facts += [f for fid, f in store.get_facts(direct).items() if fid not in known]
    stance = (
        stance_towards(claim.text, fc.claim, language=claim.language, claim_language=fc.language or "en")
        if addressed and fc else None
    )
    if addressed and fc:
        draft, draft_lang, card_facts = _draft(claim.text, claim.language, fc.verdict, fc, facts)
    elif addressed:
        draft, draft_lang, card_facts = _draft(claim.text, claim.language, None, None, facts)
    else:
        draft, draft_lang, card_facts = "", "en", []
    origin = "assembled"
    if stance == "rejects":
        draft, origin = "", "none"  # the text already agrees with the fact-check
    if draft and (use_llm if use_llm is not None else bool(os.environ.get("FACTWATCH_LLM_URL"))):
        rewritten = rewrite_draft(draft, language=draft_lang, timeout=timeout)
        if rewritten:
            draft, origin = rewritten, "llm"
    return Card(
        claim_id=claim.id, quote=claim.text, language=claim.language, document_id=doc.id, document_url=doc.url,
        source=doc.source, actor=actor, published_at=doc.published_at,
        first_seen={"document_id": spread.first_document_id, "date": spread.first_seen, "source": spread.first_source},
        spread={"documents": spread.documents, "sources": spread.sources},
        addressed=addressed, score=matches[0].score if matches else None,
        verdict=fc.verdict if (fc and addressed) else None,
        fact_check=(
            {"id": fc.id, "claim": fc.claim, "url": fc.url, "publisher": fc.publisher, "date": fc.date,
             "rebuttal": fc.rebuttal}
            if fc and addressed else None
        ),
        facts=card_facts, draft=draft, draft_language=draft_lang, draft_origin=origin, stance=stance,
    )


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


_REJECTS_NOTE = "this text rejects the fact-checked claim (a denial or debunk); no response needed"


def _md(text: Any) -> str:
    # Markdown renderers pass inline HTML through; escape it so a hostile quote stays text.
    return html.escape(str(text), quote=False).replace("[", "\\[").replace("]", "\\]")


def _render_md(card: Card) -> str:
    lines = [f"## Claim {card.claim_id}", "", f"> {_md(card.quote)}", ""]
    lines.append(f"- Seen in: {_md(card.source)}" + (f" ({_md(card.document_url)})" if card.document_url else "")
                 + (f", {_md(card.published_at)}" if card.published_at else ""))
    if card.actor:
        lines.append(f"- Actor: {_md(card.actor)}")
    fs = card.first_seen
    lines.append(f"- First seen: {_md(fs.get('date') or '?')} in {_md(fs.get('source') or '?')} (document {fs.get('document_id')})")
    lines.append(f"- Spread: {card.spread['documents']} documents, {card.spread['sources']} sources")
    if not card.addressed:
        lines += ["", "**Not addressed by the fact base.**"]
        return "\n".join(lines) + "\n"
    lines.append(f"- Verdict: **{_md(card.verdict or 'see fact-check')}**" + (
        f" (match probability {card.score:.2f})" if card.score is not None else ""))
    if card.stance == "rejects":
        lines.append(f"- Stance: {_REJECTS_NOTE}")
    if card.fact_check:
        fc = card.fact_check
        lines += ["", "### Fact-check", "", f"{_md(fc['claim'])}", ""]
        if fc.get("rebuttal"):
            lines += [_md(fc["rebuttal"]), ""]
        lines.append("— " + _md(", ".join(str(x) for x in (fc.get("publisher"), fc.get("date"), fc.get("url")) if x)))
    if card.facts:
        lines += ["", "### Facts", ""]
        lines += [f"- {_md(f.statement)} — {_md(', '.join(x for x in (f.source, f.date, f.url) if x))}" for f in card.facts]
    if card.draft:
        lines += ["", f"### Draft response ({card.draft_language}, {card.draft_origin})", "", _md(card.draft)]
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
             f"<dt>Seen in</dt><dd>{e(card.source)} {link(card.document_url)} {e(card.published_at or '')}</dd>"]
    if card.actor:
        parts.append(f"<dt>Actor</dt><dd>{e(card.actor)}</dd>")
    fs = card.first_seen
    parts.append(f"<dt>First seen</dt><dd>{e(str(fs.get('date') or '?'))} — {e(str(fs.get('source') or '?'))}</dd>")
    parts.append(f"<dt>Spread</dt><dd>{card.spread['documents']} documents, {card.spread['sources']} sources</dd>")
    if card.addressed:
        parts.append(f"<dt>Verdict</dt><dd><strong>{e(card.verdict or 'see fact-check')}</strong></dd>")
    if card.stance == "rejects":
        parts.append(f'<dt>Stance</dt><dd class="stance-rejects">{e(_REJECTS_NOTE)}</dd>')
    parts.append("</dl>")
    if not card.addressed:
        parts.append("<p>Not addressed by the fact base.</p></article>")
        return "\n".join(parts) + "\n"
    if card.fact_check:
        fc = card.fact_check
        parts.append(f"<section><h3>Fact-check</h3><p>{e(fc['claim'])}</p><p>{e(fc.get('rebuttal') or '')}</p>"
                     f"<p>{e(fc.get('publisher') or '')} {e(fc.get('date') or '')} {link(fc.get('url'))}</p></section>")
    if card.facts:
        items = "".join(f"<li>{e(f.statement)} — {e(f.source or '')} {link(f.url)}</li>" for f in card.facts)
        parts.append(f"<section><h3>Facts</h3><ul>{items}</ul></section>")
    if card.draft:
        parts.append(f'<section><h3>Draft response</h3><p lang="{e(card.draft_language)}">{e(card.draft)}</p></section>')
    parts.append("</article>")
    return "\n".join(parts) + "\n"
