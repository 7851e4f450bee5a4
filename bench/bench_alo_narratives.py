"""Alo analyze with the profile's narrative catalogue loaded (issue 9: the narratives stage's cost).

    PYTHONPATH=src .venv/bin/python bench/bench_alo_narratives.py

bench_false_alarms.py loads the facts only, so its narratives stage has nothing to classify. Here
the same Alo.rs articles and facts go into a fresh store (bench/tmp/alo_narratives.db) with
profiles/western-balkans/narratives.yaml imported as `factwatch narratives import` does, and the
real ``run_pipeline`` runs; each stage's wall and CPU seconds and the load as it began are written to
bench/results/alo_narratives.json, with how many sentences the narratives stage embedded.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, TMP, require_shared, write_results  # noqa: E402
from bench_false_alarms import ARTICLES, build, idle_estimate  # noqa: E402

CATALOGUE = REPO / "profiles" / "western-balkans" / "narratives.yaml"
DB = TMP / "alo_narratives.db"


def main() -> None:
    require_shared()
    if not ARTICLES.exists():
        sys.exit(f"needs {ARTICLES}")
    _store, timing = build(DB, False, catalogue=CATALOGUE)
    con = sqlite3.connect(DB)
    counts = {
        "documents": con.execute("SELECT count(*) FROM documents").fetchone()[0],
        "claims": con.execute("SELECT count(*) FROM claims").fetchone()[0],
        "query_vectors_cached": con.execute("SELECT count(*) FROM embedding_cache WHERE kind='query'").fetchone()[0],
        "narrative_assignments": con.execute("SELECT count(*) FROM narrative_assignments").fetchone()[0],
        "documents_with_narrative": con.execute(
            "SELECT count(DISTINCT document_id) FROM narrative_assignments WHERE claim_id IS NULL").fetchone()[0],
    }
    con.close()
    idle = idle_estimate(timing["stages"])
    result = {"catalogue": str(CATALOGUE.relative_to(REPO)), "articles": ARTICLES.name, "counts": counts,
              "timing": timing, "idle_2_core_estimate_s": idle[1] if idle else None}
    write_results("alo_narratives", result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
