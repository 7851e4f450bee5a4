"""`factwatch serve` warms /match in the background: a real server process logs that the warm-up
finished and then answers /api/match; concurrent first calls build the fact base's retriever once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from _live import bearer, free_port
from factwatch.analysis import _retrieval
from factwatch.analysis.factcheck import embed_fact_base
from factwatch.ingest.facts import import_facts

DATA = Path(__file__).parent / "data" / "facts"
WARMED = "factwatch: /match warmed up in"


@pytest.fixture
def facts_db(store, db_path: Path) -> Path:
    import_facts(store, DATA / "claimreview_sample.json")
    embed_fact_base(store)
    return db_path


def test_concurrent_first_calls_build_the_retriever_once(facts_db, monkeypatch):
    from factwatch.store import open_store

    store = open_store(str(facts_db), access="read")  # a fresh store, as a new server process has: nothing cached
    # Widen the race as a large fact base does (its build takes seconds, this one's a millisecond):
    # the real passages, read slowly, so every thread is past its cache check before one finishes.
    read_passages = store.fact_passages
    monkeypatch.setattr(store, "fact_passages", lambda: (time.sleep(0.3), read_passages())[1])
    before = _retrieval.retriever_builds()
    barrier = threading.Barrier(6)
    got: list[object] = []

    def first_call() -> None:
        barrier.wait()
        got.append(_retrieval.get_retriever(store))

    threads = [threading.Thread(target=first_call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 6 and len({id(r) for r in got}) == 1  # the others waited and took the one built
    assert _retrieval.retriever_builds() == before + 1
    assert len(got[0]) > 0
    store.close()


def _serve(db: Path, port: int, tmp_path: Path, **env: str) -> tuple[subprocess.Popen[str], Path]:
    err = tmp_path / "err.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "factwatch.cli", "--db", str(db), "serve", "--port", str(port)],
        stdout=(tmp_path / "out.txt").open("w"), stderr=err.open("w"), text=True,
        env={**os.environ, "COLUMNS": "200", **env})
    return proc, err


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_for(predicate, proc: subprocess.Popen[str], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert proc.poll() is None, f"serve exited before {what}"
        assert time.monotonic() < deadline, f"no {what} after {seconds} s"
        time.sleep(0.1)


def test_serve_warms_match_then_answers_and_a_request_during_warm_up_waits(facts_db, tmp_path):
    headers = bearer(facts_db)
    port = free_port()
    proc, err = _serve(facts_db, port, tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/api/match"
        # The first request goes in as soon as the port answers, while the warm-up still runs.
        _wait_for(lambda: _answers(port), proc, "answer on /login")
        first = httpx.get(url, params={"text": "NATO je bombardovao Srbiju 1999."}, headers=headers, timeout=120,
                          trust_env=False)
        assert first.status_code == 200 and "matches" in first.json()
        _wait_for(lambda: WARMED in err.read_text(), proc, "warm-up line")
        assert err.read_text().count(WARMED) == 1
        assert httpx.get(url, params={"text": "Vakcine sadrže čipove."}, headers=headers, timeout=60,
                         trust_env=False).status_code == 200
    finally:
        _stop(proc)


def test_warm_up_can_be_switched_off(facts_db, tmp_path):
    port = free_port()
    proc, err = _serve(facts_db, port, tmp_path, FACTWATCH_WARMUP="0")
    try:
        _wait_for(lambda: _answers(port), proc, "answer on /login")
        time.sleep(1.0)
        assert "warm" not in err.read_text()
    finally:
        _stop(proc)


def _answers(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/login", timeout=5, trust_env=False)
        return True
    except httpx.TransportError:
        return False


def test_blas_threads_are_limited_before_the_warm_up_thread_starts(facts_db):
    """threadpoolctl must run in the starting thread: in the warm-up thread its loader-lock
    callback deadlocked against uvicorn importing httptools in the main thread."""
    script = (
        "import sys\n"
        "from factwatch.analysis.article_matching import single_threaded_blas\n"
        "from factwatch.web._warmup import start_warmup\n"
        "from factwatch.web.app import create_app\n"
        "app = create_app(sys.argv[1])\n"
        "thread = start_warmup(app)\n"
        "print(single_threaded_blas.cache_info().currsize)\n"
        "thread.join(120)\n"
        "print(app.state.warmup.is_set())\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(facts_db)], capture_output=True, text=True, timeout=180,
                         env={**os.environ, "FACTWATCH_WARMUP": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["1", "True"]
    assert WARMED in out.stderr


def test_the_retriever_sets_passive_openmp_waiting_before_usearch_loads_it():
    """usearch loads the libgomp e5 shares; loaded with the default (spinning) wait policy, every e5
    query of /match cost 0.2-2 s instead of 0.02 s on a busy machine."""
    script = (
        "import os, numpy as np\n"
        "from factwatch.analysis import _retrieval\n"
        "_retrieval._build_hnsw(np.arange(3, dtype=np.int64), np.eye(3, 384, dtype=np.float32))\n"
        "print(os.environ.get('OMP_WAIT_POLICY'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["PASSIVE"]
