"""SIGKILL mid-ingest, then rerun: nothing lost, nothing duplicated (a real subprocess is killed)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factwatch.store import open_store

N = 12_000


def _write_posts(path: Path) -> None:
    words = ["Vlada", "Kosovo", "NATO", "izbori", "Beograd", "struja", "cene", "Priština", "EU", "protest"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(N):
            text = f"Objava {i}: " + " ".join(words[(i * 7 + j) % len(words)] for j in range(12))
            f.write(json.dumps({"id": f"p{i}", "text": text, "author": f"user{i % 97}",
                                "date": f"2026-10-{i % 28 + 1:02d}T10:{i % 60:02d}:00Z"}) + "\n")


def _ingest_cmd(db: Path, data: Path) -> list[str]:
    return [sys.executable, "-m", "factwatch.cli", "--db", str(db), "ingest", str(data), "--format", "jsonl", "--json"]


@pytest.mark.slow
def test_kill_mid_ingest_then_rerun_loses_and_duplicates_nothing(tmp_path):
    data, db = tmp_path / "posts.jsonl", tmp_path / "kill.db"
    _write_posts(data)
    with open_store(str(db)):
        pass  # migrate up front so the child starts inserting at once
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(_ingest_cmd(db, data), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        with open_store(str(db)) as s:
            seen = s.stats()["documents"]
        if seen >= 1000:
            break
        time.sleep(0.05)
    assert child.poll() is None, "ingest finished before it could be killed; raise N"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    with open_store(str(db)) as s:
        after_kill = s.stats()["documents"]
    assert 0 < after_kill < N

    rerun = subprocess.run(_ingest_cmd(db, data), env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    stats = json.loads(rerun.stdout)
    assert stats["inserted"] == N - after_kill
    assert stats["duplicates"] == after_kill
    assert stats["rejected"] == 0
    with open_store(str(db)) as s:
        assert s.stats()["documents"] == N
        # every external id exactly once
        ids = {d.external_id for d in s.documents_after(0, limit=N + 10)}
        assert len(ids) == N

    again = subprocess.run(_ingest_cmd(db, data), env=env, capture_output=True, text=True, timeout=300)
    assert json.loads(again.stdout)["inserted"] == 0
