"""Trends: document counts per day or hour per narrative, source, actor type, language and
platform, and the spike test the ``alerts`` stage uses (issue 9).

The spike test (``find_spikes``), stated:

* The count ``c`` of one bucket (documents carrying a narrative that day or hour) is compared
  with a baseline rate ``λ``: the mean count of the ``window`` buckets before it (7 days),
  zero-filled, never below ``floor`` (0.5 a bucket). Buckets before the store's first document
  were not observed and are not counted as zeros; with fewer than ``min_history`` observed
  buckets before it (3) a bucket is not tested: there is nothing to compare with.
* Under "nothing changed" the count is Poisson with mean ``λ``; the bucket spikes when
  ``P(X >= c | λ) < alpha`` (1e-3) **and** ``c >= min_count`` (5).

Why Poisson rather than a rolling z-score: narrative counts are small integers, mostly 0–3 a
day; the standard deviation of seven such days is often 0 (every day the same count), which
makes any rise an infinite z, and a z-score assumes a normal tail that small counts do not have.
The Poisson tail is exact for small counts and needs only the mean. Its known weakness is
over-dispersion: news is burstier than Poisson, so the test alarms more often than ``alpha``
says; the minimum count and the floor bound that (two documents after a silent week are never a
spike), and ``alpha`` is set small because many (narrative, bucket) pairs are tested at once:
25 narratives over 60 days are 1,500 tests, about 1.5 false alarms at 1e-3 if counts were Poisson.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from scipy.special import pdtrc

from factwatch.errors import InputError
from factwatch.store import Store

DIMENSIONS = ("narrative", "source", "actor_type", "language", "platform")


@dataclass(frozen=True, slots=True)
class SpikeParams:
    window: int = 7  # baseline buckets before the tested one
    alpha: float = 1e-3  # Poisson upper-tail p-value below which a bucket spikes
    min_count: int = 5  # fewer documents than this never spike
    floor: float = 0.5  # least baseline rate per bucket (a silent week is not a rate of 0)
    min_history: int = 3  # observed buckets needed before a bucket is tested

    def __post_init__(self) -> None:
        if self.window < 1 or self.min_history < 1 or self.min_history > self.window:
            raise InputError("Spike window and min_history must be >= 1, and min_history <= window.")
        if not 0 < self.alpha < 1 or self.floor <= 0 or self.min_count < 1:
            raise InputError("Spike alpha must be in (0, 1), floor > 0 and min_count >= 1.")


@dataclass(frozen=True, slots=True)
class Spike:
    bucket: str
    count: int
    baseline: float  # λ, the rate the count was tested against
    p_value: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class TrendSeries:
    """Zero-filled counts per bucket for each key of one dimension."""

    dimension: str
    bucket: str
    buckets: list[str]
    series: dict[str, list[int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def poisson_tail(count: int, rate: float) -> float:
    """P(X >= count) for X ~ Poisson(rate)."""
    if count <= 0:
        return 1.0
    return float(pdtrc(count - 1, rate))  # pdtrc(k, m) = P(X > k)


def _parse_bucket(value: str, bucket: str) -> datetime:
    if bucket == "day":
        return datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
    return datetime.fromisoformat(value[:13] + ":00")


def _format_bucket(value: datetime, bucket: str) -> str:
    return value.date().isoformat() if bucket == "day" else value.strftime("%Y-%m-%dT%H")


def bucket_range(first: str, last: str, bucket: str) -> list[str]:
    """Every bucket from ``first`` to ``last`` inclusive (days 'YYYY-MM-DD', hours 'YYYY-MM-DDTHH')."""
    step = timedelta(days=1) if bucket == "day" else timedelta(hours=1)
    start, end = _parse_bucket(first, bucket), _parse_bucket(last, bucket)
    out: list[str] = []
    while start <= end:
        out.append(_format_bucket(start, bucket))
        start += step
    return out


def find_spikes(counts: Sequence[int], *, params: SpikeParams = SpikeParams(), observed_from: int = 0,
                labels: Sequence[str] | None = None) -> list[Spike]:
    """Spikes in a zero-filled series (see the module docstring). ``observed_from``: index of the
    first observed bucket (earlier ones are not history). ``labels`` name the buckets."""
    spikes: list[Spike] = []
    for i, c in enumerate(counts):
        if c < params.min_count:
            continue
        lo = max(i - params.window, observed_from)
        history = counts[lo:i]
        if len(history) < params.min_history:
            continue
        rate = max(sum(history) / len(history), params.floor)
        p = poisson_tail(int(c), rate)
        if p < params.alpha:
            spikes.append(Spike(bucket=labels[i] if labels else str(i), count=int(c), baseline=round(rate, 3),
                                p_value=p))
    return spikes


def trend_series(
    store: Store, *, dimension: str = "narrative", bucket: str = "day", since: str | None = None,
    until: str | None = None, narrative_id: str | None = None, top: int | None = None,
) -> TrendSeries:
    """Counts per bucket for each value of ``dimension``, zero-filled between the first and last
    bucket that has any; ``top`` keeps the largest keys by total."""
    if dimension not in DIMENSIONS:
        raise InputError(f"A trend dimension is one of {', '.join(DIMENSIONS)}, not {dimension!r}.")
    rows = store.document_counts(dimension=dimension, bucket=bucket, since=since, until=until,
                                 narrative_id=narrative_id)
    return series_from_rows(rows, dimension=dimension, bucket=bucket, top=top)


def series_from_rows(rows: Sequence[tuple[str, str, int]], *, dimension: str, bucket: str,
                     top: int | None = None, first: str | None = None, last: str | None = None) -> TrendSeries:
    if not rows:
        return TrendSeries(dimension=dimension, bucket=bucket, buckets=[])
    totals: dict[str, int] = {}
    for _b, key, n in rows:
        totals[str(key)] = totals.get(str(key), 0) + n
    # Choose the keys first: zero-filling every one of 600 accounts over four years of days cost
    # 2 s on the IRA tweets (bench/bench_trends.py) for a chart that shows ten.
    keys = sorted(totals, key=lambda k: (-totals[k], k))[:top] if top else sorted(totals)
    buckets = bucket_range(first or rows[0][0], last or rows[-1][0], bucket)
    index = {b: i for i, b in enumerate(buckets)}
    series = {k: [0] * len(buckets) for k in keys}
    for b, key, n in rows:
        row = series.get(str(key))
        if row is not None and b in index:
            row[index[b]] += n
    return TrendSeries(dimension=dimension, bucket=bucket, buckets=buckets, series=series,
                       totals={k: totals[k] for k in keys})

def narrative_spikes(store: Store, *, bucket: str = "day", params: SpikeParams = SpikeParams(),
                     candidates: bool = False) -> dict[str, list[Spike]]:
    """Spikes per catalogued narrative (``candidates``: per open candidate narrative of the
    ``discovery`` stage, keyed by its cluster id) over everything stored."""
    rows = (store.candidate_claim_counts(bucket=bucket) if candidates
            else store.document_counts(dimension="narrative", bucket=bucket))
    first_seen = store.first_document_time()
    if not rows or not first_seen:
        return {}
    first = min(first_seen[:13], rows[0][0]) if bucket == "hour" else min(first_seen[:10], rows[0][0])
    trends = series_from_rows(rows, dimension="narrative", bucket=bucket, first=first)
    return {k: s for k, v in trends.series.items() if (s := find_spikes(v, params=params, labels=trends.buckets))}

