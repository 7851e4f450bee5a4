"""Latency of the dashboard's campaigns and briefing pages on a given store.

    PYTHONPATH=src .venv/bin/python bench/bench_web_campaigns.py --db PATH [--repeat 5]

The store is copied into a temporary folder first (an API token is written into the copy, never
into PATH). Each path is asked through the real app (FastAPI TestClient, one process): the first
answer apart (cold: the store's caches and the read cache empty), then the median of ``--repeat``
more; ``/api/campaigns`` is in the read cache (web/_cache.py), so its repeats are cache hits, which
the X-Cache column shows. Prints one JSON object with the load average beside the figures: on a
shared machine they are not final.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

PATHS = ("/api/campaigns", "/campaigns", "/report", "/report.md", "/report.html", "/api/campaigns?since=2026-11-01")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a factwatch database (read; a copy is used)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from fastapi.testclient import TestClient

    from _live import bearer
    from factwatch.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        src = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        dst = sqlite3.connect(db)
        src.backup(dst)
        src.close()
        dst.close()
        rows = {}
        with TestClient(create_app(str(db)), base_url="http://127.0.0.1", headers=bearer(db, "analyst", name="bench")) as c:
            for path in PATHS:
                start = time.perf_counter()
                first = c.get(path)
                cold = time.perf_counter() - start
                warm = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    answer = c.get(path)
                    warm.append(time.perf_counter() - start)
                rows[path] = {"status": first.status_code, "bytes": len(first.content), "cold_s": round(cold, 3),
                              "median_s": round(statistics.median(warm), 3), "x_cache": answer.headers.get("x-cache")}
            total = c.get("/api/campaigns", params={"limit": 1}).json()["total"]
    print(json.dumps({"db": args.db, "campaigns": total, "load_average": os.getloadavg(), "paths": rows}, indent=1))


if __name__ == "__main__":
    main()
