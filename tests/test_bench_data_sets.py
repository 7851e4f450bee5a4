"""The issue-6 evaluation sets (bench/data/paraphrases.jsonl, near_topic_negatives.jsonl) stay valid.

Runs bench/data/check_sets.py as a real subprocess on the committed files, and on broken copies
(passed with --paraphrases/--negatives) to show that each rule can fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "data" / "check_sets.py"


def run_check(shared: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"FACTWATCH_SHARED_DATA": str(shared), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120)


def test_committed_sets_pass(shared_data: Path) -> None:
    out = run_check(shared_data)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.rstrip().endswith("ok")
    assert "rewordings of 48 claims" in out.stdout


@pytest.mark.parametrize("break_it, message", [
    (lambda p, n: p[3].update(split="test" if p[3]["split"] == "dev" else "dev"), "group split differs"),
    (lambda p, n: p[10].update(gold={"source": "euvsdisinfo", "title": "no such title"}), "no case titled"),
    (lambda p, n: p[20].update(text=p[21]["text"]), "duplicate text"),
    (lambda p, n: p[30].update(text="KFOR se sprema da napadne Srbe na severu Kosova"), "stored wording"),
    (lambda p, n: n[5].update(split="test" if n[5]["split"] == "dev" else "dev"), "near group"),
    (lambda p, n: n[6].update(script="Latn" if n[6]["script"] == "Cyrl" else "Cyrl"), "script"),
    (lambda p, n: n[7].update(kind="rumour"), "kind 'rumour'"),
])
def test_each_rule_can_fail(shared_data: Path, tmp_path: Path, break_it, message: str) -> None:
    data = REPO / "bench" / "data"
    para = [json.loads(line) for line in (data / "paraphrases.jsonl").open(encoding="utf-8")]
    neg = [json.loads(line) for line in (data / "near_topic_negatives.jsonl").open(encoding="utf-8")]
    break_it(para, neg)
    for name, rows in (("paraphrases.jsonl", para), ("near_topic_negatives.jsonl", neg)):
        (tmp_path / name).write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in rows), encoding="utf-8")
    out = run_check(shared_data, "--paraphrases", str(tmp_path / "paraphrases.jsonl"),
                    "--negatives", str(tmp_path / "near_topic_negatives.jsonl"))
    assert out.returncode == 1, out.stdout + out.stderr
    assert message in out.stdout
