"""What the command line shows people: no terminal escapes from sources (issue 7 item 9),
--version, claims list, card of a missing claim, value names in help (item 13), progress of
long commands and readable summaries (item 14). Real subprocesses and real SQLite files."""

from __future__ import annotations

import importlib.util
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "tests" / "data" / "facts" / "facts_profile.yaml"
CYRILLIC_CLAIM = "Влада Косова је забранила Српску православну цркву, тврди портал."
UNRELATED = "Skupština grada Beograda usvojila je plan nove tramvajske linije do Zemuna."
# What must never reach a terminal raw: C0 controls but TAB/LF, DEL, C1 controls.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EVIL_SOURCE = "Evil\x1b[2J\x1b]8;;http://evil.example\x07Outlet\x9b"


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    env.pop("FACTWATCH_DB", None)
    return subprocess.run([sys.executable, "-m", "factwatch.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600, **kwargs)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


# -- item 9: terminal injection --------------------------------------------------------------------


@pytest.fixture
def hostile_db(tmp_path: Path) -> tuple[Path, str]:
    posts = tmp_path / "posts.jsonl"
    posts.write_bytes(
        b'{"id": "1", "text": "Dobar dan"}\n'
        b'{broken \x1b[31mRED \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \xc2\x9b2J \x1b[1A\r\n'
    )
    db = tmp_path / "f.db"
    data = json.loads(ok(run_cli("--db", str(db), "ingest", str(posts), "--source", EVIL_SOURCE, "--json")).stdout)
    assert data["rejected"] == 1
    return db, data["run_id"]


@pytest.mark.parametrize("args", [["sources", "list"], ["runs", "show", "RUN"], ["runs", "list"], ["sources", "export"]],
                         ids=lambda a: " ".join(a))
def test_control_characters_of_sources_never_reach_the_terminal(hostile_db, args):
    db, run_id = hostile_db
    shown = ok(run_cli("--db", str(db), *[run_id if a == "RUN" else a for a in args])).stdout
    assert not RAW_CONTROL.search(shown), repr(RAW_CONTROL.search(shown))
    if args[0] == "sources":
        assert "Evil" in shown and "Outlet" in shown
    if args[:2] == ["runs", "show"]:
        assert "\\x1b[31mRED" in shown  # shown as written, visibly


def test_json_output_keeps_the_exact_value_and_escapes_c1(hostile_db):
    db, _ = hostile_db
    text = ok(run_cli("--db", str(db), "sources", "list", "--json")).stdout
    assert not RAW_CONTROL.search(text)
    assert json.loads(text)["sources"][0]["name"] == EVIL_SOURCE


def test_error_messages_are_cleaned_too(tmp_path):
    result = run_cli("--db", str(tmp_path / "f.db"), "ingest", str(tmp_path / "missing\x1b[2J.xml"))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr


@pytest.mark.parametrize("text,multiline,expected", [
    ("a\x1b[31mb", True, "a\\x1b[31mb"),
    ("tab\tand\nline", True, "tab\tand\nline"),
    ("one\nline", False, "one\\x0aline"),
    ("carriage\rreturn", True, "carriage\\x0dreturn"),
    ("c1\x9bcsi\x85nel\x7fdel", True, "c1\\x9bcsi\\x85nel\\x7fdel"),
    ("Ћирилица, latinica: šđčćž", True, "Ћирилица, latinica: šđčćž"),
])
def test_clean(text, multiline, expected):
    from factwatch._output import clean

    assert clean(text, multiline=multiline) == expected


# -- item 13: --version, claims list, card, help -------------------------------------------------------


def test_version():
    from factwatch import __version__

    result = ok(run_cli("--version"))
    assert result.stdout.strip() == f"factwatch {__version__}"


def test_help_shows_value_names_not_python_types():
    from typer.testing import CliRunner

    from factwatch.cli import app

    spec = importlib.util.spec_from_file_location("gen_cli_docs", REPO / "scripts" / "gen_cli_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    runner = CliRunner()
    for path in [[]] + gen.command_paths():
        text = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "120"}).output
        assert not re.search(r"<(str|bool|int|float|path|list\[\w+\])>", text, re.I), (path, text)
    assert "--db PATH" in runner.invoke(app, ["--help"]).output


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A database with the test fact base and two posts, analysed once; the analyze run kept."""
    tmp = tmp_path_factory.mktemp("analysed")
    db = tmp / "f.db"
    ok(run_cli("--db", str(db), "facts", "import", str(FACTS), "--json"))
    posts = tmp / "posts.jsonl"
    posts.write_text(
        json.dumps({"id": "1", "text": CYRILLIC_CLAIM, "published_at": "2026-10-06T10:00:00Z"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "2", "text": UNRELATED, "published_at": "2026-09-01T10:00:00Z"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    ok(run_cli("--db", str(db), "ingest", str(posts), "--json"))
    # stderr is a pipe here, as under cron or CI: progress must come as log lines.
    return db, ok(run_cli("--db", str(db), "analyze"))


def test_claims_list_gives_the_ids_that_card_takes(analysed):
    db, _ = analysed
    claims = json.loads(ok(run_cli("--db", str(db), "claims", "list", "--json")).stdout)["claims"]
    texts = {c["text"] for c in claims}
    assert CYRILLIC_CLAIM in texts and UNRELATED in texts
    addressed = json.loads(ok(run_cli("--db", str(db), "claims", "list", "--addressed", "--json")).stdout)["claims"]
    assert [c["text"] for c in addressed] == [CYRILLIC_CLAIM] and addressed[0]["addressed"] is True
    card = json.loads(ok(run_cli("--db", str(db), "card", str(addressed[0]["id"]), "--format", "json")).stdout)
    assert card["addressed"] and card["fact_check"]["url"]
    human = ok(run_cli("--db", str(db), "claims", "list", "--addressed")).stdout
    assert str(addressed[0]["id"]) in human and "card" in human


@pytest.mark.parametrize("since,expected", [
    ("2026-10-01", [CYRILLIC_CLAIM]),
    ("2026-10-06T11:00:00+02:00", [CYRILLIC_CLAIM]),  # 09:00 UTC, before the post
    ("2026-10-06T11:00:00+00:00", []),
    ("2026-08-01", [CYRILLIC_CLAIM, UNRELATED]),
])
def test_claims_list_since(analysed, since, expected):
    db, _ = analysed
    claims = json.loads(ok(run_cli("--db", str(db), "claims", "list", "--since", since, "--json")).stdout)["claims"]
    assert [c["text"] for c in claims] == expected


def test_claims_list_since_rejects_a_bad_date(analysed):
    db, _ = analysed
    result = run_cli("--db", str(db), "claims", "list", "--since", "last week")
    assert result.returncode == 1 and "--since expects a date" in result.stderr


def test_card_of_a_missing_claim_says_it_does_not_exist(analysed):
    db, _ = analysed
    result = run_cli("--db", str(db), "card", "99999")
    assert result.returncode == 1
    assert "Claim 99999 does not exist" in result.stderr and "claims list" in result.stderr
    assert "analyze" not in result.stderr


# -- item 14: progress and readable summaries ---------------------------------------------------


def test_analyze_logs_each_stage_when_stderr_is_not_a_terminal(analysed):
    _, result = analysed
    log = result.stderr
    for stage in ("claims", "embed_facts", "embed_claims", "match"):
        assert re.search(rf"^\d\d:\d\d:\d\d {stage}: started$", log, re.M), log
        assert re.search(rf"^\d\d:\d\d:\d\d {stage}: done in \d+s", log, re.M), log
    assert re.search(r"claims: done in \d+s · documents 2 ", log), log


def test_analyze_summary_is_text_not_python_dicts(analysed):
    _, result = analysed
    assert "{" not in result.stdout and "'" not in result.stdout
    assert re.search(r"claims\s.*documents 2", result.stdout), result.stdout


def test_analyze_names_the_stages_when_one_is_unknown(analysed):
    db, _ = analysed
    result = run_cli("--db", str(db), "analyze", "--stage", "claim")
    assert result.returncode == 1 and "Unknown stage claim" in result.stderr and "embed_claims" in result.stderr


def test_log_progress_reports_done_total_rate_and_time_left():
    import io

    from factwatch._output import LogProgress

    now = [100.0]
    stream = io.StringIO()
    stage = LogProgress(interval=5, stream=stream, clock=lambda: now[0])("embed_claims")
    for second in range(1, 16):
        now[0] = 100.0 + second
        stage(second * 50, 1000, "claims")
    stage.finish({"claims": 600, "embedded": 590, "seconds": 12.0})
    lines = [line.split(" ", 1)[1] for line in stream.getvalue().splitlines()]
    # A line at the start, one every 5 s (not on every call), one at the end.
    assert lines == [
        "embed_claims: started",
        "embed_claims: 250/1,000 claims (50.0/s, 15s left)",
        "embed_claims: 500/1,000 claims (50.0/s, 10s left)",
        "embed_claims: 750/1,000 claims (50.0/s, 5s left)",
        "embed_claims: done in 15s · claims 600 · embedded 590",
    ]


def test_analyze_draws_a_progress_bar_in_a_terminal(tmp_path):
    db = tmp_path / "f.db"
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps({"id": str(i), "text": f"Vlada je {i}. put usvojila budžet od {i} miliona evra."}) + "\n"
                             for i in range(40)), encoding="utf-8")
    ok(run_cli("--db", str(db), "ingest", str(posts), "--json"))
    main, child = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "TERM": "xterm", "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "factwatch.cli", "--db", str(db), "analyze", "--stage", "claims"],
                            stdout=subprocess.DEVNULL, stderr=child, env=env)
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(main)
    assert proc.returncode == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))
    assert "claims" in text and "40/40" in text and "documents" in text and "━" in text, text


def test_log_lines_of_watch_are_cleaned():
    """`watch` logs source names from the registry and reasons from servers."""
    code = ("import logging; from factwatch import _output; _output.log_to_stderr();"
            "logging.getLogger('factwatch.ingest.watch').warning('poll %s: %s', 'Evil\\x1b[2JOutlet', 'HTTP 500 \\x9b31m')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO / "src")}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not RAW_CONTROL.search(result.stderr)
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ poll Evil\\x1b\[2JOutlet: HTTP 500 \\x9b31m$", result.stderr.strip())
