"""Oversized and hostile records (issue 7 items 2 and 12): the bad record is rejected with its
reason, every other record goes in, and no input makes the parser crash, hang or say "please report".

Inputs that crashed the interpreter (a 5,000-digit number in ijson's C backend) or hung it (1e999999999)
run in a child process, so a regression fails one test instead of killing the test run.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factwatch.ingest.inputs import iter_input
from factwatch.ingest.service import ingest_path
from factwatch.ingest.tables import iter_csv, iter_jsonl, open_csv
from factwatch.ingest.x import iter_x
from factwatch.models import ParsedRecord, RejectedRecord

MIB = 1024 * 1024


def split(items):
    items = list(items)
    return ([i for i in items if isinstance(i, ParsedRecord)], [i for i in items if isinstance(i, RejectedRecord)])


# --------------------------------------------------------------------------- item 2: CSV records over 16 MiB

def test_csv_line_over_16_mib_is_rejected_not_dropped(store, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.write(b"id,text\n1,Prvi red\n2,")
        f.write(b"a" * (17 * MIB))
        f.write(b"\n3,Treci red\n")
    stats = ingest_path(store, str(path))
    assert (stats.inserted, stats.rejected) == (2, 1)
    (rejection,) = store.list_rejections(stats.run_id)
    assert rejection.position == "row 2 (line 3)"
    assert "larger than 16 MiB" in rejection.reason
    assert rejection.raw.startswith("2,aaaa") and len(rejection.raw) < 1000  # an excerpt, not the record


def test_quoted_multiline_field_over_the_limit_rejects_only_its_row(store, tmp_path):
    """A quoted field of 20 lines of 1 MiB: one rejection, and the 1,000 rows after it parse
    (they used to turn into one junk rejection a line)."""
    path = tmp_path / "quoted.csv"
    with path.open("wb") as f:
        f.write(b'id,text,author\n1,"Prvi, s zarezom",a\n2,"')
        for _ in range(20):
            f.write(b"b" * MIB + b' "" , \n')
        f.write(b'kraj",b\n')
        for i in range(3, 1003):
            f.write(f'{i},"Red {i}, ""citat"" i zarez",c{i}\n'.encode())
    stats = ingest_path(store, str(path))
    assert (stats.inserted, stats.rejected) == (1001, 1)
    (rejection,) = store.list_rejections(stats.run_id)
    assert rejection.position == "row 2 (line 3)"
    assert "lines 3-23" in rejection.reason and "larger than 16 MiB" in rejection.reason
    texts = {d.external_id: d.text for d in store.list_documents(limit=5, query="citat")}
    assert any(t.startswith('Red ') and '"citat"' in t for t in texts.values())


def test_ira_layout_shares_the_record_limit(tmp_path, monkeypatch):
    import factwatch.ingest._io as io_mod

    monkeypatch.setattr(io_mod, "MAX_LINE_BYTES", 1000)
    data = ("author,content,publish_date\nA,\"" + "x\n" * 800 + "\",1/1/2017 10:00\nB,kratko,1/1/2017 11:00\n")
    path = tmp_path / "ira.csv"
    path.write_text(data)
    ok, bad = split(iter_input(str(path), fmt="ira"))
    assert [r.text for r in ok] == ["kratko"]
    assert len(bad) == 1 and "larger than" in bad[0].reason


def test_unterminated_quote_rejects_the_rest_as_one_record():
    data = b'id,text\n1,ok\n2,"never closed\n3,ne\n4,ne\n'
    ok, bad = split(iter_csv(io.BytesIO(data), name="t.csv"))
    assert [r.text for r in ok] == ["ok"]
    assert len(bad) == 1 and "quoted field" in bad[0].reason and "end of the file" in bad[0].reason


_cells = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\tč')), max_size=8)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(_cells, min_size=2, max_size=2), min_size=1, max_size=6),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
def test_records_split_as_csv_module_reads_them(rows, quoting):
    """The record splitter agrees with csv.reader on what csv.writer wrote (quotes, delimiters
    and newlines inside fields)."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=quoting)  # \r\n: a field holding \r or \n is quoted
    writer.writerow(["c1", "c2"])
    writer.writerows(rows)
    expected = [r for r in csv.reader(io.StringIO(buf.getvalue(), newline=""))][1:]
    expected = [r for r in expected if any(f.strip() for f in r)]
    header, got = open_csv(buf.getvalue().encode("utf-8"), name="t.csv")
    got = list(got)
    assert header == ["c1", "c2"]
    assert [dict(zip(header, r)) for r in expected] == [row for _, row in got]


# --------------------------------------------------------------------------- item 12: hostile JSON

def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [150, 990, 100_000])
def test_deeply_nested_jsonl_line_is_rejected_with_a_reason(depth):
    data = (json.dumps({"id": "1", "text": "prvi"}) + "\n" + '{"id": "2", "text": "dubok", "x": ' + _deep(depth)
            + "}\n" + json.dumps({"id": "3", "text": "treci"}) + "\n").encode()
    for parse in (iter_jsonl, iter_x):
        ok, bad = split(parse(io.BytesIO(data), name="deep.jsonl"))
        assert len(ok) == 2 and len(bad) == 1
        assert bad[0].position == "line 2" and "nested deeper than" in bad[0].reason


def test_format_detection_survives_a_deeply_nested_first_line(store, tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"a": ' + _deep(100_000) + "}\n" + json.dumps({"text": "dobar"}) + "\n")
    stats = ingest_path(store, str(path))  # --format auto sniffs the first line
    assert (stats.inserted, stats.rejected) == (1, 1)


@pytest.mark.parametrize("fmt", ["jsonl", "x"])
def test_number_too_long_for_python_is_a_rejected_line(store, tmp_path, fmt):
    path = tmp_path / "n.jsonl"
    path.write_text('{"id": ' + "1" * 5000 + ', "text": "a"}\n{"id": "2", "text": "dobar"}\n')
    stats = ingest_path(store, str(path), fmt=fmt)
    assert (stats.inserted, stats.rejected) == (1, 1)
    assert "digits" in store.list_rejections(stats.run_id)[0].reason


def _run_child(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("number", ["1" * 5000, "1e999999999", "-" + "9" * 30])
def test_telegram_huge_number_neither_crashes_nor_hangs(tmp_path, number):
    path = tmp_path / "result.json"
    path.write_text('{"name": "Kanal", "id": 77, "messages": ['
                    '{"id": 1, "type": "message", "text": "prva"},'
                    '{"id": 2, "type": "message", "text": "druga", "views": ' + number + '},'
                    '{"id": 3, "type": "message", "text": "treca"}]}')
    child = _run_child(f"""
        from factwatch.ingest.telegram import iter_telegram
        from factwatch.models import RejectedRecord
        with open({str(path)!r}, "rb") as f:
            for item in iter_telegram(f, name="result.json"):
                print(type(item).__name__, item.position, getattr(item, "reason", ""))
    """, timeout=30)
    assert child.returncode == 0, child.stderr[-2000:]
    lines = child.stdout.splitlines()
    assert lines[0] == "ParsedRecord message 1 "
    assert any(line.startswith("RejectedRecord") and "number" in line for line in lines), lines


def test_telegram_deeply_nested_message_is_rejected_alone():
    data = ('{"name": "Kanal", "id": 77, "messages": [{"id": 1, "type": "message", "text": "prva"},'
            '{"id": 2, "type": "message", "text": "druga", "x": ' + _deep(5000) + '},'
            '{"id": 3, "type": "message", "text": "treca"}]}').encode()
    from factwatch.ingest.telegram import iter_telegram

    ok, bad = split(iter_telegram(io.BytesIO(data), name="result.json"))
    assert [r.external_id for r in ok] == ["77/1", "77/3"]
    assert bad[0].position == "message 2" and "nested deeper than" in bad[0].reason


@pytest.mark.parametrize("export", [
    '{"name": 5, "id": 1, "messages": [{"id": 1, "type": "message", "text": "a"}]}',
    '{"name": "c", "id": 1, "messages": [{"id": {"a": 1}, "type": "message", "text": "a"},'
    ' {"id": 2, "type": "message", "text": "b"}]}',
    '{"name": ["c"], "id": 1, "messages": [{"id": 2, "type": "message", "text": "b", "from": 7}]}',
])
def test_telegram_odd_field_types_are_rejections_not_crashes(store, tmp_path, export):
    path = tmp_path / "result.json"
    path.write_text(export)
    stats = ingest_path(store, str(path), fmt="telegram")
    assert stats.inserted == 1
    for doc in store.list_documents():
        assert isinstance(doc.source, str) and doc.source and isinstance(doc.author or "", str)


@pytest.mark.parametrize("line", [
    '{"data": {"id": "1", "text": "a"}, "includes": {"users": [{"id": "1", "username": ["u"]}]}}',
    '{"id": {"n": 1}, "text": "a"}',
    '{"id": "3", "text": ["a"]}',
    '{"errors": "not a list"}',
    '{"id": "4", "text": "ok", "created_at": {"d": 1}, "lang": 5, "author_id": ["x"]}',
])
def test_x_plain_bad_input_is_rejected_or_stored_never_unexpected(store, tmp_path, line):
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n" + json.dumps({"id": "99", "text": "dobar"}) + "\n")
    stats = ingest_path(store, str(path), fmt="x")
    assert stats.inserted + stats.rejected == 2 and stats.inserted >= 1
    for doc in store.list_documents():
        assert all(isinstance(v, str) for v in (doc.source, doc.author or "", doc.url or ""))


def test_a_named_pipe_in_a_folder_is_skipped_not_waited_on(tmp_path):
    import os

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"text": "dobar"}) + "\n")
    os.mkfifo(folder / "b.pipe")  # opening it for reading would block until a writer comes
    (folder / "c.jsonl").symlink_to(folder / "missing.jsonl")
    child = _run_child(f"""
        from factwatch.ingest.inputs import iter_input
        for item in iter_input({str(folder)!r}):
            print(type(item).__name__, item.position)
    """, timeout=30)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.splitlines() == ["ParsedRecord a.jsonl: line 1", "RejectedRecord b.pipe",
                                         "RejectedRecord c.jsonl"]
