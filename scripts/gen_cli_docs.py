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
