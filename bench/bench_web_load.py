"""Web load: 50 concurrent clients on the main read endpoints for 60 s, factwatch beside Datasette.

    PYTHONPATH=src .venv/bin/python bench/bench_web_load.py [--docs 100000] [--clients 50] [--seconds 60]
        [--demo-db PATH] [--only factwatch|datasette] [--workers N] [--client-procs N] [--reuse-db] [--doc-only]
    [--no-save]

The database is the demo's (``factwatch demo --no-serve``, built into bench/tmp when --demo-db is
not given) plus ``--docs`` generated documents (bench/_web_corpus.py). Each server runs as a real
subprocess on 127.0.0.1 over that same SQLite file: ``factwatch serve`` (with a viewer's API token,
the way a script reads the API) and then ``datasette serve`` (``pip install -e '.[bench]'``), each
asked the equivalent question: a page of newest documents, filtered by language, a full-text
search, one document by id, a page of claims, of sources, of story clusters, and the counts;
and factwatch's overview (every chart of the landing page) against Datasette running that page's
main query (documents a day by language over 30 days) as SQL.
Clients are asyncio tasks on keep-alive connections, split over ``--client-procs`` processes
(bench/_http_load.py: raw HTTP/1.1, a tenth of httpx's CPU); each sends its next request when the
last one is answered (closed loop), so the latency includes queueing at the server. The clients'
own CPU share and event-loop lag are recorded beside the figures, and so is the share of answers
factwatch served from its read cache (web/_cache.py, its X-Cache header).
Errors are non-200 answers and failed connections. ``--workers N`` serves factwatch with
``serve --workers N`` (recorded as "factwatch, N workers"); a run keeps the saved figures of the
servers it did not run, so one-process, N-process and Datasette figures stand side by side, each
with its own date and load average. Results: bench/results/web_load.json and the ``web_load``
section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _http_load import run_load  # noqa: E402
from _common import RESULTS, TMP, machine, md_table, update_doc_section, write_results  # noqa: E402
from _web_corpus import generate_documents  # noqa: E402

from factwatch.store import open_store  # noqa: E402

BIN = Path(sys.executable).parent
# Common and rarer words in both scripts, so a read cache meets varied questions, not one answer.
SEARCH_TERMS = ("NATO", "vize", "Kosovo", "Vučić", "НАТО", "Србија", "izbori", "Rusija", "Brisel", "energija",
                "protest", "migranti", "EU", "Kina", "sankcije", "Beograd", "Priština", "Sarajevo")
GOAL_P95_MS = 100.0
OVERVIEW_SQL = quote("select substr(published_at, 1, 10) as day, language, count(*) as n from documents "
                     "where published_at >= (select date(max(published_at), '-29 days') from documents) "
                     "group by day, language order by day")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database(demo_db: Path | None, docs: int) -> tuple[Path, dict[str, Any]]:
    """bench/tmp/web_load.db: the demo database (copied with SQLite's backup) plus ``docs`` generated ones."""
    TMP.mkdir(parents=True, exist_ok=True)
    if demo_db is None:
        demo_db = TMP / "web_demo.db"
        if not demo_db.exists():
            print(f"building the demo database {demo_db} (minutes: it runs the whole analysis)", flush=True)
            subprocess.run([str(BIN / "factwatch"), "--db", str(demo_db), "demo", "--no-serve", "--json"],
                           check=True, stdout=subprocess.DEVNULL)
    target = TMP / "web_load.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    with open_store(str(target)) as store:  # migrates the copy if the code is newer than the demo
        demo_docs = store.count_documents()
        t0 = time.perf_counter()
        inserted = generate_documents(store, str(demo_db), docs)
        seconds = time.perf_counter() - t0
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")  # as `factwatch analyze` leaves it: the planner's statistics
    conn.close()
    return target, {"demo_documents": demo_docs, "generated_documents": inserted,
                    "generate_seconds": round(seconds, 1), "database_mb": round(target.stat().st_size / 2**20, 1)}


def viewer_token(db: Path) -> str | None:
    """A viewer account and its API token, made with the CLI; None where accounts do not exist yet."""
    env = {**os.environ, "FACTWATCH_DB": str(db)}
    add = subprocess.run([str(BIN / "factwatch"), "users", "add", "bench", "--role", "viewer"],
                         input="bench-password-123\n", capture_output=True, text=True, env=env)
    if add.returncode != 0 and "exist" not in (add.stderr + add.stdout):
        print(f"no accounts ({add.stderr.strip()[:200]}); the API is read without a token", flush=True)
        return None
    made = subprocess.run([str(BIN / "factwatch"), "tokens", "create", "bench"], capture_output=True, text=True,
                          env=env, check=True)
    return made.stdout.strip().split()[-1]


def sample_ids(db: Path) -> dict[str, list[Any]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        docs = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY random() LIMIT 2000")]
        languages = [r[0] for r in conn.execute(
            "SELECT language FROM documents GROUP BY language ORDER BY COUNT(*) DESC LIMIT 4")]
        sources = [r[0] for r in conn.execute("SELECT DISTINCT source FROM documents ORDER BY source LIMIT 40")]
        # Pages of claims and clusters: (offset, the key Datasette pages on after that many rows).
        pages = {table: [(k * 50, 0 if k == 0 else conn.execute(
            f"SELECT id FROM {table} ORDER BY id LIMIT 1 OFFSET ?", (k * 50 - 1,)).fetchone()[0])
            for k in range(max(1, -(-conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] // 50)))]
            for table in ("claims", "clusters")}
    finally:
        conn.close()
    return {"docs": docs, "languages": languages, "sources": sources, **{f"{t}_pages": p for t, p in pages.items()}}


def factwatch_requests(ids: dict[str, list[Any]]) -> dict[str, Any]:
    """Endpoint name -> a function of an RNG giving the path; the same names as datasette_requests."""
    return {
        "documents": lambda r: "/api/documents",
        "documents by language": lambda r: f"/api/documents?language={r.choice(ids['languages'])}",
        "documents by source": lambda r: f"/api/documents?source={quote(r.choice(ids['sources']))}",
        "search": lambda r: f"/api/documents?q={quote(r.choice(SEARCH_TERMS))}",
        "document": lambda r: f"/api/documents/{r.choice(ids['docs'])}",
        "claims": lambda r: "/api/claims?offset={}".format(r.choice(ids["claims_pages"])[0]),
        "sources": lambda r: "/api/sources",
        "clusters": lambda r: "/api/clusters?offset={}".format(r.choice(ids["clusters_pages"])[0]),
        "counts": lambda r: "/api/stats",
        "overview": lambda r: "/api/overview",
    }


def datasette_requests(ids: dict[str, list[Any]], db: str) -> dict[str, Any]:
    # The same questions in Datasette's table API: 50 rows a page, newest first, with its count.
    page = "_size=50&_sort_desc=published_at"
    return {
        "documents": lambda r: f"/{db}/documents.json?{page}",
        "documents by language": lambda r: f"/{db}/documents.json?{page}&language={r.choice(ids['languages'])}",
        "documents by source": lambda r: f"/{db}/documents.json?{page}&source={quote(r.choice(ids['sources']))}",
        "search": lambda r: f"/{db}/documents.json?{page}&_search={quote(r.choice(SEARCH_TERMS))}",
        "document": lambda r: f"/{db}/documents/{r.choice(ids['docs'])}.json",
        "claims": lambda r: _datasette_page(f"/{db}/claims.json?_size=50", r.choice(ids["claims_pages"])[1]),
        "sources": lambda r: f"/{db}/sources.json?_size=50",
        "clusters": lambda r: _datasette_page(f"/{db}/clusters.json?_size=50", r.choice(ids["clusters_pages"])[1]),
        "counts": lambda r: f"/{db}.json",
        # Its nearest question: the overview chart's documents a day by language over 30 days.
        "overview": lambda r: f"/{db}.json?sql={OVERVIEW_SQL}&_shape=array",
    }


def _datasette_page(path: str, after: int) -> str:
    """Datasette pages by primary key: ``_next`` is the last id of the page before."""
    return f"{path}&_next={after}" if after else path


def start_server(name: str, db: Path, port: int, workers: int = 1, read_cache: bool = True) -> subprocess.Popen[bytes]:
    if name == "factwatch":
        cmd = [str(BIN / "factwatch"), "--db", str(db), "serve", "--port", str(port), "--workers", str(workers)]
    else:
        cmd = [str(BIN / "datasette"), "serve", str(db), "--port", str(port), "--host", "127.0.0.1"]
    # Its log goes to a file: a pipe nobody reads would fill and stall the server.
    log = (TMP / f"web_load_{name}.log").open("wb")
    env = {**os.environ, "FACTWATCH_READ_CACHE": "1" if read_cache else "0"}  # web/_cache.py
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, env=env)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its live children: the workers of
    ``serve --workers N`` (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        kids = [int(k) for task in Path(f"/proc/{pid}/task").iterdir() for k in (task / "children").read_text().split()]
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + sum(cpu_seconds(k) for k in kids)


def worker_cpu(pid: int) -> dict[int, float]:
    """CPU seconds so far of each child of ``pid`` (the workers of ``serve --workers N``), else of ``pid``."""
    try:
        kids = [int(k) for task in Path(f"/proc/{pid}/task").iterdir() for k in (task / "children").read_text().split()]
    except OSError:
        return {}
    return {k: cpu_seconds(k) for k in kids} or {pid: cpu_seconds(pid)}


def wait_ready(url: str, proc: subprocess.Popen[bytes], headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited; its log is in {TMP}")
        try:
            if httpx.get(url, headers=headers, timeout=5, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within 60 s")


def summarise(samples: dict[str, list[tuple[float, bool]]], seconds: float) -> dict[str, Any]:
    def figures(rows: list[tuple[float, bool]]) -> dict[str, Any]:
        ms = np.array([t for t, _ in rows]) * 1000
        return {"requests": len(rows), "errors": sum(not ok for _, ok in rows),
                "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
                "p99_ms": round(float(np.percentile(ms, 99)), 1)}

    everything = [row for rows in samples.values() for row in rows]
    return {"overall": {**figures(everything), "requests_per_s": round(len(everything) / seconds, 1)},
            "endpoints": {name: figures(rows) for name, rows in sorted(samples.items())}}


def run_one(name: str, db: Path, ids: dict[str, list[Any]], token: str | None, args: argparse.Namespace) -> dict[str, Any]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"} if name == "factwatch" and token else {}
    requests = factwatch_requests(ids) if name == "factwatch" else datasette_requests(ids, db.stem)
    proc = start_server(name, db, port, args.workers, read_cache=not args.no_read_cache)
    try:
        wait_ready(base + requests["counts"](random.Random(0)), proc, headers)
        # Warm-up: the OS page cache and each server's own caches, as a server that has run a while.
        run_load("127.0.0.1", port, requests, clients=args.clients, seconds=5, headers=headers, seed=1,
                 procs=args.client_procs)
        print(f"{name}: {args.clients} clients for {args.seconds} s", flush=True)
        cpu0, load0, workers0 = cpu_seconds(proc.pid), os.getloadavg()[0], worker_cpu(proc.pid)
        run = run_load("127.0.0.1", port, requests, clients=args.clients, seconds=args.seconds, headers=headers,
                       seed=2, procs=args.client_procs)
        cpu, workers1 = cpu_seconds(proc.pid) - cpu0, worker_cpu(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    result = summarise(run["samples"], args.seconds)
    o = result["overall"]
    o["error_kinds"] = dict(run["errors"])
    # Answers served from factwatch's read cache (its X-Cache header); Datasette sends none.
    hits = run["hits"]
    o["cache_hit_rate"] = round(sum(hits.values()) / max(o["requests"], 1), 2)
    for endpoint, f in result["endpoints"].items():
        f["cache_hit_rate"] = round(hits.get(endpoint, 0) / max(f["requests"], 1), 2)
    # Balance between `serve --workers N` processes: each one's share of a core.
    o["worker_core_shares"] = sorted((round((workers1.get(pid, 0.0) - c0) / args.seconds, 2)
                                      for pid, c0 in workers0.items()), reverse=True)
    # The server's own CPU per answer: what the machine's load cannot inflate (a busy machine
    # only stretches the queue), so 1000 / cpu_ms_per_request is its capacity on one free core.
    o["server_cpu_s"] = round(cpu, 1)
    o["cpu_ms_per_request"] = round(1000 * cpu / max(o["requests"], 1), 2)
    o["server_core_share"] = round(cpu / args.seconds, 2)
    o["load_average_at_start"] = round(load0, 1)
    o["load_average_at_end"] = round(os.getloadavg()[0], 1)
    # The load generator's own CPU and event-loop delay: it shares the cores with the server it measures.
    o["client_core_share"] = round(run["client_cpu_s"] / args.seconds, 2)
    o["client_processes"] = run["client_procs"]
    o["client_lag_p95_ms"] = run["client_lag_p95_ms"]
    o["measured_at"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    o["clients"], o["seconds"] = args.clients, args.seconds
    if name == "factwatch":
        o["workers"] = args.workers
    print(f"  {o['requests']} requests, {o['requests_per_s']}/s, p50 {o['p50_ms']} p95 {o['p95_ms']} "
          f"p99 {o['p99_ms']} ms, {o['errors']} errors; server CPU {o['cpu_ms_per_request']} ms a request, "
          f"{o['server_core_share']} of a core {o['worker_core_shares']} (load average {o['load_average_at_start']}); "
          f"clients {o['client_core_share']} of a core, loop lag p95 {o['client_lag_p95_ms']} ms; "
          f"cache hits {o['cache_hit_rate']:.0%}", flush=True)
    for endpoint, f in result["endpoints"].items():
        print(f"    {endpoint:24} p50 {f['p50_ms']:7} p95 {f['p95_ms']:7} p99 {f['p99_ms']:7} ms  errors {f['errors']}"
              f"  cache hits {f['cache_hit_rate']:.0%}")
    return result


def _cell(server: dict[str, Any], endpoint: str) -> str:
    f = server["endpoints"].get(endpoint)
    return f"{f['p50_ms']} / {f['p95_ms']} / {f['p99_ms']}" if f else "–"


def _met(o: dict[str, Any]) -> bool:
    return o["p95_ms"] < GOAL_P95_MS and not o["errors"]


def _client(o: dict[str, Any]) -> str:
    """The load generator a saved figure was measured with (before 2026-11-29 21:00: httpx in one process)."""
    if "client_processes" not in o:
        return "httpx, 1 process (older question mix)"
    return f"raw HTTP, {o['client_processes']} processes: {o['client_core_share']} of a core, loop lag p95 {o['client_lag_p95_ms']} ms"


def write_doc(data: dict[str, Any]) -> None:
    servers = data["servers"]
    names = sorted(servers, key=lambda n: (n == "datasette", n))  # factwatch variants first, datasette last
    endpoints = sorted({e for n in names for e in servers[n]["endpoints"]})
    rows = [[endpoint, *(_cell(servers[n], endpoint) for n in names)] for endpoint in endpoints]
    rows.append(["**all**", *(f"**{servers[n]['overall']['p50_ms']} / {servers[n]['overall']['p95_ms']} / "
                              f"{servers[n]['overall']['p99_ms']}**" for n in names)])
    totals = md_table(
        ["server", "requests/s", "errors", "server CPU a request", "cores it got (per worker)", "read cache hits",
         "load generator", "load average", "measured (UTC)", f"p95 < {GOAL_P95_MS:.0f} ms"],
        [[n, o["requests_per_s"], o["errors"], f"{o.get('cpu_ms_per_request')} ms",
          f"{o.get('server_core_share')} {o.get('worker_core_shares', '')}".strip(),
          f"{o['cache_hit_rate']:.0%}" if "cache_hit_rate" in o and not n.startswith("datasette") else "–",
          _client(o), o.get("load_average_at_start"), o.get("measured_at", data["measured_at"][:16].replace("T", " ")),
          "yes" if _met(o) else "no"] for n in names for o in [servers[n]["overall"]]])
    c = data["corpus"]
    update_doc_section("web_load", f"""## Web load: 50 clients on the read API, beside Datasette

`PYTHONPATH=src .venv/bin/python bench/bench_web_load.py` ({data['measured_at']}, {data['machine']};
{data['note']}). Database: the demo's {c['demo_documents']} documents plus {c['generated_documents']:,}
generated ones (the demo's sources, languages and sentences recombined, bench/_web_corpus.py; generated
in {c['generate_seconds']} s), {c['database_mb']} MB. {data['clients']} closed-loop clients on keep-alive
connections for {data['seconds']} s per server after a 5 s warm-up; each server a real subprocess on
127.0.0.1 over the same SQLite file: `factwatch serve` (read with a viewer's Bearer token; with its read
cache, web/_cache.py, and with it off: FACTWATCH_READ_CACHE=0, `--no-read-cache`) and Datasette
{data['datasette_version']} with its defaults, asked the same questions (50 rows a page, newest first, with
a total; pages of claims and clusters, 18 search words, 40 sources, 4 languages, 2,000 document ids).
The load generator (bench/_http_load.py) splits the clients over 2 processes on the same machine; its
own CPU and event-loop lag are in the second table. Latency p50 / p95 / p99 in ms, queueing included:

{md_table(['endpoint', *names], rows)}

{totals}

Goal: p95 under {GOAL_P95_MS:.0f} ms with no errors. {discussion(data)}
""")


def discussion(data: dict[str, Any]) -> str:
    servers = data["servers"]
    parts = []
    for name in sorted(servers):
        if not name.startswith("factwatch"):
            continue
        o = servers[name]["overall"]
        parts.append(f"{name}: {o['requests_per_s']} answers a second, p95 {o['p95_ms']} ms, "
                     f"{o['cpu_ms_per_request']} ms of server CPU an answer, goal " + ("met" if _met(o) else "not met"))
    cached = [servers[n]["overall"] for n in servers if n.startswith("factwatch") and "no read cache" not in n]
    uncached = [servers[n]["overall"] for n in servers if n.startswith("factwatch") and "no read cache" in n]
    text = "; ".join(parts) + "."
    if any(map(_met, cached)) and uncached and not any(map(_met, uncached)):
        text += (" The goal is met only with the read cache: without it every answer is computed (the uncached "
                 "figures above), and at that CPU an answer 50 closed-loop clients queue past 100 ms on this machine.")
    spread = []
    for name in sorted(servers):
        shares = servers[name]["overall"].get("worker_core_shares") or []
        if len(shares) < 2:
            continue
        if min(shares) < 0.2 * max(shares):
            text += (f" In \"{name}\" the workers got {shares} of a core: one worker took almost every "
                     "connection, which happens where they share one listening socket (no SO_REUSEPORT): a "
                     "worker that keeps up accepts every connection opened at once.")
        else:
            spread.append(f"{shares} in \"{name}\"")
    if spread:
        text += (f" The workers got {' and '.join(spread)} of a core: each listens on its own SO_REUSEPORT socket "
                 "and the kernel hashes each new connection to one of them (web/server.py). On one shared socket, "
                 "before, the worker that woke first accepted all 50 keep-alive connections and the other served "
                 "none ([1.03, 0.0] of a core, cached, 6,465 answers a second, load 1.8, 2026-11-29 21:42).")
    ds = servers.get("datasette", {}).get("overall")
    if ds and ds["errors"]:
        text += (" Datasette's errors are its `/DB.json` (the database page, which counts every table) timing "
                 "out at the client's 30 s limit.")
    return text + " Timings taken while other sessions loaded the machine (the load average column) are not final.\n\n" + HISTORY


# What profiling this benchmark changed (single queries timed on the 100k database; the first run
# of the benchmark, before them, under the same kind of load).
HISTORY = """Before the fixes below, the first run served 41 answers a second with p95 3.4 s (load average
19). Profiling under load (py-spy) and the query plans found: a common search word fetched every
match to sort it by date (`?q=NATO`, 18k matches: 194 ms; now the date index is walked, 2 ms) and
counted them row by row (170 ms; now counted in the FTS index, 0.5 ms); one language's list sorted
50k rows (250 ms; now a `(language, published_at)` index, 0.1 ms; migration 016, also by source);
the overview's aggregates over 100k documents were most of the server's time (now reused until the
file changes: `store/_cache.py`); `dataclasses.asdict` deep-copied every field of every record (a
quarter of the CPU of a list; `_records.asdict`: 1.42 -> 0.37 ms for 50 documents); `/api/audit`,
not in this mix, scanned `documents` to join empty review logs (410 ms; now each log drives its
join, 0.3 ms). Still slow: the overview's count of documents a day by language and source
(50-75 ms each time the file has changed).

The next round (1 process 311 answers a second, p95 444 ms; `--workers 2` no better, 291, p95 484 ms)
found: (1) the claimed port's socket had proto 0, so asyncio never set TCP_NODELAY on its
connections and Nagle held every answer's body (written after its headers) until the client's
delayed ACK: 48 ms an answer for one keep-alive client, now 0.16 ms (web/server.py); that alone set
a floor of about 45 ms under every latency and capped a server at ~1,100 answers a second whatever
its CPU; (2) the httpx load generator spent about 1.3 ms of CPU a request on the same 2 cores as the
server, now 0.1-0.2 ms (bench/_http_load.py, 2 processes); (3) a third of the server's py-spy
samples were threads waiting on the read store's connection lock for answers its query cache
already held (a token's user, the counts): a cache hit no longer takes the lock; (4) the Host
check ran as BaseHTTPMiddleware (a task and a memory stream per request), now plain ASGI
(web/_guard.py), and four thread-pool hops a request (sync dependencies that do no I/O) are now
two; (5) the read cache answers a repeated question in about 0.25 ms instead of 1-4 ms."""


def server_key(name: str, args: argparse.Namespace) -> str:
    """"factwatch", "factwatch, 2 workers", "factwatch, no read cache", ... or "datasette"."""
    if name != "factwatch":
        return name
    return name + (f", {args.workers} workers" if args.workers > 1 else "") + \
        (", no read cache" if args.no_read_cache else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--demo-db", type=Path)
    ap.add_argument("--only", choices=("factwatch", "datasette"))
    ap.add_argument("--workers", type=int, default=1, help="factwatch serve --workers N (default 1).")
    ap.add_argument("--no-read-cache", action="store_true",
                    help="Serve factwatch with its read cache off (FACTWATCH_READ_CACHE=0), recorded apart.")
    ap.add_argument("--client-procs", type=int, default=2,
                    help="Processes the load generator's clients are split over (default 2).")
    ap.add_argument("--reuse-db", action="store_true", help="Serve bench/tmp/web_load.db as the last run left it.")
    ap.add_argument("--no-save", action="store_true", help="Print the figures only (a trial run).")
    ap.add_argument("--doc-only", action="store_true", help="Rewrite the docs section from the saved results.")
    args = ap.parse_args()
    results_path = RESULTS / "web_load.json"
    if args.doc_only:
        import json
        write_doc(json.loads(results_path.read_text(encoding="utf-8")))
        return
    if args.reuse_db and (TMP / "web_load.db").exists() and results_path.exists():
        import json
        db, corpus = TMP / "web_load.db", json.loads(results_path.read_text(encoding="utf-8"))["corpus"]
    else:
        db, corpus = build_database(args.demo_db, args.docs)
    print(f"database {db}: {corpus}", flush=True)
    token = viewer_token(db)
    ids = sample_ids(db)
    import json
    # The servers not run this time keep their saved figures (each with its own date and load).
    saved = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    same = {k: saved.get("corpus", {}).get(k) for k in ("demo_documents", "generated_documents")} == \
        {k: corpus.get(k) for k in ("demo_documents", "generated_documents")}
    servers = saved.get("servers", {}) if same else {}
    for kept in servers.values():  # figures saved before each server carried its own date
        kept["overall"].setdefault("measured_at", saved["measured_at"][:16].replace("T", " "))
    for name in ("factwatch", "datasette"):
        if args.only and name != args.only:
            continue
        if name == "datasette" and not (BIN / "datasette").exists():
            print("datasette is absent; `pip install -e '.[bench]'` installs it", flush=True)
            continue
        key = server_key(name, args)
        servers[key] = run_one(name, db, ids, token, args)
    if args.no_save:
        return
    version = subprocess.run([str(BIN / "datasette"), "--version"], capture_output=True, text=True).stdout.split()[-1] \
        if (BIN / "datasette").exists() else None
    load1 = os.getloadavg()[0]
    data = {"corpus": corpus, "clients": args.clients, "seconds": args.seconds, "datasette_version": version,
            "servers": servers, "load_average_at_end": round(load1, 1),
            "note": f"the load generator shares the machine; 1-minute load average {load1:.1f} at the end"}
    path = write_results("web_load", data)
    data["measured_at"] = __import__("json").loads(path.read_text())["measured_at"]
    data["machine"] = machine()
    write_doc(data)
    print(f"wrote {path} and docs/benchmarks.md", flush=True)


if __name__ == "__main__":
    main()
