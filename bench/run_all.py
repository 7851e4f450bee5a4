"""Run every benchmark in turn (`make bench`); each writes bench/results/*.json and its section
of docs/benchmarks.md. They need ../shared/data and skip with a message without it.

The 1 GB streaming run of bench_ingest.py takes about half an hour on 2 cores, so it runs only
with --big: `python bench/run_all.py --big`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    runs = [
        ["bench_language.py"],
        ["bench_ingest.py", *(["--big", "1024"] if "--big" in sys.argv else [])],
        ["bench_checkworthy.py"],
        ["bench_paraphrase.py"],  # fits the ranker and decision on dev halves, reports test halves
        ["bench_matching.py"],
        ["bench_false_alarms.py"],
        ["bench_match_latency.py"],
        ["bench_dedup.py"],
        ["bench_stance.py"],
        ["bench_coordination.py"],
        ["bench_narratives.py"],
        ["bench_discovery.py"],
        ["bench_trends.py"],
        ["bench_claim_search.py"],
        ["bench_web_load.py"],  # builds the demo database into bench/tmp first (minutes)
    ]
    failed = []
    for script, *args in runs:
        print(f"== {script} {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
