"""`factwatch review list|confirm|reject`: analyst decisions on candidate matches, with who and
when (issue 6 item 5). Real subprocesses on a real, analysed SQLite database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "tests" / "data" / "facts" / "facts_profile.yaml"
CYRILLIC_CLAIM = "Влада Косова је забранила Српску православну цркву, тврди портал."
UNRELATED = "Skupština grada Beograda usvojila je plan nove tramvajske linije do Zemuna."


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


@pytest.fixture(scope="module")
def analysed_template(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("review")
    db = tmp / "f.db"
    ok(run_cli("--db", str(db), "facts", "import", str(FACTS), "--json"))
    posts = tmp / "posts.jsonl"
    posts.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                             for i, t in enumerate([CYRILLIC_CLAIM, UNRELATED])), encoding="utf-8")
    ok(run_cli("--db", str(db), "ingest", str(posts), "--json"))
    ok(run_cli("--db", str(db), "analyze", "--json"))
    return db


@pytest.fixture
def db(analysed_template: Path, tmp_path: Path) -> Path:
    """A copy of the analysed database per test (decisions are appended, so tests must not share)."""
    copy = tmp_path / "f.db"
    copy.write_bytes(analysed_template.read_bytes())
    return copy


def pending(db: Path) -> list[dict]:
    return json.loads(ok(run_cli("--db", str(db), "review", "list", "--json")).stdout)["candidates"]


def test_the_addressed_claim_is_a_pending_candidate(db):
    (candidate,) = pending(db)
    assert candidate["claim_text"] == CYRILLIC_CLAIM and candidate["decision"] is None
    assert candidate["match_id"] == f"{candidate['claim_id']}.1" and candidate["target"] == "fact_check"
    human = ok(run_cli("--db", str(db), "review", "list")).stdout
    assert candidate["match_id"] in human and "pending" in human


def test_confirm_stores_who_when_and_what_was_seen(db):
    (candidate,) = pending(db)
    review = json.loads(ok(run_cli("--db", str(db), "review", "confirm", candidate["match_id"],
                                   "--note", "same claim, Cyrillic", "--json")).stdout)
    assert (review["decision"], review["reviewer"], review["note"]) == ("confirmed", "ana", "same claim, Cyrillic")
    assert review["decided_at"].startswith("20") and review["claim_text"] == CYRILLIC_CLAIM
    assert review["probability"] == pytest.approx(candidate["probability"], abs=1e-6)
    assert review["target_id"] == candidate["target_id"] and review["rank"] == 1
    assert pending(db) == []
    confirmed = json.loads(ok(run_cli("--db", str(db), "review", "list", "--status", "confirmed", "--json")).stdout)
    assert [c["decision"] for c in confirmed["candidates"]] == ["confirmed"]


def test_a_later_decision_supersedes_and_the_history_stays(db):
    (candidate,) = pending(db)
    ok(run_cli("--db", str(db), "review", "confirm", str(candidate["claim_id"])))  # bare claim id: rank 1
    human = ok(run_cli("--db", str(db), "review", "reject", candidate["match_id"], "--note", "other event",
                       user="marko")).stdout
    assert human.startswith("rejected: claim") and "by marko" in human
    decided = json.loads(ok(run_cli("--db", str(db), "review", "list", "--status", "all", "--json")).stdout)
    assert [(c["decision"], c["reviewer"], c["note"]) for c in decided["candidates"]] == [("rejected", "marko", "other event")]
    from factwatch.store import open_store

    with open_store(str(db), access="read") as store:
        history = store.list_reviews(latest_only=False)
        latest = store.list_reviews()
    assert [(r.decision, r.reviewer) for r in history] == [("confirmed", "ana"), ("rejected", "marko")]
    assert [(r.decision, r.reviewer) for r in latest] == [("rejected", "marko")]


def test_decisions_survive_a_new_analyze_run(db):
    (candidate,) = pending(db)
    ok(run_cli("--db", str(db), "review", "confirm", candidate["match_id"]))
    ok(run_cli("--db", str(db), "analyze", "--json"))
    assert pending(db) == []


def test_reviewer_defaults_to_the_os_user(db):
    (candidate,) = pending(db)
    review = json.loads(ok(run_cli("--db", str(db), "review", "confirm", candidate["match_id"], "--json",
                                   user=None)).stdout)
    import getpass

    assert review["reviewer"] == getpass.getuser()


def test_every_candidate_of_one_claim(db):
    (candidate,) = pending(db)
    rows = json.loads(ok(run_cli("--db", str(db), "review", "list", "--claim", str(candidate["claim_id"]),
                                 "--json")).stdout)["candidates"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 2
    second = rows[1]["match_id"]
    ok(run_cli("--db", str(db), "review", "reject", second))
    assert [c["match_id"] for c in pending(db)] == [candidate["match_id"]]  # rank 1 still pending


@pytest.mark.parametrize("match_id,message", [("abc", "A match id is CLAIM_ID.RANK"), ("99999.1", "No match 99999.1"),
                                              ("1.x", "A match id is CLAIM_ID.RANK")])
def test_bad_match_ids_are_explained(db, match_id, message):
    result = run_cli("--db", str(db), "review", "confirm", match_id)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_review_list_status_is_checked(db):
    result = run_cli("--db", str(db), "review", "list", "--status", "maybe")
    assert result.returncode == 1 and "--status is one of" in result.stderr


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_review_list_of_a_missing_claim_is_an_error_naming_claims_list(db, fmt):
    # Before: an empty table (or {"candidates": []}) and exit 0, as if the claim had nothing to review.
    result = run_cli("--db", str(db), "review", "list", "--claim", "99999", *fmt)
    assert result.returncode == 1 and result.stdout == "", (result.stdout, result.stderr)
    assert result.stderr.startswith("error: Claim 99999 does not exist.") and "`factwatch claims list`" in result.stderr
