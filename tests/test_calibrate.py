"""`factwatch calibrate`: refit the addressed decision on analysts' decisions (issue 6 item 5).

Real subprocesses on a real SQLite database built through the CLI (facts import, ingest,
analyze); decisions recorded with `factwatch review confirm|reject`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FACT_FILES = [REPO / "tests" / "data" / "facts" / name for name in (
    "facts_profile.yaml", "facts_sample.csv", "claimreview_sample.json", "extra_claimreview.json",
    "claimreview_array.json")]
# Rewordings and translations of fact-checked claims, near-topic sentences and unrelated news.
POSTS = [
    "Влада Косова је забранила Српску православну цркву, тврди портал.",
    "Kosovo authorities have officially banned the Serbian Orthodox Church from operating.",
    "Vlada u Prištini zabranila je rad Srpske pravoslavne crkve na Kosovu.",
    "The Kosovo government has restricted some church property registrations.",
    "Ukraine sells the weapons it got from the West to criminal gangs in the Balkans.",
    "Оружје које је Запад дао Украјини продаје се криминалним групама на Балкану.",
    "Western arms sent to Kyiv end up with Balkan criminal groups, claims the portal.",
    "The Constitutional Court of Bosnia and Herzegovina has abolished Republika Srpska.",
    "Ustavni sud BiH ukinuo je Republiku Srpsku, tvrde mediji.",
    "The Constitutional Court of Bosnia and Herzegovina annulled a law passed by Republika Srpska.",
    "The EU will abolish visa-free travel for Serbian citizens next month.",
    "Evropska unija ukida bezvizni režim za građane Srbije od sledećeg meseca.",
    "Montenegro's law on religious freedom confiscates all Serbian Orthodox churches.",
    "Zakon o slobodi vjeroispovijesti u Crnoj Gori oduzima sve crkve Srpske pravoslavne crkve.",
    "Depleted uranium from the 1999 NATO bombing caused a cancer epidemic in Serbia.",
    "Osiromašeni uranijum iz NATO bombardovanja 1999. izazvao je epidemiju raka u Srbiji.",
    "KFOR soldiers opened fire on Serb civilians in North Mitrovica.",
    "Vojnici KFOR-a otvorili su vatru na srpske civile u Severnoj Mitrovici.",
    "KFOR increased patrols in North Mitrovica after the protests on Monday.",
    "NATO bombing in 1999 damaged bridges in Novi Sad, the city reported.",
    "Skupština grada Beograda usvojila je plan nove tramvajske linije do Zemuna.",
    "The government of Serbia raised pensions by 14 percent in January 2024.",
    "Inflacija u Srbiji pala je na 4,5 odsto u aprilu, saopštila je Narodna banka.",
    "Cena struje u Crnoj Gori biće povećana za 10 odsto od jula.",
    "Kosovo police arrested three people in Zvečan after a border incident on Friday.",
    "Vlada Srbije usvojila je novi zakon o medijima 2023. godine.",
    "Albania will host a new EU summit on the Western Balkans in October 2023.",
]
# The analysts of these tests say the line is too strict: every best candidate the shipped
# decision gives at least this probability is confirmed, the rest rejected.
CONFIRM_FROM = 0.3


def run_cli(*args: str, user: str | None = "ana") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    env.pop("FACTWATCH_DB", None)
    env.pop("FACTWATCH_USER", None)
    if user is not None:
        env["FACTWATCH_USER"] = user
    return subprocess.run([sys.executable, "-m", "factwatch.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def best_matches(db: Path) -> dict[int, tuple[float, bool]]:
    """claim id -> (probability, addressed) of its best candidate, as the match stage wrote them."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT claim_id, probability, addressed FROM claim_matches WHERE rank = 1").fetchall()
    return {c: (p, bool(a)) for c, p, a in rows}


def calibration_rows(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT COUNT(*) FROM calibrations").fetchone()[0]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("calibrate")
    db = tmp / "f.db"
    for path in FACT_FILES:
        ok(run_cli("--db", str(db), "facts", "import", str(path), "--json"))
    posts = tmp / "posts.jsonl"
    posts.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                             for i, t in enumerate(POSTS)), encoding="utf-8")
    ok(run_cli("--db", str(db), "ingest", str(posts), "--json"))
    ok(run_cli("--db", str(db), "analyze", "--json"))
    return db


@pytest.fixture(scope="module")
def reviewed(analysed: Path, tmp_path_factory) -> Path:
    """The analysed database with a decision on every claim's best candidate, and rejections of
    the second candidate of three addressed claims (no evidence snapshot: re-ranked by calibrate)."""
    db = copy_of(analysed, tmp_path_factory.mktemp("reviewed"))
    best = best_matches(db)
    assert len(best) >= 20
    for claim_id, (p, _) in sorted(best.items()):
        ok(run_cli("--db", str(db), "review", "confirm" if p >= CONFIRM_FROM else "reject", str(claim_id)))
    for claim_id in sorted(c for c, (p, _) in best.items() if p > 0.9)[:3]:
        ok(run_cli("--db", str(db), "review", "reject", f"{claim_id}.2"))
    return db


def copy_of(db: Path, tmp_path: Path) -> Path:
    """A copy through SQLite's backup API: it includes what is still in the write-ahead log."""
    copy = tmp_path / "f.db"
    with closing(sqlite3.connect(db)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    return copy


def test_refuses_with_too_few_decisions_or_one_class(analysed, tmp_path):
    db = copy_of(analysed, tmp_path)
    best = best_matches(db)
    confident = sorted(c for c, (p, _) in best.items() if p > 0.9)[:3]
    for claim_id in confident:
        ok(run_cli("--db", str(db), "review", "confirm", str(claim_id)))
    few = run_cli("--db", str(db), "calibrate")
    assert few.returncode == 1 and "3 analyst decision(s)" in few.stderr and "at least 20" in few.stderr
    one_class = run_cli("--db", str(db), "calibrate", "--min-reviews", "3")
    assert one_class.returncode == 1 and "All 3 decisions are confirmed" in one_class.stderr
    assert calibration_rows(db) == 0


def test_calibrate_stores_and_analyze_redecides(reviewed, tmp_path):
    db = copy_of(reviewed, tmp_path)
    before = best_matches(db)
    # Confirmed by the analysts yet below the shipped line: the refit should move the line to them.
    doubted = {c for c, (p, addressed) in before.items() if p >= CONFIRM_FROM and not addressed}
    assert doubted, "the test data needs claims the shipped decision leaves just under its line"

    report = json.loads(ok(run_cli("--db", str(db), "calibrate", "--json")).stdout)
    assert report["reviews"] == len(before) + 3 and report["skipped"] == 0
    assert report["stored"] is True and report["calibration_id"] == 1 and calibration_rows(db) == 1
    for side in ("before", "after"):
        m = report[side]
        assert set(m) >= {"log_loss", "brier", "accuracy", "precision", "recall", "ece", "reliability"}
        assert sum(b["n"] for b in m["reliability"]) == report["reviews"]
        assert 0 <= m["brier"] <= 1 and 0 <= m["ece"] <= 1
    # The shipped decision leaves confirmed claims under its line: its recall is below 1.
    assert report["before"]["recall"] < 1.0
    assert report["after"]["recall"] > report["before"]["recall"]

    ok(run_cli("--db", str(db), "analyze", "--json"))  # the match cursor sees the new calibration
    after = best_matches(db)
    flipped = {c for c in doubted if after[c][1]}
    assert flipped, f"no confirmed claim crossed the line: {[(c, before[c], after[c]) for c in doubted]}"
    # Claims the analysts rejected stay unaddressed.
    assert not any(after[c][1] for c, (p, _) in before.items() if p < CONFIRM_FROM)
    # `match` decides with the stored calibration too, so it agrees with the stage.
    with closing(sqlite3.connect(db)) as conn:
        text = conn.execute("SELECT text FROM claims WHERE id = ?", (min(flipped),)).fetchone()[0]
    matched = json.loads(ok(run_cli("--db", str(db), "match", text, "--json")).stdout)
    assert matched["addressed"] is True
    assert matched["probability"] == pytest.approx(after[min(flipped)][0], abs=1e-3)
    # A second analyze changes nothing: the cursor already names calibration 1.
    second = json.loads(ok(run_cli("--db", str(db), "analyze", "--json")).stdout)
    assert second["stages"]["match"]["rows_changed"] == 0 and second["stages"]["match"]["claims"] == 0


def test_decisions_against_the_model_cannot_wreck_it(analysed, tmp_path):
    """The shipped weights are a prior: 28 decisions saying the opposite of the shipped decision
    (rewordings rejected, unrelated news confirmed) make it doubt, never make news 'addressed'."""
    db = copy_of(analysed, tmp_path)
    before = best_matches(db)
    for claim_id, (p, _) in sorted(before.items()):
        ok(run_cli("--db", str(db), "review", "reject" if p >= CONFIRM_FROM else "confirm", str(claim_id)))
    report = json.loads(ok(run_cli("--db", str(db), "calibrate", "--json")).stdout)
    assert report["before"]["accuracy"] < 0.2 and report["stored"] is True
    ok(run_cli("--db", str(db), "analyze", "--json"))
    after = best_matches(db)
    news = [c for c, (p, _) in before.items() if p < 0.05]
    assert len(news) >= 8 and not any(after[c][1] for c in news)
    # It doubts rather than inverts: the probabilities move to the middle on both sides.
    assert all(0.1 < after[c][0] < 0.9 for c in before)


def test_dry_run_stores_nothing_and_prints_a_table(reviewed, tmp_path):
    db = copy_of(reviewed, tmp_path)
    human = ok(run_cli("--db", str(db), "calibrate", "--dry-run"))
    assert "log-loss" in human.stdout and "before (shipped)" in human.stdout and "dry run" in human.stdout
    report = json.loads(ok(run_cli("--db", str(db), "calibrate", "--dry-run", "--json")).stdout)
    assert report["stored"] is False and report["calibration_id"] is None
    assert calibration_rows(db) == 0
    second = json.loads(ok(run_cli("--db", str(db), "analyze", "--json")).stdout)
    assert second["stages"]["match"]["rows_changed"] == 0


def test_the_numbers_follow_the_labels(reviewed, tmp_path):
    db = copy_of(reviewed, tmp_path)
    first = json.loads(ok(run_cli("--db", str(db), "calibrate", "--dry-run", "--json")).stdout)
    # Reverse three confident confirmations: a later decision supersedes the earlier one.
    best = best_matches(db)
    for claim_id in sorted(c for c, (p, _) in best.items() if p > 0.9)[-3:]:
        ok(run_cli("--db", str(db), "review", "reject", str(claim_id)))
    second = json.loads(ok(run_cli("--db", str(db), "calibrate", "--dry-run", "--json")).stdout)
    assert second["reviews"] == first["reviews"]
    # The shipped decision's probabilities did not change, the labels did: so did its scores.
    assert second["before"]["log_loss"] > first["before"]["log_loss"]
    assert second["before"]["precision"] < first["before"]["precision"]
    assert second["after"] != first["after"]


def test_a_read_only_database_older_than_the_calibrations_table_reads_as_none(analysed, tmp_path):
    """`match` opens read-only and cannot migrate an unwritable database: no table is no calibration."""
    from factwatch.analysis.matching import calibration, store_calibration
    from factwatch.store.sqlite import SQLiteStore

    db = copy_of(analysed, tmp_path)
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TABLE calibrations")
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'calibrations'").fetchone()[0] == 0
    store = SQLiteStore(str(db), read_only=True)
    try:
        assert store.latest_calibration() is None and store.count_calibrations() == 0
        assert store_calibration(store) == (calibration(), None)
    finally:
        store.close()
