"""bench/bench_checkworthy.py --ablations: its baseline row must be the shipped scorer's features."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_checkworthy as bench  # noqa: E402

from factwatch.analysis import checkworthiness as cw  # noqa: E402


@pytest.mark.parametrize("text, language", [
    ("Влада Србије усвојила је закон о буџету за 2020. годину.", "sr"),
    ("Vlada Srbije usvojila je zakon o budžetu za 2020. godinu.", "sr"),
    ("NATO pays the Belarusian opposition $1 per one person infected with coronavirus", "en"),
])
def test_ablation_baseline_hashes_as_the_shipped_scorer(text: str, language: str) -> None:
    # An ablation measured against a baseline that is not the shipped model would compare the wrong thing.
    _, shipped = cw.checkworthiness_features(text, language)
    _, words = bench._words(text, language)
    assert bench._variant_buckets(words, {}) == shipped
    assert bench._variant_buckets(words, {"char": (3,)}) != shipped


def test_cyrillic_and_latin_serbian_share_every_hashed_feature() -> None:
    # The Latin key makes both scripts one feature space (issue 6 asked whether sr-Cyrl misses it).
    _, cyrillic = cw.checkworthiness_features("Влада Србије усвојила је закон о ћирилици.", "sr")
    _, latin = cw.checkworthiness_features("Vlada Srbije usvojila je zakon o ćirilici.", "sr")
    assert cyrillic == latin


def test_genre_copies_and_shape_counts_widen_the_matrix() -> None:
    items = [("Влада Србије усвојила закон", "sr"), ("Vlada je usvojila zakon.", "sr"), ("#NATO https://t.co/x", "en")]
    base, veto = bench._variant_matrix(items, {})
    assert base.shape == (3, len(cw.FEATURES) + cw.HASH_BUCKETS) and veto.shape == (3,)
    shaped, _ = bench._variant_matrix(items, {"shape": True})
    assert shaped.shape[1] == base.shape[1] + 12
    genre, _ = bench._variant_matrix(items, {"genre": True})
    assert genre.shape[1] == 4 * base.shape[1]
    # Each row's features are copied into exactly one genre block: title, sentence, post.
    blocks = [genre[:, (g + 1) * base.shape[1]:(g + 2) * base.shape[1]] for g in range(3)]
    assert [[int(b[i].nnz > 0) for b in blocks] for i in range(3)] == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_ablations_paragraph_keeps_the_shipped_settings_unless_a_variant_clears_the_spread() -> None:
    def data(best_diff: float) -> dict:
        return {"seeds": 5, "pool": 100, "rows": [
            {"variant": "shipped", "mean_f1": 0.711, "sd": 0.007, "diff_vs_shipped": 0.0},
            {"variant": "a", "mean_f1": 0.7, "sd": 0.01, "diff_vs_shipped": -0.011},
            {"variant": "b", "mean_f1": 0.711 + best_diff, "sd": 0.01, "diff_vs_shipped": best_diff}]}
    small = bench.ablations_markdown(data(0.013))
    assert "The best, b, gains +0.013" in small and "shipped settings were kept" in small
    assert "0.711 ± 0.007" in small and "a 0.700 (-0.011)" in small
    assert "worth refitting" in bench.ablations_markdown(data(0.05))
