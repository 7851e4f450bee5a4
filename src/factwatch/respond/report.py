"""The briefing for a communications team: ``factwatch report [--since DATE] [--format md|html]``.

One read of the store (nothing is written): the period and its counts, the top narratives with
their spike alerts, the top claims with their candidate or confirmed fact-checks, campaigns
(analysis/campaigns.py), state actors pushing narratives, and new candidate narratives.

Wording rule: factwatch never gives a verdict on a claim. A fact-check is shown as the
fact-checker's verdict on the claim it checked, marked 'candidate' (an automatic match, with its
probability p) or 'confirmed' (an analyst reviewed the match).

Source text is hostile. HTML goes through a Jinja environment with autoescape on and no
``| safe``; links are kept only when absolute http(s); the page carries no script and a
Content-Security-Policy that forbids any. Markdown escapes the characters that would make text
into markup (links, tables, inline HTML).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from factwatch import __version__
from factwatch.analysis.campaigns import find_campaigns
from factwatch.errors import InputError
from factwatch.store import Store
from factwatch.store._trends import STATE_TYPES

FORMATS = ("md", "html")
TOP_NARRATIVES = 10
TOP_CLAIMS = 15
TOP_CAMPAIGNS = 10
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Report:
    generated_at: str
    since: str | None
    until: str | None  # the newest document's published_at in the store
    counts: dict[str, int]
    narratives: list[dict[str, Any]]  # {"id", "label", "status", "documents", "spikes": [alert dicts]}
    claims: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    state_actors: list[dict[str, Any]]  # {"actor", "type", "country", "narrative", "label", "documents", "first_at", "latest_at"}
    candidates: list[dict[str, Any]]
    notes: list[str]

    @property
    def empty(self) -> bool:
        return not self.counts["documents"]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _in_period(at: str | None, since: str | None) -> bool:
    return since is None or (at is not None and at >= since)


def _claims(store: Store, since: str | None) -> list[dict[str, Any]]:
    rows = {r.id: r for r in store.list_claim_rows(addressed=True, since=since, limit=500)}
    rows.update({r.id: r for r in store.list_claim_rows(review="confirmed", since=since, limit=500)})
    picked = [r for r in rows.values() if r.review_decision != "rejected" and r.match_claim]
    # Confirmed first, then the most probable candidates.
    picked.sort(key=lambda r: (r.review_decision != "confirmed", -(r.probability or 0.0), -r.id))
    return [{"id": r.id, "text": r.text, "source": r.source, "published_at": r.published_at,
             "document_url": r.document_url, "status": "confirmed" if r.review_decision == "confirmed" else "candidate",
             "probability": r.probability, "stance": r.stance, "fact_check_claim": r.match_claim,
             "fact_check_verdict": r.match_verdict, "fact_check_publisher": r.match_publisher,
             "fact_check_url": r.match_url, "match_target": r.match_target} for r in picked[:TOP_CLAIMS]]


def _state_actors(store: Store, since: str | None, labels: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    from factwatch.analysis.pushers import narrative_pushers

    rows = []
    for narrative in sorted({r[0] for r in store.state_actor_narratives()}):
        for actor in narrative_pushers(store, narrative).actors:
            if actor.actor_type in STATE_TYPES and _in_period(actor.latest_at, since):
                rows.append({"actor": actor.name, "type": actor.actor_type, "country": actor.country,
                             "narrative": narrative, "label": labels.get(narrative, (narrative, ""))[0],
                             "documents": actor.documents, "first_at": actor.first_at, "latest_at": actor.latest_at})
    rows.sort(key=lambda r: (-r["documents"], r["actor"], r["narrative"]))
    return rows


def build_report(store: Store, *, since: str | None = None) -> Report:
    """Everything the briefing shows, for documents published since ``since`` (all when None)."""
    from factwatch.analysis.discovery import candidates
    from factwatch.analysis.trends import trend_series

    labels = {n.id: (n.label, n.status) for n in store.list_narratives()}
    dated, undated, until = store.document_period_counts(since)
    # Undated documents cannot be placed in a period: they count only when the report covers everything.
    documents = dated + (undated if since is None else 0)
    claims, addressed = store.claims_published_between(since or "0000", "9999")
    series = trend_series(store, dimension="narrative", since=since, top=TOP_NARRATIVES)
    spikes = store.list_alerts(since=since, kind="spike", limit=1000)
    narratives = [{"id": nid, "label": labels.get(nid, (nid, ""))[0], "status": labels.get(nid, ("", ""))[1],
                   "documents": total,
                   "spikes": [{"at": a.at, "summary": a.summary, "kind": a.kind, "details": a.details}
                              for a in spikes if a.narrative_id == nid]}
                  for nid, total in series.totals.items()]
    campaigns = find_campaigns(store, since=since, limit=TOP_CAMPAIGNS)
    # New: first seen in the period (an older candidate that keeps growing shows as a spike alert).
    found = [c.as_dict() for c in candidates(store, limit=100) if _in_period(c.first_seen, since)][:10]
    alerts = store.count_alerts(since=since)
    return Report(
        generated_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        since=since, until=until,
        counts={"documents": documents, "undated_documents": undated, "claims": claims, "claims_with_fact_check": addressed,
                "narratives": len(series.totals), "alerts": alerts, "campaigns": len(campaigns.campaigns),
                "candidate_narratives": len(found)},
        narratives=narratives, claims=_claims(store, since), campaigns=[c.as_dict() for c in campaigns.campaigns],
        state_actors=_state_actors(store, since, labels), candidates=found, notes=campaigns.notes)


# -- rendering ---------------------------------------------------------------------------------


def safe_href(url: str | None) -> str | None:
    """``url`` when absolute http(s), else None: a javascript: or data: link in a feed must not
    become a clickable link in the briefing."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _p(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # explicit: every {{ }} is escaped, and the templates use no | safe
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    env.filters["p"] = _p
    return env


def render_html(report: Report) -> str:
    return _environment().get_template("report.html.j2").render(r=report, version=__version__)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md(text: Any) -> str:
    """Text as Markdown that shows it literally: one line, markup characters backslash-escaped
    (so ``<script>`` or ``[x](javascript:...)`` from a source stay text)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text if text is not None else "").split()))


def _md_link(label: str, url: str | None) -> str:
    href = safe_href(url)
    return f"[{md(label)}](<{href.replace('>', '%3E').replace(' ', '%20')}>)" if href else md(label)


def render_markdown(r: Report) -> str:
    lines = ["# factwatch briefing", "",
             f"Period: {md(r.since or 'everything stored')} to {md(r.until or 'now')} · generated {md(r.generated_at)}"
             f" · factwatch {__version__}", ""]
    if r.empty:
        lines += ["Nothing was found: no documents were published in this period.", ""]
    c = r.counts
    lines += ["## Counts", "",
              f"- documents: {c['documents']}" + (f" ({c['undated_documents']} undated, not placed in any period)"
                                                   if c["undated_documents"] else ""), f"- claims: {c['claims']} ({c['claims_with_fact_check']} with a candidate fact-check)",
              f"- narratives carried: {c['narratives']}", f"- alerts: {c['alerts']}", f"- campaigns: {c['campaigns']}",
              f"- candidate new narratives: {c['candidate_narratives']}", ""]
    lines += ["## Top narratives", ""]
    if not r.narratives:
        lines.append("No narrative was found in this period.")
    for n in r.narratives:
        status = "" if n["status"] in ("", "active") else f" ({md(n['status'])})"
        lines.append(f"- **{md(n['label'])}**{status} — {n['documents']} documents")
        lines += [f"  - spike {md(a['at'][:16])}: {md(a['summary'])}" for a in n["spikes"]]
    lines += ["", "## Top claims and fact-checks", "",
              "A fact-check's verdict is the fact-checker's on the claim it checked. 'candidate' is an automatic"
              " match with its probability p; 'confirmed' an analyst reviewed. factwatch gives no verdict itself.", ""]
    if not r.claims:
        lines.append("No claim with a candidate or confirmed fact-check in this period.")
    for cl in r.claims:
        p = f", p {_p(cl['probability'])}" if cl["status"] == "candidate" and cl["probability"] is not None else ""
        lines.append(f"- {_md_link(cl['text'], cl['document_url'])} — {md(cl['source'])}, {md((cl['published_at'] or '')[:10])}")
        lines.append(f"  - {cl['status']}{p}: {_md_link(cl['fact_check_claim'], cl['fact_check_url'])}"
                     f" — {md(cl['fact_check_publisher'] or '')}: {md(cl['fact_check_verdict'] or 'no verdict')}")
    lines += ["", "## Campaigns", "", "Coordinated networks (accounts sharing the same objects within seconds) with"
              " what they carry. Narratives are automatic candidates unless confirmed.", ""]
    if not r.campaigns:
        lines.append("No coordinated network was active in this period.")
    for cp in r.campaigns:
        actors = ", ".join(f"{md(a['name'])} ({md(a['type'] or 'unknown')}, {md(a['country'] or '?')})" for a in cp["actors"])
        lines.append(f"- **{md(cp['id'])}**: {cp['size']} accounts, {cp['documents']} documents,"
                     f" {md((cp['first_at'] or '')[:10])} to {md((cp['last_at'] or '')[:10])}, by {md(', '.join(cp['kinds']))}")
        lines.append(f"  - accounts: {md(', '.join(cp['accounts'][:12]))}{' …' if len(cp['accounts']) > 12 else ''}")
        if actors:
            lines.append(f"  - owning actors: {actors}")
        if cp["narratives"]:
            lines.append("  - narratives: " + "; ".join(f"{md(n['label'])} ({n['documents']})" for n in cp["narratives"][:6]))
        lines.append(f"  - fact-checks addressing its claims: {len(cp['fact_checks'])}")
    lines += ["", "## State actors pushing narratives", ""]
    if not r.state_actors:
        lines.append("No state or state-affiliated actor carried a narrative in this period.")
    for s in r.state_actors:
        lines.append(f"- {md(s['actor'])} ({md(s['type'])}, {md(s['country'] or '?')}): {md(s['label'])} —"
                     f" {s['documents']} documents, {md((s['first_at'] or '')[:10])} to {md((s['latest_at'] or '')[:10])}")
    lines += ["", "## New candidate narratives", "",
              "Clusters of claims first seen in the period that match no catalogued narrative; an analyst decides whether to promote them.", ""]
    if not r.candidates:
        lines.append("No candidate narrative in this period.")
    for cand in r.candidates:
        text = cand["representatives"][0]["text"] if cand["representatives"] else ""
        terms = ", ".join(t["term"] for t in cand["terms"][:6])
        lines.append(f"- candidate {cand['id']}: {cand['size']} claims, first seen {md((cand['first_seen'] or '')[:10])}"
                     f" — {md(terms)}: “{md(text)}”")
    lines += ["", "## Notes", "", *[f"- {md(n)}" for n in r.notes], ""]
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    if fmt == "pdf":
        raise InputError("--format pdf is not built in (it would need a heavy PDF renderer); write --format html"
                         " and print it to PDF from a browser.")
    if fmt not in FORMATS:
        raise InputError(f"--format is md or html, not {fmt!r}.")
    return render_html(report) if fmt == "html" else render_markdown(report)
