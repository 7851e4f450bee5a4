"""Coordination on bad input (issue 8): missing and unparsable timestamps, empty account ids,
one account posting thousands of identical items, clock skew between sources."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from factwatch.analysis.coordination import CoordinationParams, co_shares, coordinated_networks
from factwatch.errors import InputError
from factwatch.ingest.sharetable import read_share_columns, share_time
from factwatch.models import NewDocument


def test_pure_function_refuses_missing_timestamps_and_empty_accounts_with_the_fix():
    with pytest.raises(InputError, match="without a usable timestamp .*row 1"):
        coordinated_networks(["a", "b"], ["o", "o"], [1.0, float("nan")])
    with pytest.raises(InputError, match="empty account id .*row 0"):
        coordinated_networks(["  ", "b"], ["o", "o"], [1.0, 2.0])
    with pytest.raises(InputError, match="same length"):
        coordinated_networks(["a"], ["o", "o"], [1.0, 2.0])


@pytest.mark.parametrize("value,expected", [
    ("1623881091.0", 1623881091.0), ("1623881091000", 1623881091.0), ("2021-06-16T22:04:51Z", 1623881091.0),
    ("2021-06-16 22:04:51", 1623881091.0), ("", None), ("yesterday", None), ("nan", None), ("inf", None),
])
def test_share_time_reads_numbers_and_dates_and_refuses_the_rest(value, expected):
    assert share_time(value) == expected


def test_csv_rows_without_time_account_or_object_are_skipped_and_counted(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(
        "acc,obj,ts\n"
        "a,o1,100\n"
        "b,o1,110\n"
        ",o1,105\n"          # empty account: would merge strangers into one account
        "c,o1,\n"            # missing timestamp
        "d,o1,not a date\n"  # unparsable timestamp
        "e,,120\n",          # no object: not a share
        encoding="utf-8")
    accounts, objects, times, _, skipped = read_share_columns(table, account="acc", obj="obj", time="ts")
    assert accounts == ["a", "b"] and times.tolist() == [100.0, 110.0]
    assert skipped == {"empty account": 1, "missing timestamp": 1, "unparsable timestamp": 1, "no object": 1}


def test_csv_with_a_wrong_column_name_lists_the_columns(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("account_id,object_id,timestamp_share\na,o,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no column --time 'time' \(columns: account_id, object_id, timestamp_share\)"):
        read_share_columns(table, account="account_id", obj="object_id", time="time")


def test_cli_reports_skipped_rows_and_refuses_a_table_with_none_usable(tmp_path):
    from typer.testing import CliRunner

    from factwatch.cli import app

    table = tmp_path / "t.csv"
    table.write_text("acc,obj,ts\na,o,x\nb,o,y\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["coordination", "--from-csv", str(table), "--account", "acc", "--object", "obj",
                                   "--time", "ts", "--json"])
    assert res.exit_code != 0 and "no usable rows" in res.output and "unparsable timestamp" in res.output
    table.write_text("acc,obj,ts\na,o,1\nb,o,2\na,p,50\nb,p,51\n,o,3\nc,o,\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["coordination", "--from-csv", str(table), "--account", "acc", "--object", "obj",
                                   "--time", "ts", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["skipped"] == {"empty account": 1, "missing timestamp": 1}


def test_one_account_posting_thousands_of_identical_items_is_not_quadratic():
    # 20,000 identical shares by one account in the same second, two other accounts once each.
    flood = 20_000
    acc = ["spammer"] * flood + ["x", "y", "x", "y", "spammer"]
    obj = ["o"] * flood + ["o", "o", "p", "p", "p"]
    t = [1000.0] * flood + [1010.0, 1020.0, 5000.0, 5001.0, 5002.0]
    started = time.perf_counter()
    cs = co_shares(acc, obj, t, window=60, min_participation=2)
    r = coordinated_networks(acc, obj, t, params=CoordinationParams(window=60))
    elapsed = time.perf_counter() - started
    # Collapsed to one row per (account, object, second): 2e8 loop pairs never enumerated.
    assert len(cs.row_time) == 6 and len(cs.i) <= 15
    assert elapsed < 5
    # CooRTweet's weight counts pairs of shares, so the flood weighs 20,000 on the spammer's edges
    # (its edge_symmetry_score exists for this); the pair x-y co-shared twice.
    weights = {tuple(sorted((a, b))): w for a, b, w in zip(*r.graph)}
    assert weights[("spammer", "x")] == flood + 1 and weights[("x", "y")] == 2


def test_a_flood_spread_over_seconds_costs_the_pairs_in_a_window_not_all_pairs():
    flood = 50_000  # one post a second for 14 hours, all of one object
    acc = ["spammer"] * flood + ["x", "x"]
    obj = ["o"] * flood + ["o", "o"]
    t = list(np.arange(flood, dtype=float)) + [100.0, 40_000.0]
    started = time.perf_counter()
    cs = co_shares(acc, obj, t, window=10, min_participation=2)
    assert time.perf_counter() - started < 5
    assert len(cs.i) == 42  # x's two shares, each with the 21 spammer shares within 10 s


def _doc(i: int, source: str, author: str, when: str, link: str) -> NewDocument:
    return NewDocument(platform="x", source=source, text=f"look {link} #{i}", language="en", script="Latn",
                       latin_key=f"look {i}", content_hash=f"h{i}", position=str(i), external_id=str(i),
                       author=author, published_at=when)


def test_clock_skew_between_sources_is_corrected_with_an_offset(store):
    # Source "local" stamps Belgrade local time (UTC+1 in November) as if it were UTC.
    docs = []
    for k in range(3):
        docs.append(_doc(10 * k, "utc-export", "a", f"2026-11-0{k + 1}T10:00:00Z", f"https://l.example/{k}"))
        docs.append(_doc(10 * k + 1, "utc-export", "b", f"2026-11-0{k + 1}T10:00:20Z", f"https://l.example/{k}"))
        docs.append(_doc(10 * k + 2, "local", "c", f"2026-11-0{k + 1}T11:00:10Z", f"https://l.example/{k}"))
    run = store.start_run("test", "skew")
    store.insert_documents(docs, run_id=run)
    from factwatch.analysis.shares import coordination_from_store

    skewed, _ = coordination_from_store(store, params=CoordinationParams(window=60))
    assert [n.accounts for n in skewed.networks] == [["a", "b"]]
    fixed, who = coordination_from_store(store, params=CoordinationParams(window=60), clock_offsets={"local": -3600})
    assert [n.accounts for n in fixed.networks] == [["a", "b", "c"]]
    assert who["c"]["sources"] == {"local"}


def test_store_documents_without_timestamp_or_account_are_skipped_and_counted(store):
    docs = [_doc(1, "s", "a", "2026-11-01T10:00:00Z", "https://l.example/1"),
            _doc(2, "s", "b", None, "https://l.example/1")]
    run = store.start_run("test", "undated")
    store.insert_documents(docs, run_id=run)
    from factwatch.analysis.shares import coordination_from_store

    result, _ = coordination_from_store(store, params=CoordinationParams(window=60))
    assert result.skipped == {"no timestamp": 1}
