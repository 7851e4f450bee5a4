"""Write docs/cli.md from the commands' own --help, so the reference cannot drift from the code.

Run `make docs` (or this script with --check, as tests/test_docs.py does).
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from factwatch.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"

# What holds for every command; the per-command help below does not repeat it.
CONVENTIONS = """
## Conventions

- **Database.** `--db PATH` (default `$FACTWATCH_DB`, then `./factwatch.db`). Commands that only
  read (`stats`, `runs`, `sources list|export|show`, `claims list`, `match`, `card`, `clusters`,
  `coordination`, `trends`, `alerts`, `campaigns`, `report`, `review list`, `narratives list|show|classify|export|candidates`,
  `users list`, `tokens list`, `calibrate --dry-run`, `narratives calibrate --dry-run`) need an
  existing database and open it read-only (SQLite `mode=ro`, or `immutable=1` when even the
  `-shm` file cannot be created): they work on a read-only or `chattr +i` file, and a mistyped
  `--db` is reported as missing instead of being created empty. `analyze` and the commands that
  record a decision or a change (`review confirm|reject`, `claims status|post`, `calibrate`,
  `narratives confirm|reject|calibrate|promote`, `users passwd|role|remove`, `tokens create|revoke`)
  also need an existing database. `ingest`, `watch`, `sources import`, `facts import`,
  `narratives import`, `users add` and `demo` create it; `inspect` and `coordination --from-csv`
  need none.
  `match` and `narratives classify` keep the vectors of their queries in memory, so they never write.
- **Errors.** One line on stderr, `error: ...`, saying what is wrong and what to do (a damaged or
  truncated file, a file that is not a database, a read-only file for a command that writes, a
  locked database, a full disk); exit status 1. Usage errors the parser catches (an unknown
  option, a missing argument, a number out of its range) exit 2 with click's `Usage:` message;
  values a command checks itself (an unknown `--format`, both TEXT and `--file`) are `error:`
  lines with status 1. Ctrl-C exits 130, except `watch`, for which it is the normal way to stop
  (status 0). No command prints a Python traceback: the root command group maps errors in one
  place (`cli._Commands`).
- **Output.** `--json` writes one JSON document on stdout. Everything else is for people, and
  text from sources is shown with control characters made visible (`\\x1b`), so a feed cannot
  send escape sequences to the terminal.
- **Progress.** Long commands (`analyze`, `ingest`, `facts import`, `narratives import`) report
  progress on stderr: a bar per stage (done/total, rate, time left) when stderr is a terminal,
  otherwise a timestamped log line when a stage starts, every 5 seconds while it runs, and when
  it ends.
"""


def command_paths() -> list[list[str]]:
    root = get_command(app)
    paths: list[list[str]] = []

    def walk(cmd, prefix: list[str]) -> None:  # type: ignore[no-untyped-def]
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(root, [])
    return paths


def render() -> str:
    runner = CliRunner()
    parts = [
        "# Command-line reference\n",
        "Generated from each command's `--help` by `scripts/gen_cli_docs.py` (`make docs`);"
        " `tests/test_docs.py` fails when this file is out of date.\n",
        CONVENTIONS,
    ]
    for path in [[]] + command_paths():
        result = runner.invoke(app, [*path, "--help"], prog_name="factwatch", env={"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"})
        title = " ".join(["factwatch", *path])
        parts.append(f"\n## `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if DOC.exists() and DOC.read_text(encoding="utf-8") == text else 1)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
