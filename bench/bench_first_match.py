"""The first /api/match of a fresh `factwatch serve` process, with and without the warm-up.

    .venv/bin/python bench/bench_first_match.py [--db DEMO.db] [--repeats 3]

Each run starts a real `factwatch serve` subprocess on a free port and times, from outside, the
first and the second /api/match (two different short claims). Modes: ``cold`` (FACTWATCH_WARMUP=0,
what every server did before the warm-up), ``warm`` (the first request sent after the warm-up's
log line) and ``during`` (warm-up on, the first request sent as soon as the port answers: it waits
for the loaders the warm-up holds). Without --db a demo database is built under bench/tmp (minutes).
The 1-minute load average is recorded beside each run: figures from a shared machine are not final.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, TMP, md_table, update_doc_section, write_results  # noqa: E402

FACTWATCH = Path(sys.executable).with_name("factwatch")
TEXTS = ("NATO je bombardovao Srbiju osiromašenim uranijumom 1999.", "Vakcine protiv korone sadrže mikročipove.")
WARMED = "factwatch: /match warmed up in"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def token(db: Path) -> str:
    sys.path.insert(0, str(REPO / "src"))
    from factwatch import accounts
    from factwatch.store import open_store

    with open_store(str(db)) as store:
        if store.get_user("bench-first-match") is None:
            accounts.add_user(store, "bench-first-match", "viewer", "bench-first-match-password")
        return accounts.create_token(store, "bench-first-match")


def one_run(db: Path, mode: str, bearer: str) -> dict[str, float | str | None]:
    port = free_port()
    err = TMP / f"first_match_{mode}.err"
    env = {**os.environ, "FACTWATCH_WARMUP": "0" if mode == "cold" else "1"}
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen([str(FACTWATCH), "--db", str(db), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=err.open("w"), env=env)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {bearer}"},
                          timeout=300, trust_env=False)
    try:
        while True:
            try:
                client.get("/login")
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.perf_counter() - started > 120:
                    raise SystemExit(f"serve did not start: {err.read_text()[-500:]}")
                time.sleep(0.05)
        answering = time.perf_counter() - started
        warmed = None
        if mode == "warm":
            while WARMED not in err.read_text():
                if proc.poll() is not None or time.perf_counter() - started > 300:
                    raise SystemExit(f"no warm-up line: {err.read_text()[-500:]}")
                time.sleep(0.05)
            warmed = time.perf_counter() - started
        times = []
        for text in TEXTS:
            t0 = time.perf_counter()
            r = client.get("/api/match", params={"text": text})
            times.append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise SystemExit(f"/api/match answered {r.status_code}: {r.text[:300]}")
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)
    return {"mode": mode, "load_1min": round(load, 2), "port_answers_s": round(answering, 3),
            "warmed_s": round(warmed, 3) if warmed else None, "first_match_s": round(times[0], 3),
            "second_match_s": round(times[1], 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-doc", action="store_true", help="do not rewrite the section of docs/benchmarks.md")
    args = ap.parse_args()
    TMP.mkdir(parents=True, exist_ok=True)
    db = args.db or TMP / "first_match_demo.db"
    if not db.exists():
        subprocess.run([str(FACTWATCH), "--db", str(db), "demo", "--no-serve"], check=True, stdout=subprocess.DEVNULL)
    bearer = token(db)
    runs = [one_run(db, mode, bearer) for _ in range(args.repeats) for mode in ("cold", "warm", "during")]
    for r in runs:
        print(r)
    summary = {}
    for mode in ("cold", "warm", "during"):
        mine = [r for r in runs if r["mode"] == mode]
        summary[mode] = {k: round(statistics.median(float(r[k]) for r in mine), 3)  # type: ignore[arg-type]
                         for k in ("first_match_s", "second_match_s", "load_1min")}
        if mode == "warm":
            summary[mode]["warmed_s"] = round(statistics.median(float(r["warmed_s"]) for r in mine), 3)  # type: ignore[arg-type]
    path = write_results("first_match", {"db": str(db), "runs": runs, "median": summary})
    print(path)
    if not args.no_doc:
        rows = [[m, s["first_match_s"], s["second_match_s"], s.get("warmed_s", "—"), s["load_1min"]]
                for m, s in summary.items()]
        update_doc_section("first_match", "\n".join([
            "### First /match of a fresh `factwatch serve` (bench/bench_first_match.py)",
            "",
            f"Demo database, {args.repeats} runs a mode, medians, seconds, measured from outside over HTTP. "
            "cold: FACTWATCH_WARMUP=0 (the old behaviour); warm: first request after the warm-up's log "
            "line; during: first request as soon as the port answers, while the warm-up runs. "
            "`warmed` is from process start to the warm-up line.",
            "",
            md_table(["mode", "first match", "second match", "warmed", "load (1 min)"], rows)]))


if __name__ == "__main__":
    main()
