"""A file read as a layout it is not (``--format ira`` on a plain CSV, ``--format x`` on a CSV or
another JSONL) is refused as a whole: one `error:` line naming what is missing, exit 1, no document
stored (DESIGN.md "Bad input"). Real subprocesses against real SQLite files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "ingest"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    env.pop("FACTWATCH_DB", None)
    return subprocess.run([sys.executable, "-m", "factwatch.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def documents(db: Path) -> int:
    result = run_cli("--db", str(db), "stats", "--json")
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["documents"])


def refused(db: Path, path: Path, *args: str) -> str:
    result = run_cli("--db", str(db), "ingest", str(path), *args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    assert documents(db) == 0
    return errors[0]


@pytest.mark.parametrize("header,missing", [
    ("id,content,date", "missing column(s) author (or author_id), publish_date "),
    ("author,text,publish_date", "missing column(s) content "),
    ("foo,bar,baz", "missing column(s) author (or author_id), content, publish_date "),
])
def test_ira_refuses_a_csv_without_the_ira_columns(tmp_path, header, missing):
    csv = tmp_path / "posts.csv"
    csv.write_text(f"{header}\n1,Kosovo je Srbija,2024-03-01\n2,Drugi tekst,2024-03-02\n", encoding="utf-8")
    error = refused(tmp_path / "f.db", csv, "--format", "ira")
    assert f"posts.csv: not the IRA layout: {missing}" in error
    assert "--format csv --map text=COLUMN" in error


def test_ira_still_reads_author_id_exports(tmp_path):
    # The real FiveThirtyEight subset names the account author_id, not author.
    csv = tmp_path / "ira.csv"
    csv.write_text("author_id,publish_date,content\nNOVOSTI,3/1/2015 9:05,Kosovo je Srbija\n", encoding="utf-8")
    db = tmp_path / "f.db"
    result = run_cli("--db", str(db), "ingest", str(csv), "--format", "ira")
    assert result.returncode == 0, result.stderr
    assert documents(db) == 1


def test_x_refuses_a_csv(tmp_path):
    error = refused(tmp_path / "f.db", DATA / "posts_map.csv", "--format", "x")
    assert "posts_map.csv: line 1: invalid JSON" in error and "not X API v2 JSONL" in error


def test_x_refuses_jsonl_of_another_layout(tmp_path):
    jsonl = tmp_path / "posts.jsonl"
    jsonl.write_text('{"poruka": "tekst", "autor": "ana"}\n{"poruka": "drugi"}\n', encoding="utf-8")
    error = refused(tmp_path / "f.db", jsonl, "--format", "x")
    assert "posts.jsonl: line 1 has none of the X API v2 keys" in error and "(got poruka, autor)" in error
    assert "--format jsonl --map text=FIELD" in error


def test_x_keeps_a_bad_later_line_a_rejection(tmp_path):
    # Only the first line stands for the layout: a broken line further on is that line's rejection.
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text('{"id": "1", "text": "prvi tvit"}\nnot json\n{"id": "2", "text": "drugi"}\n', encoding="utf-8")
    db = tmp_path / "f.db"
    result = run_cli("--db", str(db), "ingest", str(jsonl), "--format", "x", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rejected"] == 1 and documents(db) == 2


def test_csv_map_error_names_the_file(tmp_path):
    csv = tmp_path / "posts.csv"
    csv.write_text("id,body\n1,tekst\n", encoding="utf-8")
    error = refused(tmp_path / "f.db", csv, "--map", "text=content")
    assert error.startswith(f"error: {csv}: the header has no column 'content' for text")


def test_jsonl_map_to_a_field_the_first_object_lacks_is_refused(tmp_path):
    # Before: every record rejected for "missing text field 'content'", exit 0.
    jsonl = tmp_path / "posts.jsonl"
    jsonl.write_text('{"body": "prvi", "id": 1}\n{"body": "drugi", "id": 2}\n', encoding="utf-8")
    error = refused(tmp_path / "f.db", jsonl, "--map", "text=content")
    assert f"{jsonl}: line 1 has no field 'content' for text (fields: body, id); fix --map text=FIELD" in error


def test_jsonl_map_keeps_a_record_whose_mapped_field_is_null_a_rejection(tmp_path):
    jsonl = tmp_path / "posts.jsonl"
    jsonl.write_text('{"content": null}\n{"user": {"text": "x"}, "content": "drugi"}\n', encoding="utf-8")
    db = tmp_path / "f.db"
    result = run_cli("--db", str(db), "ingest", str(jsonl), "--map", "text=content", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rejected"] == 1 and documents(db) == 1


def test_x_keeps_a_broken_first_tweet_a_rejection(tmp_path):
    # A first line that starts as a JSON object but breaks is that tweet's fault, not the layout's.
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text('{"id": "1", "text": "odsečen\n{"id": "2", "text": "drugi"}\n', encoding="utf-8")
    db = tmp_path / "f.db"
    result = run_cli("--db", str(db), "ingest", str(jsonl), "--format", "x", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rejected"] == 1 and documents(db) == 1
