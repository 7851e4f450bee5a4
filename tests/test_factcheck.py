"""Fact base import (every format, bad records, reruns) and the embed_facts stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factwatch.analysis.factcheck import embed_fact_base
from factwatch.errors import InputError
from factwatch.ingest.facts import import_facts, parse_facts

DATA = Path(__file__).parent / "data" / "facts"


@pytest.mark.parametrize(
    "name,fmt,inserted,rejected",
    [
        ("claimreview_sample.json", "auto", 3, 3),
        ("claimreview_array.json", "claimreview", 2, 0),
        ("facts_sample.csv", "auto", 2, 2),
        ("facts_profile.yaml", "yaml", 3, 2),
    ],
)
def test_import_formats_and_rerun(store, name, fmt, inserted, rejected):
    first = import_facts(store, DATA / name, fmt=fmt)
    assert (first.inserted, first.rejected) == (inserted, rejected)
    assert all(": " in r for r in first.reasons)
    second = import_facts(store, DATA / name, fmt=fmt)
    assert second.inserted == 0 and second.duplicates == inserted
    assert [r.reason for r in store.list_rejections(first.run_id)] == [r.split(": ", 1)[1] for r in first.reasons]


def test_claimreview_fields_and_html(store):
    import_facts(store, DATA / "claimreview_sample.json")
    fc = {f.url: f for f in store.list_fact_checks()}["https://factcheck.example.org/kosovo-church-ban"]
    assert fc.verdict == "False" and fc.rating_value == "1"
    assert fc.publisher == "Raskrinkavanje Example" and fc.claim_author == "Example Portal"
    assert fc.appearance == "https://portal.example.rs/crkva" and fc.language == "en" and fc.date == "2023-03-14"
    assert "<" not in fc.rebuttal and "alert" not in fc.rebuttal and "Serbian Orthodox Church" in fc.rebuttal
    reasons = import_facts(store, DATA / "claimreview_sample.json").reasons
    assert any("claimReviewed is missing" in r for r in reasons)
    assert any("must be text, got list" in r for r in reasons)
    assert any("not an http(s) URL" in r for r in reasons)


def test_yaml_profile_translations_and_facts(store):
    import_facts(store, DATA / "facts_profile.yaml")
    fc = store.list_fact_checks()[0]
    assert fc.verdict == "False"  # YAML's boolean read back as the verdict text
    assert fc.translations["sr"]["claim"].startswith("Vlada Kosova")
    assert set(fc.fact_ids) == {"spc-dečani", "kfor-1244"}
    facts = store.facts_by_external_ids(list(fc.fact_ids))
    assert {f.external_id for f in facts} == {"spc-dečani", "kfor-1244"}
    assert facts[0].translations or facts[1].translations


def test_html_page_with_jsonld(store, tmp_path):
    review = json.loads((DATA / "claimreview_array.json").read_text())[0]
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><script type=\"application/ld+json\">{json.dumps(review)}</script></head></html>")
    assert import_facts(store, page).inserted == 1


@pytest.mark.parametrize("content,message", [
    ("", "empty"),
    ("{not json", "not JSON"),
    ("facts: 3\n", "expected a mapping"),
])
def test_bad_files_raise_input_error(store, tmp_path, content, message):
    path = tmp_path / ("bad.yaml" if content.startswith("facts") else "bad.json")
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        import_facts(store, path)


def test_missing_file_and_unknown_format(store, tmp_path):
    with pytest.raises(InputError, match="No such file"):
        import_facts(store, tmp_path / "nope.json")
    with pytest.raises(InputError, match="Unknown fact format"):
        import_facts(store, DATA / "facts_sample.csv", fmt="xml")


def test_fields_cleaned_as_ingest_cleans_text(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text('claim,rebuttal,date\n'
                    '"<p>a &amp; <b>b</b></p><script>evil()</script>",'
                    '"<p>First\u200b paragraph.</p><p>Second.</p>",14.03.2023\n', encoding="utf-8")
    _, [fc] = parse_facts(path)
    assert fc.claim == "a & b"
    assert fc.rebuttal == "First paragraph.\n\nSecond."  # paragraphs kept, zero-width space gone
    assert fc.date == "2023-03-14"  # DD.MM.YYYY, as regional fact-checkers write it


def test_windows_1251_csv_reads_as_cyrillic(store, tmp_path):
    # Before the move the fact importer tried cp1250 first, which decodes any byte string:
    # this file became "Âëŕäŕ Ęîńîâŕ ..." (issue 6, item 8).
    claim = "Влада Косова је забранила Српску православну цркву."
    path = tmp_path / "cyrillic.csv"
    path.write_bytes(f"claim,verdict,language\n{claim},Нетачно,sr\n".encode("cp1251"))
    stats = import_facts(store, path)
    assert (stats.format, stats.inserted, stats.rejected) == ("csv", 1, 0)
    fc = store.list_fact_checks()[0]
    assert (fc.claim, fc.verdict) == (claim, "Нетачно")


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("name,content", [
    ("deep.json", DEEP),
    ("deep.jsonl", '{"claimReviewed": "x"}\n' + DEEP + "\n"),
    ("deep.html", f'<script type="application/ld+json">{DEEP}</script>'),
    ("shallow_but_too_deep.json", '{"@graph": ' + "[" * 70 + "]" * 70 + "}"),
])
def test_deeply_nested_json_is_rejected_with_a_reason(store, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    stats = import_facts(store, path)
    assert stats.rejected >= 1 and any("more than 64 levels deep" in r for r in stats.reasons)


def test_deeply_nested_yaml_says_why(store, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("facts:\n  - " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError, match="more than 64 levels deep"):
        import_facts(store, path)


def test_multiclaim_trial(store, shared_data):
    stats = import_facts(store, shared_data / "claim_retrieval_trial")
    assert stats.format == "multiclaim" and stats.inserted == 50 and stats.rejected == 0
    non_en = [f for f in store.list_fact_checks(limit=100) if f.language != "en"]
    assert non_en and all("en" in f.translations for f in non_en if f.translations)


def test_euvsdisinfo_layout(store, shared_data, tmp_path):
    src = (shared_data / "euvsdisinfo" / "cases_dev.csv").read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(src)))[:21]
    small = tmp_path / "cases.csv"
    with small.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    stats = import_facts(store, small)
    assert stats.format == "euvsdisinfo" and stats.inserted + stats.duplicates == 20
    fc = store.list_fact_checks()[0]
    assert fc.verdict == "disinformation" and fc.headline and fc.rebuttal and fc.date.startswith("20")


def test_embed_fact_base_twice_and_index_file(store, db_path):
    import_facts(store, DATA / "facts_profile.yaml")
    import_facts(store, DATA / "claimreview_array.json")
    first = embed_fact_base(store)
    # 3 fact-checks (claims + 2 translations) and 2 facts (statements + 2 translations)
    assert first.fact_checks == 3 and first.facts == 2 and first.passages == 9
    index = Path(str(db_path) + ".facts.usearch")
    assert index.exists()
    counts = store.fact_base_counts()
    second = embed_fact_base(store)
    assert (second.fact_checks, second.passages, second.embedded) == (0, 0, 0)
    assert store.fact_base_counts() == counts
    index.unlink()
    from factwatch.analysis import _retrieval

    _retrieval._CACHE.clear()
    assert _retrieval.refresh_index(store) == 9 and index.exists()


def test_carriage_return_line_ends_are_read_not_a_csv_error(tmp_path):
    # Before: "_csv.Error: new-line character seen in unquoted field" escaped as a traceback.
    path = tmp_path / "mac.csv"
    path.write_bytes(b'claim,verdict\r"quoted\rclaim" tail\rsecond claim,False\r')
    fmt, records = parse_facts(path)
    assert fmt == "csv" and [r.claim for r in records] == ["quoted claim tail", "second claim"]


# Hostile input never escapes as anything but a rejection or an InputError (issue 7, item 12).
_KEYS = ["@type", "claimReviewed", "reviewRating", "itemReviewed", "appearance", "author", "url", "datePublished",
         "inLanguage", "reviewBody", "@graph", "mainEntity", "name", "alternateName", "ratingValue", "@id"]
_LEAF = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
         | st.sampled_from(["ClaimReview", "https://x.example/a", "2023-01-02", "12/31/99", "sr", "2023"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.recursive(_LEAF, lambda c: st.lists(c, max_size=4) | st.dictionaries(
    st.sampled_from(_KEYS) | st.text(max_size=5), c, max_size=6), max_leaves=30))
def test_any_json_is_parsed_or_refused_with_a_reason(tmp_path, doc):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(doc))
    try:
        _, records = parse_facts(path)
    except InputError:
        return
    assert all(getattr(r, "reason", "x") for r in records)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.sampled_from(["claim,verdict,date,url,language,rebuttal\n", "title,summary,disproof,date,source\n",
                               "fact_check_id,claim,title,instances\n"]), body=st.binary(max_size=300))
def test_any_csv_bytes_are_parsed_or_refused_with_a_reason(tmp_path, header, body):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(header.encode() + body)
    try:
        parse_facts(path)
    except InputError:
        pass
