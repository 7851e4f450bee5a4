"""Property tests: no input makes a parser raise anything but InputError; decoding is sound."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factwatch.errors import InputError
from factwatch.ingest._encoding import decode_bytes, detect_encoding
from factwatch.ingest._io import parse_date
from factwatch.ingest.detect import detect_format
from factwatch.ingest.feeds import iter_feed
from factwatch.ingest.ira import iter_ira
from factwatch.ingest.tables import iter_csv, iter_jsonl
from factwatch.ingest.telegram import iter_telegram
from factwatch.ingest.web import iter_html
from factwatch.ingest.x import iter_x
from factwatch.models import ParsedRecord, RejectedRecord

PARSERS = {"rss": iter_feed, "html": iter_html, "jsonl": iter_jsonl, "csv": iter_csv, "ira": iter_ira,
           "x": iter_x, "telegram": iter_telegram}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Bytes that look a little like each format, so the parsers get past their first checks.
_PREFIXES = {
    "rss": [b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>", b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>"],
    "html": [b"<html><body><article><p>", b"<!doctype html>"],
    "jsonl": [b'{"text": "', b'{"id": 1, "content": '],
    "csv": [b"id,text,author\n1,", b"text;date\n"],
    "ira": [b"author,content,publish_date\nx,", b"external_author_id,author,content,publish_date\n"],
    "x": [b'{"data": [{"id": "1", "text": "', b'{"id": "1", "author_id": '],
    "telegram": [b'{"name": "k", "type": "public_channel", "id": 1, "messages": [{"id": 1, "type": "message", "text": ',
                 b'{"messages": ['],
}


def _check(fmt, data):
    try:
        for item in PARSERS[fmt](data, name=f"fuzz.{fmt}"):
            assert isinstance(item, (ParsedRecord, RejectedRecord))
            if isinstance(item, ParsedRecord):
                assert isinstance(item.text, str) and item.text.strip()
    except InputError:
        pass


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FAST
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes(fmt, data):
    _check(fmt, data)


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FAST
@given(prefix=st.integers(0, 1), tail=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode()))
def test_format_like_bytes(fmt, prefix, tail):
    _check(fmt, _PREFIXES[fmt][prefix] + tail)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "text", "data", "includes", "users", "author_id", "messages", "type", "name",
                         "from", "entities", "urls", "public_metrics", "created_at", "date", "username"]),
        children, max_size=5),
    max_leaves=15,
)


@pytest.mark.parametrize("fmt", ["jsonl", "x", "telegram"])
@FAST
@given(values=st.lists(JSONISH, min_size=1, max_size=4))
def test_json_shaped_values(fmt, values):
    if fmt == "telegram":
        data = json.dumps({"name": "k", "id": 5, "messages": values}).encode()
    else:
        data = b"\n".join(json.dumps(v).encode() for v in values)
    _check(fmt, data)


@FAST
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.csv", "b.jsonl", "c.xml", "d", "e.json.gz", "f.html"]))
def test_detect_only_raises_input_error(data, name):
    try:
        assert detect_format(name, data) in PARSERS
    except InputError:
        pass


@FAST
@given(data=st.binary(max_size=500))
def test_decoder_never_raises(data):
    text, encoding = decode_bytes(data)
    assert isinstance(text, str) and encoding
    detect_encoding(data, truncated=True)


LETTERS_LATIN = "abcdefghijklmnoprstuvzčćšžđČĆŠŽĐ "
LETTERS_CYRL = "абвгдђежзијклљмнњопрстћуфхцчџшАБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ "


@FAST
@given(text=st.text(alphabet=LETTERS_LATIN, min_size=1, max_size=200))
def test_utf8_roundtrips(text):
    assert decode_bytes(text.encode("utf-8"))[0] == text


@FAST
@given(words=st.lists(st.text(alphabet=LETTERS_CYRL[:-1], min_size=3, max_size=9), min_size=4, max_size=30))
def test_cp1251_cyrillic_roundtrips(words):
    text = " ".join(words)
    decoded, encoding = decode_bytes(text.encode("cp1251"))
    assert encoding == "cp1251" and decoded == text


SR_WORDS = ["čovjek", "šta", "će", "žena", "đak", "kuća", "Niš", "Čačak", "ljudi", "grad", "vijest", "Srbija",
            "izbori", "Beograd", "sporazum", "nije", "tačno", "Đorđe", "žalba", "ćirilica"]


@FAST
@given(words=st.lists(st.sampled_from(SR_WORDS), min_size=3, max_size=30))
def test_cp1250_south_slavic_roundtrips(words):
    text = " ".join(words)
    if text.isascii():
        return
    decoded, encoding = decode_bytes(text.encode("cp1250"))
    assert encoding == "cp1250" and decoded == text


@FAST
@given(value=st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.none()))
def test_parse_date_never_raises(value):
    result = parse_date(value)
    assert result is None or (len(result) == 20 and result.endswith("Z"))
