"""The ``alerts`` stage (issue 9): a narrative spikes, a candidate narrative (status 'candidate',
or an open cluster of the ``discovery`` stage) grows fast, a state or state-affiliated actor
starts pushing a narrative, a coordinated network amplifies one.

Each alert has a key (kind, narrative, subject, bucket), so a rerun stores nothing twice and a
webhook hears of each alert once. The stage recomputes from the store's counts when narrative
assignments, analysts' decisions or coordination networks changed (a GROUP BY, cheap next to
classification) and then POSTs undelivered alerts as JSON to ``FACTWATCH_WEBHOOK_URL`` (or the
stage's ``webhook_url`` config) with retries, under ``ingest/web.py``'s rules: http(s) only, no
private address unless ``FACTWATCH_ALLOW_PRIVATE=1``.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from factwatch.analysis.trends import SpikeParams, narrative_spikes
from factwatch.errors import FetchError
from factwatch.ingest._network import AddressRefused, Deadline, PinnedTransport
from factwatch.ingest.web import FetchSettings, check_url
from factwatch.models import Alert, NewAlert
from factwatch.store import Store

STAGE = "alerts"


class _Refused(FetchError):
    """The URL or its address is refused: retrying cannot help."""

WEBHOOK_ENV = "FACTWATCH_WEBHOOK_URL"


@dataclass(frozen=True, slots=True)
class AlertStats:
    found: int  # alerts the run computed (new and already stored)
    new: int
    delivered: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Alert summaries are stored in English (the webhook and `factwatch alerts` show them) and built
# from the alert's details by these templates: (singular, plural) English messages counted by
# ``n``. The web interface looks the same templates up in its catalogue (web/_i18n.py) and renders
# the details again, so an alert reads in the analyst's interface language.
SUMMARY_MESSAGES: dict[str, tuple[str, str]] = {
    "spike:day": ("{label}: {n} document in the day {at}, against a baseline of {baseline} a day (Poisson p = {p})",
                  "{label}: {n} documents in the day {at}, against a baseline of {baseline} a day (Poisson p = {p})"),
    "spike:hour": ("{label}: {n} document in the hour {at}, against a baseline of {baseline} an hour (Poisson p = {p})",
                   "{label}: {n} documents in the hour {at}, against a baseline of {baseline} an hour (Poisson p = {p})"),
    "candidate:day": (
        "candidate narrative {candidate} (`factwatch narratives candidates`): {n} document in the day {at}, against a baseline of {baseline} (Poisson p = {p})",
        "candidate narrative {candidate} (`factwatch narratives candidates`): {n} documents in the day {at}, against a baseline of {baseline} (Poisson p = {p})"),
    "candidate:hour": (
        "candidate narrative {candidate} (`factwatch narratives candidates`): {n} document in the hour {at}, against a baseline of {baseline} (Poisson p = {p})",
        "candidate narrative {candidate} (`factwatch narratives candidates`): {n} documents in the hour {at}, against a baseline of {baseline} (Poisson p = {p})"),
    "state-actor": ("{actor} ({actor_type}) started pushing '{label}' on {at} ({n} document so far)",
                    "{actor} ({actor_type}) started pushing '{label}' on {at} ({n} documents so far)"),
    "state-actor:country": ("{actor} ({actor_type}, {country}) started pushing '{label}' on {at} ({n} document so far)",
                            "{actor} ({actor_type}, {country}) started pushing '{label}' on {at} ({n} documents so far)"),
    "coordinated-amplification": (
        "{n} coordinated account (network {networks}) carried '{label}' in {documents} documents",
        "{n} coordinated accounts (network {networks}) carried '{label}' in {documents} documents"),
    "saved-search": ("{n} new document matches the saved search '{name}'",
                     "{n} new documents match the saved search '{name}'"),
}


def summary_message(kind: str, details: dict[str, Any], *, at: str) -> tuple[str, str, int, dict[str, str]] | None:
    """The summary template of an alert, its count and values: (singular, plural, n, values).
    None for an alert stored before its details carried what the summary needs: show its summary."""
    d = details
    try:
        if kind in ("spike", "candidate-growth") and "count" in d and "bucket" in d:
            values = {"at": at, "baseline": f"{float(d['baseline']):g}", "p": f"{float(d['p_value']):.1e}"}
            if "candidate" in d:
                key, values["candidate"] = f"candidate:{d['bucket']}", str(d["candidate"])
            elif "narrative_title" in d:
                key, values["label"] = f"spike:{d['bucket']}", str(d["narrative_title"])
            else:
                return None
            return (*SUMMARY_MESSAGES[key], int(d["count"]), values)
        if kind == "state-actor" and "narrative_title" in d:
            values = {"actor": str(d["actor"]), "actor_type": str(d["actor_type"]), "label": str(d["narrative_title"]),
                      "at": at[:16]}
            key = "state-actor"
            if d.get("country"):
                key, values["country"] = "state-actor:country", str(d["country"])
            return (*SUMMARY_MESSAGES[key], int(d["documents"]), values)
        if kind == "coordinated-amplification" and "narrative_title" in d and "document_count" in d:
            values = {"networks": ", ".join(d["networks"]), "label": str(d["narrative_title"]),
                      "documents": str(d["document_count"])}
            return (*SUMMARY_MESSAGES[kind], len(d["accounts"]), values)
        if kind == "saved-search" and "count" in d and "name" in d:
            return (*SUMMARY_MESSAGES[kind], int(d["count"]), {"name": str(d["name"])})
    except (KeyError, TypeError, ValueError):
        return None  # details of another shape (hand-edited, an older format): the stored summary stands
    return None


def english_summary(kind: str, details: dict[str, Any], *, at: str) -> str:
    message = summary_message(kind, details, at=at)
    if message is None:
        raise ValueError(f"alert details of kind {kind!r} lack what the summary needs: {sorted(details)}")
    singular, plural, n, values = message
    return (singular if n == 1 else plural).format(n=n, **values)


def _new_alert(*, key: str, kind: str, narrative_id: str | None, subject: str | None, at: str, score: float | None,
               details: dict[str, Any]) -> NewAlert:
    return NewAlert(key=key, kind=kind, narrative_id=narrative_id, subject=subject, at=at, score=score,
                    summary=english_summary(kind, details, at=at), details=details)


def _spike_alerts(store: Store, labels: dict[str, tuple[str, str]], *, bucket: str, params: SpikeParams) -> list[NewAlert]:
    alerts = []
    for narrative, spikes in narrative_spikes(store, bucket=bucket, params=params).items():
        label, status = labels.get(narrative, (narrative, "active"))
        kind = "candidate-growth" if status == "candidate" else "spike"
        for s in spikes:
            alerts.append(_new_alert(
                key=f"{kind}:{narrative}:{s.bucket}", kind=kind, narrative_id=narrative, subject=None, at=s.bucket,
                score=s.p_value,
                details={"narrative_title": label, "count": s.count, "baseline": s.baseline, "p_value": s.p_value,
                         "bucket": bucket, "window": params.window, "alpha": params.alpha,
                         "min_count": params.min_count}))
    return alerts


def _candidate_alerts(store: Store, *, bucket: str, params: SpikeParams) -> list[NewAlert]:
    """A candidate narrative of the discovery stage (an open cluster of unmatched claims) grows fast."""
    alerts = []
    for cluster, spikes in narrative_spikes(store, bucket=bucket, params=params, candidates=True).items():
        for s in spikes:
            alerts.append(_new_alert(
                key=f"candidate-growth:discovery-{cluster}:{s.bucket}", kind="candidate-growth", narrative_id=None,
                subject=f"candidate {cluster}", at=s.bucket, score=s.p_value,
                details={"candidate": int(cluster), "count": s.count, "baseline": s.baseline, "p_value": s.p_value,
                         "bucket": bucket, "window": params.window, "alpha": params.alpha,
                         "min_count": params.min_count}))
    return alerts


def _state_alerts(store: Store, labels: dict[str, tuple[str, str]]) -> list[NewAlert]:
    alerts = []
    for narrative, actor, actor_type, country, first_at, first_doc, docs in store.state_actor_narratives():
        label = labels.get(narrative, (narrative, ""))[0]
        alerts.append(_new_alert(
            key=f"state-actor:{narrative}:{actor}", kind="state-actor", narrative_id=narrative, subject=actor,
            at=first_at, score=float(docs),
            details={"narrative_title": label, "actor": actor, "actor_type": actor_type, "country": country, "first_document": first_doc,
                     "documents": docs}))
    return alerts


def _network_alerts(store: Store, labels: dict[str, tuple[str, str]], *, min_documents: int,
                    min_accounts: int) -> list[NewAlert]:
    sizes = {n.id: len(n.accounts) for n in store.list_coordination_networks(limit=100_000)}
    per: dict[str, dict[str, tuple[str, set[tuple[str, int, str]]]]] = defaultdict(dict)
    for network, kind, narrative, account, doc, published in store.network_narrative_documents():
        per[narrative].setdefault(network, (kind, set()))[1].add((published or "~", doc, account))
    alerts = []
    for narrative, networks in sorted(per.items()):
        # Networks of different object kinds whose carrying accounts mostly coincide are one
        # amplification: the demo's bursts are found by shared links, hashtags and copied text,
        # by 9, 10 and 11 of the same accounts.
        groups: list[dict[str, Any]] = []
        for network, (kind, docs) in sorted(networks.items()):
            accounts = {a for _p, _d, a in docs}
            group = next((g for g in groups if 2 * len(accounts & g["accounts"]) >= min(len(accounts), len(g["accounts"]))),
                         None)
            if group is None:
                groups.append({"networks": [network], "kinds": [kind], "accounts": accounts, "docs": set(docs)})
            else:
                group["networks"].append(network)
                group["kinds"].append(kind)
                group["accounts"] |= accounts
                group["docs"] |= docs
        label = labels.get(narrative, (narrative, ""))[0]
        for g in groups:
            docs = sorted(g["docs"])
            accounts = sorted(g["accounts"])
            if len(docs) < min_documents or len(accounts) < min_accounts:
                continue
            # Keyed on the amplification's first document: a rerun, or a network recomputed with
            # one more account, names the same alert.
            alerts.append(_new_alert(
                key=f"coordinated-amplification:{narrative}:{docs[0][1]}", kind="coordinated-amplification",
                narrative_id=narrative, subject=", ".join(accounts),
                at=docs[min_documents - 1][0],  # when the documents reached the threshold
                score=float(len(docs)),
                details={"narrative_title": label, "document_count": len(docs), "network": g["networks"][0], "networks": g["networks"], "kinds": sorted(set(g["kinds"])),
                         "accounts": accounts, "network_accounts": max(sizes.get(n, 0) for n in g["networks"]),
                         "documents": [d for _p, d, _a in docs][:200]}))
    return alerts


def _saved_search_alerts(store: Store) -> list[NewAlert]:
    """One alert per saved search of /documents that analysts watch, for the documents that match it
    and arrived since its last alert (or since it was switched on), keyed on the first of them."""
    alerts = []
    for saved in store.list_saved_searches(alerts_only=True):
        docs = store.saved_search_pending(saved.id)
        if not docs:
            continue
        first, last = docs[0][0], docs[-1][0]
        alerts.append(_new_alert(
            key=f"saved-search:{saved.id}:{first}", kind="saved-search", narrative_id=None, subject=saved.name,
            at=max((p or "" for _d, p in docs), default="") or _now_iso(), score=float(len(docs)),
            details={"name": saved.name, "count": len(docs), "saved_search": saved.id, "url": saved.url, "documents": [d for d, _p in docs][:200],
                     "first_document": first, "last_document": last}))
    return alerts


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _cursor(watermark: str, config: dict[str, Any]) -> str:
    return watermark + "|" + json.dumps(config, sort_keys=True)


def detect_alerts(
    store: Store,
    *,
    bucket: str = "day",
    window: int = 7,
    alpha: float = 1e-3,
    min_count: int = 5,
    floor: float = 0.5,
    min_history: int = 3,
    min_network_documents: int = 3,
    min_network_accounts: int = 2,
    webhook_url: str | None = None,
    retries: int = 3,
    backoff: float = 0.5,
) -> AlertStats:
    """Compute alerts, store the new ones, and deliver undelivered ones to the webhook if configured."""
    params = SpikeParams(window=window, alpha=alpha, min_count=min_count, floor=floor, min_history=min_history)
    config = {"bucket": bucket, **asdict(params), "min_network_documents": min_network_documents,
              "min_network_accounts": min_network_accounts}
    # Saved searches that became alerts watch new documents, so those are part of the cursor too.
    cursor = _cursor(store.alerts_watermark() + "|" + store.saved_searches_watermark(), config)
    found = new = 0
    if store.get_cursor(STAGE) != cursor:
        labels = {n.id: (n.label, n.status) for n in store.list_narratives()}
        alerts = [*_spike_alerts(store, labels, bucket=bucket, params=params),
                  *_candidate_alerts(store, bucket=bucket, params=params), *_state_alerts(store, labels),
                  *_network_alerts(store, labels, min_documents=min_network_documents, min_accounts=min_network_accounts),
                  *_saved_search_alerts(store)]
        found = len(alerts)
        new = store.save_alerts(alerts, stage=STAGE, cursor=cursor)
    delivered = failed = 0
    url = webhook_url or os.environ.get(WEBHOOK_ENV, "").strip() or None
    if url:
        delivered, failed = deliver_alerts(store, url, retries=retries, backoff=backoff)
    return AlertStats(found=found, new=new, delivered=delivered, failed=failed)


# -- webhook ------------------------------------------------------------------------------------


def alert_payload(alert: Alert) -> dict[str, Any]:
    d = alert.as_dict()
    d.pop("delivery", None)
    return {"factwatch": "alert", "alert": d}


def post_json(url: str, payload: dict[str, Any], *, settings: FetchSettings | None = None) -> int:
    """POST ``payload`` as JSON under the safe-fetch rules; returns the HTTP status. Raises
    ``FetchError`` for a refused URL or address and for network failures (never an httpx error)."""
    settings = settings or FetchSettings.from_env()
    try:
        check_url(url)
    except FetchError as exc:
        raise _Refused(str(exc)) from None
    transport = PinnedTransport(deadline=Deadline(settings.deadline), allow_private=settings.allow_private)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        # trust_env=False: a proxy from the environment would connect for us and skip the address check.
        with httpx.Client(transport=transport, timeout=settings.timeout, follow_redirects=False,
                          trust_env=False) as client:
            response = client.post(url, content=body, headers={
                "Content-Type": "application/json", "User-Agent": settings.user_agent})
            return response.status_code
    except AddressRefused as exc:
        raise _Refused(f"{url}: {exc}; set FACTWATCH_ALLOW_PRIVATE=1 to post to a private address") from None
    except httpx.HTTPError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, AddressRefused):
            raise _Refused(f"{url}: {cause}; set FACTWATCH_ALLOW_PRIVATE=1 to post to a private address") from None
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None


def deliver(url: str, payload: dict[str, Any], *, retries: int = 3, backoff: float = 0.5,
            sleep: Callable[[float], None] = time.sleep) -> tuple[bool, int, str | None]:
    """POST with up to ``retries`` attempts, waiting backoff, 2×backoff, … between them. A refused
    URL or a 4xx other than 408/429 is not retried (it will not change). Returns (delivered,
    attempts, last error)."""
    error: str | None = None
    for attempt in range(1, max(retries, 1) + 1):
        try:
            status = post_json(url, payload)
        except _Refused as exc:
            return False, attempt, f"refused: {exc}"
        except FetchError as exc:
            error = str(exc)
        else:
            if 200 <= status < 300:
                return True, attempt, None
            error = f"HTTP {status}"
            if 400 <= status < 500 and status not in (408, 429):
                return False, attempt, error
        if attempt < retries:
            sleep(backoff * 2 ** (attempt - 1))
    return False, max(retries, 1), error


def deliver_alerts(store: Store, url: str, *, retries: int = 3, backoff: float = 0.5) -> tuple[int, int]:
    """Deliver each alert not yet delivered to ``url``, oldest first; returns (delivered, failed).
    The first alert that fails every retry ends the round: the endpoint is down or refused, and
    trying a thousand more alerts with backoff would hold `analyze` up for minutes. It and the
    rest are tried again on the next run."""
    delivered = failed = 0
    for alert in store.undelivered_alerts(url):
        ok, attempts, error = deliver(url, alert_payload(alert), retries=retries, backoff=backoff)
        store.record_alert_delivery(alert.id, url, delivered=ok, attempts=attempts, error=error)
        delivered += ok
        if not ok:
            failed += 1
            break
    return delivered, failed
