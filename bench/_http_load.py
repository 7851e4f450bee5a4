"""A lean closed-loop HTTP/1.1 load generator for bench_web_load.py: raw asyncio streams, N processes.

httpx's AsyncClient cost the benchmark about 1.3 ms of CPU a request (0.4 of a core at 300
answers a second) on the same 2 cores as the server it measured, and its event loop added its
own delay to every latency. Here a request is one pre-built byte string on a keep-alive
connection and an answer is read by its Content-Length (or chunks): about a tenth of that. The
clients are split over ``procs`` processes so one event loop's backlog is not counted as the
server's. Each client still sends its next request only when the last is answered (closed loop),
so the latency includes queueing at the server. Every process also samples its own event-loop
lag (how late a 10 ms sleep wakes), reported beside the latencies.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

Paths = dict[str, Callable[[random.Random], str]]
Sample = tuple[float, bool]


class _Closed(Exception):
    """The server closed the keep-alive connection."""


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool, bool]:
    """(status, keep the connection, served from the server's cache) of one answer, its body read
    and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head:
        raise _Closed
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, keep, hit = None, False, True, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep = False
        elif name == "x-cache" and value == "hit":  # factwatch's read cache (web/_cache.py)
            hit = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()  # no length: the body ends with the connection
        keep = False
    return status, keep, hit


async def _run(host: str, port: int, paths: Paths, *, clients: int, seconds: float, headers: dict[str, str],
               seed: int) -> tuple[dict[str, list[Sample]], Counter[str], Counter[str], list[float]]:
    samples: dict[str, list[Sample]] = defaultdict(list)
    errors: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    names = sorted(paths)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    end = time.monotonic() + seconds
    lags: list[float] = []

    async def watch_lag() -> None:
        while time.monotonic() < end:
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - t0 - 0.01)

    async def client(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while time.monotonic() < end:
            name = rng.choice(names)
            request = f"GET {paths[name](rng)} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
            t0 = time.perf_counter()
            ok = False
            try:
                if conn is None:
                    conn = await asyncio.open_connection(host, port)
                conn[1].write(request)
                status, keep, hit = await _read_answer(conn[0])
                hits[name] += hit
                ok = status == 200
                if not ok:
                    errors[f"{name}: HTTP {status}"] += 1
                if not keep:
                    conn[1].close()
                    conn = None
            except (OSError, asyncio.IncompleteReadError, _Closed, ValueError) as exc:
                errors[f"{name}: {type(exc).__name__}"] += 1
                if conn is not None:
                    conn[1].close()
                conn = None
            samples[name].append((time.perf_counter() - t0, ok))
        if conn is not None:
            conn[1].close()

    await asyncio.gather(watch_lag(), *(client(k) for k in range(clients)))
    return dict(samples), errors, hits, lags


def _child(queue: Any, host: str, port: int, paths: Paths, clients: int, seconds: float,
           headers: dict[str, str], seed: int) -> None:
    cpu0 = time.process_time()
    samples, errors, hits, lags = asyncio.run(_run(host, port, paths, clients=clients, seconds=seconds,
                                                   headers=headers, seed=seed))
    queue.put((samples, dict(errors), dict(hits), lags, time.process_time() - cpu0))


def run_load(host: str, port: int, paths: Paths, *, clients: int, seconds: float, headers: dict[str, str],
             seed: int, procs: int = 2) -> dict[str, Any]:
    """Samples per endpoint name, error kinds, cache hits per endpoint, the clients' CPU seconds and
    event-loop lag (ms)."""
    ctx = mp.get_context("fork")  # the path functions are closures: inherited, not pickled
    queue = ctx.Queue()
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    workers = [ctx.Process(target=_child, args=(queue, host, port, paths, n, seconds, headers, seed * 10 + i))
               for i, n in enumerate(shares) if n]
    for w in workers:
        w.start()
    results = [queue.get() for _ in workers]  # before join: a full pipe would block the child's exit
    for w in workers:
        w.join()
    samples: dict[str, list[Sample]] = defaultdict(list)
    errors: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    lags: list[float] = []
    cpu = 0.0
    for s, e, h, lag, c in results:
        for name, rows in s.items():
            samples[name].extend(rows)
        errors.update(e)
        hits.update(h)
        lags.extend(lag)
        cpu += c
    lags.sort()
    lag_p95 = 1000 * lags[int(0.95 * (len(lags) - 1))] if lags else 0.0
    return {"samples": dict(samples), "errors": errors, "hits": hits, "client_cpu_s": cpu, "client_lag_p95_ms": round(lag_p95, 1),
            "client_procs": len(workers)}
