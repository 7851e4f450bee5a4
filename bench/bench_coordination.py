"""Coordinated sharing: our co-share network against coordination-network-toolkit, same run.

Data: ../shared/data/coordination/german_elections.csv (CooRTweet's example, 218,971 rows of
Facebook and Twitter posts with url_id, hashtag_id, ... and a unix timestamp) and
russian_coord_tweets.csv (35,125 retweets).

1. Co-link network on german_elections (object = url_id, 60 s window, inclusive), at 25, 50 and
   100 % of the posts (a seeded sample of posts): coordination-network-toolkit 1.5.2
   (``preprocess_data`` into its SQLite file, then ``compute_co_link_network`` with one process and
   ``min_edge_weight=1``; edges read with ``graph.get_edge_rows(loops=False)`` because its CLI CSV
   export crashes) and ours (``co_shares`` + ``directed_message_weights``, the toolkit's weight).
   Each side runs in its own subprocess so peak RSS is its own; the edge lists are compared
   edge by edge, weights included. A message is ``account:post_id`` (one post id is used by two
   accounts in this file) and a (message, url) pair counts once, as the toolkit's key does.
2. Our whole definition (CooRTweet's, defaults) on the same posts, and on russian_coord_tweets
   with the issue's reference parameters.

Run: .venv/bin/python bench/bench_coordination.py
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import TMP, md_table, require_shared, update_doc_section, write_results  # noqa: E402

import numpy as np  # noqa: E402

WINDOW = 60
FRACTIONS = (0.25, 0.5, 1.0)
# Best of five on both sides: the benchmark machine is shared, and one run of either side can
# take twice its usual time.
REPEAT = 5
COLUMNS = (("url_id", "u:"), ("hashtag_id", "h:"), ("domain_id", "d:"), ("phash_id", "p:"))


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM): ru_maxrss survives execve on Linux, so a worker started by
    the parent that holds the 219k-row CSV would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_german(shared: Path, fraction: float) -> tuple[list[str], list[str], list[float], list[str]]:
    """(account, object, time, message) per distinct (message, object) of a seeded sample of posts.

    An object is any of the post's url_id, hashtag_id, domain_id and phash_id, prefixed by its
    column (u:, h:, d:, p:): the co-share network over everything the file records.
    """
    with (shared / "coordination" / "german_elections.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    posts = sorted({f"{r['account_id']}:{r['post_id']}" for r in rows})
    rng = np.random.default_rng(2021)
    keep = set(np.asarray(posts, dtype=object)[rng.random(len(posts)) < fraction].tolist()) if fraction < 1 else set(posts)
    seen: set[tuple[str, str]] = set()
    acc, url, t, msg = [], [], [], []
    for r in rows:
        m = f"{r['account_id']}:{r['post_id']}"
        if m not in keep:
            continue
        for column, prefix in COLUMNS:
            if not r[column] or (m, prefix + r[column]) in seen:
                continue
            seen.add((m, prefix + r[column]))
            acc.append(r["account_id"])
            url.append(prefix + r[column])
            t.append(float(r["timestamp"]))
            msg.append(m)
    return acc, url, t, msg


def _input_file(shared: Path, fraction: float) -> Path:
    """The sample as a small TSV, so a worker's peak RSS is its network, not the 219k-row CSV."""
    path = TMP / f"coord-input-{fraction}.tsv"
    acc, url, t, msg = load_german(shared, fraction)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(zip(acc, url, t, msg))
    return path


def worker(side: str, fraction: float, out: Path) -> None:
    with (TMP / f"coord-input-{fraction}.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    acc, url, msg = [r[0] for r in rows], [r[1] for r in rows], [r[3] for r in rows]
    t = [float(r[2]) for r in rows]
    del rows
    loaded_rss = _rss_mb()
    started = time.perf_counter()
    if side == "ours":
        from factwatch.analysis.coordination import co_shares, directed_message_weights

        times = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            cs = co_shares(acc, url, np.asarray(t), window=WINDOW, min_participation=1, content=msg)
            src, dst, w = directed_message_weights(cs)
            times.append(time.perf_counter() - t0)
        network_s = min(times)
        from factwatch.analysis.coordination import _codes

        coding = []
        for _ in range(REPEAT):  # the part of co_shares that turns strings into integer codes
            t0 = time.perf_counter()
            _codes(acc), _codes(url), _codes(msg)
            coding.append(time.perf_counter() - t0)
        load_s = min(coding)
        edges = [(str(cs.accounts[a]), str(cs.accounts[b]), int(x)) for a, b, x in zip(src, dst, w)]
    else:
        from coordination_network_toolkit import compute_networks, graph, preprocess

        db = TMP / f"cnt-{fraction}.db"
        for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            p.unlink(missing_ok=True)
        # One message per post, its objects as the toolkit's url list (it counts distinct messages).
        posts: dict[str, tuple[str, float, list[str]]] = {}
        for a, u, ts, m in zip(acc, url, t, msg):
            posts.setdefault(m, (a, ts, []))[2].append(u)
        preprocess.preprocess_data(str(db), ((m, a, a, None, None, "", ts, us) for m, (a, ts, us) in posts.items()))
        load_s = time.perf_counter() - started
        times = []
        for _ in range(REPEAT):  # it drops and rebuilds its network table each time
            t1 = time.perf_counter()
            compute_networks.compute_co_link_network(str(db), WINDOW, n_threads=1, min_edge_weight=1)
            edges = [(r[0], r[1], int(r[2])) for r in graph.get_edge_rows(str(db), "co_link", loops=False)]
            times.append(time.perf_counter() - t1)
        network_s = min(times)
    out.write_text(json.dumps({
        "side": side, "fraction": fraction, "shares": len(acc), "load_s": round(load_s, 3),
        "network_s": round(network_s, 3), "rss_after_input_mb": round(loaded_rss, 1), "peak_rss_mb": round(_rss_mb(), 1),
        "edges": sorted(edges),
    }))


def run_side(side: str, fraction: float) -> dict:
    out = TMP / f"coord-{side}-{fraction}.json"
    subprocess.run([sys.executable, __file__, "--worker", side, str(fraction), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def main() -> None:
    shared = require_shared()
    TMP.mkdir(parents=True, exist_ok=True)
    scale = []
    for fraction in FRACTIONS:
        _input_file(shared, fraction)
        ours, theirs = run_side("ours", fraction), run_side("toolkit", fraction)
        same = ours["edges"] == theirs["edges"]
        undirected = {tuple(sorted(e[:2])) for e in ours["edges"]}
        scale.append({
            "fraction": fraction, "shares": ours["shares"], "directed_edges": len(ours["edges"]),
            "undirected_edges": len(undirected), "identical_edges": same,
            "ours_s": ours["network_s"], "ours_coding_s": ours["load_s"], "toolkit_network_s": theirs["network_s"], "toolkit_load_s": theirs["load_s"],
            "speedup_network": round(theirs["network_s"] / max(ours["network_s"], 1e-6), 1),
            "speedup_total": round((theirs["network_s"] + theirs["load_s"]) / max(ours["network_s"], 1e-6), 1),
            "speedup_network_without_coding": round(theirs["network_s"] / max(ours["network_s"] - ours["load_s"], 1e-6), 1),
            "ours_peak_rss_mb": ours["peak_rss_mb"], "ours_rss_after_input_mb": ours["rss_after_input_mb"],
            "toolkit_peak_rss_mb": theirs["peak_rss_mb"], "toolkit_rss_after_input_mb": theirs["rss_after_input_mb"],
        })
        print(scale[-1])
    # Our whole definition on the full file, defaults and CooRTweet's median quantile.
    from factwatch.analysis.coordination import CoordinationParams, coordinated_networks

    acc, url, t, msg = load_german(shared, 1.0)
    full = {}
    for label, params in (("defaults", CoordinationParams(window=WINDOW)),
                          ("quantile 0.5", CoordinationParams(window=WINDOW, edge_quantile=0.5, min_weight=1))):
        t0 = time.perf_counter()
        r = coordinated_networks(acc, url, np.asarray(t), params=params, content=msg)
        full[label] = {"seconds": round(time.perf_counter() - t0, 3), "edges": r.edges, "accounts": r.coordinated_accounts,
                       "objects": r.objects, "networks": len(r.networks), "all_edges": r.all_edges,
                       "largest_network": len(r.networks[0].accounts) if r.networks else 0}
    with (shared / "coordination" / "russian_coord_tweets.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    reference = {}
    for window in (60, 10):
        t0 = time.perf_counter()
        r = coordinated_networks([x["account_id"] for x in rows], [x["object_id"] for x in rows],
                                 np.array([float(x["timestamp_share"]) for x in rows]), content=[x["content_id"] for x in rows],
                                 params=CoordinationParams(window=window, min_participation=2, edge_quantile=0.5, min_weight=1))
        reference[window] = {"edges": r.edges, "accounts": r.coordinated_accounts, "objects": r.objects,
                             "all_edges": r.all_edges, "all_accounts": r.all_accounts, "all_objects": r.all_objects,
                             "seconds": round(time.perf_counter() - t0, 3)}
    write_results("coordination", {"window_s": WINDOW, "scale": scale, "german_full_definition": full,
                                   "russian_reference": reference})
    update_doc_section("coordination", _markdown(scale, full, reference))


def _markdown(scale: list[dict], full: dict, reference: dict) -> str:
    rows = [[f"{int(s['fraction'] * 100)} %", f"{s['shares']:,}", f"{s['undirected_edges']:,}",
             "yes" if s["identical_edges"] else "**no**", f"{s['ours_s']} ({s['ours_coding_s']})",
             f"{s['toolkit_network_s']} (+{s['toolkit_load_s']} load)",
             f"{s['speedup_total']}x / {s['speedup_network']}x / {s['speedup_network_without_coding']}x", f"{s['ours_peak_rss_mb']} ({s['ours_rss_after_input_mb']})",
             f"{s['toolkit_peak_rss_mb']} ({s['toolkit_rss_after_input_mb']})"] for s in scale]
    ref60, ref10 = reference[60], reference[10]
    fd, fq = full["defaults"], full["quantile 0.5"]
    return f"""## Coordinated sharing (`bench/bench_coordination.py`)

Co-share network on `german_elections.csv` (object = any url_id, hashtag_id, domain_id or phash_id of a post, {WINDOW} s window, inclusive; a seeded sample of
posts), ours (`co_shares` + `directed_message_weights`, numpy) against coordination-network-toolkit 1.5.2
(`compute_co_link_network`, one process, `min_edge_weight=1`), each in its own subprocess of the same run.
"identical" compares every directed edge and its weight (the toolkit's: messages of A with a message of B
in the window). Times are the best of {REPEAT} runs of each side. Peak RSS in MB of each subprocess, in brackets its RSS once the sample was read into Python
lists (the interpreter, numpy and the input). The time starts with the input in memory: for the toolkit,
loading it into its SQLite file (which it needs before any network) is shown apart, in brackets.

{md_table(["posts", "shares (post, object)", "undirected edges", "identical", "ours s (of which string coding)", "toolkit s", "speed-up: end to end / network / network without coding", "ours peak RSS", "toolkit peak RSS"], rows)}

Cost grows with the co-shares in a window, not with the square of the posts: sorting is n log n and
each share meets only the shares after it in its window (`searchsorted`); doubling the posts multiplies
our time by {scale[1]['ours_s'] / max(scale[0]['ours_s'], 1e-6):.1f} and {scale[2]['ours_s'] / max(scale[1]['ours_s'], 1e-6):.1f} here, the toolkit's network step by
{scale[1]['toolkit_network_s'] / max(scale[0]['toolkit_network_s'], 1e-6):.1f} and {scale[2]['toolkit_network_s'] / max(scale[1]['toolkit_network_s'], 1e-6):.1f}. Most of our time is turning the input's strings into integer codes
(Python dicts); the network itself is numpy. The toolkit needs its load into SQLite before any network,
so end to end is the comparison a user sees; its network query alone is compared too. The machine is
shared by several jobs (load average near 10 on 2 cores while measuring), so single figures move by 2x
between runs; identity of the edges does not.

Our whole definition on all posts: defaults (`--min-weight 2`) {fd['seconds']} s, {fd['edges']:,} edges,
{fd['accounts']:,} accounts in {fd['networks']:,} networks (largest {fd['largest_network']}); CooRTweet's median
quantile instead: {fq['edges']:,} edges of {fq['all_edges']:,}, {fq['accounts']:,} accounts.

CooRTweet reference on `russian_coord_tweets.csv` (min_participation 2, edge_weight 0.5): window 60 s:
{ref60['edges']} edges, {ref60['accounts']} accounts, {ref60['objects']} objects (full graph {ref60['all_edges']:,} /
{ref60['all_accounts']:,} / {ref60['all_objects']}), {ref60['seconds']} s; window 10 s: {ref10['edges']} / {ref10['accounts']} /
{ref10['objects']}: the issue's figures. Differences from the references: `docs/coordination.md`.
"""


def _parser() -> argparse.ArgumentParser:
    # --help must not start the benchmark: without a parser it ran for minutes and overwrote
    # bench/results/coordination.json.
    parser = argparse.ArgumentParser(
        description="Co-link network: factwatch against coordination-network-toolkit on "
                    "../shared/data/coordination (writes bench/results/coordination.json and the "
                    "section of docs/benchmarks.md).")
    # Internal: one side of the comparison in its own process (run_side), so its peak RSS is its own.
    parser.add_argument("--worker", nargs=3, metavar=("SIDE", "FRACTION", "OUT"), help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    args = _parser().parse_args()
    if args.worker:
        worker(args.worker[0], float(args.worker[1]), Path(args.worker[2]))
    else:
        main()
