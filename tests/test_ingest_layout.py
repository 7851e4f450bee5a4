"""The ingest package's layout (issue 7 item 16): one module per format, inputs opened in one
module, a public loader shared by ingest and watch, no private names across modules, no dead code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import factwatch.ingest as ingest
from factwatch.ingest.inputs import PARSERS

SRC = Path(__file__).resolve().parents[1] / "src" / "factwatch"
INGEST = SRC / "ingest"
# Record ingestion; the fact-base parsers (facts.py and its formats) are another package's concern.
RECORD_MODULES = ("__init__", "_csv", "_encoding", "_io", "_json", "_signals", "detect", "feeds", "inputs", "ira",
                  "loader", "registry", "service", "tables", "telegram", "watch", "web", "x")


def _tree(name: str) -> ast.Module:
    return ast.parse((INGEST / f"{name}.py").read_text(encoding="utf-8"))


def test_each_format_has_its_own_module():
    assert not (INGEST / "social.py").exists()
    modules = {fmt: parser.__module__.rsplit(".", 1)[1] for fmt, parser in PARSERS.items()}
    assert modules == {"rss": "feeds", "html": "web", "csv": "tables", "jsonl": "tables", "ira": "ira",
                       "x": "x", "telegram": "telegram"}


def test_service_only_runs_ingestion():
    """Opening files, gzip, directories and URLs is inputs.py's; storing records is loader.py's."""
    imported = {alias.name for node in ast.walk(_tree("service")) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    assert not imported & {"gzip", "os", "zlib", "io", "json", "hashlib", "fetch_url"}
    source = (INGEST / "service.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) < 120


def test_no_module_imports_a_private_name_from_a_sibling():
    offenders = []
    for name in RECORD_MODULES:
        for node in ast.walk(_tree(name)):
            # `from . import _io` (a private module) and `from ._io import x` are the package's own business.
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module and not node.module.startswith("_"):
                offenders += [f"{name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []


def test_watch_stores_through_the_public_loader():
    names = {alias.name for node in ast.walk(_tree("watch")) if isinstance(node, ast.ImportFrom)
             for alias in node.names}
    assert "DocumentLoader" in names and ingest.DocumentLoader.__module__ == "factwatch.ingest.loader"


def test_public_api_resolves():
    for name in ingest.__all__:
        assert getattr(ingest, name) is not None, name


def test_no_unused_top_level_functions():
    """Every top-level function of the record-ingest modules is used somewhere in src/ (or exported)."""
    everything = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    unused = []
    for name in RECORD_MODULES:
        for node in _tree(name).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("__"):
                uses = len(re.findall(rf"\b{re.escape(node.name)}\b", everything))
                if uses < 2 and node.name not in ingest.__all__:
                    unused.append(f"{name}.{node.name}")
    assert unused == []
