"""The hand-judged Alo.rs narrative labels (bench/data/alo_narrative_labels.jsonl) and the scoring of
bench/bench_narratives_realnews.py: the file must stay consistent with the catalogue and its split
rule, and carry no article text (the Alo data has no licence)."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np

from factwatch.ingest.narratives import load_catalogue
from factwatch.models import Narrative

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "bench" / "data" / "alo_narrative_labels.jsonl"
WB = REPO / "profiles" / "western-balkans" / "narratives.yaml"
sys.path.insert(0, str(REPO / "bench"))
import bench_narratives_realnews as bench  # noqa: E402


def _rows() -> list[dict]:
    return bench.read_labels(LABELS)


def test_labels_file_is_consistent_with_the_catalogue_and_split_rule():
    rows = _rows()
    ids = {n.id for n in load_catalogue(WB)}
    assert len(rows) >= 150
    assert len({r["document"] for r in rows}) == len(rows), "an article is judged once"
    for r in rows:
        assert set(r) == {"document", "narratives", "reason", "pool", "split"}, r
        assert re.fullmatch(r"sr-04-\d+", r["document"]), r
        assert set(r["narratives"]) <= ids, r
        assert r["pool"] in {"stage", "below", "keyword"}, r
        want = "dev" if int(hashlib.sha256(r["document"].encode()).hexdigest()[:8], 16) % 2 == 0 else "test"
        assert r["split"] == want, r
        assert 0 < len(r["reason"]) <= 140, r  # one line, not an excerpt
    splits = {s: [r for r in rows if r["split"] == s] for s in ("dev", "test")}
    assert all(sum(bool(r["narratives"]) for r in v) >= 10 for v in splits.values()), "both splits have positives"


def test_labels_carry_no_article_text(shared_data: Path):
    articles = {}
    with (shared_data / "serbian_news" / "alo_articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            articles[a["id"]] = f"{a.get('title') or ''} {a['text']}".lower()
    for r in _rows():
        assert r["document"] in articles, r["document"]
        words = re.findall(r"\w+", r["reason"].lower())
        # Five consecutive words of the reason found in the article would be copied text.
        for i in range(len(words) - 4):
            assert " ".join(words[i:i + 5]) not in articles[r["document"]], (r["document"], words[i:i + 5])


def test_score_counts_pairs_per_split():
    labels = [{"document": "a", "narratives": ["x"], "split": "dev"},
              {"document": "b", "narratives": [], "split": "dev"},
              {"document": "c", "narratives": ["x", "y"], "split": "test"}]
    pred = {"a": {"x", "y"}, "b": {"x"}, "c": {"y"}}
    dev = bench.score(pred, labels, "dev")
    assert (dev["tp"], dev["fp"], dev["fn"], dev["precision"], dev["recall"]) == (1, 2, 0, 0.333, 1.0)
    test = bench.score(pred, labels, "test")
    assert (test["tp"], test["fp"], test["fn"]) == (1, 0, 1)
    assert bench.score({"a": set(), "b": set(), "c": set()}, labels, "dev")["precision"] is None


def _model() -> bench.NarrativeModel:
    narratives = [Narrative(id="p", catalogue="t", title="parent", label="parent", description="d"),
                  Narrative(id="c", catalogue="t", title="child", label="child", description="d", parent="p"),
                  Narrative(id="q", catalogue="t", title="other", label="other", description="d")]
    return bench.NarrativeModel(narratives, np.zeros((0, 384), np.float32), [])


def _view(S: list[list[float]], claimed: list[bool], stems: set[str] = frozenset()) -> bench.View:
    v = bench.View.__new__(bench.View)
    v.S, v.claimed, v.shipped, v.stems = np.array(S, np.float32), np.array(claimed, bool), set(), set(stems)
    return v


def test_variants_apply_line_margin_support_claims_and_parents():
    m = _model()
    v = _view([[0.91, 0.92, 0.80], [0.90, 0.80, 0.906]], [False, True])
    assert bench.variant(m)(v) == {"p", "c"}  # q (0.906) is more than 0.01 under the best (0.92)
    assert bench.variant(m, margin=0.02)(v) == {"p", "c", "q"}
    assert bench.variant(m, line=0.915)(v) == set()  # the child alone, without its parent, is not found
    assert bench.variant(m, support=2, support_line=0.9, margin=1.0)(v) == {"p"}
    assert bench.variant(m, claim_only=True)(v) == {"q"}  # only the claim sentence counts
    kw = [[frozenset({"nato"})], [], [frozenset({"kfor"})]]
    assert bench.variant(m, keywords=1, kw=kw, margin=1.0)(_view(v.S.tolist(), [True, True], {"nato"})) == {"p", "c"}
    assert bench.variant(m, keywords=1, kw=kw, margin=1.0)(_view(v.S.tolist(), [True, True], set())) == set()


def test_variant_of_an_article_with_nothing_read():
    v = _view([], [])
    v.S = np.zeros((0, 3), np.float32)
    assert bench.variant(_model())(v) == set()
