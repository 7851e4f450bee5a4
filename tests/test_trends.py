"""Trend counts and the spike test (analysis/trends.py) on synthetic series with known answers,
and on a real store whose documents and assignments are written through the store's own methods."""

from __future__ import annotations

import math

import numpy as np
import pytest

from factwatch.analysis.trends import SpikeParams, bucket_range, find_spikes, poisson_tail, trend_series
from factwatch.errors import InputError


def test_poisson_tail_matches_the_direct_sum():
    for rate in (0.5, 2.0, 7.3):
        for k in (0, 1, 3, 10):
            direct = 1 - sum(math.exp(-rate) * rate ** i / math.factorial(i) for i in range(k))
            assert poisson_tail(k, rate) == pytest.approx(direct, rel=1e-9, abs=1e-15)


def test_a_burst_on_a_steady_baseline_is_the_only_spike():
    counts = [2, 3, 2, 1, 2, 3, 2, 2, 14, 2, 3]
    spikes = find_spikes(counts, labels=[f"d{i}" for i in range(len(counts))])
    assert [s.bucket for s in spikes] == ["d8"]
    assert spikes[0].count == 14 and spikes[0].baseline == pytest.approx(15 / 7, abs=1e-3)
    assert spikes[0].p_value < 1e-3


def test_steady_poisson_traffic_does_not_spike():
    rng = np.random.default_rng(7)
    counts = rng.poisson(6.0, size=365).tolist()
    # 365 tests at alpha 1e-3 on true Poisson counts: none expected (P(any) ~ 0.3; seed fixed).
    assert find_spikes(counts) == []


def test_a_count_below_the_minimum_never_spikes_even_from_silence():
    counts = [0] * 20 + [4] + [0] * 5
    assert find_spikes(counts) == []  # p(X>=4 | 0.5) = 0.0018 but 4 < min_count 5
    assert [s.count for s in find_spikes(counts, params=SpikeParams(min_count=4, alpha=0.01))] == [4]


def test_unobserved_history_is_not_zeros():
    counts = [0, 0, 0, 9, 10, 11]
    # Observed from index 3: index 3 has no history, 4 and 5 too little (min_history 3).
    assert find_spikes(counts, observed_from=3) == []
    # Observed throughout: 9 after three zeros spikes, 10 after a mean of 2.25 too, 11 after 3.8 not (p 0.0017).
    assert [s.bucket for s in find_spikes(counts, labels=list("abcdef"))] == ["d", "e"]


def test_bucket_ranges_fill_days_and_hours():
    assert bucket_range("2026-10-30", "2026-11-02", "day") == ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]
    assert bucket_range("2026-10-31T22", "2026-11-01T01", "hour") == [
        "2026-10-31T22", "2026-10-31T23", "2026-11-01T00", "2026-11-01T01"]


@pytest.mark.parametrize("bad", [dict(window=0), dict(alpha=0), dict(alpha=1.5), dict(min_count=0),
                                 dict(floor=0), dict(min_history=9)])
def test_bad_spike_parameters_are_refused(bad):
    with pytest.raises(InputError):
        SpikeParams(**bad)


def test_trend_dimensions_and_buckets_are_checked(store):
    with pytest.raises(InputError, match="dimension"):
        trend_series(store, dimension="colour")
    with pytest.raises(InputError, match="bucket"):
        trend_series(store, bucket="week")
    assert trend_series(store).buckets == []


def test_a_narratives_alerts_are_selected_in_sql(store):
    """The narrative page reads only its narrative's alerts (it used to read 10,000 and filter them)."""
    from factwatch.models import Narrative, NewAlert

    store.save_narratives("t", [Narrative(id=n, catalogue="t", title=n, description=n, label=n) for n in ("a", "b")])
    store.save_alerts([NewAlert(key=f"spike:{n}:{i}", kind="spike", narrative_id=n, subject=None,
                                at=f"2026-10-0{i}", score=1e-5, summary=f"{n} {i}")
                       for n, count in (("a", 2), ("b", 3)) for i in range(1, count + 1)]
                      + [NewAlert(key="state", kind="state-actor", narrative_id=None, subject="x",
                                  at="2026-10-09", score=3, summary="none")], stage="alerts", cursor="t")
    assert [a.summary for a in store.list_alerts(narrative_id="a")] == ["a 2", "a 1"]
    assert [a.summary for a in store.list_alerts(narrative_id="b", limit=2)] == ["b 3", "b 2"]
    assert store.list_alerts(narrative_id="c") == []
    assert len(store.list_alerts()) == 6
