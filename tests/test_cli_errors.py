"""Errors of the command line: mapped once to `error: ...` and an exit code, never a traceback
(issue 7 items 10 and 11). Real subprocesses against real SQLite files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Commands that only read the database, as a user types them.
READ_COMMANDS = [
    ["stats", "--json"],
    ["runs", "list"],
    ["sources", "list"],
    ["sources", "export"],
    ["claims", "list"],
]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    env.pop("FACTWATCH_DB", None)
    return subprocess.run([sys.executable, "-m", "factwatch.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def assert_explained(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)


@pytest.fixture
def populated_db(tmp_path: Path) -> Path:
    """A real database with 3,000 documents in it (enough pages to be damaged by truncation)."""
    rows = "\n".join(f"{i},Dokument broj {i} o budžetu opštine za 2027. godinu i {'plata ' * 20}" for i in range(3000))
    csv = tmp_path / "posts.csv"
    csv.write_text("id,text\n" + rows + "\n", encoding="utf-8")
    db = tmp_path / "f.db"
    result = run_cli("--db", str(db), "ingest", str(csv), "--source", "Outlet", "--json")
    assert result.returncode == 0, result.stderr
    return db


# -- item 10: one mapping, no tracebacks ---------------------------------------------------------


@pytest.mark.parametrize("args", [*READ_COMMANDS, ["runs", "show", "x"], ["analyze"], ["card", "1"],
                                  ["serve", "--port", "1"], ["ingest", "/dev/null"]],
                         ids=lambda a: " ".join(a))
def test_an_unsupported_database_url_is_an_error_not_a_traceback(args):
    assert_explained(run_cli("--db", "postgres://x", *args), "PostgreSQL backend is not available")


def test_errors_are_mapped_in_one_place():
    source = (REPO / "src" / "factwatch" / "cli.py").read_text(encoding="utf-8")
    assert source.count("except FactwatchError") == 1


def test_an_unwritable_output_file_is_explained(populated_db, tmp_path):
    result = run_cli("--db", str(populated_db), "sources", "export", "-o", str(tmp_path / "no" / "such" / "dir.yaml"))
    assert_explained(result, "No such file or directory")


# -- item 11: damaged, read-only, immutable and missing databases ----------------------------------


@pytest.mark.parametrize("args", [*READ_COMMANDS, ["ingest", "/dev/null"], ["analyze"]], ids=lambda a: " ".join(a))
def test_a_file_that_is_not_a_database_is_explained(tmp_path, args):
    db = tmp_path / "f.db"
    db.write_bytes(os.urandom(8192))
    assert_explained(run_cli("--db", str(db), *args), "is not a factwatch database", "Check --db")


def test_a_truncated_database_is_explained(populated_db):
    size = populated_db.stat().st_size
    with open(populated_db, "r+b") as f:
        f.truncate(size // 2)
    assert_explained(run_cli("--db", str(populated_db), "stats", "--json"), "is damaged", "backup", ".recover")


@pytest.mark.parametrize("args", READ_COMMANDS + [["card", "1"], ["runs", "show", "x"]], ids=lambda a: " ".join(a))
def test_a_mistyped_db_for_a_reading_command_is_not_created(tmp_path, args):
    db = tmp_path / "mistyped.db"
    assert_explained(run_cli("--db", str(db), *args), "does not exist", "--db")
    assert not db.exists()


def test_a_folder_given_as_db_is_explained(tmp_path):
    assert_explained(run_cli("--db", str(tmp_path), "stats"), "is a folder")


def _check_read_commands_work(db: Path) -> None:
    for args in READ_COMMANDS:
        result = run_cli("--db", str(db), *args)
        assert result.returncode == 0, (args, result.stderr)
    assert '"documents": 3000' in run_cli("--db", str(db), "stats", "--json").stdout


def test_reading_commands_work_on_an_immutable_database_and_writing_ones_say_why_not(populated_db, tmp_path):
    # Under chattr +i even root cannot write the file: the read-only case as root sees it.
    if subprocess.run(["chattr", "+i", str(populated_db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not allowed here (needs root and a file system with attributes)")
    try:
        _check_read_commands_work(populated_db)
        extra = tmp_path / "more.jsonl"
        extra.write_text('{"id": "n1", "text": "Nova vest"}\n', encoding="utf-8")
        assert_explained(run_cli("--db", str(populated_db), "ingest", str(extra), "--json"),
                         "is read-only", "chattr -i", "Commands that only read work")
    finally:
        subprocess.run(["chattr", "-i", str(populated_db)], check=True)


def test_reading_commands_work_on_a_read_only_file(populated_db, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes files whatever their mode; the immutable test covers root")
    populated_db.chmod(0o444)
    try:
        _check_read_commands_work(populated_db)
        extra = tmp_path / "more.jsonl"
        extra.write_text('{"id": "n1", "text": "Nova vest"}\n', encoding="utf-8")
        assert_explained(run_cli("--db", str(populated_db), "ingest", str(extra), "--json"), "is read-only")
    finally:
        populated_db.chmod(0o644)


def test_match_and_card_work_on_an_immutable_database(tmp_path):
    """Checking a claim only reads: query vectors stay in memory, nothing is written."""
    db = tmp_path / "f.db"
    facts = REPO / "tests" / "data" / "facts" / "facts_profile.yaml"
    assert run_cli("--db", str(db), "facts", "import", str(facts), "--json").returncode == 0
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not allowed here (needs root and a file system with attributes)")
    try:
        result = run_cli("--db", str(db), "match", "Влада Косова је забранила Српску православну цркву.", "--json")
        assert result.returncode == 0, result.stderr
        assert '"addressed": true' in result.stdout
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)


# -- ports: out of range is a usage error; --port 0 reports the port the kernel chose -------------


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_out_of_range_is_a_usage_error_not_a_traceback(command, tmp_path):
    result = run_cli("--db", str(tmp_path / "f.db"), command, "--port", "99999")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "--port" in result.stderr and "65535" in result.stderr
    assert not (tmp_path / "f.db").exists()  # refused before anything is created or loaded


def test_serve_on_port_0_prints_the_port_it_listens_on(tmp_path):
    import signal
    import time
    import urllib.error
    import urllib.request

    db = tmp_path / "f.db"
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": "1", "text": "Vest o budžetu"}\n', encoding="utf-8")
    assert run_cli("--db", str(db), "ingest", str(posts), "--json").returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "factwatch.cli", "--db", str(db), "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "factwatch dashboard on http://127.0.0.1:PORT  (database ...)"
        url = line.split()[3]
        port = int(url.rsplit(":", 1)[1])
        assert port != 0, line  # it said :0, which no browser can open
        deadline = time.monotonic() + 60
        while True:  # the line comes once the store is open; the server listens a moment later
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=30) as answer:
                    assert answer.status == 200
                    break
            except urllib.error.URLError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def test_coordination_from_an_empty_csv_says_it_is_empty(tmp_path):
    table = tmp_path / "shares.csv"
    table.write_bytes(b"")
    result = run_cli("coordination", "--from-csv", str(table), "--account", "a", "--object", "o", "--time", "t",
                     "--json", cwd=tmp_path)
    # It said the header had none of the columns ("columns: none"), sending the user to the options.
    assert_explained(result, "is empty")
    assert "columns: none" not in result.stderr


@pytest.mark.parametrize("args", [["runs", "list", "--limit", "-1"], ["claims", "list", "--limit", "0"],
                                  ["review", "list", "--limit", "-1"]], ids=lambda a: " ".join(a))
def test_a_limit_below_1_is_a_usage_error(populated_db, args):
    # SQLite reads LIMIT -1 as "no limit": `runs list --limit -1` listed every run, with status 0.
    result = run_cli("--db", str(populated_db), *args)
    assert result.returncode == 2 and "--limit" in result.stderr and result.stdout == ""
