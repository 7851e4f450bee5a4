"""Whole-article matching latency (issue 10): a long Serbian news article matched sentence by sentence.

    .venv/bin/python bench/bench_article_match.py [--db DEMO.db] [--repeat 3]
        [--blas-threads default]   # before: numpy's BLAS on all threads

Without --db, bench/tmp/article_match.db is used, built when absent (minutes): `factwatch demo
--no-serve`, then `factwatch facts import ../shared/data/euvsdisinfo/cases_dev.csv` so the fact
base has 1,480 passages instead of the demo's 159. The articles are Alo.rs texts from ../shared/data/serbian_news/alo_articles.jsonl with many
check-worthy sentences (sr-04-2489 has 49: the 40 most check-worthy are matched).

Reported per article, each the median of --repeat runs:
- ``cold``: the first match in a fresh process (loads e5, builds the fact-base retriever);
- ``warm``: later matches of the same text with an empty vector memo (e5 runs every time);
- ``cached``: the same again with the vectors already in the memo (ranking only);
- ``http``: GET /api/match?text=... against a real uvicorn server, its vector LRU emptied
  before each request (so e5 runs, as for a new article);
- phases of the warm path: sentence split and check-worthiness, e5, ranking + hydration.
The load average is printed beside every figure: on a shared machine the figures are not final.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import TMP, require_shared, write_results  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_DB = TMP / "article_match.db"

ARTICLES = ("sr-04-2489", "sr-04-2354", "sr-04-786")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def articles(shared: Path) -> dict[str, str]:
    out = {}
    with (shared / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] in ARTICLES:
                out[row["id"]] = row["text"]
    return out


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def serve(db: str):
    import socket

    import uvicorn

    from factwatch.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    app = create_app(db, match_burst=1000)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return app, server, f"http://127.0.0.1:{sock.getsockname()[1]}"


def token(db: str) -> str:
    from factwatch import accounts
    from factwatch.store import open_store

    with open_store(db) as store:
        if store.get_user("bench-article") is None:
            accounts.add_user(store, "bench-article", "analyst", "bench-article-password")
        return accounts.create_token(store, "bench-article")


def build(db: Path, shared: Path) -> None:
    import subprocess

    TMP.mkdir(parents=True, exist_ok=True)
    print(f"building {db} (minutes: the demo's whole analysis, then 1,284 EUvsDisinfo fact-checks)", flush=True)
    try:
        subprocess.run([str(BIN / "factwatch"), "--db", str(db), "demo", "--no-serve", "--json"], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([str(BIN / "factwatch"), "--db", str(db), "facts", "import",
                        str(shared / "euvsdisinfo" / "cases_dev.csv"), "--json"], check=True, stdout=subprocess.DEVNULL)
    except BaseException:
        db.unlink(missing_ok=True)  # half a database would be taken as built next time
        raise


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--blas-threads", choices=["one", "default"], default="one",
                    help="default: numpy's BLAS on all its threads, as before single_threaded_blas")
    args = ap.parse_args()
    shared = require_shared()
    texts = articles(shared)
    if args.db == str(DEFAULT_DB) and not DEFAULT_DB.exists():
        build(DEFAULT_DB, shared)

    from factwatch.analysis import article_matching
    from factwatch.analysis.claims import checkworthy_sentences
    from factwatch.analysis.embed import encode
    from factwatch.store import open_store

    if args.blas_threads == "default":
        article_matching.single_threaded_blas = lambda: None  # the code path before the fix
    results: dict[str, dict] = {}
    with open_store(args.db, access="read") as store:
        first = True
        for aid, text in texts.items():
            body = text.strip()
            row: dict[str, object] = {"chars": len(body)}
            if first:
                row["cold_s"], _ = timed(lambda: article_matching.match_article(store, body, memo={}))
                row["cold_load"] = load()
                first = False
            warm = [timed(lambda: article_matching.match_article(store, body, memo={}))[0] for _ in range(args.repeat)]
            memo: dict[str, bytes] = {}
            article_matching.match_article(store, body, memo=memo)
            cached = [timed(lambda: article_matching.match_article(store, body, memo=memo))[0] for _ in range(args.repeat)]
            t_split, picked = timed(lambda: checkworthy_sentences(body, "sr"))
            sents = [s for _, _, s, _ in sorted(picked, key=lambda s: -s[3])[:article_matching.MAX_SENTENCES]]
            t_embed, _ = timed(lambda: encode(sents, kind="query"))
            result = article_matching.match_article(store, body, memo=memo)
            row.update(sentences=len(result.sentences), warm_s=round(statistics.median(warm), 3),
                       cached_s=round(statistics.median(cached), 3), split_s=round(t_split, 3),
                       embed_s=round(t_embed, 3), warm_load=load())
            results[aid] = row
            print(aid, row, flush=True)
    if not args.no_http:
        import httpx

        app, server, base = serve(args.db)
        headers = {"Authorization": f"Bearer {token(args.db)}"}
        try:
            for aid, text in texts.items():
                times = []
                for _ in range(args.repeat):
                    app.state.query_vectors.clear()  # each request embeds its sentences, as a new article would
                    t = time.perf_counter()
                    resp = httpx.get(f"{base}/api/match", params={"text": text.strip()}, headers=headers, timeout=300)
                    times.append(time.perf_counter() - t)
                    resp.raise_for_status()
                results[aid].update(http_s=round(statistics.median(times), 3), http_load=load())
                print(aid, "http", results[aid]["http_s"], "load", load(), flush=True)
        finally:
            server.should_exit = True
    name = "article_match" if args.blas_threads == "one" else "article_match_blas_default"
    path = write_results(name, {"db": args.db, "blas_threads": args.blas_threads, "articles": results})
    print("wrote", path)


if __name__ == "__main__":
    main()
