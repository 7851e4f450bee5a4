"""bench/bench_coordination.py parses its arguments: --help prints usage and runs nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "bench_coordination.py"
RESULTS = ROOT / "bench" / "results" / "coordination.json"


def _stamp() -> tuple[int, int] | None:
    return (RESULTS.stat().st_mtime_ns, RESULTS.stat().st_size) if RESULTS.exists() else None


def test_help_prints_usage_and_leaves_the_results_alone():
    before = _stamp()
    # Before the parser, --help ran the whole benchmark (minutes) and overwrote the results file.
    run = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "usage:" in run.stdout and "coordination-network-toolkit" in run.stdout
    assert "--worker" not in run.stdout  # internal: one side in its own process
    assert _stamp() == before


def test_an_unknown_option_is_a_usage_error():
    run = subprocess.run([sys.executable, str(SCRIPT), "--fractions", "1"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert run.returncode == 2 and "unrecognized arguments" in run.stderr
