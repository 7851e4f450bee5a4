"""The CLI reference is generated from --help and must be current; every command has help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("gen_cli_docs", REPO / "scripts" / "gen_cli_docs.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


@pytest.mark.parametrize("path", gen.command_paths(), ids=lambda p: " ".join(p))
def test_every_command_is_documented_with_help(path):
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"## `factwatch {' '.join(path)}`" in text
    from typer.testing import CliRunner

    from factwatch.cli import app

    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) >= 3


def test_cli_reference_is_current():
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == gen.render(), "run `make docs`"
