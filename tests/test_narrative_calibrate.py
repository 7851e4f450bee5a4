"""`factwatch narratives calibrate`: per-narrative thresholds refitted from analysts' decisions,
on a real store with the real e5 model, decisions written through the CLI, and `analyze` run
again with the stored thresholds."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from factwatch.analysis.narrative_recalibrate import PRIOR_REVIEWS, fit_threshold
from factwatch.cli import app
from factwatch.models import NewDocument
from factwatch.text.normalize import normalize

# The first KFOR example is broader than the narrative (a catalogue writer's slip that analysts
# then correct): routine patrol news reaches the line beside the real claims.
CATALOGUE = """\
catalogue: kfor
narratives:
  - id: kfor-abandons-serbs
    title: KFOR is abandoning the Serbs of Kosovo
    description: KFOR is said to leave the Serbs of Kosovo unprotected against Pristina's police.
    examples:
      en: [KFOR has abandoned the Serbs in northern Kosovo., KFOR troops are patrolling in northern Kosovo.]
  - id: eu-bans-cyrillic
    title: The EU will ban the Cyrillic script
    description: EU accession is said to require Serbia to abandon the Cyrillic alphabet.
    examples:
      en: [Brussels will make Serbia abolish the Cyrillic alphabet.]
"""
KFOR = [
    "NATO troops in Kosovo no longer protect the Serbian population from Kurti's police.",
    "Международные силы KFOR бросили сербов Косово на произвол судьбы.",
    "KFOR abandoned the Serbs of Kosovo to Pristina's special police.",
    "The Serbs of northern Kosovo have been left alone by KFOR.",
    "KFOR patrols increased in northern Kosovo after the tensions last week.",
    "Italian KFOR troops patrol near the monastery of Dečani.",
    "A KFOR patrol was seen near Zubin Potok this morning.",
    "KFOR troops will hold a joint exercise in southern Kosovo.",
    "Polish KFOR soldiers patrol the border crossing at Jarinje.",
    "KFOR soldiers patrolled the main bridge in Mitrovica on Tuesday.",
]
ADDED = "KFOR je napustio Srbe na severu Kosova i ne štiti ih."  # the classifier misses it (below the line)
CYRILLIC = ["Brussels will make Serbia abolish the Cyrillic alphabet.", "The EU demands that Serbia give up Cyrillic."]
NARRATIVE = "kfor-abandons-serbs"
SHIPPED = 0.905  # Calibration().threshold: a catalogue nobody labelled


def _doc(text: str, n: int) -> NewDocument:
    norm = normalize(text)
    return NewDocument(platform="rss", source="outlet", text=text, language=norm.language, script=norm.script,
                       latin_key=norm.latin_key, content_hash=hashlib.sha1(f"{n}{text}".encode()).hexdigest(),
                       position=str(n), published_at="2026-10-01T08:00:00Z", title=None)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One analysed store for the module (e5 on shared cores is slow; the vector cache makes the rest cheap)."""
    from factwatch.analysis.narratives import import_catalogue
    from factwatch.store import open_store

    root = tmp_path_factory.mktemp("calib")
    (root / "narratives.yaml").write_text(CATALOGUE, encoding="utf-8")
    db = root / "factwatch.db"
    with open_store(str(db)) as store:
        import_catalogue(store, root / "narratives.yaml")
        store.insert_documents([_doc(t, i) for i, t in enumerate([*KFOR, ADDED, *CYRILLIC])],
                               run_id=store.start_run("ingest", "test"))
    return db


def _cli(db: Path, *args: str, user: str = "ana"):
    import os

    old = os.environ.get("FACTWATCH_USER")
    os.environ["FACTWATCH_USER"] = user
    try:
        return CliRunner().invoke(app, ["--db", str(db), *args])
    finally:
        if old is None:
            del os.environ["FACTWATCH_USER"]
        else:
            os.environ["FACTWATCH_USER"] = old


def _assigned(db: Path) -> dict[int, float]:
    """Document id -> score of the whole-document assignments of the KFOR narrative."""
    from factwatch.store import open_store

    with open_store(str(db), access="read") as store:
        return {a.document_id: a.score for a in store.narrative_assignments(NARRATIVE) if a.claim_id is None}


def _doc_ids(db: Path) -> dict[str, int]:
    from factwatch.store import open_store

    with open_store(str(db), access="read") as store:
        return {d.text: d.id for d in store.documents_after(0, limit=100)}


def _stored_rows(db: Path) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(db) as c:
        return c.execute("SELECT catalogue, who, n_reviews, parameters FROM narrative_calibrations ORDER BY id").fetchall()


def test_no_decisions_says_what_to_do(world):
    result = _cli(world, "narratives", "calibrate")
    assert result.exit_code == 1
    assert "no analysts' decisions on narratives" in result.output and "narratives confirm" in result.output
    assert _stored_rows(world) == []


def test_threshold_rises_when_analysts_reject_the_low_scores_and_analyze_uses_it(world):
    assert _cli(world, "analyze", "--json").exit_code == 0
    before = _assigned(world)
    ids = _doc_ids(world)
    assert len(before) >= 8, before  # the broad example lets patrol news in
    assert ids[ADDED] not in before
    ranked = sorted(before, key=before.get)
    rejected, confirmed = ranked[: len(ranked) // 2], ranked[len(ranked) // 2:]
    for d in rejected:
        assert _cli(world, "narratives", "reject", str(d), NARRATIVE, user="marko").exit_code == 0
    for d in confirmed:
        assert _cli(world, "narratives", "confirm", str(d), NARRATIVE).exit_code == 0
    # An analyst adds the label the classifier missed: a positive below the line.
    assert _cli(world, "narratives", "confirm", str(ids[ADDED]), NARRATIVE).exit_code == 0
    # Two decisions on the other narrative: too few to move it.
    for t in CYRILLIC:
        assert _cli(world, "narratives", "confirm", str(ids[t]), "eu-bans-cyrillic").exit_code == 0

    dry = _cli(world, "narratives", "calibrate", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert _stored_rows(world) == []  # --dry-run writes nothing
    assert _assigned(world) == before

    result = _cli(world, "narratives", "calibrate", "--json", user="lead")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    dry_report = json.loads(dry.stdout)
    assert {k: v for k, v in dry_report.items() if k not in ("stored", "calibration_ids")} == \
        {k: v for k, v in report.items() if k not in ("stored", "calibration_ids")}
    assert report["decisions"] == len(before) + 1 + len(CYRILLIC) and report["added_labels"] == 1
    rows = {r["narrative"]: r for r in report["narratives"]}
    t = rows[NARRATIVE]["threshold"]
    assert rows[NARRATIVE]["shipped"] == SHIPPED and rows[NARRATIVE]["decisions"] == len(before) + 1
    # Up, but not past the confirmed scores; and not further than the prior allows.
    assert max(before[d] for d in rejected) > t > SHIPPED
    assert t < min(before[d] for d in confirmed)
    assert rows["eu-bans-cyrillic"]["threshold"] is None and rows["eu-bans-cyrillic"]["shipped"] == SHIPPED
    # Before: every assignment against the decisions; after: cross-validated, better precision.
    b, a = report["before"], report["after"]
    assert b["true_positives"] == len(confirmed) + len(CYRILLIC) and b["false_positives"] == len(rejected)
    assert b["false_negatives"] == 1
    assert a["precision"] > b["precision"]
    stored = _stored_rows(world)
    assert len(stored) == 1 and stored[0][:3] == ("kfor", "lead", len(before) + 1 + len(CYRILLIC))
    params = json.loads(stored[0][3])
    assert params["documents"] == {NARRATIVE: pytest.approx(t, abs=1e-4)} and params["prior_reviews"] == PRIOR_REVIEWS

    # analyze again: the stage classifies every document with the stored threshold.
    assert _cli(world, "analyze", "--json").exit_code == 0
    after = _assigned(world)
    assert after == {d: s for d, s in before.items() if s >= params["documents"][NARRATIVE]}
    assert set(confirmed) <= set(after) and set(rejected) - set(after)
    # `narratives classify` reads it too: the lowest rejected text is no longer assigned.
    lowest = next(text for text, i in ids.items() if i == ranked[0])
    out = json.loads(_cli(world, "narratives", "classify", lowest, "--json").stdout)
    assert NARRATIVE not in [h["id"] for h in out["narratives"]]


def _claim_assigned(db: Path) -> dict[tuple[int, int], float]:
    from factwatch.store import open_store

    with open_store(str(db), access="read") as store:
        return {(a.document_id, a.claim_id): a.score for a in store.narrative_assignments(NARRATIVE)
                if a.claim_id is not None}


def test_claim_decisions_refit_the_claim_threshold_apart(world):
    """Runs after the test above: its document threshold is stored, claims still use the shipped one."""
    claims = _claim_assigned(world)
    assert len(claims) >= 8 and min(claims.values()) >= SHIPPED
    ranked = sorted(claims, key=claims.get)
    rejected, confirmed = ranked[: len(ranked) // 2], ranked[len(ranked) // 2:]
    for d, c in rejected:
        assert _cli(world, "narratives", "reject", str(d), NARRATIVE, "--claim", str(c)).exit_code == 0
    for d, c in confirmed:
        assert _cli(world, "narratives", "confirm", str(d), NARRATIVE, "--claim", str(c)).exit_code == 0
    result = _cli(world, "narratives", "calibrate", "--json")
    assert result.exit_code == 0, result.output
    rows = {(r["narrative"], r["level"]): r for r in json.loads(result.stdout)["narratives"]}
    t = rows[(NARRATIVE, "claims")]["threshold"]
    assert max(claims[k] for k in rejected) > t > SHIPPED and t < min(claims[k] for k in confirmed)
    assert rows[(NARRATIVE, "claims")]["decisions"] == len(claims)
    stored = _stored_rows(world)
    assert len(stored) == 2  # appended; the newest is in force
    exact = json.loads(stored[-1][3])["claims"][NARRATIVE]
    assert exact == pytest.approx(t, abs=1e-4)
    assert _cli(world, "analyze", "--json").exit_code == 0
    assert _claim_assigned(world) == {k: v for k, v in claims.items() if v >= exact}


def test_a_refit_that_fits_nothing_replaces_the_one_in_force(world):
    """Runs after the tests above: with --min-reviews over every count, the shipped thresholds return."""
    before = len(_stored_rows(world))
    result = _cli(world, "narratives", "calibrate", "--min-reviews", "100", "--json")
    assert result.exit_code == 0, result.output
    assert all(r["threshold"] is None for r in json.loads(result.stdout)["narratives"])
    stored = _stored_rows(world)
    assert len(stored) == before + 1 and json.loads(stored[-1][3])["documents"] == {}
    assert _cli(world, "analyze", "--json").exit_code == 0
    learned = json.loads(stored[-2][3])["documents"][NARRATIVE]
    assert min(_assigned(world).values()) < learned  # the rejected KFOR documents under it are back


def test_fit_threshold_shrinks_toward_the_shipped_one_and_is_bounded():
    s = np.array([0.91, 0.92, 0.95, 0.96])
    y = np.array([0, 0, 1, 1])
    floor = np.full(4, -np.inf)
    # Fewest errors at 0.935; 4 decisions against 5 pseudo-decisions at 0.905.
    assert fit_threshold(s, floor, y, 0.905, 0.05) == pytest.approx((4 * 0.935 + PRIOR_REVIEWS * 0.905) / 9)
    assert fit_threshold(s, floor, y, 0.905, 0.01) == pytest.approx(0.915)  # bounded
    # Decisions that agree with the shipped line leave it where it is.
    assert fit_threshold(s, floor, np.array([1, 1, 1, 1]), 0.905, 0.05) == pytest.approx(0.905)
    # Confirmed items below the line pull it down.
    assert fit_threshold(np.array([0.85, 0.87, 0.88, 0.80]), floor, np.array([1, 1, 1, 0]), 0.905, 0.05) < 0.905


def test_min_reviews_below_two_is_refused(world):
    result = _cli(world, "narratives", "calibrate", "--min-reviews", "1")
    assert result.exit_code == 1 and "--min-reviews must be at least 2" in result.output
