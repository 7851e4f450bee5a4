"""The alerts stage on a small store with known answers: posts ingested from a CSV through the
real ingest service, a registry with a state outlet, and narrative assignments written through
the store method the ``narratives`` stage uses (so the counts are known exactly)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from factwatch.analysis.alerts import detect_alerts
from factwatch.analysis.pushers import narrative_pushers, source_profile
from factwatch.analysis.trends import trend_series
from factwatch.ingest.narratives import parse_catalogue_yaml
from factwatch.ingest.registry import import_sources
from factwatch.ingest.service import ingest_path
from factwatch.models import NewNarrativeAssignment

REGISTRY = """profile: test
actors:
  - {name: State Media, type: state-affiliated, country: RU}
  - {name: Private Media, type: non-state, country: RS}
sources:
  - {name: state-outlet, platform: web, actor: State Media, country: RU, language: sr}
  - {name: private-outlet, platform: web, actor: Private Media, country: RS, language: sr}
"""
CATALOGUE = """- {id: n-steady, title: Steady narrative, description: Appears every day.}
- {id: n-burst, title: Bursting narrative, description: Quiet then a burst.}
"""
START = date(2026, 10, 1)


def _posts(tmp_path: Path) -> Path:
    rows = []  # the text's first word names the narrative
    for day in range(14):
        when = START + timedelta(days=day)
        # n-steady: two private posts every day; n-burst: one every third day, eight on day 10; the
        # state outlet writes the first n-burst post of each day from day 5 (first: day 6, Oct 7).
        for i in range(2):
            rows.append(("private-outlet", f"steady {day} {i}", f"{when}T08:{i:02d}:00Z", "n-steady"))
        burst = 8 if day == 10 else (1 if day % 3 == 0 else 0)
        for i in range(burst):
            rows.append(("state-outlet" if day >= 5 and i == 0 else "private-outlet", f"burst {day} {i}",
                         f"{when}T09:{i:02d}:00Z", "n-burst"))
    path = tmp_path / "posts.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "text", "time", "narrative"])  # narrative: for a reader of the file
        w.writerows(rows)
    return path


@pytest.fixture
def planted(store, tmp_path):
    reg = tmp_path / "sources.yaml"
    reg.write_text(REGISTRY, encoding="utf-8")
    import_sources(store, reg, profile="test")
    path = _posts(tmp_path)
    ingest_path(store, str(path), fmt="csv", mapping={"text": "text", "source": "source", "published_at": "time"})
    store.save_narratives("test", parse_catalogue_yaml(CATALOGUE, name="test"))
    docs = store.documents_after(0, limit=1000)
    rows = [NewNarrativeAssignment(document_id=d.id, claim_id=None, narrative_id=f"n-{d.text.split()[0]}", score=0.95,
                                   evidence=d.text) for d in docs]
    store.save_narrative_assignments([d.id for d in docs], rows, stage="narratives", cursor="test")
    return docs


def test_spike_and_state_actor_alerts_with_known_answers(store, planted):
    stats = detect_alerts(store)
    alerts = {a.key: a for a in store.list_alerts()}
    spikes = [a for a in alerts.values() if a.kind == "spike"]
    assert [(a.narrative_id, a.at, a.details["count"]) for a in spikes] == [("n-burst", "2026-10-11", 8)]
    state = [a for a in alerts.values() if a.kind == "state-actor"]
    assert [(a.narrative_id, a.subject, a.at) for a in state] == [("n-burst", "State Media", "2026-10-07T09:00:00Z")]
    assert stats.new == stats.found == 2
    again = detect_alerts(store)
    assert (again.found, again.new) == (0, 0)  # nothing changed: not even recomputed


def test_a_changed_parameter_recomputes_but_stores_nothing_twice(store, planted):
    detect_alerts(store)
    looser = detect_alerts(store, alpha=0.01)
    assert looser.found >= 2 and looser.new == looser.found - 2


def test_rejected_assignments_are_not_counted(store, planted):
    before = trend_series(store, narrative_id="n-burst", dimension="source")
    assert before.totals == {"private-outlet": 9, "state-outlet": 4}
    state_doc = next(d for d in planted if d.source == "state-outlet")
    store.add_narrative_review(state_doc.id, "n-burst", decision="rejected", reviewer="analyst")
    after = trend_series(store, narrative_id="n-burst", dimension="source")
    assert after.totals == {"private-outlet": 9, "state-outlet": 3}
    assert narrative_pushers(store, "n-burst").state_documents == 3


def test_pushers_and_source_profile(store, planted):
    p = narrative_pushers(store, "n-burst")
    assert p.documents == 13 and p.first.published_at == "2026-10-01T09:00:00Z"
    assert [(c.name, c.actor_type, c.country, c.documents) for c in p.actors] == [
        ("Private Media", "non-state", "RS", 9), ("State Media", "state-affiliated", "RU", 4)]
    assert dict(p.daily)["2026-10-11"] == 8
    prof = source_profile(store, "state-outlet")
    assert (prof.documents, prof.state_documents, prof.state_share) == (4, 4, 1.0)
    assert [(n.narrative_id, n.documents) for n in prof.narratives] == [("n-burst", 4)]
    private = source_profile(store, "Private Media")
    assert private.kind == "actor" and private.state_share == 0.0 and private.documents == 37


def test_a_fast_growing_candidate_narrative_alerts(store, tmp_path):
    """Claims clustered by the discovery stage into one candidate: quiet days, then a burst."""
    import numpy as np

    from factwatch.analysis.claims import extract_claims
    from factwatch.store._discovery import ClusterState

    rows = []
    for day in range(12):
        when = START + timedelta(days=day)
        for i in range(9 if day == 10 else (1 if day % 4 == 0 else 0)):
            rows.append((f"The ministry said that {100 + day * 10 + i} soldiers arrived in Niš on {when}.",
                         f"{when}T10:{i:02d}:00Z"))
    path = tmp_path / "claims.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "time"])
        w.writerows(rows)
    ingest_path(store, str(path), fmt="csv", source="wire", mapping={"text": "text", "published_at": "time"})
    extract_claims(store)
    claims = store.discovery_pending(0, limit=1000)
    assert len(claims) == len(rows)  # each sentence is check-worthy (a number, an institution, a place)
    vector = np.zeros(384, dtype="<f4").tobytes()
    store.save_discovery_batch([ClusterState(id=1, status="open", size=len(claims), vector_sum=vector)],
                               [(c.id, 1, 1.0) for c in claims], stage="discovery", cursor="test")
    detect_alerts(store)
    grown = store.list_alerts(kind="candidate-growth")
    assert [(a.subject, a.at, a.details["count"]) for a in grown] == [("candidate 1", "2026-10-11", 9)]
