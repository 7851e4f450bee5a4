"""`factwatch claims status|post` (issue 10): the claim workflow from the command line, stored by
the same service functions as the web forms and shown in the audit list with who and when.
Real subprocesses on a real SQLite file whose claims came from the claims stage."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLAIM = "Vlada Srbije je usvojila zakon kojim se zabranjuje izvoz litijuma do 2030. godine."


def run_cli(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    env.pop("FACTWATCH_DB", None)
    env.pop("FACTWATCH_USER", None)
    if user is not None:
        env["FACTWATCH_USER"] = user
    return subprocess.run([sys.executable, "-m", "factwatch.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, int]:
    """A database holding one extracted claim; returns its path and the claim's id."""
    from factwatch.analysis.claims import extract_claims
    from factwatch.models import NewDocument
    from factwatch.store import open_store
    from factwatch.text.script import latin_key

    path = tmp_path / "f.db"
    with open_store(str(path)) as store:
        run_id = store.start_run("ingest", "tests/test_cli_workflow.py")
        store.insert_documents([NewDocument(
            platform="web", source="n1-example", text=CLAIM, language="sr", script="Latn",
            latin_key=latin_key(CLAIM, "sr"), content_hash=hashlib.sha256(CLAIM.encode()).hexdigest(),
            position="1", title="Litijum", published_at="2026-10-01T08:00:00Z", url="https://example.org/1")],
            run_id=run_id)
        store.finish_run(run_id, status="done", inserted=1, duplicates=0, rejected=0)
        assert extract_claims(store, threshold=0.0).claims == 1
        claim_id = store.list_claim_rows(limit=1)[0].id
    return path, claim_id


def state(db: Path, claim_id: int):
    from factwatch.store import open_store

    with open_store(str(db), access="read") as store:
        return store.claim_state(claim_id)


def audit(db: Path) -> list:
    from factwatch.store import open_store

    with open_store(str(db), access="read") as store:
        return store.audit_entries(limit=20)[0]


def test_status_and_assignee_with_who_from_as_or_the_environment(db):
    path, claim = db
    got = json.loads(ok(run_cli("--db", str(path), "claims", "status", str(claim), "in-review",
                                "--assignee", "marko", "--as", "ana", "--json")).stdout)
    assert got["status"] == "in_review" and got["assignee"] == "marko" and got["changed_by"] == "ana"
    assert got["changed_at"]
    # Without --assignee the person on it stays; without --as the acting user is $FACTWATCH_USER.
    text = ok(run_cli("--db", str(path), "claims", "status", str(claim), "new", user="vera")).stdout
    assert f"claim {claim}: new, assigned to marko (by vera at" in text
    s = state(path, claim)
    assert (s.status, s.assignee, s.changed_by) == ("new", "marko", "vera")
    # An empty --assignee clears it.
    ok(run_cli("--db", str(path), "claims", "status", str(claim), "in-review", "--assignee", "", "--as", "ana"))
    assert state(path, claim).assignee is None
    entries = audit(path)
    assert [e.who for e in entries[:3]] == ["ana", "vera", "ana"]


def test_post_records_where_and_marks_the_claim_responded(db):
    path, claim = db
    ok(run_cli("--db", str(path), "claims", "status", str(claim), "in-review", "--assignee", "marko", "--as", "ana"))
    got = json.loads(ok(run_cli("--db", str(path), "claims", "post", str(claim), "https://x.com/team/status/1",
                                "--at", "2026-10-02T09:30", "--as", "marko", "--note", "thread", "--json")).stdout)
    assert got["url"] == "https://x.com/team/status/1" and got["posted_by"] == "marko"
    assert got["posted_at"] == "2026-10-02T09:30:00Z" and got["note"] == "thread" and got["status"] == "responded"
    s = state(path, claim)
    assert (s.status, s.assignee) == ("responded", "marko")  # the assignee is kept
    from factwatch.store import open_store

    with open_store(str(path), access="read") as store:
        assert [p.url for p in store.reply_posts(claim)] == ["https://x.com/team/status/1"]
    text = ok(run_cli("--db", str(path), "claims", "post", str(claim), "https://t.me/team/7", user="vera")).stdout
    assert f"claim {claim}: reply at https://t.me/team/7 posted" in text and "by vera; status responded" in text


@pytest.mark.parametrize("args, message", [
    (["status", "{claim}", "done"], "new, in-review, responded"),
    (["status", "999999", "new"], "No claim 999999; /claims or `factwatch claims list` lists them."),
    (["status", "{claim}", "new", "--as", " "], "--as is a user name"),
    (["post", "{claim}", "javascript:alert(1)"], "http(s) URL"),
    (["post", "{claim}", "https://x.com/1", "--at", "yesterday"], "is not a date"),
    (["post", "999999", "https://x.com/1"], "No claim 999999; /claims or `factwatch claims list` lists them."),
])
def test_bad_input_is_an_error_that_says_what_to_do(db, args, message):
    path, claim = db
    r = run_cli("--db", str(path), "claims", *[a.format(claim=claim) for a in args], user="ana")
    assert r.returncode == 1 and r.stdout == "" and message in r.stderr
    assert audit(path) == []  # nothing was stored
